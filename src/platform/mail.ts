import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Db, Tx } from '../db/tenant-scope.ts';
import { inTenant } from '../db/tenant-scope.ts';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  requestId?: string;
}

/**
 * Queues a mail in the caller's transaction (transactional outbox): it is sent only if the
 * change it reports commits, and it survives a crash between commit and sending.
 */
export async function queueMail(trx: Tx, tenantId: string, mail: OutgoingMail): Promise<void> {
  await trx
    .insertInto('mail_outbox')
    .values({
      tenant_id: tenantId,
      to_address: mail.to,
      subject: mail.subject,
      text_body: mail.text,
      html_body: mail.html ?? null,
      request_id: mail.requestId ?? null,
    })
    .execute();
}

export interface MailTransport {
  send(message: { from: string; to: string; subject: string; text: string; html?: string }): Promise<void>;
  close(): void;
}

/** SMTP when SMTP_URL is set; otherwise .eml files in <data dir>/outbox a newcomer can open. */
export function createMailTransport(options: { smtpUrl?: string; outboxDir: string }): MailTransport {
  if (options.smtpUrl) {
    const transporter = nodemailer.createTransport(options.smtpUrl);
    return {
      send: async (m) => {
        await transporter.sendMail(m);
      },
      close: () => transporter.close(),
    };
  }
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    send: async (m) => {
      const info = await transporter.sendMail(m);
      mkdirSync(options.outboxDir, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${info.messageId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 16)}.eml`;
      writeFileSync(path.join(options.outboxDir, name), info.message as Buffer);
    },
    close: () => transporter.close(),
  };
}

const MAX_ATTEMPTS = 8;

/**
 * Sends queued mails, tenant by tenant. Runs on a timer and when kicked after a commit; a
 * failed send is retried with exponential backoff, then marked failed.
 */
export class MailOutboxWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly transport: MailTransport,
    private readonly from: string,
    private readonly logger: Logger,
    private readonly intervalMs = 2000,
    /** False in web processes when a separate worker process (`npm run worker`) sends the mail. */
    private readonly enabled = true,
  ) {}

  start(): void {
    if (!this.enabled) return;
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.intervalMs);
    this.timer.unref();
    this.kick();
  }

  /** Asks for a pass soon (after a commit that queued mail). */
  kick(): void {
    if (this.stopped || !this.enabled) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err) => this.logger.warn({ err }, 'mail outbox pass failed'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Runs passes until nothing is pending (tests and shutdown). */
  async flush(): Promise<void> {
    if (this.running) await this.running;
    await this.drain();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    const tenants = await sql<{ id: string }>`select guichet_tenant_ids() as id`.execute(this.db);
    for (const { id } of tenants.rows) {
      for (;;) {
        const sent = await this.sendBatch(id);
        if (sent === 0) break;
      }
    }
  }

  private async sendBatch(tenantId: string): Promise<number> {
    return inTenant(this.db, tenantId, async (trx) => {
      const batch = await trx
        .selectFrom('mail_outbox')
        .selectAll()
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', new Date())
        .orderBy('created_at')
        .limit(20)
        .forUpdate()
        .skipLocked()
        .execute();
      const sent: string[] = [];
      for (const m of batch) {
        try {
          await this.transport.send({
            from: this.from,
            to: m.to_address,
            subject: m.subject,
            text: m.text_body,
            html: m.html_body ?? undefined,
          });
          sent.push(m.id);
        } catch (err) {
          const attempts = m.attempts + 1;
          await trx
            .updateTable('mail_outbox')
            .set({
              attempts,
              last_error: String((err as Error).message).slice(0, 500),
              status: attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
              next_attempt_at: new Date(Date.now() + 2 ** attempts * 1000),
            })
            .where('id', '=', m.id)
            .execute();
          this.logger.warn({ err, mailId: m.id }, 'mail not sent, will retry');
        }
      }
      // One statement for the whole batch: under load the outbox is written as often as requests.
      if (sent.length > 0) {
        await trx
          .updateTable('mail_outbox')
          .set((eb) => ({ status: 'sent', sent_at: new Date(), attempts: eb('attempts', '+', 1) }))
          .where('id', 'in', sent)
          .execute();
      }
      // A full batch means there may be more; failures wait for their next attempt time.
      return batch.length === 20 ? batch.length : 0;
    });
  }
}
