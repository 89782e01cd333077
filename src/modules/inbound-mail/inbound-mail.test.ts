import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import pino from 'pino';
import { startTestSmtp, type TestSmtp } from '../../../test/support/smtp.ts';
import { createTestContext, type TestContext } from '../../../test/support/test-app.ts';
import { createTenant } from '../tenants/create-tenant.ts';
import { startInboundSmtp, type InboundSmtpServer } from './smtp-listener.ts';

/**
 * Inbound mail over real SMTP: a nodemailer client talks to the inbound listener, and the
 * acknowledgements go out through the outbox to a second SMTP server, where they are read.
 */
describe('inbound mail', () => {
  let ctx: TestContext;
  let outbound: TestSmtp;
  let inbound: InboundSmtpServer;
  let small: InboundSmtpServer;
  let autrevilleId: string;
  const TO = 'villebelle@guichet.localhost';

  before(async () => {
    outbound = await startTestSmtp();
    ctx = await createTestContext({ env: { SMTP_URL: outbound.url } });
    ctx.services.mail.start();
    const logger = pino({ level: 'silent' });
    inbound = await startInboundSmtp(ctx.services, { host: '127.0.0.1', port: 0, logger });
    small = await startInboundSmtp(ctx.services, { host: '127.0.0.1', port: 0, logger, maxBytes: 4096 });
    autrevilleId = await createTenant(ctx.database.ownerQuery, {
      name: 'Autreville',
      slug: 'autreville',
      referencePrefix: 'AV',
      hosts: ['autreville.localhost'],
    });
  });

  after(async () => {
    await inbound.close();
    await small.close();
    await ctx.close();
    await outbound.close();
  });

  /** Sends over SMTP; resolves with the server's reply or rejects with its error (responseCode). */
  async function send(
    message: {
      from?: string;
      to?: string;
      subject?: string;
      text?: string;
      html?: string;
      raw?: string;
      headers?: Record<string, string>;
      inReplyTo?: string;
      attachments?: { filename: string; content: Buffer }[];
    },
    options: { port?: number; envelopeFrom?: string } = {},
  ) {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: options.port ?? inbound.port,
      secure: false,
      ignoreTLS: true,
    });
    try {
      const from = message.from ?? 'camille.martin@example.org';
      const to = message.to ?? TO;
      return await transport.sendMail({
        ...message,
        from,
        to,
        envelope: { from: options.envelopeFrom ?? from, to },
      });
    } finally {
      transport.close();
    }
  }

  async function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await ctx.database.ownerQuery(text, params)).rows as T[];
  }

  async function lastInbound(from: string) {
    const [row] = await sql<{
      request_id: string | null;
      threaded_by: string;
      not_answered_reason: string | null;
      acknowledged: boolean;
      from_other_address: boolean;
      related_request_id: string | null;
      html_sanitised: string | null;
      quoted_text: string;
      new_text: string;
    }>(`select * from inbound_mails where from_address = $1 order by received_at desc, id desc limit 1`, [from]);
    assert.ok(row, `no inbound mail from ${from}`);
    return row;
  }

  async function itemOf(requestId: string) {
    const [row] = await sql<{
      id: string;
      tenant_id: string;
      reference: string;
      channel: string;
      slug: string;
      kind: string;
      service: string;
      applicant_email: string;
      due_on: string;
    }>(
      `select r.id, r.tenant_id, r.reference, r.channel, d.slug, d.kind, s.slug as service, r.applicant_email, r.due_on::text
       from requests r join demarches d on d.tenant_id = r.tenant_id and d.id = r.demarche_id
       join services s on s.tenant_id = r.tenant_id and s.id = r.service_id where r.id = $1`,
      [requestId],
    );
    assert.ok(row);
    return row;
  }

  async function outboxTo(address: string) {
    return sql<{ subject: string; message_id: string; reply_to: string | null; request_id: string }>(
      `select subject, message_id::text, reply_to, request_id from mail_outbox where to_address = $1 order by created_at`,
      [address],
    );
  }

  test('a new email becomes an item on the contact démarche, acknowledged with a tracking link that shows it', async () => {
    const reply = await send({
      subject: 'Lampadaire en panne rue Haute',
      text: 'Bonjour,\n\nLe lampadaire devant le 3 rue Haute ne marche plus.\n\nCamille',
      attachments: [
        { filename: 'photo.pdf', content: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n') },
      ],
    });
    assert.match(reply.response, /^250/);
    const row = await lastInbound('camille.martin@example.org');
    assert.equal(row.threaded_by, 'new');
    assert.equal(row.acknowledged, true);
    const item = await itemOf(row.request_id!);
    assert.equal(item.channel, 'courriel');
    assert.equal(item.slug, 'message-courriel');
    assert.equal(item.kind, 'contact');
    assert.equal(item.service, 'citoyennete');
    assert.match(item.due_on, /^\d{4}-\d{2}-\d{2}$/);
    const events = await sql<{ kind: string; body: string; status_to: string }>(
      `select kind, body, status_to from request_events where request_id = $1 order by created_at`,
      [item.id],
    );
    assert.equal(events[0]?.kind, 'email_received');
    assert.equal(events[0]?.status_to, 'recue');
    assert.match(events[0]!.body, /lampadaire devant le 3 rue Haute/);
    const docs = await sql<{ mime_type: string }>(`select mime_type from request_documents where request_id = $1`, [
      item.id,
    ]);
    assert.deepEqual(
      docs.map((d) => d.mime_type),
      ['application/pdf'],
    );

    // The acknowledgement, as the citizen receives it.
    const ack = await outbound.waitFor((m) => m.subject?.includes(item.reference) === true);
    assert.equal(ack.headers.get('auto-submitted'), 'auto-replied');
    assert.ok(ack.messageId?.endsWith('@guichet.localhost>'));
    const link = /(http:\/\/\S+\/suivi\/\S+)/.exec(ack.text ?? '')?.[1];
    assert.ok(link, 'a tracking link');
    const url = new URL(link);
    const page = await ctx.app.inject({ method: 'GET', url: url.pathname + url.search, headers: { host: url.host } });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Le lampadaire devant le 3 rue Haute ne marche plus/);
    assert.match(page.body, /Votre courriel/);
  });

  test('an unknown mailbox is refused at RCPT with 550', async () => {
    await assert.rejects(
      send({ to: 'personne@guichet.localhost', subject: 'x', text: 'x' }),
      (err: { responseCode?: number }) => {
        assert.equal(err.responseCode, 550);
        return true;
      },
    );
  });

  test('a message over the size limit is refused with 552', async () => {
    await assert.rejects(
      send({ from: 'gros@example.org', subject: 'Gros', text: 'x'.repeat(10_000) }, { port: small.port }),
      (err: { responseCode?: number }) => {
        assert.equal(err.responseCode, 552);
        return true;
      },
    );
    assert.equal((await sql(`select 1 from inbound_mails where from_address = 'gros@example.org'`)).length, 0);
  });

  test('malformed MIME is stored as well as it can be read, and the listener goes on', async () => {
    const raw = [
      'From: Dominique <dominique@example.org>',
      `To: ${TO}`,
      'Subject: Cassé',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="jamais-ferme"',
      '',
      '--jamais-ferme',
      'Content-Type: text/plain; charset=inconnu-8bit',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Bonjour, mon message est mal form=C3=A9 =ZZ',
      '--jamais-ferme',
      'Content-Type: application/pdf; name="x.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      '@@@ pas du base64 !!!',
    ].join('\r\n');
    const reply = await send({ raw, from: 'dominique@example.org' });
    assert.match(reply.response, /^250/);
    const row = await lastInbound('dominique@example.org');
    assert.ok(row.request_id);
    assert.match(row.new_text, /mon message est mal/);
    // The listener still answers.
    assert.match((await send({ from: 'apres@example.org', subject: 'Après', text: 'Toujours là' })).response, /^250/);
  });

  test('HTML mail is sanitised: no script, style or image is stored', async () => {
    await send({
      from: 'html@example.org',
      subject: 'En HTML',
      html: '<p>Bonjour <b>madame</b></p><script>alert("x")</script><img src="https://pixel.example/t.png"><a href="javascript:alert(1)">lien</a><p onclick="x()">fin</p>',
    });
    const row = await lastInbound('html@example.org');
    assert.ok(row.html_sanitised);
    assert.doesNotMatch(row.html_sanitised, /script|alert|<img|javascript:|onclick/i);
    assert.match(row.html_sanitised, /<b>madame<\/b>/);
    const events = await sql<{ body: string }>(`select body from request_events where request_id = $1`, [
      row.request_id,
    ]);
    assert.ok(events.every((e) => !/<script|alert\(/i.test(e.body)));
    assert.match(events[0]!.body, /Bonjour madame/);
  });

  test('automatic mail is recorded, never answered, and opens no item', async () => {
    const cases: { from: string; headers?: Record<string, string>; envelopeFrom?: string; reason: string }[] = [
      { from: 'auto1@example.org', headers: { 'Auto-Submitted': 'auto-replied' }, reason: 'auto_submitted' },
      { from: 'auto2@example.org', headers: { 'X-Auto-Response-Suppress': 'All' }, reason: 'x_auto_response_suppress' },
      { from: 'auto3@example.org', headers: { Precedence: 'bulk' }, reason: 'precedence' },
      { from: 'auto4@example.org', headers: { Precedence: 'auto_reply' }, reason: 'precedence' },
      { from: 'auto5@example.org', headers: { 'X-Loop': 'liste@example.org' }, reason: 'x_loop' },
      { from: 'auto6@example.org', headers: { 'X-Autoreply': 'yes' }, reason: 'x_autoreply' },
      { from: 'MAILER-DAEMON@example.org', reason: 'mailer_daemon' },
      { from: 'postmaster@example.org', reason: 'mailer_daemon' },
      { from: 'auto7@example.org', envelopeFrom: '', reason: 'null_return_path' },
    ];
    for (const c of cases) {
      const reply = await send(
        { from: c.from, subject: 'Absent du bureau', text: 'Je suis absent.', headers: c.headers },
        { envelopeFrom: c.envelopeFrom },
      );
      assert.match(reply.response, /^250/);
      const row = await lastInbound(c.from.toLowerCase());
      assert.equal(row.not_answered_reason, c.reason, c.from);
      assert.equal(row.request_id, null, c.from);
      assert.equal((await outboxTo(c.from.toLowerCase())).length, 0, c.from);
    }
    // Auto-Submitted: no is a person.
    await send({
      from: 'humain@example.org',
      subject: 'Question',
      text: 'Bonjour',
      headers: { 'Auto-Submitted': 'no' },
    });
    assert.equal((await lastInbound('humain@example.org')).acknowledged, true);
  });

  test('a bounce marks the address as failed on the request, and our own mail coming back is never answered', async () => {
    await send({ from: 'perdu@example.org', subject: 'Une question', text: 'Bonjour' });
    const first = await lastInbound('perdu@example.org');
    const [ack] = await outboxTo('perdu@example.org');
    assert.ok(ack);
    const originalId = `<${ack.message_id}@guichet.localhost>`;
    const dsn = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.example.org>',
      `To: ${TO}`,
      'Subject: Undelivered Mail Returned to Sender',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
      '',
      '--B',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--B',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.org',
      '',
      'Final-Recipient: rfc822; perdu@example.org',
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 user unknown',
      '--B',
      'Content-Type: text/rfc822-headers',
      '',
      'From: Mairie de Villebelle <ne-pas-repondre@guichet.localhost>',
      'To: perdu@example.org',
      `Message-ID: ${originalId}`,
      'Subject: Message bien reçu',
      '--B--',
    ].join('\r\n');
    assert.match(
      (await send({ raw: dsn, from: 'MAILER-DAEMON@mx.example.org' }, { envelopeFrom: '' })).response,
      /^250/,
    );
    const failed = await sql<{ address: string; request_id: string; status: string }>(
      `select address, request_id, status from mail_failed_addresses where address = 'perdu@example.org'`,
    );
    assert.deepEqual(failed, [{ address: 'perdu@example.org', request_id: first.request_id, status: '5.1.1' }]);
    assert.equal((await outboxTo('mailer-daemon@mx.example.org')).length, 0);

    // The acknowledgement itself, sent back to the inbound address (a forwarding loop).
    const sent = await outbound.waitFor((m) => m.messageId === originalId);
    const back = [
      `From: Mairie de Villebelle <ne-pas-repondre@guichet.localhost>`,
      `To: ${TO}`,
      `Subject: ${sent.subject}`,
      `Message-ID: ${originalId}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      sent.text ?? '',
    ].join('\r\n');
    const before = await sql(`select 1 from requests`);
    assert.match((await send({ raw: back, from: 'ne-pas-repondre@guichet.localhost' })).response, /^250/);
    assert.equal((await lastInbound('ne-pas-repondre@guichet.localhost')).not_answered_reason, 'own_mail');
    assert.equal((await sql(`select 1 from requests`)).length, before.length);
    assert.equal((await outboxTo('ne-pas-repondre@guichet.localhost')).length, 0);
  });

  test('replies thread by the reference in the subject, by In-Reply-To, and by the item’s reply address', async () => {
    const from = 'alex@example.org';
    await send({ from, subject: 'Inscription cantine', text: 'Premier message' });
    const first = await lastInbound(from);
    const item = await itemOf(first.request_id!);
    const [ack] = await outboxTo(from);
    assert.ok(ack?.reply_to?.startsWith('villebelle+'));
    if (!ack?.reply_to) return;

    await send({
      from,
      subject: `Re: Message ${item.reference} bien reçu`,
      text: 'Par la référence\n\nLe 3 déc. 2026, Mairie a écrit :\n> ancien',
    });
    const bySubject = await lastInbound(from);
    assert.equal(bySubject.threaded_by, 'subject_reference');
    assert.equal(bySubject.request_id, item.id);
    assert.equal(bySubject.new_text, 'Par la référence');
    assert.match(bySubject.quoted_text, /a écrit/);

    await send({
      from,
      subject: 'Sans référence',
      text: 'Par In-Reply-To',
      inReplyTo: `<${ack.message_id}@guichet.localhost>`,
    });
    const byHeader = await lastInbound(from);
    assert.equal(byHeader.threaded_by, 'in_reply_to');
    assert.equal(byHeader.request_id, item.id);

    await send({ from, to: ack.reply_to!, subject: 'Autre objet', text: 'Par l’adresse de réponse' });
    const byAddress = await lastInbound(from);
    assert.equal(byAddress.threaded_by, 'plus_address');
    assert.equal(byAddress.request_id, item.id);

    // A forged tag is not a thread: a new item.
    await send({
      from,
      to: `villebelle+${item.reference.toLowerCase()}-0000000000@guichet.localhost`,
      subject: 'Faux',
      text: 'x',
    });
    assert.equal((await lastInbound(from)).threaded_by, 'new');

    const messages = await sql<{ kind: string; body: string }>(
      `select kind, body from request_events where request_id = $1 and kind = 'citizen_message' order by created_at`,
      [item.id],
    );
    assert.deepEqual(
      messages.map((m) => m.body),
      ['Par la référence', 'Par In-Reply-To', 'Par l’adresse de réponse'],
    );
    // Replies are not acknowledged: one acknowledgement for the first message, one for the forged tag.
    assert.equal((await outboxTo(from)).length, 2);
  });

  test('a reply from another address becomes a separate item, linked and flagged, never appended', async () => {
    await send({ from: 'titulaire@example.org', subject: 'Concession', text: 'Ma demande' });
    const first = await lastInbound('titulaire@example.org');
    const item = await itemOf(first.request_id!);
    await send({
      from: 'voisin@example.org',
      subject: `Re: Message ${item.reference} bien reçu`,
      text: 'Je réponds à sa place',
    });
    const other = await lastInbound('voisin@example.org');
    assert.equal(other.from_other_address, true);
    assert.equal(other.related_request_id, item.id);
    assert.notEqual(other.request_id, item.id);
    const onFirst = await sql<{ kind: string; body: string; visible_to_citizen: boolean }>(
      `select kind, body, visible_to_citizen from request_events where request_id = $1 order by created_at`,
      [item.id],
    );
    assert.ok(!onFirst.some((e) => e.body.includes('Je réponds à sa place')));
    const note = onFirst.find((e) => e.kind === 'internal_note');
    assert.ok(note && !note.visible_to_citizen);
    assert.match(note.body, /voisin@example\.org/);
  });

  test('an unknown reference, or another tenant’s, in the subject gives a new item on this tenant', async () => {
    await send({
      to: 'autreville@guichet.localhost',
      from: 'av@example.org',
      subject: 'Bonjour Autreville',
      text: 'Message à Autreville',
    });
    const av = await lastInbound('av@example.org');
    const avItem = await itemOf(av.request_id!);
    assert.equal(avItem.tenant_id, autrevilleId);
    assert.match(avItem.reference, /^AV-/);

    await send({
      from: 'av@example.org',
      subject: `Re: Message ${avItem.reference} bien reçu`,
      text: 'Mauvaise mairie',
    });
    const vb = await lastInbound('av@example.org');
    assert.equal(vb.threaded_by, 'new');
    const vbItem = await itemOf(vb.request_id!);
    assert.equal(vbItem.tenant_id, ctx.tenantId);
    assert.notEqual(vbItem.id, avItem.id);
    // Nothing about Autreville's item was added there, nor said in the acknowledgement.
    const avEvents = await sql(`select 1 from request_events where request_id = $1`, [avItem.id]);
    assert.equal(avEvents.length, 1);
    const acks = await sql<{ subject: string; text_body: string }>(
      `select subject, text_body from mail_outbox where request_id = $1`,
      [vbItem.id],
    );
    assert.equal(acks.length, 1);
    // (The subject the sender wrote is quoted back to them; nothing of Autreville's item is added.)
    assert.doesNotMatch(acks[0]!.text_body, /Autreville|Message à Autreville/);

    await send({ from: 'inconnu@example.org', subject: 'Re: VB-2026-ZZZZZ', text: 'Référence inconnue' });
    assert.equal((await lastInbound('inconnu@example.org')).threaded_by, 'new');
  });

  test('acknowledgements are capped: 2 for the same subject, 10 in three hours per address', async () => {
    const from = 'bavard@example.org';
    for (let i = 0; i < 3; i++) await send({ from, subject: 'Toujours la même chose', text: `Message ${i}` });
    assert.equal((await outboxTo(from)).length, 2);
    for (let i = 0; i < 10; i++) await send({ from, subject: `Sujet ${i}`, text: `Message ${i}` });
    assert.equal((await outboxTo(from)).length, 10);
    const items = await sql(`select 1 from requests where applicant_email = $1`, [from]);
    assert.equal(items.length, 13, 'every message is still an item');
    assert.equal((await lastInbound(from)).not_answered_reason, 'ack_cap');
  });
});
