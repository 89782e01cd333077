import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { csrfFrom, ensureDemarche, insertAgent, insertRequest, loginAgent } from '../../../test/support/factories.ts';
import { postForm } from '../../../test/support/http.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { insertApiFixtures } from '../api/test-fixtures.ts';
import { enqueueJob } from '../../platform/jobs/queue.ts';
import { generateTrackingSecret, hashTrackingSecret } from './reference.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'sapin-radis-olive-11';

/** A clock the tests move by hand. */
class TestClock {
  constructor(private at: Date) {}
  now(): Date {
    return new Date(this.at);
  }
  set(iso: string): void {
    this.at = new Date(iso);
  }
}

describe(`deadlines: paused while waiting for the citizen, closing days, warnings, breaches; who has an item open (${TEST_DB})`, () => {
  let ctx: TestContext;
  const clock = new TestClock(new Date('2026-05-12T07:00:00Z'));
  let camilleId = '';

  const login = (email: string) => loginAgent(ctx.app, email, PASSWORD);
  const get = (path: string, cookie: string) =>
    ctx.app.inject({ method: 'GET', url: `${BASE}${path}`, headers: { cookie } });
  const q = async <T>(text: string, params: unknown[] = []) =>
    (await ctx.database.ownerQuery(text, params)).rows as T[];

  async function changeStatus(reference: string, cookie: string, statut: string, message = '') {
    const page = (await get(`/agent/demandes/${reference}`, cookie)).body;
    const revision = /name="revision" value="(\d+)"/.exec(page)?.[1] ?? '';
    const res = await ctx.app.inject({
      method: 'POST',
      url: `${BASE}/agent/demandes/${reference}/statut`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfFrom(page), revision, statut, message }).toString(),
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 400));
  }

  async function request(options: { dueOn: string; slug?: string; status?: string }) {
    const r = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: options.slug ?? 'signaler-probleme-voirie',
      dueOn: options.dueOn,
      status: options.status as never,
    });
    const secret = generateTrackingSecret();
    await ctx.database.ownerQuery('update requests set tracking_secret_hash = $1 where id = $2', [
      hashTrackingSecret(secret),
      r.id,
    ]);
    return { ...r, secret };
  }

  async function dueOn(id: string) {
    return (await q<{ due_on: string }>('select due_on::text from requests where id = $1', [id]))[0]!.due_on;
  }

  /** Runs the daily deadlines job as the scheduler would (through the queue), then its warnings. */
  async function runDailyJob(key: string) {
    await enqueueJob(ctx.services.db, null, { queue: 'daily.deadlines', uniqueKey: key });
    await ctx.services.jobs.drain();
  }

  async function warningsFor(reference: string) {
    return q<{ to_address: string; subject: string; text_body: string }>(
      `select to_address, subject, text_body from mail_outbox where subject like $1 order by to_address`,
      [`Échéance proche – demande ${reference} %`],
    );
  }

  before(async () => {
    ctx = await createTestContext({ clock });
    await insertApiFixtures(ctx);
    await ensureDemarche(ctx.database, ctx.tenantId, {
      slug: 'test-acte',
      serviceSlug: 'etat-civil',
      title: "Demander un acte d'état civil",
    });
    camilleId = await insertAgent(ctx.database, ctx.tenantId, {
      email: 'camille.voirie@villebelle.example',
      name: 'Camille Voirie',
      password: PASSWORD,
      serviceSlugs: ['voirie-proprete'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'dominique.voirie@villebelle.example',
      name: 'Dominique Martin',
      password: PASSWORD,
      serviceSlugs: ['voirie-proprete'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'eve.etatcivil@villebelle.example',
      name: 'Ève État-civil',
      password: PASSWORD,
      serviceSlugs: ['etat-civil'],
    });
  });
  after(async () => ctx.close());

  test('waiting for the citizen pauses the clock: the due date moves by the working days waited, past Ascension and a weekend', async () => {
    // Tuesday 12 May 2026, 9:00 in Paris; due on Wednesday 20 May.
    clock.set('2026-05-12T07:00:00Z');
    const r = await request({ dueOn: '2026-05-20' });
    const camille = await login('camille.voirie@villebelle.example');
    await changeStatus(r.reference, camille, 'en_attente_usager', 'Envoyez-nous une photo du trou.');
    const [waiting] = await q<{ waiting_since: Date; due_on: string }>(
      'select waiting_since, due_on::text from requests where id = $1',
      [r.id],
    );
    assert.equal(waiting!.waiting_since.toISOString(), '2026-05-12T07:00:00.000Z');
    assert.equal(waiting!.due_on, '2026-05-20', 'pausing does not move the date yet');

    // The citizen answers on Monday 18 May: Wed 13, Fri 15 and Mon 18 were working days waited
    // (Thursday 14 is Ascension). Three working days after 20 May, Whit Monday 25 May excluded: 26 May.
    clock.set('2026-05-18T08:00:00Z');
    const res = await postForm(
      ctx.app,
      `${BASE}/suivi/${r.reference}/messages`,
      { cookie: '', csrf: '' },
      {
        cle: r.secret,
        message: 'Voici la photo.',
      },
    );
    assert.equal(res.statusCode, 303, res.body.slice(0, 400));
    const [resumed] = await q<{ status: string; waiting_since: Date | null; due_on: string }>(
      'select status, waiting_since, due_on::text from requests where id = $1',
      [r.id],
    );
    assert.deepEqual(resumed, { status: 'en_cours', waiting_since: null, due_on: '2026-05-26' });
    const events = await q<{ body: string; visible_to_citizen: boolean; author_kind: string }>(
      `select body, visible_to_citizen, author_kind from request_events where request_id = $1 and kind = 'deadline_extended'`,
      [r.id],
    );
    assert.deepEqual(events, [
      {
        body: 'Échéance reportée au 26 mai 2026 (attente de l’usager : 3 jours ouvrés).',
        visible_to_citizen: false,
        author_kind: 'system',
      },
    ]);
    const agentPage = await get(`/agent/demandes/${r.reference}`, await login('camille.voirie@villebelle.example'));
    assert.match(agentPage.body, /Échéance reportée au 26 mai 2026 \(attente de l’usager/);
    assert.match(agentPage.body, /26 mai 2026/);
    const tracking = await ctx.app.inject({ url: `${BASE}/suivi/${r.reference}?cle=${r.secret}` });
    assert.equal(tracking.statusCode, 200);
    assert.doesNotMatch(tracking.body, /Échéance reportée/, 'the citizen does not see the agents’ timeline entry');
  });

  test('the tenant’s closing days do not count either; a wait of no working day moves nothing', async () => {
    await ctx.database.ownerQuery(
      `insert into tenant_closing_days (tenant_id, day, label) values ($1, '2026-06-05', 'Pont')`,
      [ctx.tenantId],
    );
    // Paused on Wednesday 3 June, resumed by the agent on Monday 8 June: Thursday 4 and Monday 8
    // count, Friday 5 (closed) does not. Two working days after Wednesday 10 June: Friday 12.
    clock.set('2026-06-03T12:00:00Z');
    const r = await request({ dueOn: '2026-06-10' });
    let camille = await login('camille.voirie@villebelle.example');
    await changeStatus(r.reference, camille, 'en_attente_usager', 'Quel est le numéro de la rue ?');
    clock.set('2026-06-08T12:00:00Z');
    camille = await login('camille.voirie@villebelle.example');
    await changeStatus(r.reference, camille, 'en_cours');
    assert.equal(await dueOn(r.id), '2026-06-12');

    // Paused and resumed on the same day: the date stays, nothing on the timeline.
    await changeStatus(r.reference, camille, 'en_attente_usager', 'Une précision ?');
    clock.set('2026-06-08T15:00:00Z');
    camille = await login('camille.voirie@villebelle.example');
    await changeStatus(r.reference, camille, 'en_cours');
    assert.equal(await dueOn(r.id), '2026-06-12');
    const extended = await q('select 1 from request_events where request_id = $1 and kind = $2', [
      r.id,
      'deadline_extended',
    ]);
    assert.equal(extended.length, 1);
  });

  test('a submission’s due date skips the tenant’s closing days', async () => {
    await ctx.database.ownerQuery(
      `insert into tenant_closing_days (tenant_id, day, label) values ($1, '2026-07-10', 'Pont du 14 juillet')`,
      [ctx.tenantId],
    );
    // Monday 29 June 2026, 9:00 in Paris; 10 working days. Without the closing day: 13 July.
    // With Friday 10 July closed and 14 July a holiday: Wednesday 15 July.
    clock.set('2026-06-29T07:00:00Z');
    const res = await ctx.app.inject({
      method: 'POST',
      url: `${BASE}/api/v1/demarches/api-test-en-ligne/requests`,
      payload: {
        answers: {
          applicant_given_name: 'Camille',
          applicant_family_name: 'Martin',
          applicant_email: 'camille.martin@example.org',
          motif: 'Un acte',
          adresse: { street: '3 rue des Lilas', postalCode: '00000', city: 'Villebelle' },
        },
      },
    });
    assert.equal(res.statusCode, 201, res.body);
    const { reference, dueOn: announced } = res.json() as { reference: string; dueOn: string };
    await ctx.services.mail.flush();
    const [row] = await q<{ due_on: string }>('select due_on::text from requests where reference = $1', [reference]);
    assert.equal(row!.due_on, '2026-07-15');
    assert.equal(announced, '2026-07-15');
  });

  test('warnings: once per item and due date, to the assignee or the service, never for closed or waiting items', async () => {
    // Monday 15 June 2026, 8:00 in Paris; the tenant warns 2 working days ahead (until Wed 17).
    clock.set('2026-06-15T06:00:00Z');
    const assigned = await request({ dueOn: '2026-06-17' });
    await ctx.database.ownerQuery('update requests set assigned_agent_id = $1 where id = $2', [camilleId, assigned.id]);
    const unassigned = await request({ dueOn: '2026-06-16' });
    const later = await request({ dueOn: '2026-06-18' });
    const closed = await request({ dueOn: '2026-06-16', status: 'traitee' });
    await ctx.database.ownerQuery('update requests set closed_at = now() where id = $1', [closed.id]);
    const waiting = await request({ dueOn: '2026-06-16', status: 'en_attente_usager' });
    const etatCivil = await request({ dueOn: '2026-06-16', slug: 'test-acte' });

    await runDailyJob('run-1');
    await runDailyJob('run-2');

    assert.deepEqual(
      (await warningsFor(assigned.reference)).map((m) => m.to_address),
      ['camille.voirie@villebelle.example'],
      'only the agent who has it in hand, once',
    );
    const [mail] = await warningsFor(assigned.reference);
    assert.match(mail!.subject, /à traiter avant le 17 juin 2026/);
    assert.match(mail!.text_body, /Vous avez cette demande en charge/);
    // The link is on the tenant's configured address (its host name here), never a request's Host.
    const [host] = await q<{ host: string }>('select host from tenant_hosts where tenant_id = $1 order by host', [
      ctx.tenantId,
    ]);
    assert.ok(
      mail!.text_body.includes(`://${host!.host}:3000/agent/demandes/${assigned.reference}\n`),
      mail!.text_body,
    );

    const toService = (await warningsFor(unassigned.reference)).map((m) => m.to_address);
    assert.ok(toService.includes('camille.voirie@villebelle.example'));
    assert.ok(toService.includes('dominique.voirie@villebelle.example'));
    assert.ok(!toService.includes('eve.etatcivil@villebelle.example'), 'not the agents of another service');
    assert.equal(new Set(toService).size, toService.length, 'each agent once');
    const serviceAgents = await q<{ email: string }>(
      `select a.email from agents a join agent_services x on x.agent_id = a.id join services s on s.id = x.service_id
        where s.slug = 'voirie-proprete' and a.tenant_id = $1 and a.active and a.password_hash <> ''`,
      [ctx.tenantId],
    );
    assert.equal(toService.length, serviceAgents.length);

    const ec = (await warningsFor(etatCivil.reference)).map((m) => m.to_address);
    assert.ok(ec.includes('eve.etatcivil@villebelle.example'));
    assert.ok(!ec.includes('camille.voirie@villebelle.example'));

    assert.deepEqual(await warningsFor(later.reference), [], 'three working days ahead: not yet');
    assert.deepEqual(await warningsFor(closed.reference), [], 'closed: no warning');
    assert.deepEqual(await warningsFor(waiting.reference), [], 'waiting for the citizen: no warning');

    // A tenant that warns three working days ahead: the next run warns about the 18 June item too.
    await ctx.database.ownerQuery('update tenants set deadline_warning_days = 3 where id = $1', [ctx.tenantId]);
    await runDailyJob('run-3');
    assert.equal((await warningsFor(later.reference)).length, serviceAgents.length);
    assert.equal((await warningsFor(assigned.reference)).length, 1, 'still once');

    // A job queued for a due date the item no longer has sends nothing.
    const moved = await request({ dueOn: '2026-06-16' });
    await inTenant(ctx.services.db, ctx.tenantId, (trx) =>
      enqueueJob(trx, ctx.tenantId, {
        queue: 'deadline.warning',
        payload: { requestId: moved.id, dueOn: '2026-06-15' },
        uniqueKey: `${moved.id}:2026-06-15`,
      }),
    );
    await ctx.services.jobs.drain();
    assert.deepEqual(await warningsFor(moved.reference), []);
    const [job] = await q<{ status: string }>(`select status from jobs where unique_key = $1`, [
      `${moved.id}:2026-06-15`,
    ]);
    assert.equal(job!.status, 'done');
    await ctx.database.ownerQuery('update tenants set deadline_warning_days = 2 where id = $1', [ctx.tenantId]);
  });

  test('breaches are recorded once: an open item past its due date, an item closed late; not while waiting, not when closed in time', async () => {
    clock.set('2026-06-22T08:00:00Z'); // Monday 22 June
    const overdue = await request({ dueOn: '2026-06-19' });
    const waiting = await request({ dueOn: '2026-06-19', status: 'en_attente_usager' });
    const closedLate = await request({ dueOn: '2026-06-19' });
    const closedInTime = await request({ dueOn: '2026-06-24' });
    const camille = await login('camille.voirie@villebelle.example');
    await changeStatus(closedLate.reference, camille, 'traitee', 'Réparé.');
    await changeStatus(closedInTime.reference, camille, 'traitee', 'Réparé.');

    await runDailyJob('run-4');
    await runDailyJob('run-5');

    const breaches = await q<{ request_id: string; due_on: string; kind: string }>(
      `select request_id, due_on::text, kind from deadline_breaches where request_id = any($1) order by kind`,
      [[overdue.id, waiting.id, closedLate.id, closedInTime.id]],
    );
    assert.deepEqual(breaches, [
      { request_id: closedLate.id, due_on: '2026-06-19', kind: 'closed_late' },
      { request_id: overdue.id, due_on: '2026-06-19', kind: 'overdue' },
    ]);
  });

  test('the request page says who else opened the item in the last 15 minutes', async () => {
    clock.set('2026-06-23T08:00:00Z');
    const r = await request({ dueOn: '2026-06-30' });
    const dominique = await login('dominique.voirie@villebelle.example');
    const camille = await login('camille.voirie@villebelle.example');
    const own = await get(`/agent/demandes/${r.reference}`, dominique);
    assert.doesNotMatch(own.body, /a ouvert cette demande/, 'nobody else has it open');

    clock.set('2026-06-23T08:03:00Z');
    const page = await get(`/agent/demandes/${r.reference}`, camille);
    assert.match(page.body, /<strong>Dominique Martin<\/strong> a ouvert cette demande il y a 3 minutes\./);
    const mine = await get(`/agent/demandes/${r.reference}`, dominique);
    assert.match(mine.body, /<strong>Camille Voirie<\/strong> a ouvert cette demande à l’instant\./);
    assert.doesNotMatch(mine.body, /Dominique Martin<\/strong> a ouvert/, 'not oneself');

    clock.set('2026-06-23T08:19:00Z');
    const later = await get(`/agent/demandes/${r.reference}`, await login('camille.voirie@villebelle.example'));
    assert.doesNotMatch(later.body, /Dominique Martin<\/strong> a ouvert/, 'more than 15 minutes ago: not shown');
  });
});
