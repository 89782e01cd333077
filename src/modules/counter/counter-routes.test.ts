import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { csrfFrom, insertAgent, loginAgent } from '../../../test/support/factories.ts';
import { visibleText } from '../../../test/support/pages.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { randomString } from '../../platform/security/random.ts';
import { hashLinkToken } from '../appointments/links.ts';

/**
 * The counter's pages over HTTP (app.inject), on the real database: a walk-in's ticket with the
 * form's errors, a check-in found by name, « Appeler le suivant », the waiting-room screen without
 * JavaScript, the outcome of a call, the figures for supervisors. The clock is Tuesday 23 March
 * 2027, 9:00 in Villebelle; outcomes are checked with direct SQL and on the pages.
 */
const BASE = '/t/villebelle';
const PASSWORD = 'guichet-radis-olive-12';
const clock = {
  current: new Date('2027-03-23T08:00:00Z'),
  now() {
    return new Date(this.current);
  },
};

describe(`the counter's pages (${TEST_DB})`, () => {
  let ctx: TestContext;
  let agent: string;
  let supervisor: string;
  const ids: Record<string, string> = {};

  async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await ctx.database.ownerQuery(text, params)).rows as T[];
  }
  const get = (url: string, cookie = agent) =>
    ctx.app.inject({ method: 'GET', url: `${BASE}${url}`, headers: { cookie } });
  /** Posts a form of the page at `from`, with its CSRF field, as a browser would. */
  async function post(from: string, action: string, fields: Record<string, string>, cookie = agent) {
    const page = await get(from, cookie);
    return ctx.app.inject({
      method: 'POST',
      url: `${BASE}${action}`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfFrom(page.body), ...fields }).toString(),
    });
  }
  const location = (res: { headers: Record<string, unknown> }) => String(res.headers.location ?? '');

  before(async () => {
    ctx = await createTestContext({ clock });
    await sql('delete from appointments where tenant_id = $1', [ctx.tenantId]);
    ids.site = (await sql<{ id: string }>("select id from appointment_sites where kind = 'mairie'"))[0]!.id;
    ids.guichet1 = (await sql<{ id: string }>("select id from appointment_resources where name = 'Guichet 1'"))[0]!.id;
    ids.guichet2 = (await sql<{ id: string }>("select id from appointment_resources where name = 'Guichet 2'"))[0]!.id;
    const [motif] = await sql<{ id: string; demarche_id: string }>(
      `select m.id, m.demarche_id from appointment_motifs m join demarches d on d.id = m.demarche_id
        where d.tenant_id = $1 and d.slug = 'carte-identite'`,
      [ctx.tenantId],
    );
    ids.cni = motif!.demarche_id;
    const start = new Date('2027-03-23T08:30:00Z');
    ids.appointment = (
      await sql<{ id: string }>(
        `insert into appointments (tenant_id, reference, motif_id, demarche_id, site_id, resource_id, starts_at, ends_at,
           busy_until, slot_key, given_name, family_name, email, channel)
         values ($1, 'RDV-LEF7K2', $2, $3, $4, $5, $6, $7, $7, $8, 'Hélène', 'Lefèvre', 'h@example.org', 'web') returning id`,
        [
          ctx.tenantId,
          motif!.id,
          motif!.demarche_id,
          ids.site,
          ids.guichet1,
          start,
          new Date(start.getTime() + 20 * 60_000),
          `${motif!.id}@${start.toISOString()}`,
        ],
      )
    )[0]!.id;
    await insertAgent(ctx.database, ctx.tenantId, { email: 'accueil@villebelle.example', password: PASSWORD });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'chef.accueil@villebelle.example',
      password: PASSWORD,
      role: 'supervisor',
      serviceSlugs: ['etat-civil'],
    });
    agent = await loginAgent(ctx.app, 'accueil@villebelle.example', PASSWORD);
    supervisor = await loginAgent(ctx.app, 'chef.accueil@villebelle.example', PASSWORD);
  });
  after(async () => {
    await ctx?.close();
  });

  test('« Guichet » lists the sites with their counters and screens', async () => {
    const res = await get('/agent/guichet');
    assert.equal(res.statusCode, 200);
    const text = visibleText(res.body);
    assert.match(text, /Accueil au guichet/);
    assert.match(text, /Guichet 1/);
    assert.match(res.body, new RegExp(`href="${BASE}/ecran/${ids.site}"`));
  });

  test('a walk-in’s ticket: a missing démarche re-renders the form with the name kept; then a numbered ticket', async () => {
    const sitePage = `/agent/guichet/lieux/${ids.site}`;
    const refused = await post(sitePage, `${sitePage}/tickets`, { demarche: '', nom: 'Jeanne Visiteuse' });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /<title>Erreur – /);
    assert.match(refused.body, /Choisissez la démarche de la personne/);
    assert.match(refused.body, /value="Jeanne Visiteuse"/);
    const done = await post(sitePage, `${sitePage}/tickets`, { demarche: ids.cni!, nom: 'Jeanne Visiteuse' });
    assert.equal(done.statusCode, 303);
    const code = /ticket=([A-Z]\d{3})/.exec(location(done))?.[1];
    assert.ok(code, location(done));
    const [row] = await sql<{ status: string; name: string }>(
      "select status, name from counter_tickets where letter || lpad(number::text, 3, '0') = $1",
      [code],
    );
    assert.deepEqual(row, { status: 'waiting', name: 'Jeanne Visiteuse' });
    const page = visibleText((await get(location(done).replace(BASE, ''))).body);
    assert.match(page, new RegExp(`Ticket ${code} remis`));
    assert.match(page, /File d’attente : 1 personne/);
  });

  test('check-in: found by a name typed without accents, then a ticket of the appointments’ line', async () => {
    const sitePage = `/agent/guichet/lieux/${ids.site}`;
    const found = await get(`${sitePage}?q=helene+lefevre`);
    assert.equal(found.statusCode, 200);
    assert.match(visibleText(found.body), /Hélène Lefèvre – .*RDV-LEF7K2/s);
    const viaQr = await get('/agent/guichet/arrivee/RDV-LEF7K2');
    assert.equal(viaQr.statusCode, 200);
    assert.match(visibleText(viaQr.body), /Enregistrer l’arrivée/);
    const done = await post(`${sitePage}?q=lefevre`, `${sitePage}/arrivees`, {
      reference: `https://villebelle.example/agent/guichet/arrivee/RDV-LEF7K2`,
    });
    assert.equal(done.statusCode, 303);
    assert.match(location(done), /ticket=R001/);
    const [a] = await sql<{ checked_in_at: Date | null }>('select checked_in_at from appointments where id = $1', [
      ids.appointment,
    ]);
    assert.equal(a!.checked_in_at?.toISOString(), '2027-03-23T08:00:00.000Z');
    const again = await post(sitePage, `${sitePage}/arrivees`, { reference: 'RDV-LEF7K2' });
    assert.equal(again.statusCode, 409);
    assert.match(visibleText(again.body), /déjà enregistrée : ticket R001/);
  });

  test('the confirmation page of the appointment carries its check-in QR code', async () => {
    const token = randomString(32, 'base64url');
    await sql('insert into appointment_links (tenant_id, token_hash, appointment_id) values ($1, $2, $3)', [
      ctx.tenantId,
      hashLinkToken(token),
      ids.appointment,
    ]);
    const page = await ctx.app.inject({ method: 'GET', url: `${BASE}/rendez-vous/gerer/${token}` });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<svg role="img" aria-label="Code QR du rendez-vous RDV-LEF7K2"/);
  });

  test('« Appeler le suivant », the screen without JavaScript, then « Personne absente »', async () => {
    const counterPage = `/agent/guichet/comptoirs/${ids.guichet1}`;
    clock.current = new Date('2027-03-23T08:31:00Z');
    const called = await post(counterPage, `${counterPage}/suivant`, {});
    assert.equal(called.statusCode, 303);
    assert.match(location(called), /fait=appele&ticket=R001/, 'the appointment whose time has come goes first');
    const page = visibleText((await get(location(called).replace(BASE, ''))).body);
    assert.match(page, /Au guichet R001/);
    assert.match(page, /Ticket R001 appelé sur l’écran/);

    const screen = await ctx.app.inject({ method: 'GET', url: `${BASE}/ecran/${ids.site}` });
    assert.equal(screen.statusCode, 200);
    assert.equal(screen.headers['cache-control'], 'no-store');
    assert.match(screen.body, /<noscript><meta http-equiv="refresh" content="\d+" \/><\/noscript>/);
    assert.match(screen.body, /id="dernier-appel"[^>]*aria-live="polite"/);
    const shown = visibleText(screen.body);
    assert.match(shown, /Dernier appel R001 Guichet 1/);
    assert.match(shown, /1 personne attend/);
    assert.doesNotMatch(shown, /Lefèvre|Visiteuse/, 'no name on the screen');

    const absent = await post(counterPage, `${counterPage}/tickets/${await ticketId('R', 1)}/absent`, {});
    assert.equal(absent.statusCode, 303);
    const [a] = await sql<{ status: string }>('select status from appointments where id = $1', [ids.appointment]);
    assert.equal(a!.status, 'no_show');
    // A button on the page left open: the ticket is no longer at the counter.
    const stale = await post(counterPage, `${counterPage}/tickets/${await ticketId('R', 1)}/terminer`, {});
    assert.equal(stale.statusCode, 409);
    assert.match(visibleText(stale.body), /n’est plus au guichet/);
  });

  test('the figures: supervisors see the day’s waiting time; plain agents are refused', async () => {
    clock.current = new Date('2027-03-23T08:40:00Z');
    const counterPage = `/agent/guichet/comptoirs/${ids.guichet1}`;
    await post(counterPage, `${counterPage}/suivant`, {});
    await post(counterPage, `${counterPage}/tickets/${await ticketId(null, 1)}/commencer`, {});
    clock.current = new Date('2027-03-23T08:52:00Z');
    const done = await post(counterPage, `${counterPage}/tickets/${await ticketId(null, 1)}/terminer`, {});
    // The person just served: the agent shows them the QR code of the visit's survey.
    const served = await get(location(done).replace(BASE, ''));
    const qrLink = /href="([^"]*\/avis)"/.exec(served.body)?.[1];
    assert.ok(qrLink, 'a link to the survey’s QR code');
    assert.match(visibleText(served.body), /Montrer à la personne le QR code de l’enquête de satisfaction/);
    const qr = await get(qrLink!.replace(BASE, ''));
    assert.equal(qr.statusCode, 200);
    assert.match(qr.body, /class="qr-code"/);
    const surveyUrl = /<p class="code">([^<]+)<\/p>/.exec(qr.body)?.[1];
    assert.ok(surveyUrl?.includes('/avis/'), 'the survey’s address is shown too');
    const survey = await ctx.app.inject({ method: 'GET', url: new URL(surveyUrl!).pathname });
    assert.equal(survey.statusCode, 200);
    assert.match(visibleText(survey.body), /de votre visite à l’accueil du 23 mars 2027 \(Mairie de Villebelle/);
    const other = await get(`/agent/guichet/comptoirs/${ids.guichet2}/tickets/${await ticketId(null, 1)}/avis`);
    assert.equal(other.statusCode, 404, 'a ticket served at another counter');
    const refused = await get('/agent/admin/guichet');
    assert.equal(refused.statusCode, 403);
    const res = await get('/agent/admin/guichet?du=2027-03-23&au=2027-03-23', supervisor);
    assert.equal(res.statusCode, 200);
    const text = visibleText(res.body);
    // The walk-in came at 9:00 and was called at 9:40; the appointment's wait ran from 9:30 to 9:31.
    assert.match(text, /Mairie de Villebelle – Faire ou renouveler sa carte d'identité 2 21 min /);
    const bad = await get('/agent/admin/guichet?du=2027-03-23&au=2027-03-01', supervisor);
    assert.equal(bad.statusCode, 400);
    assert.match(visibleText(bad.body), /choisissez une date après celle de début/);
  });

  async function ticketId(letter: string | null, number: number): Promise<string> {
    const rows = await sql<{ id: string }>(
      `select id from counter_tickets where number = $1 and ($2::text is null and letter <> 'R' or letter = $2)`,
      [number, letter],
    );
    return rows[0]!.id;
  }
});
