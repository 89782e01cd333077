import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import pino from 'pino';
import { csrfFrom, insertAgent, loginAgent } from '../../../test/support/factories.ts';
import { postForm } from '../../../test/support/http.ts';
import { startTestSmtp, type TestSmtp } from '../../../test/support/smtp.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { startInboundSmtp, type InboundSmtpServer } from './smtp-listener.ts';

/**
 * Outbound threading as a citizen's mail client sees it: the citizen writes over SMTP, the
 * acknowledgement and the agent's reply come back through a real SMTP server, and their headers
 * chain the conversation; the citizen's answer to the reply, sent over SMTP, lands on the item.
 */
describe(`outbound mail threads with the citizen's conversation (${TEST_DB})`, () => {
  let ctx: TestContext;
  let outbound: TestSmtp;
  let inbound: InboundSmtpServer;
  const TO = 'villebelle@guichet.localhost';
  const CITIZEN = 'noemie.petit@example.org';
  const PASSWORD = 'sapin-radis-olive-11';

  before(async () => {
    outbound = await startTestSmtp();
    ctx = await createTestContext({ env: { SMTP_URL: outbound.url } });
    ctx.services.mail.start();
    inbound = await startInboundSmtp(ctx.services, { host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) });
  });
  after(async () => {
    await inbound.close();
    await ctx.close();
    await outbound.close();
  });

  async function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await ctx.database.ownerQuery(text, params)).rows as T[];
  }

  async function citizenSends(message: {
    subject: string;
    text: string;
    messageId: string;
    inReplyTo?: string;
    references?: string[];
  }) {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: inbound.port,
      secure: false,
      ignoreTLS: true,
    });
    try {
      await transport.sendMail({ from: `Noémie Petit <${CITIZEN}>`, to: TO, ...message });
    } finally {
      transport.close();
    }
  }

  test('the reply is « Re: <their subject> [REF] », chained to their message and our acknowledgement, with the file attached; their answer threads back', async () => {
    const first = '<premier.message@mail.example.org>';
    await citizenSends({
      subject: 'Trottoir défoncé',
      text: 'Le trottoir du 8 rue Basse est défoncé.',
      messageId: first,
    });
    const [item] = await sql<{ id: string; reference: string; service_slug: string }>(
      `select r.id, r.reference, s.slug as service_slug from inbound_mails m join requests r on r.id = m.request_id
        join services s on s.tenant_id = r.tenant_id and s.id = r.service_id where m.message_id = $1`,
      [first],
    );
    assert.ok(item);
    const ack = await outbound.waitFor((m) => m.subject?.includes(item.reference) === true);
    assert.equal(ack.inReplyTo, first);

    // An agent of the item's service answers, with a file.
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'agent.accueil@villebelle.example',
      name: 'Alex Accueil',
      password: PASSWORD,
      serviceSlugs: [item.service_slug],
    });
    const cookie = await loginAgent(ctx.app, 'agent.accueil@villebelle.example', PASSWORD);
    const pageRes = await ctx.app.inject({
      method: 'GET',
      url: `/t/villebelle/agent/demandes/${item.reference}`,
      headers: { cookie },
    });
    assert.equal(pageRes.statusCode, 200);
    const revision = /name="revision" value="(\d+)"/.exec(pageRes.body)?.[1] ?? '';
    const content = Buffer.from('%PDF-1.4\n% arrete de voirie\n%%EOF\n');
    const res = await postForm(
      ctx.app,
      `/t/villebelle/agent/demandes/${item.reference}/reponse`,
      { cookie, csrf: csrfFrom(pageRes.body) },
      { revision, reponse: 'Une équipe passera jeudi. Voici l’arrêté.' },
      [{ field: 'pieces', filename: 'arrêté.pdf', type: 'application/pdf', data: content }],
    );
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    ctx.services.mail.kick();
    const answer = await outbound.waitFor((m) => m.text?.includes('Une équipe passera jeudi') === true);

    // What the citizen's mail client reads.
    assert.equal(answer.subject, `Re: Trottoir défoncé [${item.reference}]`);
    assert.deepEqual(answer.to && 'value' in answer.to ? answer.to.value.map((a) => a.address) : [], [CITIZEN]);
    assert.match(answer.messageId ?? '', /^<[0-9a-f-]{36}@guichet\.localhost>$/);
    const references = [answer.references ?? []].flat();
    assert.deepEqual(references, [first, ack.messageId], 'their message, then our acknowledgement');
    assert.equal(answer.inReplyTo, ack.messageId);
    assert.equal(answer.attachments.length, 1);
    assert.equal(answer.attachments[0]!.filename, 'arrêté.pdf');
    assert.equal(answer.attachments[0]!.contentType, 'application/pdf');
    assert.deepEqual(answer.attachments[0]!.content, content);

    // The citizen answers from their mail client: same subject, headers chaining the thread.
    const reply = '<reponse.citoyenne@mail.example.org>';
    await citizenSends({
      subject: `Re: ${answer.subject}`,
      text: 'Merci, je serai là jeudi.',
      messageId: reply,
      inReplyTo: answer.messageId!,
      references: [...references, answer.messageId!],
    });
    const [threaded] = await sql<{ request_id: string; threaded_by: string }>(
      `select request_id, threaded_by from inbound_mails where message_id = $1`,
      [reply],
    );
    assert.equal(threaded?.request_id, item.id);

    // A client that rewrote the subject still threads, by the headers alone.
    const bare = '<sans.reference@mail.example.org>';
    await citizenSends({
      subject: 'Autre chose sur le trottoir',
      text: 'Et le caniveau aussi.',
      messageId: bare,
      inReplyTo: answer.messageId!,
      references: [...references, answer.messageId!],
    });
    const [byHeaders] = await sql<{ request_id: string; threaded_by: string }>(
      `select request_id, threaded_by from inbound_mails where message_id = $1`,
      [bare],
    );
    assert.equal(byHeaders?.request_id, item.id);
    assert.equal(byHeaders.threaded_by, 'in_reply_to');

    // The next mail about the item continues the chain with both of their messages.
    const body = (
      await ctx.app.inject({
        method: 'GET',
        url: `/t/villebelle/agent/demandes/${item.reference}`,
        headers: { cookie },
      })
    ).body;
    const next = await postForm(
      ctx.app,
      `/t/villebelle/agent/demandes/${item.reference}/statut`,
      { cookie, csrf: csrfFrom(body) },
      { revision: /name="revision" value="(\d+)"/.exec(body)?.[1] ?? '', statut: 'traitee', message: 'C’est réparé.' },
    );
    assert.equal(next.statusCode, 303, next.body.slice(0, 300));
    ctx.services.mail.kick();
    const closing = await outbound.waitFor((m) => m.text?.includes('C’est réparé.') === true);
    const chain = [closing.references ?? []].flat();
    assert.deepEqual(chain, [first, ack.messageId, answer.messageId, reply, bare]);
    assert.equal(closing.inReplyTo, bare);
  });
});
