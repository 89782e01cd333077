import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { inTenant } from '../../db/tenant-scope.ts';
import {
  citizenSessionCookie,
  cookiesFrom,
  csrfFrom,
  ensureDemarche,
  insertAgent,
  insertCitizen as insertCitizenRow,
  insertDocument,
  insertRequest,
  loginAgent,
} from '../../../test/support/factories.ts';
import { pdfText, visibleText } from '../../../test/support/pages.ts';
import { createTestContext, type TestContext } from '../../../test/support/test-app.ts';
import { NOT_FOUND_MESSAGE } from '../requests/find-tracked-request.ts';
import { submitRequest } from '../requests/submit-request.ts';
import { createTenant } from '../tenants/create-tenant.ts';
import { loadTenant } from '../tenants/resolve-tenant.ts';
import { TRACKING_CODE_LABEL } from './access-log.ts';
import { dataProtectionOfficer, validateDpoSettings } from './dpo.ts';

/**
 * The four rights completed for issue 3: consent withdrawal, the citizen's own documents, the
 * data protection officer per tenant, and the export of a request filed without an account.
 */

const BASE = '/t/villebelle';
const PASSWORD = 'Un mot de passe assez long 42';
const TRACKING_LIMIT = 6;
let ctx: TestContext;
let address = 0;

/** Each look-up from its own address, except where the rate limit itself is tested. */
function nextAddress(): string {
  address += 1;
  return `10.55.${Math.floor(address / 250) % 250}.${(address % 250) + 1}`;
}

const insertCitizen = (email: string, given: string) => insertCitizenRow(ctx.database, ctx.tenantId, email, given);
const citizenCookie = (citizenId: string) => citizenSessionCookie(ctx.services.db, ctx.tenantId, citizenId);

async function one(text: string, params: unknown[] = []) {
  return (await ctx.database.ownerQuery(text, params)).rows[0]!;
}

/** Loads a page with forms as a browser would: keeps the CSRF cookie it sets and the field's token. */
async function openPage(url: string, cookie: string) {
  const res = await ctx.app.inject({ method: 'GET', url, headers: { cookie } });
  assert.equal(res.statusCode, 200, res.body.slice(0, 300));
  const csrfCookie = cookiesFrom(res.headers['set-cookie']).guichet_csrf;
  return {
    res,
    cookie: csrfCookie ? `${cookie}; guichet_csrf=${csrfCookie}` : cookie,
    csrf: csrfFrom(res.body),
  };
}

async function post(url: string, cookie: string, fields: Record<string, string>) {
  return ctx.app.inject({
    method: 'POST',
    url,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
}

const CONSENT_FORM = {
  version: 1,
  sections: [
    {
      title: 'Votre demande',
      fields: [
        { name: 'objet', type: 'text', label: 'Objet de la demande', required: true },
        {
          name: 'attestation',
          type: 'checkbox',
          label: 'J’atteste sur l’honneur que ces informations sont exactes.',
          required: true,
          consent: true,
        },
        {
          name: 'lettre_info',
          type: 'checkbox',
          label: 'J’accepte de recevoir la lettre d’information de la mairie. Je peux retirer mon accord.',
          required: false,
          consent: true,
        },
      ],
    },
  ],
};

async function villebelle() {
  return (await loadTenant(ctx.services.db, ctx.tenantId))!;
}

/** A request filed on the consent form, signed in as `citizenId` (or without an account). */
async function fileWithConsents(citizenId: string | null) {
  const result = await submitRequest(ctx.services, await villebelle(), {
    demarcheSlug: 'test-accords',
    answers: {
      objet: 'Une demande avec des accords',
      attestation: 'on',
      lettre_info: 'on',
      applicant_given_name: 'Nina',
      applicant_family_name: 'Accord',
      applicant_email: 'nina@example.org',
    },
    files: [],
    baseUrl: `http://localhost${BASE}`,
    ...(citizenId ? { citizen: { id: citizenId, identitySource: null } } : {}),
  });
  assert.ok(result.ok, JSON.stringify(result));
  await ctx.services.mail.flush();
  return result.request;
}

describe('personal data rights (RGPD): consents, documents, DPO, export without account', () => {
  before(async () => {
    ctx = await createTestContext({ env: { TRACKING_RATE_LIMIT: String(TRACKING_LIMIT) } });
    await ensureDemarche(ctx.database, ctx.tenantId, {
      slug: 'test-accords',
      serviceSlug: 'voirie-proprete',
      title: 'Démarche avec accords',
      form: CONSENT_FORM,
    });
  });
  after(async () => {
    await ctx.close();
  });

  // --- 1. Consent withdrawal ---------------------------------------------------------------

  test('consents are recorded as withdrawable or not from the form: optional yes, required no', async () => {
    const citizen = await insertCitizen('regle@example.org', 'Règle');
    const request = await fileWithConsents(citizen);
    const rows = (
      await ctx.database.ownerQuery(
        `select subject, withdrawable from consents where request_id = $1 order by subject`,
        [request.id],
      )
    ).rows;
    assert.deepEqual(
      rows.map((r) => [r.subject, r.withdrawable]),
      [
        ['attestation', false],
        ['lettre_info', true],
      ],
    );
  });

  test('a citizen sees their consents and withdraws an optional one; the record is kept, logged and exported', async () => {
    const citizen = await insertCitizen('retrait@example.org', 'Rita');
    const request = await fileWithConsents(citizen);
    const consents = (
      await ctx.database.ownerQuery(`select id, subject, wording, given_at from consents where request_id = $1`, [
        request.id,
      ])
    ).rows;
    const optional = consents.find((c) => c.subject === 'lettre_info')!;
    const required = consents.find((c) => c.subject === 'attestation')!;
    const session = await citizenCookie(citizen);

    const page = await openPage(`${BASE}/mon-espace/donnees`, session);
    const text = visibleText(page.res.body);
    assert.match(text, /J’accepte de recevoir la lettre d’information de la mairie/);
    assert.match(text, new RegExp(`demande ${request.reference} \\(Démarche avec accords\\)`));
    assert.match(
      text,
      /cet accord est une condition de la démarche, il ne peut pas être retiré\. Vous pouvez demander l’effacement de vos données/,
    );
    assert.ok(page.res.body.includes(`/mon-espace/donnees/consentements/${optional.id}/retrait`));
    assert.ok(
      !page.res.body.includes(`/mon-espace/donnees/consentements/${required.id}/retrait`),
      'no withdrawal form for a required consent',
    );

    // Without the CSRF token: refused, nothing changes.
    const forged = await post(`${BASE}/mon-espace/donnees/consentements/${optional.id}/retrait`, page.cookie, {});
    assert.equal(forged.statusCode, 403);
    assert.equal((await one(`select withdrawn_at from consents where id = $1`, [optional.id])).withdrawn_at, null);

    const res = await post(`${BASE}/mon-espace/donnees/consentements/${optional.id}/retrait`, page.cookie, {
      _csrf: page.csrf,
    });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `${BASE}/mon-espace/donnees?fait=accord#accords`);
    const after = await one(`select * from consents where id = $1`, [optional.id]);
    assert.ok(after.withdrawn_at, 'the withdrawal date is recorded');
    assert.equal(after.wording, optional.wording, 'the wording given is kept');
    assert.equal(
      new Date(after.given_at as string | Date).getTime(),
      new Date(optional.given_at as string | Date).getTime(),
    );
    const log = await one(
      `select actor_kind, actor_id, action, citizen_id, request_reference from personal_data_access_log
        where action = 'withdraw_consent' and request_id = $1`,
      [request.id],
    );
    assert.deepEqual(
      [log.actor_kind, log.actor_id, log.citizen_id, log.request_reference],
      ['citizen', citizen, citizen, request.reference],
    );

    const shown = await ctx.app.inject({
      method: 'GET',
      url: String(res.headers.location).replace(/#.*$/, ''),
      headers: { cookie: session },
    });
    const shownText = visibleText(shown.body);
    assert.match(shown.body, /Votre accord est retiré/);
    assert.match(shownText, /Retiré le \d/);
    assert.match(shownText, new RegExp(`Vous avez retiré un accord donné pour la demande ${request.reference}`));
    assert.ok(!shown.body.includes(`/mon-espace/donnees/consentements/${optional.id}/retrait`));

    // Withdrawing again changes nothing.
    const again = await post(`${BASE}/mon-espace/donnees/consentements/${optional.id}/retrait`, page.cookie, {
      _csrf: page.csrf,
    });
    assert.equal(again.statusCode, 303);
    assert.match(String(again.headers.location), /fait=accord-deja/);
    const still = await one(`select withdrawn_at from consents where id = $1`, [optional.id]);
    assert.equal(
      new Date(still.withdrawn_at as string | Date).getTime(),
      new Date(after.withdrawn_at as string | Date).getTime(),
    );

    // A required consent cannot be withdrawn, even by a hand-made request.
    const refused = await post(`${BASE}/mon-espace/donnees/consentements/${required.id}/retrait`, page.cookie, {
      _csrf: page.csrf,
    });
    assert.equal(refused.statusCode, 409);
    assert.match(refused.body, /condition de la démarche/);
    assert.equal((await one(`select withdrawn_at from consents where id = $1`, [required.id])).withdrawn_at, null);

    // The export shows both, the withdrawal and which one is a condition of the démarche.
    const json = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/mon-espace/donnees/export.json`,
      headers: { cookie: session },
    });
    const data = JSON.parse(json.body);
    const exported = Object.fromEntries(data.consents.map((c: { subject: string }) => [c.subject, c])) as Record<
      string,
      { withdrawn_at: string | null; withdrawable: boolean; wording: string }
    >;
    assert.equal(
      new Date(exported.lettre_info!.withdrawn_at!).getTime(),
      new Date(after.withdrawn_at as string | Date).getTime(),
    );
    assert.equal(exported.attestation!.withdrawn_at, null);
    assert.equal(exported.attestation!.withdrawable, false);
    const pdf = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/mon-espace/donnees/export.pdf`,
      headers: { cookie: session },
    });
    const pdfContent = await pdfText(pdf.rawPayload);
    assert.match(pdfContent, /Retiré le/);
    assert.match(pdfContent, /Condition de la démarche : cet accord ne peut pas être retiré/);
    assert.match(pdfContent, /Vous avez retiré un accord donné pour la demande/);

    // The agent handling the request sees that the consent was withdrawn.
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'voirie.accords@villebelle.test',
      password: PASSWORD,
      serviceSlugs: ['voirie-proprete'],
    });
    const agent = await loginAgent(ctx.app, 'voirie.accords@villebelle.test', PASSWORD);
    const detail = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/demandes/${request.reference}`,
      headers: { cookie: agent },
    });
    assert.equal(detail.statusCode, 200);
    assert.match(visibleText(detail.body), /Accords de l'usager .*Retiré le .* : ne plus l'utiliser/);
  });

  test('another citizen cannot withdraw a consent that is not theirs: 404, nothing changes', async () => {
    const owner = await insertCitizen('proprio@example.org', 'Paule');
    const other = await insertCitizen('autre@example.org', 'Octave');
    const request = await fileWithConsents(owner);
    const consent = await one(`select id from consents where request_id = $1 and subject = 'lettre_info'`, [
      request.id,
    ]);
    // Any page of B's with a form gives B a valid CSRF token.
    const page = await openPage(`${BASE}/mon-espace/donnees/effacement`, await citizenCookie(other));
    const res = await post(`${BASE}/mon-espace/donnees/consentements/${consent.id}/retrait`, page.cookie, {
      _csrf: page.csrf,
    });
    assert.equal(res.statusCode, 404);
    assert.equal((await one(`select withdrawn_at from consents where id = $1`, [consent.id])).withdrawn_at, null);
    const notAnId = await post(`${BASE}/mon-espace/donnees/consentements/pas-un-id/retrait`, page.cookie, {
      _csrf: page.csrf,
    });
    assert.equal(notAnId.statusCode, 404);
  });

  test('the database keeps a consent as given: wording and date never change, a withdrawal is final', async () => {
    const citizen = await insertCitizen('preuve@example.org', 'Prune');
    const request = await fileWithConsents(citizen);
    const ids = Object.fromEntries(
      (await ctx.database.ownerQuery(`select subject, id from consents where request_id = $1`, [request.id])).rows.map(
        (r) => [r.subject, String(r.id)],
      ),
    );
    const asApp = (statement: ReturnType<typeof sql>) =>
      inTenant(ctx.services.db, ctx.tenantId, (trx) => statement.execute(trx));
    await assert.rejects(
      asApp(sql`update consents set wording = 'autre chose' where id = ${ids.lettre_info}`),
      /original record/,
    );
    await assert.rejects(
      asApp(sql`update consents set given_at = now() - interval '1 day' where id = ${ids.lettre_info}`),
      /original record/,
    );
    await assert.rejects(
      asApp(sql`update consents set withdrawn_at = now() where id = ${ids.attestation}`),
      /cannot be withdrawn/,
    );
    await asApp(sql`update consents set withdrawn_at = now() where id = ${ids.lettre_info}`);
    await assert.rejects(asApp(sql`update consents set withdrawn_at = null where id = ${ids.lettre_info}`), /final/);
  });

  // --- 2. The citizen's documents ------------------------------------------------------------

  test('a citizen downloads their own documents from "Mes données", as an attachment with a safe name; logged', async () => {
    const citizen = await insertCitizen('docs@example.org', 'Dora');
    const other = await insertCitizen('curieux@example.org', 'Curtis');
    const request = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'signaler-probleme-voirie' });
    await ctx.database.ownerQuery(`update requests set citizen_id = $1 where id = $2`, [citizen, request.id]);
    const content = Buffer.from('%PDF-1.4\n% justificatif\n%%EOF\n');
    const documentId = await insertDocument(ctx.database, ctx.tenantId, request.id, {
      filename: 'relevé "final"\r\n/../x.pdf',
      mimeType: 'application/pdf',
      content,
    });
    // Filed with the request: shown under its first event.
    await ctx.database.ownerQuery(
      `update request_documents set event_id = (select id from request_events where request_id = $1 limit 1) where id = $2`,
      [request.id, documentId],
    );
    // A request filed without an account, same démarche: not in anybody's space.
    const anonymous = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'signaler-probleme-voirie' });
    const anonymousDoc = await insertDocument(ctx.database, ctx.tenantId, anonymous.id, {
      filename: 'autre.pdf',
      mimeType: 'application/pdf',
      content,
    });
    const session = await citizenCookie(citizen);

    const page = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/mon-espace/donnees`,
      headers: { cookie: session },
    });
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(`href="${BASE}/mon-espace/donnees/documents/${documentId}"`));
    assert.match(
      visibleText(page.body),
      new RegExp(`Télécharger relevé "final" /\\.\\./x\\.pdf .*${request.reference}`),
    );
    const detail = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/mon-espace/demandes/${request.reference}`,
      headers: { cookie: session },
    });
    assert.ok(detail.body.includes(`/mon-espace/donnees/documents/${documentId}`), 'linked from the request too');

    const res = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/mon-espace/donnees/documents/${documentId}`,
      headers: { cookie: session },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/pdf');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['cache-control'], 'no-store');
    const disposition = String(res.headers['content-disposition']);
    assert.match(disposition, /^attachment; filename="releve final\.\.x\.pdf"; filename\*=UTF-8''/);
    assert.ok(!/[\r\n]/.test(disposition));
    assert.deepEqual(res.rawPayload, content);
    const log = (
      await ctx.database.ownerQuery(
        `select actor_kind, actor_id, action from personal_data_access_log where request_id = $1`,
        [request.id],
      )
    ).rows;
    assert.deepEqual(
      log.map((r) => [r.actor_kind, r.actor_id, r.action]),
      [['citizen', citizen, 'download_document']],
    );

    // Someone else's document, one without an owner, an unknown id: all "not found", nothing logged.
    for (const [cookie, id] of [
      [await citizenCookie(other), documentId],
      [session, anonymousDoc],
      [session, '00000000-0000-4000-8000-000000000000'],
      [session, 'pas-un-id'],
    ] as const) {
      const refused = await ctx.app.inject({
        method: 'GET',
        url: `${BASE}/mon-espace/donnees/documents/${id}`,
        headers: { cookie },
      });
      assert.equal(refused.statusCode, 404, `${id}`);
      assert.ok(!refused.rawPayload.equals(content));
    }
    assert.equal(
      Number((await one(`select count(*) n from personal_data_access_log where request_id = $1`, [request.id])).n),
      1,
    );
    const signedOut = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/mon-espace/donnees/documents/${documentId}`,
    });
    assert.equal(signedOut.statusCode, 303);
    assert.match(String(signedOut.headers.location), /\/connexion\?retour=/);
  });

  // --- 3. The data protection officer ------------------------------------------------------

  test('the DPO falls back to the commune’s contact when none is declared, and the form checks what is typed', () => {
    const bare = {
      id: 't',
      slug: 'petite',
      name: 'Petiteville',
      kind: 'commune',
      inseeCode: null,
      departementName: null,
      regionName: null,
      population: null,
      referencePrefix: 'PV',
      contact: {
        email: 'mairie@petiteville.example',
        address: '2 rue Haute',
        postalCode: '12345',
        city: 'Petiteville',
      },
      theme: {},
      dpo: {},
    };
    assert.deepEqual(dataProtectionOfficer(bare), {
      name: 'Délégué à la protection des données',
      email: 'mairie@petiteville.example',
      postalAddress: ['La mairie de Petiteville', '2 rue Haute', '12345 Petiteville'],
      declared: false,
    });
    const declared = dataProtectionOfficer({ ...bare, dpo: { email: 'dpo@cdg.example' } });
    assert.equal(declared.declared, true);
    assert.equal(declared.email, 'dpo@cdg.example');
    assert.equal(dataProtectionOfficer({ ...bare, contact: {} }).postalAddress, null);

    const bad = validateDpoSettings({ name: 'x'.repeat(201), email: 'dp\u043e@exemple.fr', postalAddress: '' });
    assert.ok(!bad.ok);
    assert.deepEqual(
      bad.errors.map((e) => e.field),
      ['dpo_nom', 'dpo_courriel'],
    );
    const good = validateDpoSettings({
      name: '  Mme  Dupont ',
      email: ' DPO@Exemple.fr ',
      postalAddress: 'Centre de gestion\r\n\r\n 1 rue  Basse \n00000 Ville',
    });
    assert.deepEqual(good, {
      ok: true,
      value: {
        name: 'Mme Dupont',
        email: 'dpo@exemple.fr',
        postalAddress: 'Centre de gestion\n1 rue Basse\n00000 Ville',
      },
    });
    assert.deepEqual(validateDpoSettings({ name: '', email: '', postalAddress: ' ' }), { ok: true, value: {} });
  });

  test('the demo DPO is on the privacy page, in the register (HTML, JSON, CSV) and in the data export', async () => {
    const privacy = await ctx.app.inject({ method: 'GET', url: `${BASE}/donnees-personnelles` });
    const text = visibleText(privacy.body);
    assert.match(text, /Délégué à la protection des données du Syndicat numérique de Villebelle et environs/);
    assert.match(privacy.body, /<a href="mailto:dpo@villebelle.example">/);
    assert.match(text, /4 rue du Moulin, 00000 Villebelle/);

    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'admin.dpo@villebelle.test',
      password: PASSWORD,
      role: 'admin',
    });
    const admin = await loginAgent(ctx.app, 'admin.dpo@villebelle.test', PASSWORD);
    const get = (url: string) => ctx.app.inject({ method: 'GET', url: `${BASE}${url}`, headers: { cookie: admin } });
    const register = JSON.parse((await get('/agent/rgpd/registre.json')).body);
    assert.equal(
      register.dpo.name,
      'Délégué à la protection des données du Syndicat numérique de Villebelle et environs',
    );
    assert.equal(register.dpo.email, 'dpo@villebelle.example');
    assert.equal(register.dpo.declared, true);
    const csv = (await get('/agent/rgpd/registre.csv')).body;
    assert.match(csv.split('\r\n')[1]!, /Syndicat numérique de Villebelle et environs – dpo@villebelle\.example – /);
    assert.match(visibleText((await get('/agent/rgpd/registre')).body), /Courriel dpo@villebelle\.example/);

    const citizen = await insertCitizen('export.dpo@example.org', 'Edgar');
    const json = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/mon-espace/donnees/export.json`,
      headers: { cookie: await citizenCookie(citizen) },
    });
    const data = JSON.parse(json.body);
    assert.equal(data.controller.dpo.email, 'dpo@villebelle.example');
    assert.deepEqual(data.controller.dpo.postalAddress, [
      'Délégué à la protection des données',
      'Syndicat numérique de Villebelle et environs',
      '4 rue du Moulin',
      '00000 Villebelle',
    ]);
  });

  test('an administrator edits the DPO: errors keep what was typed, the change shows at once, empty falls back', async () => {
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'admin.edit@villebelle.test',
      password: PASSWORD,
      role: 'admin',
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'agent.edit@villebelle.test',
      password: PASSWORD,
      serviceSlugs: ['voirie-proprete'],
    });
    const admin = await loginAgent(ctx.app, 'admin.edit@villebelle.test', PASSWORD);
    const url = `${BASE}/agent/admin/protection-des-donnees`;
    const form = await openPage(url, admin);
    assert.match(form.res.body, /value="dpo@villebelle.example"/);

    const invalid = await post(url, form.cookie, {
      _csrf: form.csrf,
      dpo_nom: 'Centre de gestion <CDG>',
      dpo_courriel: 'pas-une-adresse',
      dpo_adresse: 'CDG\n3 avenue Verte',
    });
    assert.equal(invalid.statusCode, 400);
    assert.match(invalid.body, /class="error-summary"/);
    assert.match(invalid.body, /<title>Erreur – Protection des données – /);
    assert.match(invalid.body, /<a href="#dpo_courriel">/);
    assert.match(invalid.body, /value="Centre de gestion &lt;CDG&gt;"/);
    assert.match(invalid.body, /value="pas-une-adresse"/);
    assert.match(invalid.body, /aria-invalid="true"/);
    assert.match(invalid.body, /CDG\n3 avenue Verte<\/textarea/);

    // Warm the tenant cache: the saved change must not wait for it to expire.
    await ctx.app.inject({ method: 'GET', url: `${BASE}/donnees-personnelles` });
    const saved = await post(url, form.cookie, {
      _csrf: form.csrf,
      dpo_nom: 'Centre de gestion de la fonction publique',
      dpo_courriel: 'dpo@cdg.example',
      dpo_adresse: 'CDG\n3 avenue Verte\n00000 Chef-Lieu',
    });
    assert.equal(saved.statusCode, 303);
    assert.equal(saved.headers.location, `${url}?fait=1`);
    const stored = await one(`select dpo from tenants where id = $1`, [ctx.tenantId]);
    assert.deepEqual(stored.dpo, {
      name: 'Centre de gestion de la fonction publique',
      email: 'dpo@cdg.example',
      postalAddress: 'CDG\n3 avenue Verte\n00000 Chef-Lieu',
    });
    const privacy = await ctx.app.inject({ method: 'GET', url: `${BASE}/donnees-personnelles` });
    assert.match(privacy.body, /<a href="mailto:dpo@cdg.example">/);
    assert.match(visibleText(privacy.body), /CDG, 3 avenue Verte, 00000 Chef-Lieu/);
    const confirmed = await ctx.app.inject({ method: 'GET', url: `${url}?fait=1`, headers: { cookie: admin } });
    assert.match(confirmed.body, /sont enregistrées/);

    // Emptied: the commune's contact stands in again, as before DPO settings existed.
    const emptied = await post(url, form.cookie, { _csrf: form.csrf, dpo_nom: '', dpo_courriel: '', dpo_adresse: '' });
    assert.equal(emptied.statusCode, 303);
    const fallback = visibleText((await ctx.app.inject({ method: 'GET', url: `${BASE}/donnees-personnelles` })).body);
    assert.match(fallback, /Ajoutez la mention « À l’attention du délégué à la protection des données »/);
    const register = JSON.parse(
      (await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/rgpd/registre.json`, headers: { cookie: admin } }))
        .body,
    );
    assert.equal(register.dpo.declared, false);
    assert.equal(register.dpo.email, 'contact@villebelle.example');

    // A plain agent may not change it.
    const agent = await loginAgent(ctx.app, 'agent.edit@villebelle.test', PASSWORD);
    const refused = await ctx.app.inject({ method: 'GET', url, headers: { cookie: agent } });
    assert.equal(refused.statusCode, 403);

    // Put the demo DPO back for the other tests.
    await ctx.database.ownerQuery(`update tenants set dpo = $1 where id = $2`, [
      JSON.stringify({
        name: 'Délégué à la protection des données du Syndicat numérique de Villebelle et environs',
        email: 'dpo@villebelle.example',
        postalAddress:
          'Délégué à la protection des données\nSyndicat numérique de Villebelle et environs\n4 rue du Moulin\n00000 Villebelle',
      }),
      ctx.tenantId,
    ]);
    ctx.services.tenants.clear();
  });

  test('a tenant created without a DPO works: its pages use the commune’s contact', async () => {
    await createTenant(ctx.database.ownerQuery, {
      name: 'Sansdpo',
      slug: 'sansdpo',
      contact: { email: 'mairie@sansdpo.example' },
    });
    const page = await ctx.app.inject({ method: 'GET', url: '/t/sansdpo/donnees-personnelles' });
    assert.equal(page.statusCode, 200);
    assert.match(visibleText(page.body), /écrivez à la mairie de Sansdpo aux coordonnées ci-dessus/);
  });

  // --- 4. The data of a request filed without an account -------------------------------------

  test('with its reference and tracking code, a request’s data downloads as JSON and PDF, and is logged', async () => {
    const mine = await fileWithConsents(null);
    const someoneElse = await fileWithConsents(null);
    const q = (r: { reference: string }, secret: string, ext: string) => ({
      method: 'GET' as const,
      url: `${BASE}/suivi/${r.reference}/donnees.${ext}?cle=${encodeURIComponent(secret)}`,
      remoteAddress: nextAddress(),
    });

    const tracking = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/suivi/${mine.reference}?cle=${encodeURIComponent(mine.secret)}`,
      remoteAddress: nextAddress(),
    });
    assert.equal(tracking.statusCode, 200);
    assert.ok(tracking.body.includes(`/suivi/${mine.reference}/donnees.pdf?cle=${encodeURIComponent(mine.secret)}`));
    assert.ok(tracking.body.includes(`/suivi/${mine.reference}/donnees.json?cle=${encodeURIComponent(mine.secret)}`));

    const json = await ctx.app.inject(q(mine, mine.secret, 'json'));
    assert.equal(json.statusCode, 200);
    assert.equal(json.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(json.headers['content-disposition'], `attachment; filename="donnees-${mine.reference}.json"`);
    assert.equal(json.headers['cache-control'], 'no-store');
    const data = JSON.parse(json.body);
    assert.equal(data.scope, 'request');
    assert.equal(data.account, undefined, 'nothing of an account');
    assert.deepEqual(
      data.requests.map((r: { reference: string }) => r.reference),
      [mine.reference],
    );
    assert.equal(data.requests[0].answers.objet, 'Une demande avec des accords');
    assert.deepEqual(data.consents.map((c: { subject: string }) => c.subject).sort(), ['attestation', 'lettre_info']);
    assert.equal(data.controller.dpo.email, 'dpo@villebelle.example');
    assert.ok(!json.body.includes(someoneElse.reference));
    const logged = await one(
      `select actor_kind, actor_id, actor_label, action from personal_data_access_log where request_id = $1`,
      [mine.id],
    );
    assert.deepEqual(
      [logged.actor_kind, logged.actor_id, logged.actor_label, logged.action],
      ['citizen', null, TRACKING_CODE_LABEL, 'export'],
    );

    const pdf = await ctx.app.inject(q(mine, mine.secret, 'pdf'));
    assert.equal(pdf.statusCode, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.equal(pdf.headers['content-disposition'], `attachment; filename="donnees-${mine.reference}.pdf"`);
    const text = await pdfText(pdf.rawPayload);
    assert.match(text, new RegExp(`Vos données personnelles – demande ${mine.reference}`));
    assert.match(text, /Une demande avec des accords/);
    assert.match(text, /J’atteste sur l’honneur/);
    assert.match(text, new RegExp(`${TRACKING_CODE_LABEL} a téléchargé les données de la demande ${mine.reference}`));
    assert.match(text, /dpo@villebelle\.example/);
    assert.ok(!text.includes(someoneElse.reference));
    assert.doesNotMatch(text, /Votre compte/);
  });

  test('a wrong code and an unknown reference get the same 404, and nothing is logged', async () => {
    const mine = await fileWithConsents(null);
    const before = Number(
      (await one(`select count(*) n from personal_data_access_log where request_id = $1`, [mine.id])).n,
    );
    const answers = [];
    for (const url of [
      `${BASE}/suivi/${mine.reference}/donnees.json?cle=mauvais-code`,
      `${BASE}/suivi/${mine.reference}/donnees.pdf?cle=mauvais-code`,
      `${BASE}/suivi/${mine.reference}/donnees.json`,
      `${BASE}/suivi/VB-2026-ZZZZZ/donnees.json?cle=${encodeURIComponent(mine.secret)}`,
      `${BASE}/suivi/pas-une-reference/donnees.pdf?cle=${encodeURIComponent(mine.secret)}`,
    ]) {
      const res = await ctx.app.inject({ method: 'GET', url, remoteAddress: nextAddress() });
      assert.equal(res.statusCode, 404, url);
      answers.push(visibleText(res.body));
    }
    for (const a of answers) assert.ok(a.includes(NOT_FOUND_MESSAGE.replace(/'/g, "'")), a.slice(0, 200));
    assert.equal(
      Number((await one(`select count(*) n from personal_data_access_log where request_id = $1`, [mine.id])).n),
      before,
    );
  });

  test('the export by tracking code has the tracking look-ups’ rate limit', async () => {
    const mine = await fileWithConsents(null);
    const remoteAddress = '10.66.0.1';
    const url = `${BASE}/suivi/${mine.reference}/donnees.json?cle=mauvais-code`;
    for (let i = 0; i < TRACKING_LIMIT; i++) {
      const res = await ctx.app.inject({ method: 'GET', url, remoteAddress });
      assert.equal(res.statusCode, 404);
    }
    const limited = await ctx.app.inject({ method: 'GET', url, remoteAddress });
    assert.equal(limited.statusCode, 429);
    assert.ok(limited.headers['retry-after']);
    // Even the right code waits: guessing is what the limit is for.
    const right = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/suivi/${mine.reference}/donnees.json?cle=${encodeURIComponent(mine.secret)}`,
      remoteAddress,
    });
    assert.equal(right.statusCode, 429);
  });
});
