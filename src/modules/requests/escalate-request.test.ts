import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { csrfFrom, insertAgent, insertRequest, loginAgent } from '../../../test/support/factories.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'sapin-radis-olive-11';

describe(`escalation to the service's supervisors (${TEST_DB})`, () => {
  let ctx: TestContext;
  let agent: string; // agent of voirie-propreté
  let other: string; // agent of état civil
  let supervisor: string; // supervisor of voirie-propreté
  let supervisorId = '';

  async function get(path: string, cookie: string) {
    return ctx.app.inject({ method: 'GET', url: `${BASE}${path}`, headers: { cookie } });
  }

  async function post(reference: string, action: string, cookie: string, fields: Record<string, string>) {
    let page = (await get(`/agent/demandes/${reference}`, cookie)).body;
    // An agent who may not see the item takes the token of a page they may see.
    if (!page.includes('name="_csrf"')) page = (await get('/agent/contacts/nouveau', cookie)).body;
    const revision = /name="revision" value="(\d+)"/.exec(page)?.[1] ?? '';
    return ctx.app.inject({
      method: 'POST',
      url: `${BASE}/agent/demandes/${reference}/${action}`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfFrom(page), revision, ...fields }).toString(),
    });
  }

  async function escalatedAt(reference: string) {
    const rows = (await ctx.database.ownerQuery('select escalated_at from requests where reference = $1', [reference]))
      .rows as { escalated_at: Date | null }[];
    return rows[0]!.escalated_at;
  }

  before(async () => {
    ctx = await createTestContext();
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'lea.voirie@villebelle.example',
      name: 'Léa Voirie',
      password: PASSWORD,
      serviceSlugs: ['voirie-proprete'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'marc.etatcivil@villebelle.example',
      name: 'Marc État-civil',
      password: PASSWORD,
      serviceSlugs: ['etat-civil'],
    });
    supervisorId = await insertAgent(ctx.database, ctx.tenantId, {
      email: 'nora.cheffe@villebelle.example',
      name: 'Nora Cheffe',
      password: PASSWORD,
      role: 'supervisor',
      serviceSlugs: ['voirie-proprete'],
    });
    agent = await loginAgent(ctx.app, 'lea.voirie@villebelle.example', PASSWORD);
    other = await loginAgent(ctx.app, 'marc.etatcivil@villebelle.example', PASSWORD);
    supervisor = await loginAgent(ctx.app, 'nora.cheffe@villebelle.example', PASSWORD);
  });
  after(async () => ctx.close());

  test('an agent escalates with a reason: flagged, on the timeline, supervisors told by mail and in the inbox', async () => {
    const { reference } = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'signaler-probleme-voirie' });
    const empty = await post(reference, 'escalade', agent, { escalade: '  ' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Indiquez pourquoi vous escaladez cette demande/);
    assert.equal(await escalatedAt(reference), null);

    const outsider = await post(reference, 'escalade', other, { escalade: 'Pas mon service.' });
    assert.equal(outsider.statusCode, 404, 'an agent of another service does not see it');

    const res = await post(reference, 'escalade', agent, {
      escalade: 'Usager très en colère, menace de porter plainte.',
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 1000));
    assert.ok(await escalatedAt(reference));
    const events = (
      await ctx.database.ownerQuery(
        `select e.kind, e.body, e.visible_to_citizen from request_events e join requests r on r.id = e.request_id
          where r.reference = $1 and e.kind = 'escalated'`,
        [reference],
      )
    ).rows as { body: string; visible_to_citizen: boolean }[];
    assert.equal(events.length, 1);
    assert.equal(events[0]!.visible_to_citizen, false);
    assert.match(events[0]!.body, /par Léa Voirie\. Motif : Usager très en colère/);
    const mails = (
      await ctx.database.ownerQuery(`select to_address, subject, text_body from mail_outbox where subject like $1`, [
        `%${reference} escaladée%`,
      ])
    ).rows as { to_address: string; text_body: string }[];
    assert.deepEqual(
      mails.map((m) => m.to_address),
      ['nora.cheffe@villebelle.example'],
      'the supervisors of the service only',
    );
    assert.match(mails[0]!.text_body, /menace de porter plainte/);

    const again = await post(reference, 'escalade', agent, { escalade: 'Encore.' });
    assert.equal(again.statusCode, 400);
    assert.match(again.body, /déjà escaladée/);

    const agentInbox = await get('/agent/demandes', agent);
    assert.match(agentInbox.body, new RegExp(`${reference}</a>[\\s\\S]{0,200}class="tag escalated">Escaladée<`));
    assert.doesNotMatch(agentInbox.body, /class="escalation-alert"/, 'plain agents get no alert');
    const supInbox = await get('/agent/demandes', supervisor);
    assert.match(supInbox.body, /class="escalation-alert"/);
    assert.match(supInbox.body, new RegExp(`Une demande vous est escaladée[\\s\\S]*${reference}`));
  });

  test('an agent taking it keeps the flag; a supervisor taking it ends the escalation', async () => {
    const { reference } = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'signaler-probleme-voirie' });
    assert.equal((await post(reference, 'escalade', agent, { escalade: 'Décision à prendre.' })).statusCode, 303);
    const agentId = (
      await ctx.database.ownerQuery(`select id from agents where email = 'lea.voirie@villebelle.example'`)
    ).rows[0]!.id as string;
    assert.equal((await post(reference, 'prise-en-charge', agent, { agent: agentId })).statusCode, 303);
    assert.ok(await escalatedAt(reference), 'still escalated');
    assert.equal((await post(reference, 'prise-en-charge', supervisor, { agent: supervisorId })).statusCode, 303);
    assert.equal(await escalatedAt(reference), null);
    const last = (
      await ctx.database.ownerQuery(
        `select e.body from request_events e join requests r on r.id = e.request_id
          where r.reference = $1 and e.kind = 'assigned' order by e.created_at desc limit 1`,
        [reference],
      )
    ).rows[0] as { body: string };
    assert.match(last.body, /Prise en charge par Nora Cheffe\. Fin de l’escalade\./);
    const supInbox = await get('/agent/demandes', supervisor);
    assert.doesNotMatch(supInbox.body, new RegExp(`escalation-alert[\\s\\S]*${reference}[\\s\\S]*Prenez-la`));
  });

  test('closing the item ends the escalation; a closed item cannot be escalated', async () => {
    const { reference } = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'signaler-probleme-voirie' });
    assert.equal((await post(reference, 'escalade', agent, { escalade: 'Besoin d’un avis.' })).statusCode, 303);
    const closed = await post(reference, 'statut', agent, { statut: 'traitee', message: 'C’est réparé.' });
    assert.equal(closed.statusCode, 303, closed.body.slice(0, 500));
    assert.equal(await escalatedAt(reference), null);
    const late = await post(reference, 'escalade', agent, { escalade: 'Trop tard.' });
    assert.equal(late.statusCode, 400);
    assert.match(late.body, /Cette demande est close/);
  });

  test('« Escaladées »: supervisors list the open items ever escalated, with their count; agents do not have it', async () => {
    const file = async () =>
      (await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'signaler-probleme-voirie' })).reference;
    const [taken, closed, raised, quiet] = [await file(), await file(), await file(), await file()];
    for (const reference of [taken, closed, raised]) {
      assert.equal((await post(reference, 'escalade', agent, { escalade: 'Un avis, svp.' })).statusCode, 303);
    }
    // Dealt with by the supervisor (escalation over) but still open: still listed. Closed: not.
    assert.equal((await post(taken, 'prise-en-charge', supervisor, { agent: supervisorId })).statusCode, 303);
    assert.equal((await post(closed, 'statut', agent, { statut: 'traitee', message: 'Fait.' })).statusCode, 303);

    const escalatedOpen = async (extra = '') =>
      (
        await ctx.database.ownerQuery(
          `select r.reference from requests r join services s on s.id = r.service_id
            where s.slug = 'voirie-proprete' and r.closed_at is null ${extra}
              and exists (select 1 from request_events e where e.request_id = r.id and e.kind = 'escalated')`,
          extra ? [supervisorId] : [],
        )
      ).rows.map((r) => String(r.reference));
    const expected = await escalatedOpen();
    assert.ok(expected.includes(taken) && expected.includes(raised) && !expected.includes(closed));
    const page = await get('/agent/demandes?vue=escaladees', supervisor);
    assert.equal(page.statusCode, 200);
    const listed = [...page.body.matchAll(/<th scope="row" class="reference">\s*<a[^>]*>([A-Z0-9-]+)<\/a>/g)].map(
      (m) => m[1]!,
    );
    assert.deepEqual(new Set(listed), new Set(expected));
    assert.ok(!listed.includes(quiet));
    assert.match(page.body, new RegExp(`aria-current="page"\\s*>Escaladées \\(${expected.length}\\)`));
    // The count follows the filters, as every view's does.
    const filtered = await get('/agent/demandes?vue=escaladees&agent=moi', supervisor);
    const hers = await escalatedOpen('and r.assigned_agent_id = $1');
    assert.ok(hers.includes(taken));
    assert.match(filtered.body, new RegExp(`>Escaladées \\(${hers.length}\\)`));

    const agentInbox = await get('/agent/demandes', agent);
    assert.doesNotMatch(agentInbox.body, /Escaladées \(/);
    const asked = await get('/agent/demandes?vue=escaladees', agent);
    assert.equal(asked.statusCode, 400);
    assert.match(asked.body, /Cette vue n’existe pas/);
  });
});
