import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { inTenant } from '../../db/tenant-scope.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { csrfFrom, ensureDemarche, insertAgent, insertRequest, loginAgent } from '../../../test/support/factories.ts';
import { postForm } from '../../../test/support/http.ts';
import { generateTrackingSecret, hashTrackingSecret } from '../requests/reference.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'sapin-radis-olive-11';

describe(`audit trail: append-only, channels, the journal (${TEST_DB})`, () => {
  let ctx: TestContext;
  let agentX: string; // agent of service X
  let supervisorX: string;
  let admin: string;
  let agentXId = '';
  let supervisorXId = '';

  const get = (path: string, cookie: string) =>
    ctx.app.inject({ method: 'GET', url: `${BASE}${path}`, headers: { cookie } });

  async function rows<T>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await ctx.database.ownerQuery(text, params)).rows as T[];
  }

  /** Rows of the journal's table on a page (one per entry). */
  function journalRows(body: string): string[] {
    const tbody = /<table class="inbox journal">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(body)?.[1] ?? '';
    return tbody.split('<tr>').slice(1);
  }

  before(async () => {
    ctx = await createTestContext();
    await ensureDemarche(ctx.database, ctx.tenantId, { slug: 'audit-x', serviceSlug: 'audit-service-x' });
    await ensureDemarche(ctx.database, ctx.tenantId, { slug: 'audit-y', serviceSlug: 'audit-service-y' });
    agentXId = await insertAgent(ctx.database, ctx.tenantId, {
      email: 'agent.x@villebelle.example',
      name: 'Alix Agent',
      password: PASSWORD,
      serviceSlugs: ['audit-service-x'],
    });
    supervisorXId = await insertAgent(ctx.database, ctx.tenantId, {
      email: 'chef.x@villebelle.example',
      name: 'Sacha Cheffe',
      password: PASSWORD,
      role: 'supervisor',
      serviceSlugs: ['audit-service-x'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'admin.audit@villebelle.example',
      name: 'Ada Admin',
      password: PASSWORD,
      role: 'admin',
      serviceSlugs: [],
    });
    agentX = await loginAgent(ctx.app, 'agent.x@villebelle.example', PASSWORD);
    supervisorX = await loginAgent(ctx.app, 'chef.x@villebelle.example', PASSWORD);
    admin = await loginAgent(ctx.app, 'admin.audit@villebelle.example', PASSWORD);
  });
  after(async () => ctx.close());

  test('timeline events refuse UPDATE, DELETE and TRUNCATE, for the application and the schema owner', async () => {
    const r = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'audit-x' });
    const attempts = [
      sql`update request_events set body = 'réécrit' where request_id = ${r.id}`,
      sql`update request_events set body = '' where request_id = ${r.id}`,
      sql`update request_events set author_kind = 'system' where request_id = ${r.id}`,
      sql`delete from request_events where request_id = ${r.id}`,
      sql`truncate request_events`,
    ];
    for (const attempt of attempts) {
      await assert.rejects(
        inTenant(ctx.services.db, ctx.tenantId, (trx) => attempt.execute(trx)),
        /append-only|permission denied/,
      );
    }
    await assert.rejects(
      ctx.database.ownerQuery(`update request_events set body = 'x' where request_id = $1`, [r.id]),
      /append-only/,
    );
    await assert.rejects(
      ctx.database.ownerQuery(`delete from request_events where request_id = $1`, [r.id]),
      /append-only/,
    );
    // Deleting the item would take its timeline with it: refused too.
    await assert.rejects(ctx.database.ownerQuery(`delete from requests where id = $1`, [r.id]), /append-only/);
    await assert.rejects(ctx.database.ownerQuery(`truncate request_events cascade`), /append-only/);
    assert.equal((await rows(`select 1 from request_events where request_id = $1`, [r.id])).length, 1);
  });

  test('the access log and the tenant audit log refuse UPDATE and DELETE', async () => {
    await ctx.database.ownerQuery(
      `insert into personal_data_access_log (tenant_id, actor_kind, actor_label, action) values ($1, 'system', 'x', 'export')`,
      [ctx.tenantId],
    );
    await inTenant(ctx.services.db, ctx.tenantId, (trx) =>
      sql`insert into tenant_audit_log (tenant_id, actor_kind, actor_label, action, detail, channel)
          values (${ctx.tenantId}, 'system', 'test', 'closing_day_added', 'x', 'job')`.execute(trx),
    );
    for (const statement of [
      `update personal_data_access_log set actor_label = 'personne'`,
      `delete from personal_data_access_log`,
      `update tenant_audit_log set detail = 'autre'`,
      `delete from tenant_audit_log`,
      `truncate tenant_audit_log`,
    ]) {
      await assert.rejects(ctx.database.ownerQuery(statement), /append-only/, statement);
    }
    await assert.rejects(
      inTenant(ctx.services.db, ctx.tenantId, (trx) => sql`update tenant_audit_log set detail = 'autre'`.execute(trx)),
      /append-only|permission denied/,
    );
  });

  test('each change says its channel: the tracking page, the API, the back office, a job', async () => {
    const r = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'audit-x' });
    const secret = generateTrackingSecret();
    await ctx.database.ownerQuery('update requests set tracking_secret_hash = $1 where id = $2', [
      hashTrackingSecret(secret),
      r.id,
    ]);
    const message = await postForm(
      ctx.app,
      `${BASE}/suivi/${r.reference}/messages`,
      { cookie: '', csrf: '' },
      { cle: secret, message: 'Une précision.' },
    );
    assert.equal(message.statusCode, 303);
    const page = await get(`/agent/demandes/${r.reference}`, agentX);
    assert.equal(page.statusCode, 200);
    const revision = /name="revision" value="(\d+)"/.exec(page.body)?.[1] ?? '';
    const status = await ctx.app.inject({
      method: 'POST',
      url: `${BASE}/agent/demandes/${r.reference}/statut`,
      headers: { cookie: agentX, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: csrfFrom(page.body),
        revision,
        statut: 'en_cours',
        message: '',
      }).toString(),
    });
    assert.equal(status.statusCode, 303);
    const events = await rows<{ kind: string; channel: string }>(
      `select kind, channel from request_events where request_id = $1 order by created_at, id`,
      [r.id],
    );
    assert.deepEqual(
      events.map((e) => `${e.kind}:${e.channel}`),
      ['submitted:tracking', 'citizen_message:tracking', 'status_changed:web'],
    );
    const views = await rows<{ action: string; channel: string; actor_id: string }>(
      `select action, channel, actor_id from personal_data_access_log where request_id = $1`,
      [r.id],
    );
    assert.deepEqual(views, [{ action: 'view_request', channel: 'web', actor_id: agentXId }]);

    const api = await ctx.app.inject({
      method: 'POST',
      url: `${BASE}/api/v1/demarches/signaler-probleme-voirie/requests`,
      payload: {
        answers: {
          categorie: 'chaussee',
          lieu: { street: '3 rue Haute', postalCode: '00000', city: 'Villebelle' },
          description: 'Nid-de-poule',
          applicant_given_name: 'Ada',
          applicant_family_name: 'Lovelace',
          applicant_email: 'ada@example.org',
        },
      },
    });
    assert.equal(api.statusCode, 201, api.body);
    const reference = (JSON.parse(api.body) as { reference: string }).reference;
    const [submitted] = await rows<{ channel: string }>(
      `select e.channel from request_events e join requests r on r.id = e.request_id where r.reference = $1`,
      [reference],
    );
    assert.equal(submitted?.channel, 'api');
  });

  test('an agent may not read the journal; a supervisor reads their services’ entries only', async () => {
    const mine = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: 'audit-x',
      applicantName: 'Zoé Dumas',
    });
    const other = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'audit-y' });
    assert.equal((await get(`/agent/demandes/${mine.reference}`, agentX)).statusCode, 200);
    assert.equal((await get(`/agent/demandes/${other.reference}`, admin)).statusCode, 200);

    assert.equal((await get('/agent/admin/journal', agentX)).statusCode, 403);
    assert.equal((await get('/agent/admin/journal.csv', agentX)).statusCode, 403);

    const page = await get('/agent/admin/journal', supervisorX);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(mine.reference));
    assert.match(page.body, /Alix Agent/);
    assert.match(page.body, /Zoé Dumas/);
    assert.doesNotMatch(page.body, new RegExp(other.reference));
    // The supervisor's menu: the pages open to them, not the administrators' others.
    assert.match(page.body, /aria-label="Pilotage"/);
    assert.doesNotMatch(page.body, /\/agent\/admin\/taches/);

    const all = await get('/agent/admin/journal', admin);
    assert.equal(all.statusCode, 200);
    assert.match(all.body, new RegExp(mine.reference));
    assert.match(all.body, new RegExp(other.reference));
    // The supervisor's reading is on the journal, for the administrators.
    assert.match(all.body, /Sacha Cheffe[\s\S]*?Consultation du journal/);

    const logged = await rows<{ action: string; channel: string }>(
      `select action, channel from personal_data_access_log where actor_id = $1`,
      [supervisorXId],
    );
    assert.deepEqual(logged, [{ action: 'view_journal', channel: 'web' }]);
  });

  test('filters: reference, action, agent, period, citizen; bad dates come back with the error', async () => {
    const mine = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: 'audit-x',
      applicantName: 'Hélène Faure',
    });
    assert.equal((await get(`/agent/demandes/${mine.reference}`, agentX)).statusCode, 200);

    const byRef = await get(`/agent/admin/journal?reference=${mine.reference.toLowerCase()}`, supervisorX);
    const refRows = journalRows(byRef.body);
    assert.equal(refRows.length, 2, 'the submission and the reading');
    assert.ok(refRows.every((r) => r.includes(mine.reference)));

    const byAction = journalRows(
      (await get(`/agent/admin/journal?reference=${mine.reference}&action=view_request`, supervisorX)).body,
    );
    assert.equal(byAction.length, 1);
    assert.match(byAction[0]!, /Consultation d’une demande/);

    const byAgent = journalRows((await get(`/agent/admin/journal?agent=${agentXId}`, supervisorX)).body);
    assert.ok(byAgent.length > 0);
    assert.ok(byAgent.every((r) => r.includes('Alix Agent')));

    // No accent, no case: « helene » finds Hélène Faure.
    const byCitizen = journalRows((await get('/agent/admin/journal?usager=helene', supervisorX)).body);
    assert.equal(byCitizen.length, 2);

    const past = journalRows((await get('/agent/admin/journal?du=01/01/2020&au=31/12/2020', supervisorX)).body);
    assert.equal(past.length, 0);

    const bad = await get('/agent/admin/journal?du=31/02/2026&usager=Faure', supervisorX);
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /class="error-summary"/);
    assert.match(bad.body, /Du : indiquez une date réelle/);
    assert.match(bad.body, /value="31\/02\/2026"/);
    assert.match(bad.body, /value="Faure"/);
    assert.match(bad.body, /<title>Erreur – /);

    const garbage = await get('/agent/admin/journal?agent=pas-un-id&action=nimporte&apres=x', supervisorX);
    assert.equal(garbage.statusCode, 400);
  });

  test('pages by keyset: 50 a page, none twice, none skipped, even at the same instant', async () => {
    const r = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'audit-x' });
    // 60 notes written at the very same instant: the id breaks the tie.
    await ctx.database.ownerQuery(
      `insert into request_events (tenant_id, request_id, kind, body, author_kind, author_agent_id, visible_to_citizen,
         created_at)
       select $1, $2, 'internal_note', 'note ' || n, 'agent', $3, false, '2026-01-15 10:00:00+01'
         from generate_series(1, 60) n`,
      [ctx.tenantId, r.id, agentXId],
    );
    const seen: string[] = [];
    let path = `/agent/admin/journal?reference=${r.reference}`;
    for (let i = 0; i < 5 && path; i++) {
      const page = await get(path, supervisorX);
      assert.equal(page.statusCode, 200);
      const entries = journalRows(page.body);
      assert.ok(entries.length <= 50);
      seen.push(...entries);
      const next = /href="([^"]+)"\s*>Entrées plus anciennes/.exec(page.body)?.[1];
      path = next ? next.replace(/&amp;/g, '&').replace(BASE, '') : '';
    }
    assert.equal(seen.length, 61, 'the 60 notes and the submission');
    const first = journalRows((await get(`/agent/admin/journal?reference=${r.reference}`, supervisorX)).body);
    assert.equal(first.length, 50);
  });

  test('the CSV holds the filtered entries, and its download is logged', async () => {
    const r = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'audit-x' });
    assert.equal((await get(`/agent/demandes/${r.reference}`, agentX)).statusCode, 200);
    const csv = await get(`/agent/admin/journal.csv?reference=${r.reference}`, supervisorX);
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    const lines = csv.body
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    assert.equal(lines[0], 'Date et heure;Horodatage (UTC);Qui;Action;Référence;Service;Usager;Canal;Détail');
    assert.equal(lines.length, 3);
    assert.match(
      lines[1]!,
      new RegExp(`Alix Agent;Consultation d’une demande;${r.reference};audit-service-x;Lucie Moreau;Site \\(pages\\)`),
    );
    assert.match(lines[2]!, /L’usager;Dépôt d’une demande/);
    const logged = await rows(
      `select 1 from personal_data_access_log where actor_id = $1 and action = 'export_journal'`,
      [supervisorXId],
    );
    assert.equal(logged.length, 1);
  });

  test('the menu leads supervisors to the journal and the deadlines from the inbox', async () => {
    const inbox = await get('/agent/demandes', supervisorX);
    assert.match(inbox.body, /href="\/t\/villebelle\/agent\/admin\/journal"/);
    assert.match(inbox.body, /href="\/t\/villebelle\/agent\/admin\/delais"/);
    assert.doesNotMatch(inbox.body, /href="\/t\/villebelle\/agent\/admin\/fermetures"/);
    const plain = await get('/agent/demandes', agentX);
    assert.doesNotMatch(plain.body, /agent\/admin\/journal/);
    const adminInbox = await get('/agent/demandes', admin);
    assert.match(adminInbox.body, /href="\/t\/villebelle\/agent\/admin\/fermetures"/);
  });
});
