import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { createTestContext, TEST_DB, type TestContext } from '../../test/support/test-app.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { MailOutboxWorker, queueMail, type MailTransport, type TransportMessage } from './mail.ts';

/**
 * A real SMTP server that keeps the DATA of every message waiting until the test releases it:
 * a slow or stuck mail relay, as happens in production.
 */
async function startSlowSmtp() {
  const received: ParsedMail[] = [];
  let release: () => void = () => {};
  let released = new Promise<void>((resolve) => (release = resolve));
  let onArrival: (() => void) | null = null;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then(async (mail) => {
          onArrival?.();
          await released;
          received.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    received,
    /** Resolves when the next message is being held. */
    nextArrival: () => new Promise<void>((resolve) => (onArrival = resolve)),
    release: () => release(),
    hold: () => {
      released = new Promise<void>((resolve) => (release = resolve));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Fails instead of waiting forever: what used to happen behind a transaction held open. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: still waiting after ${ms} ms`)), ms)),
  ]);
}

describe(`mail outbox: claim, commit, send, mark (${TEST_DB})`, () => {
  let ctx: TestContext;
  let smtp: Awaited<ReturnType<typeof startSlowSmtp>>;

  before(async () => {
    smtp = await startSlowSmtp();
    ctx = await createTestContext({ env: { SMTP_URL: smtp.url } });
  });
  after(async () => {
    smtp.release();
    await ctx.close();
    await smtp.close();
  });

  const queue = (subject: string) =>
    inTenant(ctx.services.db, ctx.tenantId, (trx) =>
      queueMail(trx, ctx.tenantId, { to: 'camille@example.org', subject, text: `Texte de ${subject}` }),
    );
  const rows = async () =>
    (
      await ctx.database.ownerQuery(
        `select subject, status, attempts, claimed_until, claimed_until > now() as claimed, last_error
         from mail_outbox order by created_at`,
      )
    ).rows;

  test('while the SMTP server is slow, the outbox is neither locked nor held in a transaction', async () => {
    await queue('Premier');
    await queue('Second');
    const held = smtp.nextArrival();
    const pass = ctx.services.mail.flush();
    await within(10_000, 'the first mail reaching the server', held);

    // The application still reads and locks the outbox rows: no transaction holds them.
    const locked = await within(
      3000,
      'select … for update nowait',
      inTenant(ctx.services.db, ctx.tenantId, (trx) =>
        trx.selectFrom('mail_outbox').select(['id']).forUpdate().noWait().execute(),
      ),
    );
    assert.equal(locked.length, 2);
    // The claims are committed and visible.
    const claimed = await within(3000, 'reading the claims', rows());
    assert.deepEqual(
      claimed.map((r) => [r.subject, r.status, r.attempts, r.claimed]),
      [
        ['Premier', 'pending', 1, true],
        ['Second', 'pending', 1, true],
      ],
    );
    if (TEST_DB === 'postgres') {
      const open = await ctx.database.ownerQuery(
        `select count(*)::int as n from pg_stat_activity
         where datname = current_database() and state like 'idle in transaction%'`,
      );
      assert.equal(open.rows[0]?.n, 0, 'no session sits in an open transaction');
    }

    // Another sender (a second worker process) takes neither claimed row.
    const sentByOther: TransportMessage[] = [];
    const other = new MailOutboxWorker(
      ctx.services.db,
      { send: async (m) => void sentByOther.push(m), close: () => {} },
      ctx.config.mailFrom,
      pino({ level: 'silent' }),
    );
    await within(5000, 'the other sender', other.flush());
    assert.equal(sentByOther.length, 0);

    smtp.release();
    await within(10_000, 'the pass', pass);
    await ctx.services.mail.flush();
    assert.deepEqual(smtp.received.map((m) => m.subject).sort(), ['Premier', 'Second']);
    const done = await rows();
    assert.deepEqual(
      done.map((r) => [r.subject, r.status, r.attempts, r.claimed_until]),
      [
        ['Premier', 'sent', 1, null],
        ['Second', 'sent', 1, null],
      ],
    );
    // The From header is the commune; replies go to its contact address.
    const first = smtp.received.find((m) => m.subject === 'Premier')!;
    assert.deepEqual(first.from?.value, [
      { name: 'Mairie de Villebelle', address: 'ne-pas-repondre@guichet.localhost' },
    ]);
    assert.equal(first.replyTo?.value[0]?.address, 'contact@villebelle.example');
  });

  test('a claim left by a sender that died expires, and the mail is sent once', async () => {
    await queue('Orpheline');
    // As a crashed sender leaves it: claimed (attempt counted), never marked.
    await ctx.database.ownerQuery(
      `update mail_outbox set claimed_until = now() - interval '1 second', attempts = 1 where subject = 'Orpheline'`,
    );
    await ctx.services.mail.flush();
    await ctx.services.mail.flush();
    assert.equal(smtp.received.filter((m) => m.subject === 'Orpheline').length, 1);
    const row = (await rows()).find((r) => r.subject === 'Orpheline')!;
    assert.equal(row.status, 'sent');
    assert.equal(row.attempts, 2);
  });

  test('a refused mail is handed back for later, with its error, and not retried at once', async () => {
    await queue('Refusée');
    const failing: MailTransport = {
      send: async () => {
        throw new Error('451 try again later');
      },
      close: () => {},
    };
    const worker = new MailOutboxWorker(ctx.services.db, failing, ctx.config.mailFrom, pino({ level: 'silent' }));
    await worker.flush();
    await worker.flush();
    const row = (
      await ctx.database.ownerQuery(
        `select status, attempts, claimed_until, last_error, next_attempt_at > now() as later
         from mail_outbox where subject = 'Refusée'`,
      )
    ).rows[0]!;
    assert.deepEqual(row, {
      status: 'pending',
      attempts: 1,
      claimed_until: null,
      last_error: '451 try again later',
      later: true,
    });
  });

  test('per-tenant sender: name and address set for the tenant', async () => {
    await ctx.database.ownerQuery(
      `update tenants set mail_sender_name = 'Ville de Villebelle – état civil', mail_sender_address = 'mairie@villebelle.example',
       mail_reply_to = 'accueil@villebelle.example' where id = $1`,
      [ctx.tenantId],
    );
    await queue('Expéditeur');
    await ctx.services.mail.flush();
    const mail = smtp.received.find((m) => m.subject === 'Expéditeur')!;
    assert.deepEqual(mail.from?.value, [
      { name: 'Ville de Villebelle – état civil', address: 'mairie@villebelle.example' },
    ]);
    assert.equal(mail.replyTo?.value[0]?.address, 'accueil@villebelle.example');
  });
});
