import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { inTenant } from '../../db/tenant-scope.ts';
import { insertCitizen } from '../../../test/support/factories.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { receiveInboundMail } from '../inbound-mail/receive-inbound-mail.ts';
import { anonymiseRequests } from './anonymise.ts';
import { eraseCitizen } from './erasure.ts';
import { applyRetention } from './retention.ts';

/**
 * Anonymising an item, erasing a citizen and the retention job also empty the inbound mail kept
 * apart from the timeline (message, sender, subject) and forget « adresse en échec » records of
 * the address once no live item uses it. Checked with direct SQL.
 */
describe(`personal data in inbound mail (${TEST_DB})`, () => {
  let ctx: TestContext;
  let serial = 0;

  async function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await ctx.database.ownerQuery(text, params)).rows as T[];
  }

  /** A message through the inbound pipeline, as the SMTP listener gives it; the item it made. */
  async function receive(from: string, subject: string, extraHeaders = ''): Promise<string | null> {
    serial += 1;
    const raw =
      `From: Camille <${from}>\r\nTo: villebelle@guichet.localhost\r\nSubject: ${subject}\r\n` +
      `Message-ID: <privacy-${serial}@example.org>\r\n${extraHeaders}Content-Type: text/plain; charset=utf-8\r\n\r\n` +
      `Bonjour, ceci est personnel.\r\n\r\nLe 2 déc. 2026, Mairie a écrit :\r\n> historique\r\n`;
    const [outcome] = await receiveInboundMail(ctx.services, Buffer.from(raw), {
      mailFrom: from,
      recipients: ['villebelle@guichet.localhost'],
    });
    return outcome && 'requestId' in outcome ? outcome.requestId : null;
  }

  async function bounce(address: string, requestId: string) {
    await sql(
      `insert into mail_failed_addresses (tenant_id, address, request_id, status, diagnostic) values ($1, $2, $3, '5.1.1', 'user unknown')`,
      [ctx.tenantId, address, requestId],
    );
  }

  async function inboundOf(requestId: string) {
    return sql<{
      from_address: string | null;
      from_name: string | null;
      subject: string;
      new_text: string;
      quoted_text: string;
      message_id: string | null;
    }>(
      `select from_address, from_name, subject, new_text, quoted_text, message_id from inbound_mails where request_id = $1`,
      [requestId],
    );
  }

  async function failuresOf(address: string) {
    return sql<{ id: string }>(`select id from mail_failed_addresses where address = $1`, [address]);
  }

  function assertEmptied(rows: Awaited<ReturnType<typeof inboundOf>>) {
    assert.ok(rows.length > 0, 'the rows stay, for the counts');
    for (const r of rows) {
      assert.deepEqual(r, {
        from_address: null,
        from_name: null,
        subject: '',
        new_text: '',
        quoted_text: '',
        message_id: null,
      });
    }
  }

  before(async () => {
    ctx = await createTestContext();
  });
  after(async () => ctx.close());

  test('anonymising an item empties its inbound mail; its address’s failure goes with the last live item', async () => {
    const first = (await receive('camille@example.org', 'Poubelles non ramassées'))!;
    const second = (await receive('camille@example.org', 'Bruit la nuit'))!;
    await bounce('camille@example.org', first);
    assert.match((await inboundOf(first))[0]!.new_text, /personnel/);

    await inTenant(ctx.services.db, ctx.tenantId, (trx) => anonymiseRequests(trx, [first], new Date()));
    assertEmptied(await inboundOf(first));
    assert.match((await inboundOf(second))[0]!.new_text, /personnel/, 'the other item keeps its mail');
    assert.equal((await failuresOf('camille@example.org')).length, 1, 'a live item still has the address');

    await inTenant(ctx.services.db, ctx.tenantId, (trx) => anonymiseRequests(trx, [second], new Date()));
    assertEmptied(await inboundOf(second));
    assert.equal((await failuresOf('camille@example.org')).length, 0);
  });

  test('the retention job empties the inbound mail of the items it anonymises', async () => {
    const item = (await receive('retention@example.org', 'Vieille affaire'))!;
    await bounce('retention@example.org', item);
    await sql(`update requests set status = 'traitee', closed_at = now() - interval '20 years' where id = $1`, [item]);
    const result = await applyRetention(ctx.services.db, ctx.tenantId, new Date());
    assert.ok(result.anonymised >= 1);
    assertEmptied(await inboundOf(item));
    assert.equal((await failuresOf('retention@example.org')).length, 0);
  });

  test('the retention job deletes the mail tied to no item once past the contact démarche’s retention, and only it', async () => {
    const months = (
      await sql<{ months: number }>(
        `select retention_months as months from demarches where tenant_id = $1 and slug = 'message-courriel'`,
        [ctx.tenantId],
      )
    )[0]!.months;
    assert.equal(
      await receive('robot@example.org', 'Réponse automatique : ancien', 'Auto-Submitted: auto-replied\r\n'),
      null,
    );
    assert.equal(
      await receive('robot@example.org', 'Réponse automatique : récent', 'Auto-Submitted: auto-replied\r\n'),
      null,
    );
    const open = (await receive('ancien@example.org', 'Toujours ouverte'))!;
    await sql(
      `update inbound_mails set received_at = now() - make_interval(months => $1::int, days => 1)
        where subject in ('Réponse automatique : ancien', 'Toujours ouverte')`,
      [months],
    );
    await sql(
      `update inbound_mails set received_at = now() - make_interval(months => $1::int, days => -1)
        where subject = 'Réponse automatique : récent'`,
      [months],
    );
    const result = await applyRetention(ctx.services.db, ctx.tenantId, new Date());
    assert.ok(result.unlinkedMailPurged >= 1);
    const left = await sql<{ subject: string }>(
      `select subject from inbound_mails where subject in ('Réponse automatique : ancien', 'Réponse automatique : récent', 'Toujours ouverte') order by subject`,
    );
    assert.deepEqual(
      left.map((r) => r.subject),
      ['Réponse automatique : récent', 'Toujours ouverte'],
      'the old automatic reply goes; a recent one and the mail of a live item stay',
    );
    assert.match((await inboundOf(open))[0]!.new_text, /personnel/);
  });

  test('erasing a citizen empties their items’ mail, the mail tied to no item, and their address’s failures', async () => {
    const citizenId = await insertCitizen(ctx.database, ctx.tenantId, 'effacer@example.org', 'Eff');
    const item = (await receive('effacer@example.org', 'Ma demande'))!;
    await sql(`update requests set citizen_id = $1 where id = $2`, [citizenId, item]);
    // An automatic reply from the same address: recorded, tied to no item.
    assert.equal(await receive('effacer@example.org', 'Absent du bureau', 'Auto-Submitted: auto-replied\r\n'), null);
    await sql(
      `insert into mail_failed_addresses (tenant_id, address, status, diagnostic) values ($1, 'effacer@example.org', '5.2.2', 'mailbox full')`,
      [ctx.tenantId],
    );
    // Someone else's live item is untouched.
    const other = (await receive('autre@example.org', 'Autre chose'))!;
    await bounce('autre@example.org', other);

    await inTenant(ctx.services.db, ctx.tenantId, (trx) => eraseCitizen(trx, citizenId, new Date()));
    assertEmptied(await inboundOf(item));
    const fromAddress = await sql<{ n: number }>(
      `select count(*)::int as n from inbound_mails where from_address = 'effacer@example.org' or subject = 'Absent du bureau'`,
    );
    assert.equal(fromAddress[0]!.n, 0);
    assert.equal((await failuresOf('effacer@example.org')).length, 0);
    assert.match((await inboundOf(other))[0]!.new_text, /personnel/);
    assert.equal((await failuresOf('autre@example.org')).length, 1);
  });
});
