import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql, type Insertable, type Updateable } from 'kysely';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { InlineAttachment, MailOutboxTable } from '../db/schema.ts';
import type { Db, Tx } from '../db/tenant-scope.ts';
import { inTenant, withTenantConnection } from '../db/tenant-scope.ts';
import { addressOf, tenantMailSender, type MailSender } from './mail-sender.ts';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  requestId?: string;
  /** This mail's Reply-To, instead of the tenant's (an item's own reply address). */
  replyTo?: string;
  /**
   * Extra headers, e.g. Auto-Submitted of an acknowledgement. In-Reply-To and References of a
   * mail about a request are written when it is sent (`threadHeaders`); given here, they win.
   */
  headers?: Record<string, string>;
  /** Documents of the request (request_documents) to attach, read when the mail is sent. */
  attachmentIds?: string[];
  /** Files made with the mail (an appointment's .ics), stored with it. */
  inlineAttachments?: InlineAttachment[];
  /**
   * Past this instant the mail is not sent any more (status 'expired'): an appointment's reminder
   * must never arrive after the appointment, whatever kept the mail server away.
   */
  notAfter?: Date;
}

/**
 * Queues a mail in the caller's transaction (transactional outbox): it is sent only if the
 * change it reports commits, and it survives a crash between commit and sending. Returns the
 * mail's Message-ID (`<uuid@domain>` once sent, see messageIdOf): its local part is stored with
 * the mail, so that a reply or a bounce leads back to the request it was about.
 */
export async function queueMail(trx: Tx, tenantId: string, mail: OutgoingMail): Promise<{ messageId: string }> {
  const row = await trx
    .insertInto('mail_outbox')
    .values(outboxRow(tenantId, mail))
    .returning('message_id')
    .executeTakeFirstOrThrow();
  return { messageId: row.message_id };
}

/** The outbox row of a mail, for a caller that queues it within a statement of its own. */
export function outboxRow(tenantId: string, mail: OutgoingMail): Insertable<MailOutboxTable> {
  return {
    tenant_id: tenantId,
    to_address: mail.to,
    subject: mail.subject,
    text_body: mail.text,
    html_body: mail.html ?? null,
    request_id: mail.requestId ?? null,
    reply_to: mail.replyTo ?? null,
    headers: JSON.stringify(mail.headers ?? {}),
    attachment_ids: mail.attachmentIds ?? [],
    inline_attachments: JSON.stringify(mail.inlineAttachments ?? []),
    not_after: mail.notAfter ?? null,
  };
}

/** The right-hand side of every Message-ID Guichet writes: MAIL_FROM's domain. */
export function messageIdDomain(mailFrom: string): string {
  return (addressOf(mailFrom).split('@')[1] ?? 'guichet.localhost').toLowerCase();
}

/** `<uuid@domain>`: the Message-ID of the outbox row whose message_id is `localPart`. */
export function messageIdOf(localPart: string, domain: string): string {
  return `<${localPart}@${domain}>`;
}

/**
 * The X-Loop value on every mail Guichet sends: a message that comes back with it (an
 * auto-responder quoting our headers, a forward loop) is never answered (inbound-mail).
 */
export function loopToken(domain: string): string {
  return `guichet@${domain}`;
}

/** One message as handed to the transport: From is the tenant's sender (tenants/mail-sender.ts). */
export interface TransportMessage {
  from: string | { name: string; address: string };
  replyTo?: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  messageId?: string;
  headers?: Record<string, string>;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

export interface MailTransport {
  send(message: TransportMessage): Promise<void>;
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
const BATCH = 20;
/** How long a claim keeps other senders off a row; a sender that died is replaced after this. */
const CLAIM_SECONDS = 600;
/** Past half the claim, a sender stops and hands back what it has not sent yet. */
const CLAIM_SAFETY_MS = (CLAIM_SECONDS * 1000) / 2;

interface ClaimedMail {
  id: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  message_id: string;
  reply_to: string | null;
  headers: Record<string, string> | string | null;
  request_id: string | null;
  attachment_ids: string[] | string | null;
  inline_attachments: InlineAttachment[] | string | null;
  not_after: Date | string | null;
  /** Counts this attempt. */
  attempts: number;
  created_at: Date;
}

/**
 * Sends queued mails, tenant by tenant. Runs on a timer and when kicked after a commit.
 *
 * Each pass claims a batch in a short transaction (`claimed_until`, attempts + 1, rows taken with
 * SKIP LOCKED so concurrent senders take different rows), commits, then talks to the SMTP server
 * with no transaction open and marks each mail sent, or pending again with exponential backoff
 * (failed after MAX_ATTEMPTS). A slow SMTP server therefore holds no lock on the outbox and no
 * transaction open; a sender that crashes leaves claims that expire after CLAIM_SECONDS.
 */
export class MailOutboxWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly transport: MailTransport,
    /** MAIL_FROM: its address is the default sender address of every tenant. */
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
        const claimed = await this.sendBatch(id);
        if (claimed < BATCH) break;
      }
    }
  }

  /** Claims up to BATCH due mails of one tenant and commits; returns them with the tenant's sender. */
  private async claim(tenantId: string): Promise<{ mails: ClaimedMail[]; sender: MailSender | null }> {
    return inTenant(this.db, tenantId, async (trx) => {
      const claimed = await sql<ClaimedMail>`
        update mail_outbox
        set claimed_until = now() + make_interval(secs => ${CLAIM_SECONDS}), attempts = attempts + 1
        where (tenant_id, id) in (
          select tenant_id, id from mail_outbox
          where status = 'pending' and next_attempt_at <= now() and (claimed_until is null or claimed_until <= now())
          order by created_at
          limit ${BATCH}
          for update skip locked)
        returning id, to_address, subject, text_body, html_body, message_id, reply_to, headers, request_id,
          attachment_ids, inline_attachments, not_after, attempts, created_at`.execute(trx);
      if (claimed.rows.length === 0) return { mails: [], sender: null };
      // Row-level security shows this tenant's row only.
      const tenant = await trx
        .selectFrom('tenants')
        .select(['name', 'kind', 'contact', 'mail_sender_name', 'mail_sender_address', 'mail_reply_to'])
        .executeTakeFirstOrThrow();
      // The update returns rows in no particular order: send oldest first.
      const mails = [...claimed.rows].sort((a, b) => +new Date(a.created_at) - +new Date(b.created_at));
      return { mails, sender: tenantMailSender(tenant, this.from) };
    });
  }

  private async sendBatch(tenantId: string): Promise<number> {
    const claimedAt = Date.now();
    const { mails, sender } = await this.claim(tenantId);
    if (!sender) return 0;
    const mark = (id: string, values: Updateable<MailOutboxTable>) =>
      withTenantConnection(this.db, tenantId, (conn) =>
        conn.updateTable('mail_outbox').set(values).where('id', '=', id).where('status', '=', 'pending').execute(),
      );
    const domain = messageIdDomain(this.from);
    for (const [i, m] of mails.entries()) {
      if (this.stopped || Date.now() - claimedAt > CLAIM_SAFETY_MS) {
        // Hands back the rest (attempts restored) rather than send on a claim about to expire.
        const rest = mails.slice(i).map((r) => r.id);
        await withTenantConnection(this.db, tenantId, (conn) =>
          conn
            .updateTable('mail_outbox')
            .set((eb) => ({ claimed_until: null, attempts: eb('attempts', '-', 1) }))
            .where('id', 'in', rest)
            .where('status', '=', 'pending')
            .execute(),
        );
        return 0;
      }
      if (m.not_after && new Date(m.not_after).getTime() <= Date.now()) {
        await mark(m.id, { status: 'expired', claimed_until: null, last_error: 'not sent: too late (not_after)' });
        continue;
      }
      try {
        const extra = typeof m.headers === 'string' ? (JSON.parse(m.headers) as Record<string, string>) : m.headers;
        const thread = m.request_id ? await threadHeaders(this.db, tenantId, m, domain) : {};
        const attachments = [
          ...(await loadAttachments(this.db, tenantId, m.attachment_ids)),
          ...inlineAttachmentsOf(m.inline_attachments),
        ];
        await this.transport.send({
          ...sender,
          ...(m.reply_to ? { replyTo: m.reply_to } : {}),
          to: m.to_address,
          subject: m.subject,
          text: m.text_body,
          html: m.html_body ?? undefined,
          messageId: messageIdOf(m.message_id, domain),
          // Auto-responders are asked not to answer (Exchange reads X-Auto-Response-Suppress), and
          // X-Loop marks the mail as ours should it come back to the inbound address.
          headers: { 'X-Auto-Response-Suppress': 'OOF, AutoReply', 'X-Loop': loopToken(domain), ...thread, ...extra },
          ...(attachments.length > 0 ? { attachments } : {}),
        });
      } catch (err) {
        await mark(m.id, {
          claimed_until: null,
          last_error: String((err as Error).message).slice(0, 500),
          status: m.attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
          next_attempt_at: nextAttemptAt(m.attempts, m.not_after),
        });
        this.logger.warn({ err, mailId: m.id }, 'mail not sent, will retry');
        continue;
      }
      await mark(m.id, { status: 'sent', sent_at: new Date(), claimed_until: null });
    }
    return mails.length;
  }
}

/** References keeps the first message of the thread and the most recent ones (RFC 5322 § 3.6.4). */
const MAX_REFERENCES = 20;

/**
 * In-Reply-To and References of a mail about a request, so that the recipient's mail client
 * shows one conversation per item: the Message-IDs of the earlier mails Guichet sent to the same
 * address about it, and of the messages that address sent about it (an email item's first
 * message, the citizen's replies), oldest first; In-Reply-To is the latest. A message is dated
 * by the event it made; a mail that names a message as its In-Reply-To (an acknowledgement,
 * queued in the same transaction, dated by its start) comes after it. Read when the mail is
 * sent, so that every use case that queues a mail about an item gets it without doing anything.
 */
export async function threadHeaders(
  db: Db,
  tenantId: string,
  mail: { id: string; request_id: string | null; to_address: string; created_at: Date | string },
  domain: string,
): Promise<Record<string, string>> {
  if (!mail.request_id) return {};
  const rows = await withTenantConnection(db, tenantId, (conn) =>
    sql<{ message_id: string }>`
      select message_id from (
        select '<' || o.message_id || '@' || ${domain} || '>' as message_id,
          greatest(o.created_at, (
            select e.created_at from inbound_mails m
            join request_events e on e.tenant_id = m.tenant_id and e.id = m.event_id
            where m.request_id = o.request_id and m.message_id = o.headers ->> 'In-Reply-To'
            limit 1)) as at,
          1 as after_inbound
        from mail_outbox o
        where o.request_id = ${mail.request_id} and lower(o.to_address) = lower(${mail.to_address})
          and o.created_at < ${new Date(mail.created_at)} and o.id <> ${mail.id}
        union all
        select m.message_id, e.created_at as at, 0 as after_inbound
        from inbound_mails m
        join request_events e on e.tenant_id = m.tenant_id and e.id = m.event_id
        where m.request_id = ${mail.request_id} and lower(m.from_address) = lower(${mail.to_address})
          and m.message_id is not null
      ) thread
      order by at, after_inbound`.execute(conn),
  );
  const ids = [...new Set(rows.rows.map((r) => r.message_id).filter((id) => /^<[^<>\s]+>$/.test(id)))];
  if (ids.length === 0) return {};
  const kept = ids.length > MAX_REFERENCES ? [ids[0]!, ...ids.slice(-(MAX_REFERENCES - 1))] : ids;
  return { 'In-Reply-To': kept[kept.length - 1]!, References: kept.join(' ') };
}

/** The documents a mail attaches, as its transport takes them; a document erased since is left out. */
async function loadAttachments(
  db: Db,
  tenantId: string,
  ids: string[] | string | null,
): Promise<{ filename: string; content: Buffer; contentType: string }[]> {
  const list = typeof ids === 'string' ? parsePgUuidArray(ids) : (ids ?? []);
  if (list.length === 0) return [];
  const rows = await withTenantConnection(db, tenantId, (conn) =>
    conn
      .selectFrom('request_documents')
      .select(['id', 'filename', 'mime_type', 'content'])
      .where('id', 'in', list)
      .execute(),
  );
  return list.flatMap((id) => {
    const d = rows.find((r) => r.id === id);
    return d ? [{ filename: d.filename, content: Buffer.from(d.content), contentType: d.mime_type }] : [];
  });
}

/** `{a,b}` as a driver may return a uuid[] it has no parser for. */
function parsePgUuidArray(value: string): string[] {
  return value
    .replace(/^\{|\}$/g, '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** The files stored with a mail, as the transport takes them. */
function inlineAttachmentsOf(
  value: InlineAttachment[] | string | null,
): { filename: string; content: Buffer; contentType: string }[] {
  const list = typeof value === 'string' ? (JSON.parse(value) as InlineAttachment[]) : (value ?? []);
  return list.map((a) => ({
    filename: a.filename,
    content: Buffer.from(a.content, 'utf8'),
    contentType: a.contentType,
  }));
}

/**
 * When to try a failed mail again: exponential backoff, but a mail with a deadline (a reminder)
 * is tried again at the latest a minute before it, so that the end of an outage is not missed.
 */
function nextAttemptAt(attempts: number, notAfter: Date | string | null): Date {
  const backoff = Date.now() + 2 ** attempts * 1000;
  if (!notAfter) return new Date(backoff);
  const lastChance = new Date(notAfter).getTime() - 60_000;
  return new Date(Math.max(Date.now(), Math.min(backoff, lastChance)));
}
