import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { insertAgent, loginAgent } from '../../../test/support/factories.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { receiveInboundMail } from './receive-inbound-mail.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'sapin-radis-olive-11';
const TO = 'villebelle@guichet.localhost';

/**
 * What an agent sees of inbound mail on a request's page: the quoted history folded under the
 * new words, a reply from another address flagged, and the citizen's address when mail to it
 * failed (« adresse en échec »).
 */
describe(`inbound mail on the agent's request page (${TEST_DB})`, () => {
  let ctx: TestContext;
  let admin: string;
  let serial = 0;

  async function receive(from: string, subject: string, text: string) {
    serial += 1;
    const raw =
      `From: ${from}\r\nTo: ${TO}\r\nSubject: ${subject}\r\nMessage-ID: <view-${serial}@example.org>\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n`;
    const [outcome] = await receiveInboundMail(ctx.services, Buffer.from(raw), { mailFrom: from, recipients: [TO] });
    assert.ok(outcome && 'reference' in outcome, JSON.stringify(outcome));
    return outcome;
  }

  async function page(reference: string) {
    const res = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/demandes/${reference}`,
      headers: { cookie: admin },
    });
    assert.equal(res.statusCode, 200);
    return res.body;
  }

  before(async () => {
    ctx = await createTestContext();
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'admin.courriel@villebelle.example',
      password: PASSWORD,
      role: 'admin',
    });
    admin = await loginAgent(ctx.app, 'admin.courriel@villebelle.example', PASSWORD);
  });
  after(async () => ctx.close());

  test('the quoted history of a reply is folded under « Afficher l’historique »', async () => {
    const item = await receive('camille@example.org', 'Lampadaire éteint', 'Le lampadaire est éteint.');
    await receive(
      'camille@example.org',
      `Re: ${item.reference}`,
      'Il est toujours éteint ce soir.\r\n\r\nLe 3 déc. 2026 à 10:02, Mairie de Villebelle a écrit :\r\n> Nous avons bien reçu votre message.',
    );
    const body = await page(item.reference);
    const folded =
      /<details class="quoted-history">\s*<summary>Afficher l’historique<\/summary>\s*<p class="message-body">([\s\S]*?)<\/p>/.exec(
        body,
      );
    assert.ok(folded, 'a folded history');
    assert.match(folded[1]!, /a écrit :/);
    assert.match(folded[1]!, /&gt; Nous avons bien reçu votre message\./);
    assert.match(body, /<p class="message-body">Il est toujours éteint ce soir\.<\/p>/, 'the new words stay in view');
  });

  test('a reply from another address than the citizen’s is a separate item, visibly flagged', async () => {
    const item = await receive('sacha@example.org', 'Chien errant', 'Un chien erre rue Haute.');
    const other = await receive(
      'voisin@example.org',
      `Re: ${item.reference}`,
      'Je suis le voisin, le chien est à moi.',
    );
    assert.equal(other.outcome, 'created');
    const body = await page(other.reference);
    assert.match(body, /<p class="warning"><strong>Réponse venue d’une autre adresse\.<\/strong>/);
    assert.match(body, new RegExp(`href="${BASE}/agent/demandes/${item.reference}">${item.reference}</a>`));
    assert.match(body, /vient de\s+voisin@example\.org/);
    // The citizen's own item shows no such flag.
    assert.doesNotMatch(await page(item.reference), /Réponse venue d’une autre adresse/);
  });

  test('a citizen’s address recorded as failing is shown on the item, with the date and diagnostic', async () => {
    const item = await receive('echec@example.org', 'Question', 'Bonjour.');
    assert.doesNotMatch(await page(item.reference), /Adresse en échec/);
    await ctx.database.ownerQuery(
      `insert into mail_failed_addresses (tenant_id, address, request_id, status, diagnostic, failed_at)
       values ($1, 'Echec@Example.org', $2, '5.1.1', 'mailbox unavailable', '2026-12-02T09:30:00Z')`,
      [ctx.tenantId, item.requestId],
    );
    const body = await page(item.reference);
    assert.match(
      body,
      /<dt>Courriel de l’usager<\/dt>\s*<dd>\s*echec@example\.org\s*<strong class="tag late">Adresse en échec<\/strong>/,
    );
    assert.match(body, /revenu en erreur le 2 décembre 2026 à 10 h 30 : 5\.1\.1 mailbox unavailable/);
  });
});
