import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { inTenant } from '../../db/tenant-scope.ts';
import {
  citizenSessionCookie,
  insertAgent,
  insertCitizen as insertCitizenRow,
  insertDocument,
  insertRequest,
  loginAgent,
} from '../../../test/support/factories.ts';
import { mailHtmlText, mailPlainText, pdfText } from '../../../test/support/pages.ts';
import { createTestContext, type TestContext } from '../../../test/support/test-app.ts';
import { submitRequest } from '../requests/submit-request.ts';
import { applyRetention } from './retention.ts';

const BASE = '/t/villebelle';
let ctx: TestContext;

async function one(text: string, params: unknown[] = []) {
  return (await ctx.database.ownerQuery(text, params)).rows[0]!;
}

const insertCitizen = (email: string, given: string) => insertCitizenRow(ctx.database, ctx.tenantId, email, given);

/** The citizen's session cookie with the CSRF cookie a first visit to a form sets. */
async function citizenCookie(citizenId: string): Promise<string> {
  const session = await citizenSessionCookie(ctx.services.db, ctx.tenantId, citizenId);
  const page = await ctx.app.inject({ method: 'GET', url: `${BASE}/connexion` });
  const csrf = [page.headers['set-cookie'] ?? []]
    .flat()
    .find((c) => c.startsWith('guichet_csrf='))!
    .split(';')[0];
  return `${csrf}; ${session}`;
}

async function csrfOf(url: string, cookie: string): Promise<string> {
  const res = await ctx.app.inject({ method: 'GET', url, headers: { cookie } });
  assert.equal(res.statusCode, 200, res.body.slice(0, 300));
  return /name="_csrf" value="([^"]+)"/.exec(res.body)![1]!;
}

async function post(url: string, cookie: string, fields: Record<string, string>) {
  return ctx.app.inject({
    method: 'POST',
    url,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
}

async function requestOf(citizenId: string, slug: string, extra = ''): Promise<{ id: string; reference: string }> {
  const r = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: slug });
  await ctx.database.ownerQuery(`update requests set citizen_id = $1 ${extra} where id = $2`, [citizenId, r.id]);
  return r;
}

describe('personal data (RGPD)', () => {
  before(async () => {
    ctx = await createTestContext();
  });
  after(async () => {
    await ctx.close();
  });

  test('the catalogue seed declares a retention period per démarche', async () => {
    const rows = (
      await ctx.database.ownerQuery(
        `select slug, retention_months from demarches where tenant_id = $1 and slug in ('signaler-probleme-voirie', 'reclamation')`,
        [ctx.tenantId],
      )
    ).rows;
    const bySlug = Object.fromEntries(rows.map((r) => [r.slug, Number(r.retention_months)]));
    assert.deepEqual(bySlug, { 'signaler-probleme-voirie': 12, reclamation: 36 });
  });

  test('retention anonymises only requests closed longer ago than their retention, keeps statistics, is idempotent', async () => {
    const past = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'signaler-probleme-voirie' });
    const recent = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'signaler-probleme-voirie' });
    const longRetention = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'reclamation' });
    const open = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'signaler-probleme-voirie' });
    await ctx.database.ownerQuery(
      `update requests set status = 'traitee', closed_at = now() - interval '13 months' where id = $1`,
      [past.id],
    );
    await ctx.database.ownerQuery(
      `update requests set status = 'traitee', closed_at = now() - interval '6 months' where id = $1`,
      [recent.id],
    );
    await ctx.database.ownerQuery(
      `update requests set status = 'refusee', closed_at = now() - interval '13 months' where id = $1`,
      [longRetention.id],
    );
    await ctx.database.ownerQuery(`update requests set submitted_at = now() - interval '5 years' where id = $1`, [
      open.id,
    ]);
    // Timeline events are append-only: the citizen's words come as a message of their own.
    await ctx.database.ownerQuery(
      `insert into request_events (tenant_id, request_id, kind, body, author_kind, visible_to_citizen)
       values ($1, $2, 'citizen_message', 'Mon voisin Jean Dupont', 'citizen', true)`,
      [ctx.tenantId, past.id],
    );
    await insertDocument(ctx.database, ctx.tenantId, past.id, {
      filename: 'photo.png',
      mimeType: 'image/png',
      content: Buffer.from('x'),
    });
    const before = await one(
      `select demarche_id, service_id, channel, status, submitted_at, due_on, closed_at from requests where id = $1`,
      [past.id],
    );

    const first = await applyRetention(ctx.services.db, ctx.tenantId, new Date());
    assert.equal(first.anonymised, 1);

    const after = await one(`select * from requests where id = $1`, [past.id]);
    assert.deepEqual(after.data, {});
    assert.equal(after.applicant_name, null);
    assert.equal(after.applicant_email, null);
    assert.ok(after.anonymised_at);
    for (const k of ['demarche_id', 'service_id', 'channel', 'status', 'due_on'] as const)
      assert.deepEqual(after[k], before[k]);
    assert.equal(new Date(after.closed_at as string).getTime(), new Date(before.closed_at as string).getTime());
    assert.equal(Number((await one(`select count(*) n from request_documents where request_id = $1`, [past.id])).n), 0);
    const events = (
      await ctx.database.ownerQuery(`select kind, body, channel from request_events where request_id = $1`, [past.id])
    ).rows;
    assert.deepEqual(
      events.filter((e) => e.kind !== 'anonymised').map((e) => e.body),
      ['', ''],
    );
    // The timeline says what went and why, as done by the job.
    assert.deepEqual(
      events.filter((e) => e.kind === 'anonymised').map((e) => [e.body, e.channel]),
      [['Données personnelles effacées : la durée de conservation de la démarche est écoulée.', 'job']],
    );
    for (const kept of [recent, longRetention, open]) {
      const row = await one(`select anonymised_at, applicant_name from requests where id = $1`, [kept.id]);
      assert.equal(row.anonymised_at, null);
      assert.equal(row.applicant_name, 'Lucie Moreau');
    }

    const second = await applyRetention(ctx.services.db, ctx.tenantId, new Date());
    assert.equal(second.anonymised, 0);
  });

  test('the retention job purges access-log entries older than a year, and only those', async () => {
    await ctx.database.ownerQuery(
      `insert into personal_data_access_log (tenant_id, at, actor_kind, actor_label, action)
       values ($1, now() - interval '13 months', 'system', 'ancien', 'export'), ($1, now() - interval '11 months', 'system', 'récent', 'export')`,
      [ctx.tenantId],
    );
    const r = await applyRetention(ctx.services.db, ctx.tenantId, new Date());
    assert.equal(r.accessLogPurged, 1);
    const labels = (
      await ctx.database.ownerQuery(`select actor_label from personal_data_access_log where actor_kind = 'system'`)
    ).rows.map((x) => x.actor_label);
    assert.deepEqual(labels, ['récent']);
  });

  test('consents ticked on a form are recorded with their exact wording at submission', async () => {
    const tenant = (await ctx.services.tenants.bySlug('villebelle'))!;
    const result = await submitRequest(ctx.services, tenant, {
      demarcheSlug: 'signaler-probleme-voirie',
      answers: {
        categorie: 'chaussee',
        lieu__street: '3 rue des Lilas',
        lieu__postal_code: '27000',
        lieu__city: 'Villebelle',
        description: 'Un grand trou au milieu de la chaussée depuis une semaine.',
        accord_prestataire: 'on',
        applicant_given_name: 'Anne',
        applicant_family_name: 'Martin',
        applicant_email: 'anne@example.org',
      },
      files: [],
      baseUrl: 'http://localhost/t/villebelle',
    });
    assert.ok(result.ok, JSON.stringify(result));
    await ctx.services.mail.flush();
    const rows = (await ctx.database.ownerQuery(`select * from consents where request_id = $1`, [result.request.id]))
      .rows;
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.subject, 'accord_prestataire');
    assert.match(String(rows[0]!.wording), /^J’accepte que la mairie transmette mon nom/);
    assert.equal(rows[0]!.method, 'form_checkbox');
    assert.match(String(rows[0]!.version), /^[0-9a-f]{16}$/);
    assert.ok(rows[0]!.given_at);
  });

  test('agent views and downloads are logged; the log refuses UPDATE and DELETE; the citizen sees who viewed', async () => {
    const citizen = await insertCitizen('lea@example.org', 'Léa');
    const req = await requestOf(citizen, 'signaler-probleme-voirie');
    const docId = await insertDocument(ctx.database, ctx.tenantId, req.id, {
      filename: 'trou.pdf',
      mimeType: 'application/pdf',
      content: Buffer.from('%PDF-1.4\n'),
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'voirie.log@villebelle.test',
      password: 'Un mot de passe assez long 42',
      name: 'Paul Voirie',
      serviceSlugs: ['voirie-proprete'],
    });
    const agentCookie = await loginAgent(ctx.app, 'voirie.log@villebelle.test', 'Un mot de passe assez long 42');
    const view = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/demandes/${req.reference}`,
      headers: { cookie: agentCookie },
    });
    assert.equal(view.statusCode, 200);
    const dl = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/demandes/${req.reference}/documents/${docId}`,
      headers: { cookie: agentCookie },
    });
    assert.equal(dl.statusCode, 200);
    const log = (
      await ctx.database.ownerQuery(
        `select action, actor_kind, actor_label, citizen_id, request_reference from personal_data_access_log where request_id = $1 order by at`,
        [req.id],
      )
    ).rows;
    assert.deepEqual(
      log.map((r) => [r.action, r.actor_kind, r.actor_label, r.citizen_id, r.request_reference]),
      [
        ['view_request', 'agent', 'Paul Voirie', citizen, req.reference],
        ['download_document', 'agent', 'Paul Voirie', citizen, req.reference],
      ],
    );

    // The application role may only add entries.
    for (const statement of [
      sql`update personal_data_access_log set actor_label = 'personne'`,
      sql`delete from personal_data_access_log`,
    ]) {
      await assert.rejects(
        inTenant(ctx.services.db, ctx.tenantId, (trx) => statement.execute(trx)),
        /permission denied|append-only/,
      );
    }
    // Even the schema owner cannot rewrite or remove a recent entry.
    await assert.rejects(
      ctx.database.ownerQuery(`update personal_data_access_log set actor_label = 'x'`),
      /append-only/,
    );
    await assert.rejects(ctx.database.ownerQuery(`delete from personal_data_access_log`), /append-only/);
    assert.equal(
      Number((await one(`select count(*) n from personal_data_access_log where request_id = $1`, [req.id])).n),
      2,
    );

    const cookie = await citizenCookie(citizen);
    const page = await ctx.app.inject({ method: 'GET', url: `${BASE}/mon-espace/donnees`, headers: { cookie } });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Qui a consulté mes données/);
    assert.match(page.body, new RegExp(`Paul Voirie \\(agent de la mairie\\) a consulté la demande ${req.reference}`));
    assert.match(page.body, /a téléchargé un document de la demande/);
  });

  test('the export holds the citizen’s requests and nothing of another citizen, as JSON and as a readable PDF', async () => {
    const a = await insertCitizen('alice@example.org', 'Alice');
    const b = await insertCitizen('bob@example.org', 'Bob');
    const ra = await requestOf(a, 'reclamation');
    const rb = await requestOf(b, 'reclamation');
    const cookie = await citizenCookie(a);

    const json = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/mon-espace/donnees/export.json`,
      headers: { cookie },
    });
    assert.equal(json.statusCode, 200);
    assert.match(String(json.headers['content-disposition']), /attachment/);
    const data = JSON.parse(json.body);
    assert.equal(data.account.email, 'alice@example.org');
    assert.deepEqual(
      data.requests.map((r: { reference: string }) => r.reference),
      [ra.reference],
    );
    assert.ok(!json.body.includes(rb.reference));
    assert.ok(!json.body.includes('bob@example.org'));
    assert.ok(data.sessions.length >= 1);

    const pdf = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/mon-espace/donnees/export.pdf`,
      headers: { cookie },
    });
    assert.equal(pdf.statusCode, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    const text = await pdfText(pdf.rawPayload);
    assert.match(text, /Vos données personnelles/);
    assert.ok(text.includes(ra.reference), text.slice(0, 500));
    assert.ok(!text.includes(rb.reference));
    // The export itself is logged.
    assert.equal(
      Number(
        (await one(`select count(*) n from personal_data_access_log where citizen_id = $1 and action = 'export'`, [a]))
          .n,
      ),
      2,
    );

    const anonymous = await ctx.app.inject({ method: 'GET', url: `${BASE}/mon-espace/donnees/export.json` });
    assert.equal(anonymous.statusCode, 303);
  });

  test('erasure is immediate when nothing must be kept', async () => {
    const c = await insertCitizen('camille@example.org', 'Camille');
    const old = await requestOf(c, 'reclamation', `, status = 'traitee', closed_at = now() - interval '4 years'`);
    const cookie = await citizenCookie(c);
    const csrf = await csrfOf(`${BASE}/mon-espace/donnees/effacement`, cookie);
    const unconfirmed = await post(`${BASE}/mon-espace/donnees/effacement`, cookie, { _csrf: csrf });
    assert.equal(unconfirmed.statusCode, 400);
    assert.match(unconfirmed.body, /Cochez la case/);
    const res = await post(`${BASE}/mon-espace/donnees/effacement`, cookie, { _csrf: csrf, confirmation: 'oui' });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `${BASE}/mon-espace/donnees-effacees`);
    assert.equal(Number((await one(`select count(*) n from citizens where id = $1`, [c])).n), 0);
    assert.equal(Number((await one(`select count(*) n from citizen_sessions where citizen_id = $1`, [c])).n), 0);
    const row = await one(`select citizen_id, applicant_name, anonymised_at from requests where id = $1`, [old.id]);
    assert.equal(row.citizen_id, null);
    assert.equal(row.applicant_name, null);
    assert.ok(row.anonymised_at);
  });

  test('erasure waits for an agent when a request is open; refusal needs a reason; approval erases and mails', async () => {
    const c = await insertCitizen('dominique@example.org', 'Dominique');
    const open = await requestOf(c, 'signaler-probleme-voirie');
    const cookie = await citizenCookie(c);
    const csrf = await csrfOf(`${BASE}/mon-espace/donnees/effacement`, cookie);
    const res = await post(`${BASE}/mon-espace/donnees/effacement`, cookie, { _csrf: csrf, confirmation: 'oui' });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `${BASE}/mon-espace/donnees?fait=effacement`);
    await ctx.services.mail.flush();
    assert.equal(Number((await one(`select count(*) n from citizens where id = $1`, [c])).n), 1);
    const erasure = await one(`select id, status, grounds from erasure_requests where citizen_id = $1`, [c]);
    assert.equal(erasure.status, 'pending');
    assert.match(String(erasure.grounds), new RegExp(open.reference));
    assert.equal(
      Number((await one(`select count(*) n from mail_outbox where to_address = 'dominique@example.org'`)).n),
      1,
    );

    // An agent of another service does not see it.
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'etatcivil.eff@villebelle.test',
      password: 'Un mot de passe assez long 42',
      serviceSlugs: ['etat-civil'],
    });
    const other = await loginAgent(ctx.app, 'etatcivil.eff@villebelle.test', 'Un mot de passe assez long 42');
    const otherList = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/rgpd/effacements`,
      headers: { cookie: other },
    });
    assert.equal(otherList.statusCode, 200);
    assert.ok(!otherList.body.includes(String(erasure.id)));

    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'voirie.eff@villebelle.test',
      password: 'Un mot de passe assez long 42',
      name: 'Agent Voirie',
      serviceSlugs: ['voirie-proprete'],
    });
    const agent = await loginAgent(ctx.app, 'voirie.eff@villebelle.test', 'Un mot de passe assez long 42');
    const list = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/rgpd/effacements`,
      headers: { cookie: agent },
    });
    assert.equal(list.statusCode, 200);
    assert.ok(list.body.includes(String(erasure.id)));
    const agentCsrf = /name="_csrf" value="([^"]+)"/.exec(list.body)![1]!;
    const undecided = await post(`${BASE}/agent/rgpd/effacements/${erasure.id}`, agent, {
      _csrf: agentCsrf,
      decision: 'effacer-tout',
      motif: 'Un motif <gardé>',
    });
    assert.equal(undecided.statusCode, 400);
    assert.match(undecided.body, /<title>Erreur – /);
    assert.match(undecided.body, /Choisissez d’accepter ou de refuser\./);
    assert.match(undecided.body, /Un motif &lt;gardé&gt;<\/textarea>/);
    const tooLong = await post(`${BASE}/agent/rgpd/effacements/${erasure.id}`, agent, {
      _csrf: agentCsrf,
      decision: 'refuse',
      motif: 'x'.repeat(2001),
    });
    assert.equal(tooLong.statusCode, 400);
    assert.match(tooLong.body, /Le motif est trop long \(2 000 caractères au plus\)\./);
    assert.equal((await one(`select status from erasure_requests where id = $1`, [erasure.id])).status, 'pending');
    const refused = await post(`${BASE}/agent/rgpd/effacements/${erasure.id}`, agent, {
      _csrf: agentCsrf,
      decision: 'refuse',
      motif: '',
    });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Expliquez au demandeur/);
    const approved = await post(`${BASE}/agent/rgpd/effacements/${erasure.id}`, agent, {
      _csrf: agentCsrf,
      decision: 'approve',
      motif: '',
    });
    assert.equal(approved.statusCode, 303);
    await ctx.services.mail.flush();
    assert.equal(Number((await one(`select count(*) n from citizens where id = $1`, [c])).n), 0);
    const after = await one(`select status, contact_email, decided_by from erasure_requests where id = $1`, [
      erasure.id,
    ]);
    assert.equal(after.status, 'approved');
    assert.equal(after.contact_email, null);
    assert.ok(after.decided_by);
    assert.ok((await one(`select anonymised_at from requests where id = $1`, [open.id])).anonymised_at);
    const mails = (
      await ctx.database.ownerQuery(
        `select subject, text_body, html_body from mail_outbox where to_address = 'dominique@example.org' order by created_at`,
      )
    ).rows;
    assert.equal(mails.length, 2);
    for (const m of mails) assert.equal(mailHtmlText(String(m.html_body)), mailPlainText(String(m.text_body)));
    assert.match(String(mails[1]!.subject), /réponse à votre demande d’effacement/);
  });

  test('the register of processing lists each service with its retention and data categories, for admins only', async () => {
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'admin.reg@villebelle.test',
      password: 'Un mot de passe assez long 42',
      role: 'admin',
    });
    const admin = await loginAgent(ctx.app, 'admin.reg@villebelle.test', 'Un mot de passe assez long 42');
    const json = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/rgpd/registre.json`,
      headers: { cookie: admin },
    });
    assert.equal(json.statusCode, 200);
    const register = JSON.parse(json.body);
    const services = (
      await ctx.database.ownerQuery(
        `select distinct s.name from demarches d join services s on s.tenant_id = d.tenant_id and s.id = d.service_id
         where d.tenant_id = $1 and d.kind = 'demarche' and d.form is not null`,
        [ctx.tenantId],
      )
    ).rows.map((r) => String(r.name));
    assert.ok(services.length >= 3);
    for (const name of services) {
      const activity = register.activities.find((a: { service: string }) => a.service === name);
      assert.ok(activity, `no activity for ${name}`);
      assert.ok(activity.retention.length >= 1);
      assert.ok(activity.dataCategories.includes('Identité (nom, prénom)'));
    }
    const voirie = register.activities.find((a: { retention: { demarche: string }[] }) =>
      a.retention.some((r) => /signaler/i.test(r.demarche)),
    );
    assert.ok(voirie.retention.some((r: { months: number }) => r.months === 12));
    assert.ok(voirie.dataCategories.includes('Adresse postale'));
    assert.ok(voirie.dataCategories.includes('Consentements donnés'));

    const html = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/rgpd/registre`,
      headers: { cookie: admin },
    });
    assert.equal(html.statusCode, 200);
    assert.match(html.body, /Registre des activités de traitement/);
    const csv = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/rgpd/registre.csv`,
      headers: { cookie: admin },
    });
    assert.equal(csv.statusCode, 200);
    assert.match(csv.body, /mois après clôture/);

    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'simple.reg@villebelle.test',
      password: 'Un mot de passe assez long 42',
      serviceSlugs: ['voirie-proprete'],
    });
    const agent = await loginAgent(ctx.app, 'simple.reg@villebelle.test', 'Un mot de passe assez long 42');
    const refused = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/rgpd/registre.json`,
      headers: { cookie: agent },
    });
    assert.equal(refused.statusCode, 403);
  });
});
