import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { csrfFrom, ensureDemarche, insertAgent, insertRequest, loginAgent } from '../../../test/support/factories.ts';
import { visibleText } from '../../../test/support/pages.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { createTenant } from '../tenants/create-tenant.ts';
import { addWorkingDays } from '../requests/working-days.ts';
import { generateTrackingSecret, hashTrackingSecret } from '../requests/reference.ts';
import type { ResultsDocument, SiteResultsDocument } from './compute-results.ts';
import { refreshTenantResults } from './jobs.ts';
import { moduleResultsSources } from './module-sources.ts';
import { parisDay } from '../../platform/format.ts';
import { periodsOn } from './indicators.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'sapin-radis-olive-11';

class TestClock {
  constructor(private at: Date) {}
  now(): Date {
    return new Date(this.at);
  }
  set(iso: string): void {
    this.at = new Date(iso);
  }
}

/**
 * A month of requests with known deadlines (May 2026: 1 May, 8 May, Ascension on the 14th and
 * Whit Monday on the 25th are public holidays), a pause while waiting for the citizen, calls
 * answered and missed, survey answers; the figures are computed by hand below and compared with
 * the daily job's, on a service of its own so that the demo's sample requests do not count.
 */
describe(`results: indicators against a hand-computed month, « Nos résultats », open data, dashboard (${TEST_DB})`, () => {
  let ctx: TestContext;
  const clock = new TestClock(new Date('2026-05-04T07:00:00Z'));
  let serviceId = '';
  const refs: Record<string, string> = {};
  let supervisor = '';
  let agent = '';
  const q = async <T>(text: string, params: unknown[] = []) =>
    (await ctx.database.ownerQuery(text, params)).rows as T[];
  const get = (path: string, cookie = '') =>
    ctx.app.inject({ method: 'GET', url: `${BASE}${path}`, headers: cookie ? { cookie } : {} });

  async function changeStatus(reference: string, statut: string, at: string, message = '') {
    clock.set(at);
    // Sessions end after their absolute timeout: sign in again at the new time.
    agent = await loginAgent(ctx.app, 'qualite@villebelle.example', PASSWORD);
    const opened = await get(`/agent/demandes/${reference}`, agent);
    assert.equal(opened.statusCode, 200, `${opened.statusCode} ${String(opened.headers.location)}`);
    const page = opened.body;
    const revision = /name="revision" value="(\d+)"/.exec(page)?.[1] ?? '';
    const res = await ctx.app.inject({
      method: 'POST',
      url: `${BASE}/agent/demandes/${reference}/statut`,
      headers: { cookie: agent, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfFrom(page), revision, statut, message }).toString(),
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
  }

  before(async () => {
    ctx = await createTestContext({ clock });
    const demarche = await ensureDemarche(ctx.database, ctx.tenantId, {
      slug: 'mesure-qualite',
      serviceSlug: 'qualite',
    });
    const demarcheB = await ensureDemarche(ctx.database, ctx.tenantId, { slug: 'mesure-b', serviceSlug: 'qualite' });
    const demarcheC = await ensureDemarche(ctx.database, ctx.tenantId, { slug: 'mesure-c', serviceSlug: 'qualite' });
    serviceId = demarche.serviceId;
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'qualite@villebelle.example',
      password: PASSWORD,
      serviceSlugs: ['qualite'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'admin.resultats@villebelle.example',
      password: PASSWORD,
      role: 'admin',
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'chef.qualite@villebelle.example',
      password: PASSWORD,
      role: 'supervisor',
      serviceSlugs: ['qualite'],
    });

    // Filed on Monday 4 May 2026 with 10 working days: 5, 6, 7, (8 férié), 11, 12, 13, (14 Ascension), 15, 18, 19, 20.
    const due = '2026-05-20';
    assert.equal(addWorkingDays(new Date('2026-05-04T07:00:00Z'), 10), due);
    for (const name of ['onTime', 'late', 'paused', 'onDueDay', 'open']) {
      const r = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'mesure-qualite', dueOn: due });
      await q(`update requests set submitted_at = '2026-05-04T07:00:00Z', tracking_secret_hash = $2 where id = $1`, [
        r.id,
        hashTrackingSecret(generateTrackingSecret()),
      ]);
      refs[name] = r.reference;
    }
    await changeStatus(refs.onTime!, 'traitee', '2026-05-19T10:00:00Z');
    await changeStatus(refs.late!, 'traitee', '2026-05-21T10:00:00Z');
    // Waits for the citizen from Monday 11 to Monday 18 May: 12, 13, (14), 15, 18 = 4 working days;
    // the due date moves from the 20th by 4 working days: 21, 22, (25 Pentecôte), 26, 27.
    await changeStatus(refs.paused!, 'en_attente_usager', '2026-05-11T08:00:00Z', 'Envoyez le justificatif.');
    await changeStatus(refs.paused!, 'en_cours', '2026-05-18T08:00:00Z');
    await changeStatus(refs.paused!, 'traitee', '2026-05-26T10:00:00Z');
    await changeStatus(refs.onDueDay!, 'traitee', '2026-05-20T15:00:00Z');
    assert.deepEqual(await q(`select due_on::text as d from requests where reference = $1`, [refs.paused]), [
      { d: '2026-05-27' },
    ]);

    // Three calls logged by agents (answered on the spot: no deadline to count), two missed calls noted.
    for (let i = 0; i < 3; i++) {
      const r = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'mesure-qualite', dueOn: due });
      await q(
        `update requests set channel = 'telephone', status = 'traitee', submitted_at = '2026-05-12T09:00:00Z',
           closed_at = '2026-05-12T09:00:00Z' where id = $1`,
        [r.id],
      );
    }
    await q(`insert into missed_calls (tenant_id, day, service_id, calls) values ($1, '2026-05-12', $2, 2)`, [
      ctx.tenantId,
      serviceId,
    ]);

    // Eight answers: 5 satisfied (5, 5, 4, 4, 5), 1 neutral, 2 dissatisfied; « simple » answered 3 times, 2 yes.
    const answers: [number, number | null][] = [
      [5, 4],
      [5, 3],
      [4, 1],
      [3, null],
      [2, null],
      [1, null],
      [4, null],
      [5, null],
    ];
    for (const [satisfaction, simple] of answers) {
      await q(
        `insert into survey_answers (tenant_id, answered_on, interaction, channel, service_id, satisfaction, simple)
         values ($1, '2026-05-22', 'request', 'courriel', $2, $3, $4)`,
        [ctx.tenantId, serviceId, satisfaction, simple],
      );
    }
    // Online scores: A 8.4 on 5, B 7.4 on 5, C two scores only (does not count).
    const scores: [string, number[]][] = [
      [demarche.id, [8, 9, 10, 7, 8]],
      [demarcheB.id, [7, 7, 8, 6, 9]],
      [demarcheC.id, [10, 10]],
    ];
    for (const [id, list] of scores)
      for (const s of list)
        await q(
          `insert into survey_answers (tenant_id, answered_on, interaction, channel, service_id, demarche_id, satisfaction, online_score)
           values ($1, '2026-05-23', 'request', 'en-ligne', $2, $3, 4, $4)`,
          [ctx.tenantId, serviceId, id, s],
        );
    clock.set('2026-06-30T02:00:00Z');
    agent = await loginAgent(ctx.app, 'qualite@villebelle.example', PASSWORD);
    supervisor = await loginAgent(ctx.app, 'chef.qualite@villebelle.example', PASSWORD);
  });
  after(async () => ctx?.close());

  test('before the first run, « Nos résultats » says plainly there is no data, and is linked from every page', async () => {
    const page = await get('/resultats');
    assert.equal(page.statusCode, 200);
    assert.match(visibleText(page.body), /Pas encore de données/);
    assert.doesNotMatch(page.body, /NaN|Infinity/);
    assert.match((await get('/')).body, /href="\/t\/villebelle\/resultats">Nos résultats</);
  });

  test('the daily computation matches the figures computed by hand', async () => {
    await refreshTenantResults(ctx.services.db, ctx.tenantId, clock.now());
    const [row] = await q<{ figures: ResultsDocument }>(`select figures from published_results where scope = $1`, [
      `service:${serviceId}`,
    ]);
    const doc = row!.figures;
    const f = doc.current.figures;
    assert.equal(doc.current.from, '2025-07-01');
    assert.equal(doc.current.to, '2026-06-30');
    // 16 answers: the 8 above and the 12 online ones (all « plutôt satisfait »).
    assert.equal(f.satisfaction.answers, 20);
    assert.equal(f.satisfaction.satisfied, 17);
    assert.equal(f.satisfaction.dissatisfied, 2);
    assert.equal(f.satisfaction.rate, 17 / 20);
    assert.equal(f.satisfaction.net, 15 / 20);
    assert.deepEqual(f.satisfaction.simple, { answered: 3, yes: 2, rate: 2 / 3 });
    // Handled: onTime, late, paused (in time thanks to the pause), onDueDay; not the open one, not the calls.
    assert.deepEqual(f.deadlines, { handled: 4, inTime: 3, rate: 0.75 });
    assert.deepEqual(f.pickUp, { answered: 3, required: 5, rate: 0.6 });
    assert.deepEqual(f.online, { rated: 2, atLeast8: 1, ratings: 12, rate: 0.5 });
    assert.deepEqual(f.volumes, [
      { channel: 'en-ligne', count: 5 },
      { channel: 'telephone', count: 3 },
    ]);
    assert.equal(f.complaints, null);
    assert.equal(f.counterWait, null);
    // The previous period has nothing: every share is null, nothing divided by zero.
    const p = doc.previous.figures;
    assert.equal(p.satisfaction.rate, null);
    assert.equal(p.deadlines.rate, null);
    assert.equal(p.pickUp.rate, null);
    const may = doc.months.find((m) => m.month === '2026-05')!;
    assert.equal(may.deadlineRate, 0.75);
    assert.equal(may.pickUpRate, 0.6);
    assert.equal(doc.months.find((m) => m.month === '2026-04')!.satisfactionRate, null);
  });

  test('the service page shows the figures, the previous period beside them, charts with their data tables', async () => {
    const page = await get('/resultats/services/qualite');
    assert.equal(page.statusCode, 200);
    const text = visibleText(page.body);
    assert.match(text, /Taux de satisfaction\s+85 %\s+Période précédente : pas de données/);
    assert.match(text, /Respect des délais annoncés\s+75 %/);
    assert.match(text, /Taux de décroché\s+60 %/);
    assert.match(text, /Démarches en ligne notées au moins 8 sur 10\s+50 %/);
    assert.match(text, /Satisfaction nette\s+\+75 points/);
    assert.match(text, /Réclamations\s+Pas encore de données/);
    assert.match(page.body, /<svg viewBox="0 0 640 220" role="img" aria-labelledby="graphique-delais-title"/);
    assert.match(text, /mai 2026\s+75 %\s+4 demandes traitées/);
    assert.doesNotMatch(page.body, /NaN|Infinity/);
    assert.equal((await get('/resultats/services/inconnu')).statusCode, 404);
  });

  test('open data: CSV and JSON, one row per scope, indicator and period, under the Licence Ouverte', async () => {
    const csv = await get('/resultats/donnees.csv');
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    assert.match(String(csv.headers.link), /licence-ouverte/);
    const lines = csv.body
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    assert.equal(
      lines[0],
      'collectivite;code_insee;perimetre;service;lieu;indicateur;libelle;canal;periode;date_debut;date_fin;numerateur;denominateur;valeur;unite;calcule_le',
    );
    assert.ok(
      lines.includes(
        `Villebelle;;service;qualite;;respect_delais;Respect des délais annoncés;;courante;2025-07-01;2026-06-30;3;4;0.75;part;2026-06-30T02:00:00.000Z`,
      ),
      lines.filter((l) => l.includes('respect_delais')).join('\n'),
    );
    assert.ok(
      lines.some((l) => /;service;qualite;;taux_decroche;.*;precedente;2024-07-01;2025-06-30;0;0;;part;/.test(l)),
    );
    const json = (await get('/resultats/donnees.json')).json() as {
      licence: string;
      indicateurs: Record<string, unknown>[];
    };
    assert.equal(json.licence, 'Licence Ouverte 2.0 (Etalab)');
    const row = json.indicateurs.find(
      (r) => r.service === 'qualite' && r.indicateur === 'taux_satisfaction' && r.periode === 'courante',
    );
    assert.deepEqual([row?.numerateur, row?.denominateur, row?.valeur], [17, 20, 0.85]);
  });

  test('a new collectivité: its page says there is no data yet; its open data is empty', async () => {
    await createTenant(ctx.database.ownerQuery, { name: 'Neuville', slug: 'neuville', hosts: ['neuville.localhost'] });
    const tenant = await q<{ id: string }>(`select id from tenants where slug = 'neuville'`);
    await refreshTenantResults(ctx.services.db, tenant[0]!.id, clock.now());
    const page = await ctx.app.inject({ method: 'GET', url: '/t/neuville/resultats' });
    assert.equal(page.statusCode, 200);
    const text = visibleText(page.body);
    assert.match(text, /Pas encore de données pour cette période/);
    assert.doesNotMatch(page.body, /NaN|Infinity|class="figure-value"/);
    const csv = await ctx.app.inject({ method: 'GET', url: '/t/neuville/resultats/donnees.csv' });
    const rows = csv.body.trim().split('\r\n').slice(1);
    assert.ok(rows.some((r) => r.includes(';respect_delais;')));
    // Every share is empty (0 out of 0), never 0.
    for (const r of rows) assert.match(r, /;0;0;;part;/, r);
  });

  test('figures other modules own come through their source: complaints, counter wait, improvement actions', async () => {
    const asked: string[] = [];
    await refreshTenantResults(ctx.services.db, ctx.tenantId, clock.now(), {
      complaints: async (_trx, range) => {
        asked.push(`complaints ${range.from} ${range.to} ${range.serviceId ?? 'commune'}`);
        return { complaints: 2, rate: 0.1, causes: [{ label: 'Délai trop long', count: 2 }] };
      },
      counterWait: async () => ({ visits: 40, medianMinutes: 12.4 }),
      actions: async () => ({
        done: 2,
        inProgress: 1,
        latest: [{ title: 'Horaires du samedi matin élargis', status: 'done', on: '2026-05-02' }],
      }),
    });
    const { current, previous } = periodsOn(parisDay(clock.now()));
    // Each scope and period is asked for: the commune and each service, this period and the one before.
    for (const scope of ['commune', serviceId])
      for (const p of [current, previous])
        assert.ok(asked.includes(`complaints ${p.from} ${p.to} ${scope}`), asked.join(', '));
    const text = visibleText((await get('/resultats')).body);
    assert.match(text, /Taux de réclamation\s+10 %/);
    assert.match(text, /Délai trop long \(2\)/);
    assert.match(text, /Temps d’attente médian à l’accueil\s+12 min/);
    assert.match(text, /2 actions réalisées, 1 action en cours/);
    assert.match(text, /Horaires du samedi matin élargis — réalisée \(2 mai 2026\)/);
    const csv = (await get('/resultats/donnees.csv')).body;
    assert.match(csv, /;collectivite;;;actions_realisees;[^\r]*;courante;[-\d]+;[-\d]+;;;2;nombre;/);
    assert.match(csv, /;attente_mediane_accueil;[^\r]*;guichet;courante;[^\r]*;;40;12\.4;minutes;/);
    // Back to this module's figures alone for the tests that follow.
    await refreshTenantResults(ctx.services.db, ctx.tenantId, clock.now());
    assert.match(visibleText((await get('/resultats')).body), /Pas encore d’action d’amélioration sur la période/);
  });

  test('the modules’ own sources: a complaint answered and an improvement action done reach « Nos résultats »', async () => {
    await q(
      `insert into complaints (tenant_id, reference, service_id, channel, subject, description, status, received_at,
                               acknowledge_by, acknowledged_at, answer_due_on, cause, decision, answer, closed_at)
       values ($1, 'REC-RES-1', $2, 'telephone', 'Attente', 'Trois semaines sans réponse', 'close',
               '2026-05-11T09:00:00Z', '2026-05-13T17:00:00Z', '2026-05-11T10:00:00Z', '2026-06-10', 'delai',
               'fondee', 'Nous avons renforcé l’équipe.', '2026-05-20T09:00:00Z')`,
      [ctx.tenantId, serviceId],
    );
    await q(
      `insert into improvement_actions (tenant_id, title, status, service_id, created_at, done_at)
       values ($1, 'Réponse aux appels le samedi matin', 'realisee', $2, '2026-05-02T09:00:00Z', '2026-05-25T09:00:00Z'),
              ($1, 'Formulaire plus court', 'en_cours', $2, '2026-06-01T09:00:00Z', null)`,
      [ctx.tenantId, serviceId],
    );
    await refreshTenantResults(ctx.services.db, ctx.tenantId, clock.now(), moduleResultsSources);
    const [row] = await q<{ figures: ResultsDocument }>(`select figures from published_results where scope = $1`, [
      `service:${serviceId}`,
    ]);
    const f = row!.figures.current.figures;
    // One complaint for the service's 8 items received in the period (5 online, 3 by phone).
    assert.deepEqual(f.complaints, {
      complaints: 1,
      rate: 1 / 8,
      causes: [{ label: 'Délai de traitement', count: 1 }],
    });
    assert.equal(f.actions?.done, 1);
    assert.equal(f.actions?.inProgress, 1);
    // No counter ticket here: the waiting time stays « pas encore de données », and a service has none of its own.
    assert.equal(f.counterWait, null);
    const text = visibleText((await get('/resultats')).body);
    assert.match(text, /Délai de traitement \(1\)/);
    assert.match(text, /Réponse aux appels le samedi matin — réalisée \(25 mai 2026\)/);
    await q(`delete from complaints where reference = 'REC-RES-1'`);
    await q(`delete from improvement_actions where tenant_id = $1`, [ctx.tenantId]);
    await refreshTenantResults(ctx.services.db, ctx.tenantId, clock.now());
  });

  test('per site: the counter’s median wait and visits, appointments booked and missed, against hand-computed figures', async () => {
    const [site] = await q<{ id: string }>(
      `insert into appointment_sites (tenant_id, name, kind) values ($1, 'France services du Parc', 'france_services') returning id`,
      [ctx.tenantId],
    );
    const [closed] = await q<{ id: string }>(
      `insert into appointment_sites (tenant_id, name, kind, active) values ($1, 'Ancienne annexe', 'annexe', false) returning id`,
      [ctx.tenantId],
    );
    const [counter] = await q<{ id: string }>(
      `insert into appointment_resources (tenant_id, site_id, name, kind) values ($1, $2, 'Guichet du Parc', 'counter') returning id`,
      [ctx.tenantId, site!.id],
    );
    const [demarche] = await q<{ id: string }>(`select id from demarches where slug = 'mesure-qualite'`);
    const [motif] = await q<{ id: string }>(
      `insert into appointment_motifs (tenant_id, demarche_id, name, duration_minutes) values ($1, $2, 'Mesure', 20) returning id`,
      [ctx.tenantId, demarche!.id],
    );
    // Tickets called after 4, 10 and 30 minutes this period (median 10 min), 6 minutes in the period
    // before; one still waiting (never called) does not count.
    const tickets: [string, number | null][] = [
      ['2026-05-12T08:00:00Z', 4],
      ['2026-05-12T08:10:00Z', 10],
      ['2026-06-02T12:00:00Z', 30],
      ['2025-03-03T09:00:00Z', 6],
      ['2026-06-02T12:05:00Z', null],
    ];
    for (const [i, [arrival, wait]] of tickets.entries()) {
      const called = wait === null ? null : new Date(new Date(arrival).getTime() + wait * 60_000);
      await q(
        `insert into counter_tickets (tenant_id, site_id, day, letter, number, status, issued_at, wait_from, called_at,
           last_called_at, calls, completed_at)
         values ($1, $2, ($3::timestamptz at time zone 'Europe/Paris')::date, 'A', $4, $5, $3, $3, $6, $6, $7, $6)`,
        [ctx.tenantId, site!.id, arrival, i + 1, called ? 'seen' : 'waiting', called, called ? 1 : 0],
      );
    }
    // Appointments this period: seen, absent, never checked in once over (absent too), excused,
    // later today (not due yet), cancelled (not counted): 5 booked, 4 due, 2 no-shows → 50 %.
    const appointments: [string, string, string | null][] = [
      ['2026-05-12T08:00:00Z', 'seen', '2026-05-12T07:55:00Z'],
      ['2026-05-12T09:00:00Z', 'no_show', null],
      ['2026-06-01T09:00:00Z', 'booked', null],
      ['2026-06-02T09:00:00Z', 'excused', null],
      ['2026-06-30T10:00:00Z', 'booked', null],
      ['2026-05-13T09:00:00Z', 'cancelled', null],
    ];
    for (const [i, [start, status, checkedIn]] of appointments.entries()) {
      const end = new Date(new Date(start).getTime() + 20 * 60_000);
      await q(
        `insert into appointments (tenant_id, reference, motif_id, demarche_id, site_id, resource_id, starts_at, ends_at,
           busy_until, slot_key, given_name, family_name, email, channel, status, created_at, checked_in_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, 'Camille', 'Martin', 'c@example.org', 'web', $10, '2026-04-01T08:00:00Z', $11)`,
        [
          ctx.tenantId,
          `RDV-RES00${i}`,
          motif!.id,
          demarche!.id,
          site!.id,
          counter!.id,
          start,
          end,
          `${motif!.id}@${start}`,
          status,
          checkedIn,
        ],
      );
    }
    // Four answers about visits there this period (two satisfied, one dissatisfied, one
    // « très satisfait »; two answered « simple »), one at the closed annexe, none the period before.
    for (const [satisfaction, simple, at] of [
      [5, 4, site!.id],
      [4, null, site!.id],
      [2, 1, site!.id],
      [5, null, site!.id],
      [1, null, closed!.id],
    ] as const)
      await q(
        `insert into survey_answers (tenant_id, answered_on, interaction, channel, site_id, satisfaction, simple)
         values ($1, '2026-05-12', 'visit', 'guichet', $2, $3, $4)`,
        [ctx.tenantId, at, satisfaction, simple],
      );
    await refreshTenantResults(ctx.services.db, ctx.tenantId, clock.now(), moduleResultsSources);
    const [row] = await q<{ figures: SiteResultsDocument }>(`select figures from published_results where scope = $1`, [
      `site:${site!.id}`,
    ]);
    const doc = row!.figures;
    assert.equal(doc.siteName, 'France services du Parc');
    assert.deepEqual(doc.current.figures, {
      counterWait: { visits: 3, medianMinutes: 10 },
      appointments: { booked: 5, due: 4, noShows: 2, noShowRate: 0.5 },
      satisfaction: {
        answers: 4,
        satisfied: 3,
        dissatisfied: 1,
        rate: 0.75,
        net: 0.5,
        simple: { answered: 2, yes: 1, rate: 0.5 },
        clear: { answered: 0, yes: 0, rate: null },
      },
    });
    assert.deepEqual(doc.previous.figures, {
      counterWait: { visits: 1, medianMinutes: 6 },
      appointments: null,
      satisfaction: null,
    });
    assert.equal(
      (await q(`select 1 from published_results where scope = $1`, [`site:${closed!.id}`])).length,
      0,
      'an inactive site is not published',
    );

    const home = await get('/resultats');
    assert.match(visibleText(home.body), /Par lieu d’accueil/);
    assert.match(home.body, new RegExp(`href="/t/villebelle/resultats/lieux/${site!.id}"`));
    const page = await get(`/resultats/lieux/${site!.id}`);
    assert.equal(page.statusCode, 200);
    const text = visibleText(page.body);
    assert.match(text, /Nos résultats – France services du Parc/);
    assert.match(text, /Temps d’attente médian à l’accueil\s+10 min\s+Période précédente : 6 min\s+3 visites/);
    assert.match(text, /Visites au guichet\s+3 visites\s+Période précédente : 1 visite/);
    assert.match(text, /Rendez-vous pris\s+5 rendez-vous\s+Période précédente : pas de données/);
    assert.match(
      text,
      /Rendez-vous non honorés\s+50 %\s+Période précédente : pas de données\s+2 sur 4 rendez-vous passés/,
    );
    assert.match(text, /Taux de satisfaction\s+75 %\s+Période précédente : pas de données\s+4 avis sur la période/);
    assert.match(text, /Satisfaction nette\s+\+50 points/);
    assert.match(text, /Réponse jugée claire\s+Pas encore de données pour cette période/);
    assert.match(page.body, /aria-current="page"/);
    assert.doesNotMatch(page.body, /NaN|Infinity/);
    assert.equal((await get(`/resultats/lieux/${closed!.id}`)).statusCode, 404);
    assert.equal((await get('/resultats/lieux/00000000-0000-0000-0000-000000000000')).statusCode, 404);
    assert.equal((await get('/resultats/lieux/mairie')).statusCode, 404);

    const csv = (await get('/resultats/donnees.csv')).body;
    const lines = csv.split('\r\n');
    assert.ok(
      lines.includes(
        'Villebelle;;lieu;;France services du Parc;taux_rendez_vous_non_honores;Rendez-vous non honorés;;courante;2025-07-01;2026-06-30;2;4;0.5;part;2026-06-30T02:00:00.000Z',
      ),
      lines.filter((l) => l.includes(';lieu;')).join('\n'),
    );
    assert.ok(
      lines.some((l) =>
        l.startsWith(
          'Villebelle;;lieu;;France services du Parc;attente_mediane_accueil;Temps d’attente médian à l’accueil;guichet;precedente;2024-07-01;2025-06-30;;1;6;minutes;',
        ),
      ),
    );
    assert.ok(
      lines.some((l) =>
        l.startsWith(
          'Villebelle;;lieu;;France services du Parc;rendez_vous_pris;Rendez-vous pris;;courante;2025-07-01;2026-06-30;;;5;nombre;',
        ),
      ),
    );
    assert.ok(
      lines.some((l) =>
        l.startsWith(
          'Villebelle;;lieu;;France services du Parc;taux_satisfaction;Taux de satisfaction;;courante;2025-07-01;2026-06-30;3;4;0.75;part;',
        ),
      ),
    );
    assert.ok(
      !lines.some((l) => l.includes(';France services du Parc;taux_satisfaction;') && l.includes(';precedente;')),
    );
    // Nothing booked the period before: no row, rather than a 0 that would read as « no no-show ».
    assert.ok(
      !lines.some(
        (l) => l.includes(';France services du Parc;taux_rendez_vous_non_honores;') && l.includes(';precedente;'),
      ),
    );

    // The administrators' dashboard offers each site; its satisfaction opens on the answers given there.
    // (The second factor's code is of the real time: the clock is moved there for the login.)
    const saved = clock.now().toISOString();
    clock.set(new Date().toISOString());
    const admin = await loginAgent(ctx.app, 'admin.resultats@villebelle.example', PASSWORD);
    clock.set(saved);
    const board = await get('/agent/admin/resultats', admin);
    assert.match(board.body, /<optgroup label="Lieux d’accueil"><option value="lieu:[^"]+"\s*>France services du Parc/);
    const sitePage = await get(`/agent/admin/resultats?service=lieu:${site!.id}`, admin);
    assert.equal(sitePage.statusCode, 200);
    assert.match(visibleText(sitePage.body), /Taux de satisfaction\s+75 %/);
    const answersLink = /href="([^"]*detail\?indicateur=satisfaction[^"]*)"/
      .exec(sitePage.body)?.[1]
      ?.replace(/&amp;/g, '&');
    assert.ok(answersLink, 'the site’s answers are a drill-down link');
    const siteAnswers = await ctx.app.inject({
      method: 'GET',
      url: answersLink!.replace('/detail?', '/detail.csv?'),
      headers: { cookie: admin },
    });
    assert.equal(siteAnswers.body.trim().split('\r\n').length, 1 + 4, 'the four answers given at the site');
    assert.match(siteAnswers.body, /Visite au guichet/);
    assert.equal(
      (await get(`/agent/admin/resultats/detail?indicateur=delais&service=lieu:${site!.id}`, admin)).statusCode,
      404,
    );
    // A supervisor of one service does not get the sites (they serve every service).
    assert.equal((await get(`/agent/admin/resultats?service=lieu:${site!.id}`, supervisor)).statusCode, 404);

    // Without the counter module's source, the page says there is no data yet, dividing nothing.
    await refreshTenantResults(ctx.services.db, ctx.tenantId, clock.now());
    const empty = visibleText((await get(`/resultats/lieux/${site!.id}`)).body);
    assert.match(empty, /Rendez-vous non honorés\s+Pas encore de données pour cette période/);
  });

  test('dashboard: the supervisor opens a figure and gets the items behind it, and the CSV has one row per item', async () => {
    const page = await get(`/agent/admin/resultats?service=${serviceId}`, supervisor);
    assert.equal(page.statusCode, 200);
    const link = /href="([^"]*detail\?indicateur=delais[^"]*)"/.exec(page.body)?.[1]?.replace(/&amp;/g, '&');
    assert.ok(link, 'a drill-down link on the deadlines figure');
    const detail = await ctx.app.inject({ method: 'GET', url: link!, headers: { cookie: supervisor } });
    assert.equal(detail.statusCode, 200);
    const text = visibleText(detail.body);
    assert.match(text, /4 éléments/);
    assert.match(text, new RegExp(`${refs.late}.*Non`));
    assert.match(text, new RegExp(`${refs.paused}.*27 mai 2026.*Oui`));
    const csv = await ctx.app.inject({
      method: 'GET',
      url: link!.replace('/detail?', '/detail.csv?'),
      headers: { cookie: supervisor },
    });
    assert.equal(csv.statusCode, 200);
    assert.equal(csv.body.trim().split('\r\n').length, 1 + 4);
    const answers = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/admin/resultats/detail.csv?indicateur=satisfaction&service=${serviceId}`,
      headers: { cookie: supervisor },
    });
    assert.equal(answers.body.trim().split('\r\n').length, 1 + 20);
    // Another service's scope, or the whole commune, is not the supervisor's.
    const other = await q<{ id: string }>(`select id from services where tenant_id = $1 and slug = 'etat-civil'`, [
      ctx.tenantId,
    ]);
    assert.equal((await get(`/agent/admin/resultats?service=${other[0]!.id}`, supervisor)).statusCode, 404);
    assert.equal(
      (await get(`/agent/admin/resultats/detail?indicateur=inconnu&service=${serviceId}`, supervisor)).statusCode,
      404,
    );
    // A plain agent reads the public page, not the dashboard.
    assert.equal((await get('/agent/admin/resultats', agent)).statusCode, 403);
  });

  test('missed calls: an agent notes them for their service; a wrong number or a future day comes back with the error', async () => {
    const form = await get('/agent/appels-manques', agent);
    assert.equal(form.statusCode, 200);
    const post = (fields: Record<string, string>) =>
      ctx.app.inject({
        method: 'POST',
        url: `${BASE}/agent/appels-manques`,
        headers: { cookie: agent, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrfFrom(form.body), ...fields }).toString(),
      });
    const bad = await post({ jour: '2026-06-29', appels: 'beaucoup', service: serviceId });
    assert.equal(bad.statusCode, 400);
    assert.match(visibleText(bad.body), /Indiquez un nombre entier d’appels/);
    assert.match(bad.body, /value="beaucoup"/);
    const future = await post({ jour: '2026-07-02', appels: '3', service: serviceId });
    assert.equal(future.statusCode, 400);
    assert.match(visibleText(future.body), /jour passé/);
    const all = await post({ jour: '2026-06-29', appels: '3', service: '' });
    assert.equal(all.statusCode, 400, 'the switchboard (all services) is the administrators’');
    const ok = await post({ jour: '2026-06-29', appels: '3', service: serviceId });
    assert.equal(ok.statusCode, 303);
    assert.deepEqual(await q(`select calls from missed_calls where day = '2026-06-29'`), [{ calls: 3 }]);
  });

  test('the daily job is registered and refreshes every tenant', async () => {
    const job = ctx.services.dailyJobs.jobs.find((j) => j.name === 'results');
    assert.ok(job);
    const summary = (await job.run(clock.now())) as { tenants: number; scopes: number };
    assert.ok(summary.tenants >= 2 && summary.scopes >= 2);
    await inTenant(ctx.services.db, ctx.tenantId, async (trx) => {
      const n = await trx
        .selectFrom('published_results')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      assert.ok(Number(n.n) >= 2);
    });
  });
});
