import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import pino from 'pino';
import { dovecotAvailable, startDovecot, type TestDovecot } from '../../../test/support/dovecot.ts';
import { csrfFrom, insertAgent, loginAgent } from '../../../test/support/factories.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { buildServices, type Services } from '../../services.ts';
import { pollMailbox, type PollFaults } from './poll-mailbox.ts';

const BASE = '/t/villebelle';
const PAGE = `${BASE}/agent/admin/messagerie`;
const PASSWORD = 'sapin-radis-olive-11';
const IMAP_PASSWORD = 'boite-mairie-2026';
const ADDRESS = 'mairie@villebelle.example';

/**
 * IMAP polling against a real IMAP server: Debian's Dovecot, started for this file on a free port
 * (test/support/dovecot.ts). Messages are put in the mailbox with IMAP APPEND, as a delivering
 * server would, and the outcome is read with SQL and with a second IMAP client.
 */
describe(
  `IMAP polling against Dovecot (${TEST_DB})`,
  { skip: !dovecotAvailable() && 'dovecot-imapd not installed' },
  () => {
    let dovecot: TestDovecot;
    let ctx: TestContext;
    let admin: string;
    let mailboxId = '';
    let serial = 0;

    async function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
      return (await ctx.database.ownerQuery(text, params)).rows as T[];
    }

    async function imap<T>(fn: (client: ImapFlow) => Promise<T>): Promise<T> {
      const client = new ImapFlow({
        host: dovecot.host,
        port: dovecot.port,
        secure: false,
        doSTARTTLS: false,
        auth: { user: 'mairie', pass: IMAP_PASSWORD },
        logger: false,
      });
      await client.connect();
      try {
        return await fn(client);
      } finally {
        await client.logout();
      }
    }

    /** Delivers a message to the mailbox's INBOX; returns its Message-ID. */
    async function deliver(m: { from: string; subject: string; text: string; to?: string; headers?: string }) {
      serial += 1;
      const id = `<imap-test-${serial}-${Date.now()}@example.org>`;
      const raw =
        `Return-Path: <${m.from}>\r\nDelivered-To: ${m.to ?? ADDRESS}\r\nFrom: ${m.from}\r\nTo: ${m.to ?? ADDRESS}\r\n` +
        `Subject: ${m.subject}\r\nMessage-ID: ${id}\r\nDate: ${new Date().toUTCString()}\r\n` +
        `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n${m.headers ?? ''}\r\n${m.text}\r\n`;
      await imap((c) => c.append('INBOX', raw));
      return id;
    }

    /** The messages of a folder, with their flags. */
    async function folder(path: string) {
      return imap(async (c) => {
        const lock = await c.getMailboxLock(path);
        try {
          const out: { uid: number; subject: string; seen: boolean }[] = [];
          if ((c.mailbox && c.mailbox.exists) === 0) return out;
          for await (const m of c.fetch('1:*', { uid: true, envelope: true, flags: true })) {
            out.push({ uid: m.uid, subject: m.envelope?.subject ?? '', seen: m.flags?.has('\\Seen') ?? false });
          }
          return out;
        } finally {
          lock.release();
        }
      });
    }

    function poll(services: Services = ctx.services, faults?: PollFaults) {
      return pollMailbox(services, { tenantId: ctx.tenantId, mailboxId }, faults);
    }

    async function itemsFrom(address: string) {
      return sql<{ id: string; reference: string; channel: string }>(
        `select id, reference, channel from requests where applicant_email = $1 order by submitted_at`,
        [address],
      );
    }

    async function submit(fields: Record<string, string>, path = PAGE) {
      const page = await ctx.app.inject({ method: 'GET', url: PAGE, headers: { cookie: admin } });
      return ctx.app.inject({
        method: 'POST',
        url: path,
        headers: { cookie: admin, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrfFrom(page.body), ...fields }).toString(),
      });
    }

    function settings(overrides: Record<string, string> = {}): Record<string, string> {
      return {
        adresse: ADDRESS,
        serveur: dovecot.host,
        port: String(dovecot.port),
        chiffrement: 'none',
        identifiant: 'mairie',
        mot_de_passe: IMAP_PASSWORD,
        dossier: 'INBOX',
        dossier_traites: 'Guichet/Traités',
        active: '1',
        ...overrides,
      };
    }

    before(async () => {
      dovecot = await startDovecot({ mairie: IMAP_PASSWORD });
      ctx = await createTestContext({ env: { INBOUND_MAX_BYTES: '20000', IMAP_MAX_ATTEMPTS: '2' } });
      await insertAgent(ctx.database, ctx.tenantId, {
        email: 'admin.messagerie@villebelle.example',
        name: 'Alex Admin',
        password: PASSWORD,
        role: 'admin',
      });
      admin = await loginAgent(ctx.app, 'admin.messagerie@villebelle.example', PASSWORD);
    });

    after(async () => {
      await ctx?.close();
      await dovecot?.close();
    });

    test('the administrator tests the connection, then saves the mailbox: password sealed, address set', async () => {
      const tested = await submit({ ...settings(), action: 'tester' });
      assert.equal(tested.statusCode, 200, /class="error-message"[^>]*>([^<]*)/.exec(tested.body)?.[1]);
      assert.match(tested.body, /Connexion réussie : 0 message dans le dossier INBOX/);
      assert.doesNotMatch(tested.body, new RegExp(IMAP_PASSWORD), 'the password is never shown back');

      const saved = await submit(settings());
      assert.equal(saved.statusCode, 303, saved.body.slice(0, 400));
      const [row] = await sql<{ id: string; password_sealed: string; tls_mode: string; enabled: boolean }>(
        `select id, password_sealed, tls_mode, enabled from imap_mailboxes where tenant_id = $1`,
        [ctx.tenantId],
      );
      assert.ok(row);
      mailboxId = row.id;
      assert.equal(row.tls_mode, 'none');
      assert.equal(row.enabled, true);
      assert.doesNotMatch(row.password_sealed, new RegExp(IMAP_PASSWORD));
      assert.match(row.password_sealed, /^v1\./);
      const [tenant] = await sql<{ inbound_address: string }>(`select inbound_address from tenants where id = $1`, [
        ctx.tenantId,
      ]);
      assert.equal(tenant?.inbound_address, ADDRESS);
      // Saving queued this interval's poll, once whatever the number of instances.
      const [jobs] = await sql<{ n: number }>(
        `select count(*)::int as n from jobs where tenant_id = $1 and queue = 'inbound.imap-poll'`,
        [ctx.tenantId],
      );
      assert.equal(jobs?.n, 1);
      assert.equal(await ctx.services.mailboxPolls.queuePolls(), 0, 'the same interval is not queued twice');

      // Saved again without a password: the stored one is kept.
      assert.equal((await submit(settings({ mot_de_passe: '' }))).statusCode, 303);
      const [kept] = await sql<{ password_sealed: string }>(`select password_sealed from imap_mailboxes`);
      assert.notEqual(kept?.password_sealed, undefined);
      assert.equal((await poll()).status, 'polled');
    });

    test('a new message becomes an item, acknowledged, and only then is flagged \\Seen and moved', async () => {
      await deliver({
        from: 'camille.martin@example.org',
        subject: 'Nid-de-poule rue des Lilas',
        text: 'Bonjour, un trou.',
      });
      const summary = await poll();
      assert.deepEqual(summary, { status: 'polled', found: 1, stored: 1, moved: 1, failed: 0 });

      const items = await itemsFrom('camille.martin@example.org');
      assert.equal(items.length, 1);
      assert.equal(items[0]!.channel, 'courriel');
      const [mail] = await sql<{ request_id: string; threaded_by: string; acknowledged: boolean }>(
        `select request_id, threaded_by, acknowledged from inbound_mails where from_address = 'camille.martin@example.org'`,
      );
      assert.equal(mail?.request_id, items[0]!.id);
      assert.equal(mail?.threaded_by, 'new');
      assert.equal(mail?.acknowledged, true);
      const [ack] = await sql<{ reply_to: string }>(`select reply_to from mail_outbox where request_id = $1`, [
        items[0]!.id,
      ]);
      // Replies come back to the mairie's own mailbox, tagged with the item.
      assert.match(ack?.reply_to ?? '', /^mairie\+[a-z]{2}-\d{4}-[a-z0-9]{5}-[0-9a-f]{10}@villebelle\.example$/);

      const [state] = await sql<{ status: string }>(`select status from imap_messages where mailbox_id = $1`, [
        mailboxId,
      ]);
      assert.equal(state?.status, 'done');
      assert.deepEqual(await folder('INBOX'), []);
      const moved = await folder('Guichet/Traités');
      assert.equal(moved.length, 1);
      assert.equal(moved[0]!.subject, 'Nid-de-poule rue des Lilas');
      assert.equal(moved[0]!.seen, true);

      assert.deepEqual(await poll(), { status: 'polled', found: 0, stored: 0, moved: 0, failed: 0 });
      assert.equal((await itemsFrom('camille.martin@example.org')).length, 1);
    });

    test('replies thread onto their item: by the reference in the subject, and by the item’s reply address', async () => {
      const [item] = await itemsFrom('camille.martin@example.org');
      assert.ok(item);
      await deliver({
        from: 'camille.martin@example.org',
        subject: `Re: Votre message est bien reçu (${item.reference})`,
        text: 'Voici une photo.\n\nLe 3 déc. 2026 à 10:02, Mairie a écrit :\n> Bonjour',
      });
      const [ack] = await sql<{ reply_to: string }>(`select reply_to from mail_outbox where request_id = $1`, [
        item.id,
      ]);
      await deliver({
        from: 'camille.martin@example.org',
        subject: 'Encore moi',
        text: 'Sans référence.',
        to: ack!.reply_to,
      });
      assert.equal((await poll()).status, 'polled');

      assert.equal((await itemsFrom('camille.martin@example.org')).length, 1, 'no new item');
      const threaded = await sql<{ threaded_by: string; quoted_text: string }>(
        `select threaded_by, quoted_text from inbound_mails where request_id = $1 and threaded_by <> 'new' order by received_at`,
        [item.id],
      );
      assert.deepEqual(
        threaded.map((t) => t.threaded_by),
        ['subject_reference', 'plus_address'],
      );
      assert.match(threaded[0]!.quoted_text, /a écrit/);
      const events = await sql<{ kind: string; body: string }>(
        `select kind, body from request_events where request_id = $1 and kind = 'citizen_message' order by created_at`,
        [item.id],
      );
      assert.deepEqual(
        events.map((e) => e.body),
        ['Voici une photo.', 'Sans référence.'],
      );
    });

    test('each message is stored once: two instances polling at once, a crash between commit and move, a renumbered folder', async () => {
      // Two instances on the same database: one polls, the other finds the mailbox taken.
      const second = buildServices(ctx.config, ctx.database, pino({ level: 'silent' }));
      try {
        await deliver({ from: 'dominique@example.org', subject: 'Deux serveurs', text: 'Une seule fois.' });
        const outcomes = await Promise.all([poll(ctx.services), poll(second)]);
        assert.deepEqual(outcomes.map((o) => o.status).sort(), ['polled', 'skipped']);
        assert.equal((await itemsFrom('dominique@example.org')).length, 1);
      } finally {
        second.dailyJobs.stop();
        await second.jobs.stop();
        await second.mail.stop();
      }

      // The process dies after the commit, before the move: the message is still in the folder.
      await deliver({ from: 'sam@example.org', subject: 'Panne au pire moment', text: 'Bonjour.' });
      const crashed = await poll(ctx.services, {
        afterStore: () => {
          throw new Error('crash');
        },
      });
      assert.equal(crashed.status, 'polled');
      assert.equal((await itemsFrom('sam@example.org')).length, 1);
      assert.deepEqual(
        (await folder('INBOX')).map((m) => [m.subject, m.seen]),
        [['Panne au pire moment', false]],
      );
      const [stored] = await sql<{ status: string }>(`select status from imap_messages where status <> 'done'`);
      assert.equal(stored?.status, 'stored');

      // Meanwhile the server renumbered the folder (a new UIDVALIDITY): the message is known by its
      // Message-ID, so the next poll only moves it.
      await sql(`update imap_mailboxes set uid_validity = 1`);
      await sql(`update imap_messages set uid_validity = 1 where status <> 'done'`);
      const next = await poll();
      assert.deepEqual(next, { status: 'polled', found: 1, stored: 0, moved: 1, failed: 0 });
      assert.equal((await itemsFrom('sam@example.org')).length, 1, 'not stored twice');
      assert.deepEqual(await folder('INBOX'), []);
      const [renumbered] = await sql<{ uid_validity: string }>(`select uid_validity::text from imap_mailboxes`);
      assert.notEqual(renumbered?.uid_validity, '1');
    });

    test('a failing message is retried, then left aside for the administrators, without holding the others up', async () => {
      await deliver({ from: 'gros@example.org', subject: 'Trop gros', text: 'x'.repeat(30_000) });
      await deliver({ from: 'capricieux@example.org', subject: 'Capricieux', text: 'Bonjour.' });
      await deliver({ from: 'normal@example.org', subject: 'Normal', text: 'Bonjour.' });
      const uids = new Map((await folder('INBOX')).map((m) => [m.subject, m.uid]));
      const failing: PollFaults = {
        beforeReceive: (uid) => {
          if (uid === uids.get('Capricieux')) throw new Error('stockage indisponible');
        },
      };
      assert.deepEqual(await poll(ctx.services, failing), {
        status: 'polled',
        found: 3,
        stored: 1,
        moved: 1,
        failed: 2,
      });
      assert.equal((await itemsFrom('normal@example.org')).length, 1, 'the others go on');
      assert.deepEqual(await poll(ctx.services, failing), {
        status: 'polled',
        found: 0,
        stored: 0,
        moved: 0,
        failed: 1,
      });
      // IMAP_MAX_ATTEMPTS=2: given up; both left in the folder, unread.
      const states = await sql<{ status: string; attempts: number; last_error: string }>(
        `select status, attempts, last_error from imap_messages where status = 'failed' order by uid`,
      );
      assert.deepEqual(
        states.map((s) => [s.status, s.attempts]),
        [
          ['failed', 1],
          ['failed', 2],
        ],
      );
      assert.match(states[0]!.last_error, /trop volumineux/);
      assert.match(states[1]!.last_error, /stockage indisponible/);
      assert.deepEqual(
        (await folder('INBOX')).map((m) => [m.subject, m.seen]),
        [
          ['Trop gros', false],
          ['Capricieux', false],
        ],
      );
      assert.deepEqual(await poll(ctx.services, failing), {
        status: 'polled',
        found: 0,
        stored: 0,
        moved: 0,
        failed: 0,
      });

      const page = await ctx.app.inject({ method: 'GET', url: PAGE, headers: { cookie: admin } });
      assert.match(page.body, /Messages non enregistrés/);
      assert.match(page.body, /stockage indisponible/);
      // Once the cause is fixed, the administrator tries them again.
      assert.equal((await submit({}, `${PAGE}/relancer`)).statusCode, 303);
      const retried = await poll();
      assert.equal(retried.status, 'polled');
      assert.equal((await itemsFrom('capricieux@example.org')).length, 1);
      assert.deepEqual(
        (await folder('INBOX')).map((m) => m.subject),
        ['Trop gros'],
      );
    });

    test('a wrong password, an unreachable host, a TLS failure: said in French, recorded, shown on the page', async () => {
      const wrong = await submit({ ...settings({ mot_de_passe: 'pas-le-bon' }), action: 'tester' });
      assert.equal(wrong.statusCode, 400);
      assert.match(wrong.body, /Identifiant ou mot de passe refusé/);
      assert.match(wrong.body, /href="#mot_de_passe"/);
      assert.match(wrong.body, /value="mairie"/, 'what was typed is kept');

      const closed = await submit({ ...settings({ port: '1' }), action: 'tester' });
      assert.equal(closed.statusCode, 400);
      assert.match(closed.body, /Serveur injoignable/);

      const tls = await submit({ ...settings({ chiffrement: 'tls' }), action: 'tester' });
      assert.equal(tls.statusCode, 400);
      assert.match(tls.body, /connexion chiffrée \(TLS\) a échoué/);

      const invalid = await submit(settings({ port: 'abc', serveur: '' }));
      assert.equal(invalid.statusCode, 400);
      assert.match(invalid.body, /Le port est un nombre entre 1 et 65535/);
      assert.match(invalid.body, /Indiquez le nom du serveur IMAP/);

      // Saved with the wrong password: the poll fails, the mailbox says why.
      assert.equal((await submit(settings({ mot_de_passe: 'pas-le-bon' }))).statusCode, 303);
      const failed = await poll();
      assert.equal(failed.status, 'failed');
      const [row] = await sql<{ last_error: string; last_error_at: Date | null; poll_locked_until: Date | null }>(
        `select last_error, last_error_at, poll_locked_until from imap_mailboxes`,
      );
      assert.match(row?.last_error ?? '', /mot de passe refusé/);
      assert.ok(row?.last_error_at);
      assert.equal(row?.poll_locked_until, null, 'the mailbox is released');
      const page = await ctx.app.inject({ method: 'GET', url: PAGE, headers: { cookie: admin } });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /En échec/);
      assert.match(page.body, /Identifiant ou mot de passe refusé/);

      // Disabled: not polled any more.
      assert.equal((await submit(settings({ active: '' }))).statusCode, 303);
      assert.deepEqual(await poll(), { status: 'skipped' });
    });

    test('only the tenant’s administrators open the page', async () => {
      await insertAgent(ctx.database, ctx.tenantId, {
        email: 'agent.simple@villebelle.example',
        password: PASSWORD,
        serviceSlugs: ['etat-civil'],
      });
      const agent = await loginAgent(ctx.app, 'agent.simple@villebelle.example', PASSWORD);
      const res = await ctx.app.inject({ method: 'GET', url: PAGE, headers: { cookie: agent } });
      assert.equal(res.statusCode, 403);
    });
  },
);
