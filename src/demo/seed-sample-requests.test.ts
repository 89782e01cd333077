import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loginAgent } from '../../test/support/factories.ts';
import { visibleText } from '../../test/support/pages.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../test/support/test-app.ts';
import { loadSampleLines } from './seed-sample-requests.ts';
import { seedDemoFeedback } from '../modules/results/seed-demo-feedback.ts';
import { SAMPLE_REQUESTS_FILE, seedDemo, type DemoSeedResult } from './seed-demo.ts';

describe(`the demo commune starts with sample requests (${TEST_DB})`, () => {
  let ctx: TestContext;
  let demo: DemoSeedResult;
  const now = new Date();
  const sql = async (text: string, params: unknown[] = []) => (await ctx.database.ownerQuery(text, params)).rows;

  before(async () => {
    ctx = await createTestContext({ seed: false });
    demo = await seedDemo(ctx.database, { sampleRequests: true, now });
  });
  after(async () => ctx?.close());

  test('one request per corpus line, on démarches of its service, in every status, some overdue, some with messages', async () => {
    const lines = await loadSampleLines(SAMPLE_REQUESTS_FILE);
    assert.equal(demo.sampleRequests, lines.length);
    const [counts] = await sql(
      `select count(*)::int as n, count(distinct service_id)::int as services, count(distinct demarche_id)::int as demarches,
              count(*) filter (where status not in ('traitee', 'refusee') and due_on < current_date)::int as overdue,
              count(*) filter (where closed_at is not null)::int as closed,
              count(distinct channel)::int as channels,
              max(current_date - submitted_at::date)::int as oldest
         from requests where tenant_id = $1`,
      [demo.tenantId],
    );
    assert.equal(counts!.n, lines.length);
    assert.ok(Number(counts!.services) >= 12, `${counts!.services} services`);
    assert.ok(Number(counts!.demarches) >= 20, `${counts!.demarches} démarches`);
    assert.ok(Number(counts!.overdue) >= 5, `${counts!.overdue} overdue`);
    assert.ok(Number(counts!.closed) >= 10, `${counts!.closed} closed`);
    assert.equal(counts!.channels, 4);
    assert.ok(Number(counts!.oldest) >= 30, `oldest ${counts!.oldest} days`);
    const statuses = await sql(`select distinct status from requests where tenant_id = $1 order by status`, [
      demo.tenantId,
    ]);
    assert.deepEqual(
      statuses.map((s) => s.status),
      ['en_attente_usager', 'en_cours', 'recue', 'refusee', 'traitee'],
    );
    const [messages] = await sql(
      `select count(distinct request_id)::int as n from request_events where tenant_id = $1 and kind = 'citizen_message'`,
      [demo.tenantId],
    );
    assert.ok(Number(messages!.n) >= 10, `${messages!.n} requests with a citizen message`);
    // A passport complaint from the corpus lands on the passport démarche of état civil.
    const [passport] = await sql(
      `select d.slug, s.slug as service from requests r join demarches d on d.id = r.demarche_id
         join services s on s.id = r.service_id
        where r.tenant_id = $1
          and (r.data::text like '%Mexique%'
               or exists (select from request_events e where e.request_id = r.id and e.body like '%Mexique%'))`,
      [demo.tenantId],
    );
    assert.deepEqual(passport, { slug: 'passeport', service: 'etat-civil' });
  });

  test('the demo has an open consultation with answers, the conditional question only after « Oui »', async () => {
    const rows = await sql(
      `select c.title, c.published_at is not null as published, c.opens_at < now() and c.closes_at > now() as open,
              (select count(*)::int from consultation_responses r where r.consultation_id = c.id) as answers
         from consultations c where c.tenant_id = $1`,
      [demo.tenantId],
    );
    assert.deepEqual(rows, [{ title: 'Horaires d’ouverture de la mairie', published: true, open: true, answers: 7 }]);
    const page = await ctx.app.inject({ method: 'GET', url: `/t/villebelle/consultations` });
    assert.match(page.body, /Horaires d’ouverture de la mairie/);
  });

  test('« Nos résultats » and « Vos expériences » have figures and answers at the first start', async () => {
    const results = visibleText((await ctx.app.inject({ method: 'GET', url: '/t/villebelle/resultats' })).body);
    assert.match(results, /Taux de satisfaction \d+ %/);
    assert.match(results, /60 avis sur la période/);
    assert.match(results, /Taux de réclamation [\d,]+ %/);
    assert.match(results, /4 réclamations/);
    // The requests by mail are « Courriel », the channel inbound mail records.
    assert.match(results, /Courriel \d+/);
    assert.doesNotMatch(results, /\bemail \d+/);
    assert.match(results, /Démarches en ligne notées au moins 8 sur 10 [1-9]\d* %/);
    const admin = demo.credentials.find((c) => c.email.startsWith('admin@'))!;
    const cookie = await loginAgent(ctx.app, admin.email, admin.password);
    for (const [url, shown] of [
      ['/t/villebelle/agent/admin/resultats', /Taux de satisfaction \d+ %/],
      ['/t/villebelle/agent/admin/reclamations', /Réclamations reçues 4, soit [\d,]+ %/],
    ] as const) {
      const page = await ctx.app.inject({ method: 'GET', url, headers: { cookie } });
      assert.equal(page.statusCode, 200, url);
      assert.match(visibleText(page.body), shown, url);
    }
    const [rate] = await sql(
      `select count(*) filter (where satisfaction >= 4)::float / count(*) as satisfied from survey_answers where tenant_id = $1`,
      [demo.tenantId],
    );
    assert.ok(Number(rate!.satisfied) >= 0.7 && Number(rate!.satisfied) <= 0.8, `satisfied ${rate!.satisfied}`);
    const actions = visibleText(
      (await ctx.app.inject({ method: 'GET', url: '/t/villebelle/vous-avez-dit-nous-avons-fait' })).body,
    );
    assert.match(actions, /Rendez-vous de passeport et de carte d’identité le samedi matin/);
    assert.match(actions, /Réalisée/);
    const experiences = await ctx.app.inject({ method: 'GET', url: '/t/villebelle/experiences' });
    const text = visibleText(experiences.body);
    assert.equal(text.match(/Réponse du service/g)?.length, 4);
    assert.match(text, /Le service État civil, le/);
    assert.doesNotMatch(text, /Aide du CCAS/, 'the experience to moderate is not public');
    const complaints = await sql(
      `select status, level, cause, decision, request_id is not null as linked from complaints where tenant_id = $1 order by received_at`,
      [demo.tenantId],
    );
    assert.deepEqual(
      complaints.map((c) => `${c.status}/${c.level}/${c.cause ?? '-'}/${c.decision ?? '-'}/${c.linked}`),
      [
        'close/service/accueil/fondee/false',
        'en_cours/direction/-/-/false',
        'close/service/erreur/partiellement_fondee/true',
        'en_cours/service/-/-/false',
      ],
    );
  });

  test('seeding the feedback again adds nothing', async () => {
    const counts = async () =>
      (
        await sql(
          `select (select count(*)::int from survey_answers) as answers, (select count(*)::int from survey_invitations) as invitations,
                  (select count(*)::int from experiences) as experiences, (select count(*)::int from improvement_actions) as actions,
                  (select count(*)::int from experience_actions) as tags, (select count(*)::int from complaints) as complaints,
                  (select count(*)::int from complaint_events) as events`,
        )
      )[0];
    const before = await counts();
    assert.deepEqual(before, {
      answers: 60,
      invitations: 60,
      experiences: 5,
      actions: 3,
      tags: 3,
      complaints: 4,
      events: before!.events,
    });
    await seedDemoFeedback(ctx.database.db, demo.tenantId, now);
    assert.deepEqual(await counts(), before);
  });

  test('the same lines give the same requests', async () => {
    const again = await createTestContext({ seed: false });
    try {
      const other = await seedDemo(again.database, { sampleRequests: true, now });
      const pick = async (database: typeof ctx.database, tenantId: string) =>
        (
          await database.ownerQuery(
            `select reference, status, due_on::text, data::text from requests where tenant_id = $1 order by reference`,
            [tenantId],
          )
        ).rows;
      assert.deepEqual(await pick(again.database, other.tenantId), await pick(ctx.database, demo.tenantId));
    } finally {
      await again.close();
    }
  });

  test('at first login, an agent of état civil sees the requests of the service, some of them late', async () => {
    const agent = demo.credentials.find((c) => c.email.startsWith('etat-civil@'))!;
    const cookie = await loginAgent(ctx.app, agent.email, agent.password);
    const list = await ctx.app.inject({ method: 'GET', url: '/t/villebelle/agent/demandes', headers: { cookie } });
    assert.equal(list.statusCode, 200);
    const text = visibleText(list.body);
    assert.match(text, /En retard/);
    assert.match(text, /Passeport|passeport/);
  });
});
