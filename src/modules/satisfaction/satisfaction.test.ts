import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { csrfFrom, insertAgent, insertRequest, loginAgent } from '../../../test/support/factories.ts';
import { openForm, postForm } from '../../../test/support/http.ts';
import { visibleText } from '../../../test/support/pages.ts';
import { generateTrackingSecret, hashTrackingSecret } from '../requests/reference.ts';
import { createTenant } from '../tenants/create-tenant.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { createKiosk } from './kiosks.ts';
import { checkSurveyToken, signSurveyToken } from './survey-token.ts';

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

describe(`satisfaction survey: the link in the mail, one answer per interaction, anonymous or linked, kiosk (${TEST_DB})`, () => {
  let ctx: TestContext;
  const clock = new TestClock(new Date('2026-05-12T07:00:00Z'));
  let agent = '';
  const q = async <T>(text: string, params: unknown[] = []) =>
    (await ctx.database.ownerQuery(text, params)).rows as T[];
  let ip = 0;
  /** Each call from its own address unless told: the daily budget per address is tested apart. */
  const address = () => `10.77.0.${++ip}`;

  /** A request closed by an agent: the status mail carries the survey's link; returns its path. */
  async function closedRequest(options: { email?: string | null; channel?: string } = {}) {
    const r = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: 'signaler-probleme-voirie',
      applicantEmail: options.email === undefined ? 'lucie@example.org' : options.email,
    });
    await q(`update requests set tracking_secret_hash = $2, channel = $3 where id = $1`, [
      r.id,
      hashTrackingSecret(generateTrackingSecret()),
      options.channel ?? 'en-ligne',
    ]);
    const page = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/demandes/${r.reference}`,
      headers: { cookie: agent },
    });
    const revision = /name="revision" value="(\d+)"/.exec(page.body)?.[1] ?? '';
    const res = await ctx.app.inject({
      method: 'POST',
      url: `${BASE}/agent/demandes/${r.reference}/statut`,
      headers: { cookie: agent, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfFrom(page.body), revision, statut: 'traitee', message: '' }).toString(),
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    const mails = await q<{ text_body: string }>(`select text_body from mail_outbox where request_id = $1`, [r.id]);
    const link = mails.map((m) => /https?:\/\/[^\s]+\/avis\/[^\s]+/.exec(m.text_body)?.[0]).find(Boolean);
    return { ...r, link, path: link ? new URL(link).pathname : null };
  }

  async function answer(path: string, fields: Record<string, string>, remoteAddress = address()) {
    const form = await ctx.app.inject({ method: 'GET', url: path, remoteAddress });
    // A link that opens no form (refused): the CSRF pair of another page, as a browser would hold.
    const withForm = form.body.includes('name="_csrf"')
      ? form
      : await ctx.app.inject({ method: 'GET', url: `${BASE}/assistant`, remoteAddress });
    const cookie = String([withForm.headers['set-cookie'] ?? []].flat()[0] ?? '').split(';')[0]!;
    const res = await ctx.app.inject({
      method: 'POST',
      url: path,
      remoteAddress,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfFrom(withForm.body), ...fields }).toString(),
    });
    return { form, res };
  }

  before(async () => {
    ctx = await createTestContext({ clock, env: { SURVEY_RATE_LIMIT: '3', SURVEY_LINK_DAYS: '30' } });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'voirie.avis@villebelle.example',
      password: PASSWORD,
      serviceSlugs: ['voirie-proprete'],
    });
    agent = await loginAgent(ctx.app, 'voirie.avis@villebelle.example', PASSWORD);
  });
  after(async () => ctx?.close());

  test('a request closed: the mail links to the survey, readable without script (fieldset, legend, radios)', async () => {
    const r = await closedRequest();
    assert.ok(r.path, 'the status mail carries the survey link');
    assert.ok(r.path!.startsWith('/t/villebelle/avis/'));
    const page = await ctx.app.inject({ method: 'GET', url: r.path! });
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /<script/);
    assert.match(
      page.body,
      /<fieldset[^>]*>\s*<legend>Globalement, êtes-vous satisfait du traitement de votre demande/,
    );
    assert.match(page.body, /<legend>Votre démarche a-t-elle été simple \?<\/legend>/);
    assert.match(page.body, /<legend>La réponse était-elle claire \?<\/legend>/);
    assert.match(page.body, /type="radio"\s+id="satisfaction-5"\s+name="satisfaction"\s+value="5"/);
    // An online démarche: the score out of ten is asked.
    assert.match(page.body, /<legend>Quelle note donnez-vous à cette démarche en ligne \?<\/legend>/);
    assert.match(page.body, new RegExp(`Relier mon avis à ma demande ${r.reference}`));
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
  });

  test('the form comes back with its errors and what was typed; then one answer, anonymous, its comment masked', async () => {
    const r = await closedRequest();
    const remote = address();
    const bad = await answer(r.path!, { commentaire: 'Merci à Madame Dupont, 12 rue des Lilas', note: '11' }, remote);
    assert.equal(bad.res.statusCode, 400);
    const text = visibleText(bad.res.body);
    assert.match(text, /Choisissez votre niveau de satisfaction/);
    assert.match(text, /Choisissez une note de 0 à 10/);
    assert.match(bad.res.body, /href="#satisfaction-5"/);
    assert.match(bad.res.body, /Merci à Madame Dupont, 12 rue des Lilas<\/textarea/);
    const ok = await answer(
      r.path!,
      {
        satisfaction: '4',
        simple: '3',
        clair: '4',
        note: '9',
        commentaire: 'Merci à Madame Dupont, joignable au 06 12 34 56 78, 12 rue des Lilas.',
      },
      remote,
    );
    assert.equal(ok.res.statusCode, 303);
    assert.equal(ok.res.headers.location, '/t/villebelle/avis/merci');
    const rows = await q<Record<string, unknown>>(
      `select answered_on::text as answered_on, interaction, channel, satisfaction, simple, clear, online_score, comment, request_id
       from survey_answers where tenant_id = $1 and comment like 'Merci à%'`,
      [ctx.tenantId],
    );
    assert.deepEqual(rows, [
      {
        answered_on: '2026-05-12',
        interaction: 'request',
        channel: 'en-ligne',
        satisfaction: 4,
        simple: 3,
        clear: 4,
        online_score: 9,
        comment: 'Merci à Madame [nom], joignable au [téléphone], [adresse].',
        request_id: null,
      },
    ]);
  });

  test('replayed: the second answer is refused, and the link says it was answered', async () => {
    const r = await closedRequest();
    assert.equal((await answer(r.path!, { satisfaction: '5' })).res.statusCode, 303);
    const replay = await answer(r.path!, { satisfaction: '1' });
    assert.equal(replay.form.statusCode, 409);
    assert.match(visibleText(replay.form.body), /Vous avez déjà donné votre avis/);
    assert.equal(replay.res.statusCode, 409);
    const n = await q<{ n: string }>(
      `select count(*) as n from survey_answers where tenant_id = $1 and satisfaction = 1`,
      [ctx.tenantId],
    );
    assert.equal(Number(n[0]!.n), 0);
    // Closing the request again would not send a second invitation: there is one per request.
    const invitations = await q<{ n: string }>(`select count(*) as n from survey_invitations where request_id = $1`, [
      r.id,
    ]);
    assert.equal(Number(invitations[0]!.n), 1);
  });

  test("linked by the citizen's choice: the request is kept, the comment as typed", async () => {
    const r = await closedRequest();
    assert.equal(
      (await answer(r.path!, { satisfaction: '2', relier: 'oui', commentaire: 'Trop long, 06 12 34 56 78' })).res
        .statusCode,
      303,
    );
    const rows = await q<{ request_id: string; comment: string }>(
      `select request_id, comment from survey_answers where request_id = $1`,
      [r.id],
    );
    assert.deepEqual(rows, [{ request_id: r.id, comment: 'Trop long, 06 12 34 56 78' }]);
  });

  test('expired: past SURVEY_LINK_DAYS the link says so (410) and stores nothing', async () => {
    const r = await closedRequest();
    clock.set('2026-06-12T07:00:01Z');
    try {
      const res = await answer(r.path!, { satisfaction: '5' });
      assert.equal(res.form.statusCode, 410);
      assert.equal(res.res.statusCode, 410);
      assert.match(visibleText(res.res.body), /Ce lien a expiré/);
    } finally {
      clock.set('2026-05-12T07:00:00Z');
      agent = await loginAgent(ctx.app, 'voirie.avis@villebelle.example', PASSWORD);
    }
  });

  test('tampered: a changed id, expiry or signature opens nothing (404, a clear page)', async () => {
    const r = await closedRequest();
    const token = r.path!.split('/').pop()!;
    const [tag, id, expires, mac] = token.split('.') as [string, string, string, string];
    const variants = [
      `${tag}.${id}.${Number(expires) + 86_400 * 365}.${mac}`,
      `${tag}.${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}.${expires}.${mac}`,
      `${tag}.${id}.${expires}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
      'nimportequoi',
      `${tag}.${id}.${expires}`,
    ];
    for (const v of variants) {
      const res = await ctx.app.inject({ method: 'GET', url: `${BASE}/avis/${v}` });
      assert.equal(res.statusCode, 404, v);
      assert.match(visibleText(res.body), /Ce lien ne permet pas de répondre/);
    }
    assert.equal((await answer(`${BASE}/avis/${variants[0]}`, { satisfaction: '5' })).res.statusCode, 404);
  });

  test("another tenant's host: the link of Villebelle says it belongs to another collectivité", async () => {
    await createTenant(ctx.database.ownerQuery, {
      name: 'Autreville',
      slug: 'autreville',
      hosts: ['autreville.localhost'],
    });
    const r = await closedRequest();
    const token = r.path!.split('/').pop()!;
    for (const request of [
      { url: `/t/autreville/avis/${token}` },
      { url: `/avis/${token}`, headers: { host: 'autreville.localhost' } },
    ]) {
      const res = await ctx.app.inject({ method: 'GET', ...request });
      assert.equal(res.statusCode, 404, request.url);
      assert.match(visibleText(res.body), /Ce lien vient d’une autre collectivité/);
    }
    // Even with a forged tag, the signature is the other tenant's: nothing opens.
    const other = await q<{ id: string }>(`select id from tenants where slug = 'autreville'`);
    const check = checkSurveyToken(ctx.config.sessionSecret, other[0]!.id, token, clock.now());
    assert.deepEqual(check, { ok: false, reason: 'other_tenant' });
    const forged = signSurveyToken('another-secret-another-secret-0000', {
      tenantId: ctx.tenantId,
      invitationId: '00000000-0000-4000-8000-000000000000',
      expiresAt: new Date('2027-01-01'),
    });
    assert.equal((await ctx.app.inject({ method: 'GET', url: `${BASE}/avis/${forged}` })).statusCode, 404);
  });

  test('ballot stuffing: SURVEY_RATE_LIMIT answers a day from one address, then a clear refusal (429)', async () => {
    const remote = '10.88.0.1';
    for (let i = 0; i < 3; i++) {
      const r = await closedRequest();
      assert.equal((await answer(r.path!, { satisfaction: '5' }, remote)).res.statusCode, 303);
    }
    const r = await closedRequest();
    const refused = await answer(r.path!, { satisfaction: '5' }, remote);
    assert.equal(refused.res.statusCode, 429);
    assert.match(visibleText(refused.res.body), /Trop d’avis envoyés depuis cette connexion/);
    // The invitation is still open: from another address (the citizen's phone), it is answered.
    assert.equal((await answer(r.path!, { satisfaction: '5' }, '10.88.0.2')).res.statusCode, 303);
    // The next day, the address has its budget again.
    clock.set('2026-05-13T07:00:00Z');
    agent = await loginAgent(ctx.app, 'voirie.avis@villebelle.example', PASSWORD);
    try {
      const next = await closedRequest();
      assert.equal((await answer(next.path!, { satisfaction: '5' }, remote)).res.statusCode, 303);
    } finally {
      clock.set('2026-05-12T07:00:00Z');
      agent = await loginAgent(ctx.app, 'voirie.avis@villebelle.example', PASSWORD);
    }
    // No address is stored: an HMAC of it.
    const keys = await q<{ client_key: string }>(`select client_key from survey_rate_counts`);
    assert.ok(keys.every((k) => !k.client_key.includes('10.88')));
  });

  test('a request without a mail address but a mobile: the survey goes by text message', async () => {
    const r = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: 'signaler-probleme-voirie',
      applicantEmail: null,
    });
    await q(`update requests set tracking_secret_hash = $2, applicant_phone = '06 12 34 56 78' where id = $1`, [
      r.id,
      hashTrackingSecret(generateTrackingSecret()),
    ]);
    await q(`update people set preferred_channel = 'sms' where id = (select person_id from requests where id = $1)`, [
      r.id,
    ]);
    const person = await q<{ person_id: string | null }>(`select person_id from requests where id = $1`, [r.id]);
    if (!person[0]!.person_id) {
      const p = await q<{ id: string }>(
        `insert into people (tenant_id, phone, preferred_channel) values ($1, '06 12 34 56 78', 'sms') returning id`,
        [ctx.tenantId],
      );
      await q(`update requests set person_id = $2 where id = $1`, [r.id, p[0]!.id]);
    }
    const page = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/demandes/${r.reference}`,
      headers: { cookie: agent },
    });
    const revision = /name="revision" value="(\d+)"/.exec(page.body)?.[1] ?? '';
    await ctx.app.inject({
      method: 'POST',
      url: `${BASE}/agent/demandes/${r.reference}/statut`,
      headers: { cookie: agent, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfFrom(page.body), revision, statut: 'traitee', message: '' }).toString(),
    });
    const sms = await q<{ purpose: string; text_body: string }>(
      `select purpose, text_body from sms_messages where request_id = $1 order by created_at`,
      [r.id],
    );
    assert.deepEqual(
      sms.map((s) => s.purpose),
      ['status', 'survey'],
    );
    assert.match(sms[1]!.text_body, /Votre avis en 1 minute : http:\/\/\S+\/avis\//);
  });

  test('a counter visit noted with an address: the mail links to the survey; the agent shows its QR code', async () => {
    const form = await openForm(ctx.app, `${BASE}/agent/contacts/nouveau`, { cookie: agent });
    // The agent's own service: a visit routed elsewhere would leave the agent without access.
    const [voirie] = await q<{ id: string }>(
      `select id from services where tenant_id = $1 and slug = 'voirie-proprete'`,
      [ctx.tenantId],
    );
    const res = await postForm(
      ctx.app,
      `${BASE}/agent/contacts/nouveau`,
      { cookie: agent, csrf: form.csrf },
      {
        canal: 'guichet',
        usager: 'nouvelle',
        nom: 'Jeanne Visite',
        courriel: 'jeanne.visite@example.org',
        telephone: '',
        objet: 'Horaires de la déchetterie',
        service: voirie!.id,
        suite: 'repondu',
        partenaire: '',
        notes: '',
      },
    );
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    const reference = /demandes\/([^?]+)/.exec(String(res.headers.location))![1]!;
    const mail = await q<{ text_body: string }>(
      `select m.text_body from mail_outbox m join requests r on r.id = m.request_id where r.reference = $1`,
      [reference],
    );
    assert.match(mail[0]!.text_body, /Donner mon avis\nhttp:\/\/\S+\/avis\//);
    const qr = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/demandes/${reference}/avis`,
      headers: { cookie: agent },
    });
    assert.equal(qr.statusCode, 200);
    assert.match(qr.body, /<svg/);
    const link = /<p class="code">([^<]+)<\/p>/.exec(qr.body)![1]!;
    const survey = await ctx.app.inject({ method: 'GET', url: new URL(link).pathname });
    assert.match(survey.body, /Globalement, êtes-vous satisfait de votre visite à l’accueil du/);
    assert.doesNotMatch(survey.body, /Quelle note donnez-vous/);
    assert.equal((await answer(new URL(link).pathname, { satisfaction: '5' })).res.statusCode, 303);
    const after = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/demandes/${reference}/avis`,
      headers: { cookie: agent },
    });
    assert.match(visibleText(after.body), /a déjà donné son avis/);
  });

  test('a phone call answered on the spot, with a mobile number only: the survey goes by text message', async () => {
    const form = await openForm(ctx.app, `${BASE}/agent/contacts/nouveau`, { cookie: agent });
    const [voirie] = await q<{ id: string }>(
      `select id from services where tenant_id = $1 and slug = 'voirie-proprete'`,
      [ctx.tenantId],
    );
    const res = await postForm(
      ctx.app,
      `${BASE}/agent/contacts/nouveau`,
      { cookie: agent, csrf: form.csrf },
      {
        canal: 'telephone',
        usager: 'nouvelle',
        nom: 'Paul Appel',
        courriel: '',
        telephone: '06 12 34 56 78',
        objet: 'Ramassage des encombrants',
        service: voirie!.id,
        suite: 'repondu',
        partenaire: '',
        notes: '',
      },
    );
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    const reference = /demandes\/([^?]+)/.exec(String(res.headers.location))![1]!;
    const sms = await q<{ purpose: string; text_body: string; to_number: string }>(
      `select m.purpose, m.text_body, m.to_number from sms_messages m join requests r on r.id = m.request_id where r.reference = $1`,
      [reference],
    );
    assert.deepEqual(
      sms.map((m) => [m.purpose, m.to_number]),
      [['survey', '+33612345678']],
    );
    const path = new URL(/http:\/\/\S+\/avis\/\S+/.exec(sms[0]!.text_body)![0]).pathname;
    const survey = await ctx.app.inject({ method: 'GET', url: path });
    assert.equal(survey.statusCode, 200);
    assert.match(survey.body, /Globalement, êtes-vous satisfait/);
  });

  test('after an assistant conversation: « Donner votre avis » opens its one survey', async () => {
    await q(`insert into assistant_conversations (tenant_id, id, audience, messages) values ($1, $2, 'public', '[]')`, [
      ctx.tenantId,
      'conversation-avis-0123456789',
    ]);
    const res = await ctx.app.inject({ method: 'GET', url: `${BASE}/avis/assistant/conversation-avis-0123456789` });
    assert.equal(res.statusCode, 303);
    const path = String(res.headers.location);
    const page = await ctx.app.inject({ method: 'GET', url: path });
    assert.match(page.body, /Globalement, êtes-vous satisfait des réponses de l’assistant du site/);
    assert.doesNotMatch(page.body, /Relier mon avis/);
    assert.equal((await answer(path, { satisfaction: '3' })).res.statusCode, 303);
    const again = await ctx.app.inject({ method: 'GET', url: `${BASE}/avis/assistant/conversation-avis-0123456789` });
    assert.equal(again.statusCode, 409);
    assert.equal(
      (await ctx.app.inject({ method: 'GET', url: `${BASE}/avis/assistant/inconnue-0123456789012345` })).statusCode,
      404,
    );
  });

  test('kiosk: the tablet shows the survey, and an empty survey with a thank-you after each answer', async () => {
    const [site] = await q<{ id: string }>(
      `insert into appointment_sites (tenant_id, name, kind, address) values ($1, 'Mairie annexe des Tilleuls', 'annexe', '2 rue des Tilleuls')
       returning id`,
      [ctx.tenantId],
    );
    const unknownSite = await inTenant(ctx.services.db, ctx.tenantId, (trx) =>
      createKiosk(trx, {
        tenantId: ctx.tenantId,
        name: 'Accueil',
        serviceId: null,
        siteId: '00000000-0000-4000-8000-000000000000',
      }),
    );
    assert.deepEqual(unknownSite, {
      ok: false,
      errors: [{ field: 'lieu', message: 'Choisissez un lieu d’accueil de la liste.' }],
    });
    const created = await inTenant(ctx.services.db, ctx.tenantId, (trx) =>
      createKiosk(trx, { tenantId: ctx.tenantId, name: 'Accueil mairie', serviceId: null, siteId: site!.id }),
    );
    assert.ok(created.ok);
    const path = `${BASE}/avis/borne/${created.value.secret}`;
    const remote = '10.66.0.1';
    for (let i = 0; i < 5; i++) {
      const { res } = await answer(path, { satisfaction: '5', commentaire: 'Accueil parfait' }, remote);
      assert.equal(res.statusCode, 303, 'the tablet is not held to the per-address budget');
      assert.equal(res.headers.location, `${path}?merci=1`);
    }
    const back = await ctx.app.inject({ method: 'GET', url: `${path}?merci=1` });
    assert.match(visibleText(back.body), /Merci, votre avis est enregistré/);
    assert.doesNotMatch(back.body, /checked/);
    assert.doesNotMatch(back.body, /Accueil parfait/);
    const n = await q<{ n: string; at_site: string }>(
      `select count(*) as n, count(*) filter (where site_id = $1) as at_site from survey_answers where interaction = 'kiosk'`,
      [site!.id],
    );
    assert.deepEqual(
      n.map((r) => [Number(r.n), Number(r.at_site)]),
      [[5, 5]],
      'the tablet’s answers count for its site',
    );
    assert.equal((await ctx.app.inject({ method: 'GET', url: `${BASE}/avis/borne/abc` })).statusCode, 404);
  });
});
