import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { inTenant } from '../../db/tenant-scope.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { csrfFrom, insertAgent, insertRequest, loginAgent } from '../../../test/support/factories.ts';
import { acknowledgementDay, answerDueOn } from './deadlines.ts';
import { complaintIndicators, publishedComplaintFigures } from './indicators.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'sapin-radis-olive-12';
const NO_CALENDAR = { departement: null, extraHolidays: [] };

describe('complaint deadlines (decision 37)', () => {
  test('acknowledgement within 48 hours: the end of the second working day after receipt', () => {
    // Friday afternoon → Tuesday (Saturday and Sunday are not working days).
    assert.equal(acknowledgementDay(new Date('2026-03-06T15:00:00Z'), NO_CALENDAR), '2026-03-10');
    // Tuesday → Thursday.
    assert.equal(acknowledgementDay(new Date('2026-03-10T08:00:00Z'), NO_CALENDAR), '2026-03-12');
    // Thursday 7 May 2026: Friday 8 May is a public holiday → Monday 11, Tuesday 12.
    assert.equal(acknowledgementDay(new Date('2026-05-07T08:00:00Z'), NO_CALENDAR), '2026-05-12');
    // A commune's own closing day counts like a holiday.
    assert.equal(
      acknowledgementDay(new Date('2026-03-10T08:00:00Z'), { departement: null, extraHolidays: ['2026-03-11'] }),
      '2026-03-13',
    );
  });

  test('answer within the announced calendar days, moved past a closed day', () => {
    assert.equal(answerDueOn(new Date('2026-03-02T09:00:00Z'), 30, NO_CALENDAR), '2026-04-01');
    // 6 March + 30 days = Sunday 5 April (Easter); Monday 6 is Easter Monday → Tuesday 7.
    assert.equal(answerDueOn(new Date('2026-03-06T09:00:00Z'), 30, NO_CALENDAR), '2026-04-07');
    // Received at 23:30 in Paris on 9 March (22:30 UTC): the day of receipt is the 9th.
    assert.equal(answerDueOn(new Date('2026-03-09T22:30:00Z'), 1, NO_CALENDAR), '2026-03-10');
  });
});

describe(`complaints: from a request, acknowledgement, escalation, decision, statistics (${TEST_DB})`, () => {
  let ctx: TestContext;
  // Real time for the logins (their one-time codes), then a Friday afternoon in March 2026.
  const clock = { at: new Date(), now: () => clock.at };
  let etatCivil: string;
  let voirie: string;
  let agentEC: string;
  let agentVoirie: string;
  let supervisor: string;
  let admin: string;

  async function rows<T>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await ctx.database.ownerQuery(text, params)).rows as T[];
  }
  const get = (path: string, cookie = '') =>
    ctx.app.inject({ method: 'GET', url: `${BASE}${path}`, headers: { cookie } });
  async function post(path: string, cookie: string, fields: Record<string, string>) {
    const page = await get('/agent/reclamations', cookie);
    return ctx.app.inject({
      method: 'POST',
      url: `${BASE}${path}`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfFrom(page.body), ...fields }).toString(),
    });
  }
  async function complaint(id: string) {
    return (
      await rows<{
        status: string;
        level: string;
        request_id: string | null;
        acknowledged_at: Date | null;
        acknowledged_how: string | null;
        acknowledge_by: Date;
        answer_due_on: string;
        cause: string | null;
        decision: string | null;
        answered_late: boolean | null;
      }>(`select *, answer_due_on::text as answer_due_on from complaints where id = $1`, [id])
    )[0]!;
  }
  const idFrom = (location: unknown) => String(location).match(/reclamations\/([0-9a-f-]{36})/)![1]!;

  /** Records a complaint by phone, without an address: to acknowledge by hand. */
  async function byPhone(subject: string, serviceId = etatCivil) {
    const res = await post('/agent/reclamations/nouvelle', agentEC, {
      service: serviceId,
      canal: 'telephone',
      objet: subject,
      description: 'Personne ne répond au téléphone depuis une semaine.',
      nom: 'Paul Martin',
      telephone: '06 11 22 33 44',
    });
    assert.equal(res.statusCode, 303, res.body);
    return idFrom(res.headers.location);
  }

  before(async () => {
    ctx = await createTestContext({ clock });
    const ids = await rows<{ id: string; slug: string }>(`select id, slug from services where tenant_id = $1`, [
      ctx.tenantId,
    ]);
    etatCivil = ids.find((s) => s.slug === 'etat-civil')!.id;
    voirie = ids.find((s) => s.slug.startsWith('voirie'))!.id;
    const voirieSlug = ids.find((s) => s.id === voirie)!.slug;
    const agent = async (email: string, role: 'agent' | 'supervisor' | 'admin', serviceSlugs: string[]) => {
      await insertAgent(ctx.database, ctx.tenantId, { email, password: PASSWORD, role, serviceSlugs });
      return loginAgent(ctx.app, email, PASSWORD);
    };
    agentEC = await agent('ec.reclamations@villebelle.example', 'agent', ['etat-civil']);
    agentVoirie = await agent('voirie.reclamations@villebelle.example', 'agent', [voirieSlug]);
    supervisor = await agent('chef.reclamations@villebelle.example', 'supervisor', ['etat-civil']);
    admin = await agent('admin.reclamations@villebelle.example', 'admin', []);
    clock.at = new Date('2026-03-06T14:00:00Z');
  });
  after(async () => ctx.close());

  test('from a request: prefilled, linked, acknowledged at once by mail, shown on the request', async () => {
    const demarche = (
      await rows<{ slug: string }>(
        `select d.slug from demarches d where d.tenant_id = $1 and d.service_id = $2 and d.form is not null limit 1`,
        [ctx.tenantId, etatCivil],
      )
    )[0]!.slug;
    const request = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: demarche,
      applicantEmail: 'lucie.moreau@example.org',
    });
    const page = await get(`/agent/demandes/${request.reference}`, agentEC);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Aucune réclamation sur cette demande/);
    assert.match(page.body, new RegExp(`/agent/reclamations/nouvelle\\?demande=${request.reference}`));

    const form = await get(`/agent/reclamations/nouvelle?demande=${request.reference}`, agentEC);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, new RegExp(`Réclamation sur la demande ${request.reference}`));
    assert.match(form.body, /value="lucie.moreau@example.org"/);

    const res = await post('/agent/reclamations/nouvelle', agentEC, {
      service: etatCivil,
      canal: 'demande',
      objet: `Réclamation sur la demande ${request.reference}`,
      description: 'Trois mois sans nouvelles de mon dossier.',
      nom: 'Lucie Moreau',
      courriel: 'lucie.moreau@example.org',
      demande: request.reference,
    });
    assert.equal(res.statusCode, 303, res.body);
    assert.match(String(res.headers.location), /fait=creee-courriel/);
    const id = idFrom(res.headers.location);
    const c = await complaint(id);
    assert.equal(c.request_id, request.id);
    assert.equal(c.status, 'en_cours');
    assert.equal(c.acknowledged_how, 'courriel');
    // 30 calendar days (the default announced time) from Friday 6 March 2026: Easter → Tuesday 7 April.
    assert.equal(c.answer_due_on, '2026-04-07');
    const mails = await rows<{ subject: string; text_body: string }>(
      `select subject, text_body from mail_outbox where tenant_id = $1 and to_address = 'lucie.moreau@example.org'`,
      [ctx.tenantId],
    );
    assert.equal(mails.length, 1);
    assert.match(mails[0]!.subject, /^Réclamation REC-2026-\w+ bien reçue/);
    assert.match(mails[0]!.text_body, /7 avril 2026/);
    const again = await get(`/agent/demandes/${request.reference}`, agentEC);
    assert.match(again.body, /REC-2026-/);
  });

  test('a form with errors comes back with a summary and what was typed; an unknown request is refused', async () => {
    const res = await post('/agent/reclamations/nouvelle', agentEC, {
      service: etatCivil,
      canal: '',
      objet: '',
      description: 'Le guichet était fermé à l’heure annoncée.',
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /class="error-summary"/);
    assert.match(res.body, /Indiquez comment la réclamation est arrivée/);
    assert.match(res.body, /Le guichet était fermé à l’heure annoncée/);
    const unknown = await get('/agent/reclamations/nouvelle?demande=VB-2026-ZZZZZZ', agentEC);
    assert.equal(unknown.statusCode, 404);
  });

  test('without an address: to acknowledge within 48 hours; the inbox shows it, then shows it late', async () => {
    const id = await byPhone('Téléphone sans réponse');
    const c = await complaint(id);
    assert.equal(c.status, 'recue');
    assert.equal(c.acknowledged_at, null);
    // Friday 6 March, 15:00 in Paris → the end of Tuesday 10 March in Paris (23:00 UTC).
    assert.equal(c.acknowledge_by.toISOString(), '2026-03-10T23:00:00.000Z');
    let inbox = await get('/agent/demandes', agentEC);
    assert.match(inbox.body, /Réclamations à traiter/);
    assert.match(inbox.body, /attend(ent)? (son|leur) accusé de réception/);
    assert.doesNotMatch(inbox.body, /en retard\./);
    // The voirie agent has none of these.
    assert.doesNotMatch((await get('/agent/demandes', agentVoirie)).body, /Réclamations à traiter/);

    clock.at = new Date('2026-03-11T08:00:00Z');
    inbox = await get('/agent/demandes', agentEC);
    assert.match(inbox.body, /dont (une|\d+) en retard\./);
    const list = await get('/agent/reclamations', agentEC);
    assert.match(list.body, /Accusé de réception avant le 10 mars 2026 \(dépassé\)/);

    const ack = await post(`/agent/reclamations/${id}/accuse`, agentEC, { moyen: 'telephone' });
    assert.equal(ack.statusCode, 303);
    const done = await complaint(id);
    assert.equal(done.status, 'en_cours');
    assert.equal(done.acknowledged_how, 'telephone');
    const twice = await post(`/agent/reclamations/${id}/accuse`, agentEC, { moyen: 'courrier' });
    assert.equal(twice.statusCode, 409);
    assert.match(twice.body, /L’accusé de réception est déjà enregistré/);
    const events = await rows<{ kind: string }>(
      `select kind from complaint_events where complaint_id = $1 order by created_at`,
      [id],
    );
    assert.deepEqual(
      events.map((e) => e.kind),
      ['created', 'acknowledged'],
    );
    clock.at = new Date('2026-03-06T14:00:00Z');
  });

  test('escalation: service → direction → médiateur, each level with the announced time again, then no further', async () => {
    const id = await byPhone('Refus contesté');
    clock.at = new Date('2026-03-16T09:00:00Z');
    const toDirection = await post(`/agent/reclamations/${id}/escalade`, supervisor, {
      motif: 'La personne conteste la réponse du service.',
    });
    assert.equal(toDirection.statusCode, 303);
    let c = await complaint(id);
    assert.equal(c.level, 'direction');
    assert.equal(c.answer_due_on, '2026-04-15');
    const empty = await post(`/agent/reclamations/${id}/escalade`, supervisor, { motif: '' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Indiquez pourquoi la réclamation passe au niveau suivant/);
    assert.equal((await post(`/agent/reclamations/${id}/escalade`, supervisor, { motif: 'Saisine.' })).statusCode, 303);
    c = await complaint(id);
    assert.equal(c.level, 'mediateur');
    const top = await post(`/agent/reclamations/${id}/escalade`, supervisor, { motif: 'Encore.' });
    assert.equal(top.statusCode, 409);
    assert.match(top.body, /déjà au niveau du médiateur/);
    const levels = await rows<{ level_from: string; level_to: string; body: string }>(
      `select level_from, level_to, body from complaint_events where complaint_id = $1 and kind = 'escalated' order by created_at`,
      [id],
    );
    assert.deepEqual(
      levels.map((e) => `${e.level_from}→${e.level_to}`),
      ['service→direction', 'direction→mediateur'],
    );
    assert.equal(levels[0]!.body, 'La personne conteste la réponse du service.');
    const page = await get(`/agent/reclamations/${id}`, agentEC);
    assert.match(page.body, /Médiateur/);
    clock.at = new Date('2026-03-06T14:00:00Z');
  });

  test('decision: root cause and outcome recorded, late when after the due day, answered once', async () => {
    const inTime = await byPhone('Dossier perdu');
    const missing = await post(`/agent/reclamations/${inTime}/decision`, agentEC, {
      cause: '',
      decision: 'fondee',
      reponse: 'Nous avons retrouvé votre dossier.',
    });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /Choisissez la cause principale/);
    assert.match(missing.body, /Nous avons retrouvé votre dossier/);
    const ok = await post(`/agent/reclamations/${inTime}/decision`, agentEC, {
      cause: 'erreur',
      decision: 'fondee',
      reponse: 'Nous avons retrouvé votre dossier, avec nos excuses.',
    });
    assert.equal(ok.statusCode, 303);
    let c = await complaint(inTime);
    assert.deepEqual([c.status, c.cause, c.decision, c.answered_late], ['close', 'erreur', 'fondee', false]);
    // Answering acknowledges when nobody did.
    assert.notEqual(c.acknowledged_at, null);
    const twice = await post(`/agent/reclamations/${inTime}/decision`, agentEC, {
      cause: 'erreur',
      decision: 'non_fondee',
      reponse: 'Autre réponse.',
    });
    assert.equal(twice.statusCode, 409);

    const late = await byPhone('Attente au guichet');
    clock.at = new Date('2026-04-20T09:00:00Z');
    await post(`/agent/reclamations/${late}/decision`, agentEC, {
      cause: 'delai',
      decision: 'partiellement_fondee',
      reponse: 'Nous renforçons l’accueil le lundi.',
    });
    c = await complaint(late);
    assert.equal(c.answered_late, true);
    clock.at = new Date('2026-03-06T14:00:00Z');
  });

  test('a complaint of another service is « not found » to an agent; statistics for supervisors only', async () => {
    const id = await byPhone('Accueil désagréable');
    assert.equal((await get(`/agent/reclamations/${id}`, agentVoirie)).statusCode, 404);
    assert.equal((await post(`/agent/reclamations/${id}/accuse`, agentVoirie, { moyen: 'telephone' })).statusCode, 404);
    assert.doesNotMatch((await get('/agent/reclamations', agentVoirie)).body, /Accueil désagréable/);
    assert.equal((await get('/agent/admin/reclamations', agentEC)).statusCode, 403);
    assert.equal((await get('/agent/admin/reclamations', supervisor)).statusCode, 200);
    assert.equal((await post('/agent/admin/reclamations/delai', supervisor, { jours: '20' })).statusCode, 403);
    assert.equal((await post('/agent/admin/reclamations/delai', admin, { jours: '200' })).statusCode, 400);
    assert.equal((await post('/agent/admin/reclamations/delai', admin, { jours: '20' })).statusCode, 303);
    const days = await rows<{ complaint_answer_days: number }>(
      `select complaint_answer_days from tenants where id = $1`,
      [ctx.tenantId],
    );
    assert.equal(days[0]!.complaint_answer_days, 20);
    await ctx.database.ownerQuery(`update tenants set complaint_answer_days = 30 where id = $1`, [ctx.tenantId]);
  });

  test('the history is append-only for the application', async () => {
    await assert.rejects(
      inTenant(ctx.services.db, ctx.tenantId, (trx) => sql`update complaint_events set body = 'réécrit'`.execute(trx)),
      /permission denied/,
    );
  });
});

describe(`complaint indicators against a hand-computed month (${TEST_DB})`, () => {
  let ctx: TestContext;
  let etatCivil: string;
  let voirie: string;

  before(async () => {
    ctx = await createTestContext();
    const q = ctx.database.ownerQuery;
    const ids = (await q(`select id, slug from services where tenant_id = $1`, [ctx.tenantId])).rows as {
      id: string;
      slug: string;
    }[];
    etatCivil = ids.find((s) => s.slug === 'etat-civil')!.id;
    voirie = ids.find((s) => s.slug.startsWith('voirie'))!.id;
    // The demo's own requests and complaints are moved out of the month under test.
    await q(`update requests set submitted_at = '2025-01-15T10:00:00Z' where tenant_id = $1`, [ctx.tenantId]);
    await q(`delete from complaints where tenant_id = $1`, [ctx.tenantId]);
    const demarcheOf = async (serviceId: string) =>
      String(
        (
          await q(`select id from demarches where tenant_id = $1 and service_id = $2 limit 1`, [
            ctx.tenantId,
            serviceId,
          ])
        ).rows[0]!.id,
      );
    // March 2026: état civil receives 40 requests, voirie 10.
    const requests = async (serviceId: string, n: number) => {
      const demarcheId = await demarcheOf(serviceId);
      for (let i = 0; i < n; i++)
        await q(
          `insert into requests (tenant_id, reference, demarche_id, service_id, status, data, submitted_at, tracking_secret_hash, due_on)
           values ($1, $2, $3, $4, 'recue', '{}', '2026-03-10T10:00:00Z', 'x', '2026-04-10')`,
          [ctx.tenantId, `IND-2026-${serviceId.slice(0, 4)}${i}`, demarcheId, serviceId],
        );
    };
    await requests(etatCivil, 40);
    await requests(voirie, 10);
    let n = 0;
    const complaintRow = async (
      serviceId: string,
      receivedAt: string,
      closed?: { at: string; cause: string; decision: string; late: boolean },
      ack?: { at: string | null; by: string },
    ) =>
      q(
        `insert into complaints (tenant_id, reference, service_id, channel, subject, description, received_at,
           acknowledge_by, acknowledged_at, answer_due_on, status, cause, decision, answer, closed_at, answered_late, level)
         values ($1, $2, $3, 'telephone', 'Objet', 'Description', $4, $5, $6, '2026-04-30', $7, $8, $9, $10, $11, $12, $13)`,
        [
          ctx.tenantId,
          `REC-2026-IND${(n += 1)}`,
          serviceId,
          receivedAt,
          ack?.by ?? '2026-04-05T23:00:00Z',
          ack ? ack.at : receivedAt,
          closed ? 'close' : 'en_cours',
          closed?.cause ?? null,
          closed?.decision ?? null,
          closed ? 'Réponse.' : null,
          closed?.at ?? null,
          closed?.late ?? null,
          n === 3 ? 'direction' : 'service',
        ],
      );
    // État civil: 4 complaints in March (rate 4/40), 3 of them answered in March: délai ×2 (one late), accueil ×1.
    await complaintRow(etatCivil, '2026-03-02T09:00:00Z', {
      at: '2026-03-20T09:00:00Z',
      cause: 'delai',
      decision: 'fondee',
      late: false,
    });
    await complaintRow(etatCivil, '2026-03-03T09:00:00Z', {
      at: '2026-03-25T09:00:00Z',
      cause: 'delai',
      decision: 'partiellement_fondee',
      late: true,
    });
    await complaintRow(etatCivil, '2026-03-04T09:00:00Z', {
      at: '2026-03-26T09:00:00Z',
      cause: 'accueil',
      decision: 'non_fondee',
      late: false,
    });
    // Acknowledged after its deadline, still open.
    await complaintRow(etatCivil, '2026-03-05T09:00:00Z', undefined, {
      at: '2026-03-12T09:00:00Z',
      by: '2026-03-09T23:00:00Z',
    });
    // Voirie: 1 complaint in March (rate 1/10), received 31 March 23:30 in Paris (22:30 UTC).
    await complaintRow(voirie, '2026-03-31T21:30:00Z');
    // Outside the month: received 1 April 00:30 in Paris (31 March 22:30 UTC).
    await complaintRow(voirie, '2026-03-31T22:30:00Z');
  });
  after(async () => ctx.close());

  test('rates per service, main causes, deadlines kept, in the commune’s time zone', async () => {
    const i = await inTenant(ctx.services.db, ctx.tenantId, (trx) =>
      complaintIndicators(trx, { from: '2026-03-01', to: '2026-03-31' }),
    );
    assert.equal(i.received, 5);
    assert.equal(i.requestsReceived, 50);
    assert.equal(i.rate, 5 / 50);
    assert.equal(i.handled, 3);
    assert.equal(i.handledInTime, 2);
    assert.equal(i.inTimeRate, 2 / 3);
    assert.equal(i.acknowledged, 5);
    assert.equal(i.acknowledgedInTime, 4);
    assert.equal(i.escalated, 1);
    assert.deepEqual(i.decisions, { fondee: 1, partiellement_fondee: 1, non_fondee: 1 });
    assert.deepEqual(
      i.causes.map((c) => [c.cause, c.count, c.share]),
      [
        ['delai', 2, 2 / 3],
        ['accueil', 1, 1 / 3],
      ],
    );
    const ec = i.byService.find((s) => s.serviceId === etatCivil)!;
    assert.deepEqual([ec.received, ec.requestsReceived, ec.rate, ec.handled, ec.handledInTime], [4, 40, 0.1, 3, 2]);
    const v = i.byService.find((s) => s.serviceId === voirie)!;
    assert.deepEqual([v.received, v.requestsReceived, v.rate], [1, 10, 0.1]);
    // One service only.
    const only = await inTenant(ctx.services.db, ctx.tenantId, (trx) =>
      complaintIndicators(trx, { from: '2026-03-01', to: '2026-03-31', serviceId: voirie }),
    );
    assert.deepEqual([only.received, only.requestsReceived, only.handled], [1, 10, 0]);
    // What the published results call: the rate and the main causes, in their own transaction.
    const published = await publishedComplaintFigures(ctx.services.db, ctx.tenantId, {
      from: '2026-03-01',
      to: '2026-03-31',
      top: 1,
    });
    assert.equal(published.rate, 0.1);
    assert.deepEqual(
      published.mainCauses.map((c) => [c.label, c.count]),
      [['Délai de traitement', 2]],
    );
  });

  test('an empty period: zeros and no rate, never a division by zero; the page says so', async () => {
    const i = await inTenant(ctx.services.db, ctx.tenantId, (trx) =>
      complaintIndicators(trx, { from: '2024-01-01', to: '2024-01-31' }),
    );
    assert.deepEqual(
      [i.received, i.requestsReceived, i.rate, i.handled, i.inTimeRate, i.acknowledgedInTimeRate, i.causes.length],
      [0, 0, null, 0, null, null, 0],
    );
    assert.deepEqual(i.byService, []);
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'stats.reclamations@villebelle.example',
      password: PASSWORD,
      role: 'admin',
    });
    const cookie = await loginAgent(ctx.app, 'stats.reclamations@villebelle.example', PASSWORD);
    const page = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/admin/reclamations?du=2024-01-01&au=2024-01-31`,
      headers: { cookie },
    });
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /NaN|Infinity/);
    const march = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/admin/reclamations?du=2026-03-01&au=2026-03-31`,
      headers: { cookie },
    });
    assert.match(march.body, /Délai de traitement/);
    const csv = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/admin/reclamations.csv?du=2026-03-01&au=2026-03-31`,
      headers: { cookie },
    });
    assert.equal(csv.statusCode, 200);
    assert.match(csv.body, /ensemble;;;5;50;0\.1000;3;2|ensemble,,,5,50,0\.1000,3,2/);
  });
});
