import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { csrfFrom, insertAgent, loginAgent } from '../../../test/support/factories.ts';
import { openForm, postForm } from '../../../test/support/http.ts';
import { mailPlainText, visibleText } from '../../../test/support/pages.ts';
import { startTestSmtp, type TestSmtp } from '../../../test/support/smtp.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import type { TenantSettingsRow } from './repository.ts';

const BASE = '/t/villebelle';
const PAGE = `${BASE}/agent/admin/commune`;
const PASSWORD = 'Un mot de passe assez long 42';
const REQUEST_FORM = `${BASE}/demarches/signaler-probleme-voirie/demande`;

/** Every field of the form, as an administrator fills it in. */
const VALID = {
  adresse: '3  rue   de la Poste',
  code_postal: '35000',
  ville: 'Villebelle',
  telephone: '02.99.00.11.22',
  courriel: 'Accueil@Villebelle.example',
  horaires: 'Du lundi au vendredi : de 9 h à 17 h\r\n\r\nLe samedi : de 9 h à 12 h',
  adresse_postale: 'Mairie de Villebelle\nBP 12\n35000 Villebelle',
  site_internet: 'https://www.villebelle.example',
  expediteur_nom: 'Ville de Villebelle – état civil',
  expediteur_adresse: 'mairie@villebelle.example',
  reponse_a: 'etat-civil@villebelle.example',
  couleur: '#8A2BE2',
};

describe(`« Coordonnées et courriels » for administrators (${TEST_DB})`, () => {
  let ctx: TestContext;
  let smtp: TestSmtp;
  let admin = '';
  let agent = '';
  let supervisor = '';

  const row = async () =>
    (
      await ctx.database.ownerQuery(
        `select contact, theme, mail_sender_name, mail_sender_address, mail_reply_to from tenants where id = $1`,
        [ctx.tenantId],
      )
    ).rows[0] as unknown as TenantSettingsRow;
  const get = (url: string, cookie = '') => ctx.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });

  /** Opens the page with the cookie and posts the fields with its CSRF token. */
  async function save(cookie: string, fields: Record<string, string>) {
    const page = await get(PAGE, cookie);
    assert.equal(page.statusCode, 200);
    return ctx.app.inject({
      method: 'POST',
      url: PAGE,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfFrom(page.body), ...fields }).toString(),
    });
  }

  /** Files a request as a citizen; its confirmation mail is « the next mail » of the tenant. */
  async function fileRequest(): Promise<string> {
    const session = await openForm(ctx.app, REQUEST_FORM);
    const res = await postForm(ctx.app, REQUEST_FORM, session, {
      categorie: 'chaussee',
      lieu__street: '3 rue Haute',
      lieu__postal_code: '00000',
      lieu__city: 'Villebelle',
      description: 'Nid-de-poule',
      applicant_given_name: 'Ada',
      applicant_family_name: 'Lovelace',
      applicant_email: 'ada@example.org',
    });
    assert.equal(res.statusCode, 303);
    const reference = /demandes\/([^/]+)\/confirmation/.exec(String(res.headers.location))![1]!;
    await ctx.services.mail.flush();
    return reference;
  }

  before(async () => {
    smtp = await startTestSmtp();
    ctx = await createTestContext({ env: { SMTP_URL: smtp.url } });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'admin.reglages@villebelle.test',
      password: PASSWORD,
      role: 'admin',
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'agent.reglages@villebelle.test',
      password: PASSWORD,
      serviceSlugs: ['voirie-proprete'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'responsable.reglages@villebelle.test',
      password: PASSWORD,
      role: 'supervisor',
      serviceSlugs: ['voirie-proprete'],
    });
    admin = await loginAgent(ctx.app, 'admin.reglages@villebelle.test', PASSWORD);
    agent = await loginAgent(ctx.app, 'agent.reglages@villebelle.test', PASSWORD);
    supervisor = await loginAgent(ctx.app, 'responsable.reglages@villebelle.test', PASSWORD);
  });
  after(async () => {
    await ctx?.close();
    await smtp?.close();
  });

  test('the page shows what is stored and what an empty sender field stands for, and the other admin pages link to it', async () => {
    const page = await get(PAGE, admin);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<title>Coordonnées et courriels – Villebelle<\/title>/);
    assert.match(page.body, /id="telephone"[^>]*value="01 00 00 00 00"/);
    assert.match(page.body, /value="contact@villebelle.example"/);
    assert.match(page.body, /value="#1f4e8c"/);
    assert.match(page.body, /Du lundi au vendredi : de 8 h 30 à 12 h et de 13 h 30 à 17 h 30\nLe samedi/);
    const text = visibleText(page.body);
    assert.match(text, /Laissé vide : « Mairie de Villebelle »/);
    assert.match(text, /Laissée vide : ne-pas-repondre@guichet\.localhost, l’adresse du serveur/);
    assert.match(text, /SPF et DKIM/);
    assert.match(page.body, /<a href="\/t\/villebelle\/agent\/admin\/commune" aria-current="page">/);
    for (const other of [
      '/agent/admin/agents',
      '/agent/admin/demarches',
      '/agent/admin/protection-des-donnees',
      '/agent/demandes',
    ]) {
      const body = (await get(`${BASE}${other}`, admin)).body;
      assert.match(body, /<a href="\/t\/villebelle\/agent\/admin\/commune"\s*>Coordonnées et courriels<\/a>/, other);
    }
  });

  test('saved values show at once on « Nous contacter » and in the next mail: footer, From and Reply-To', async () => {
    // The tenant is cached per host: warm it, so that a change that waited for it would fail here.
    assert.match(visibleText((await get(`${BASE}/contact`)).body), /01 00 00 00 00/);

    const saved = await save(admin, VALID);
    assert.equal(saved.statusCode, 303);
    assert.equal(saved.headers.location, `${PAGE}?fait=1`);
    assert.match(visibleText((await get(String(saved.headers.location), admin)).body), /sont enregistrés/);

    const stored = await row();
    assert.deepEqual(
      { ...stored.contact, franceServices: undefined },
      {
        address: '3 rue de la Poste',
        postalCode: '35000',
        city: 'Villebelle',
        phone: '02 99 00 11 22',
        email: 'accueil@villebelle.example',
        openingHours: ['Du lundi au vendredi : de 9 h à 17 h', 'Le samedi : de 9 h à 12 h'],
        postalAddress: 'Mairie de Villebelle\nBP 12\n35000 Villebelle',
        website: 'https://www.villebelle.example',
        franceServices: undefined,
      },
    );
    // What the form does not hold is kept.
    assert.equal(stored.contact.franceServices?.[0]?.name, 'Espace France services de Villebelle');
    assert.deepEqual(stored.theme, { primaryColor: '#8a2be2', logoText: 'Ville de Villebelle' });
    assert.equal(stored.mail_sender_name, 'Ville de Villebelle – état civil');
    assert.equal(stored.mail_sender_address, 'mairie@villebelle.example');
    assert.equal(stored.mail_reply_to, 'etat-civil@villebelle.example');

    const contact = await get(`${BASE}/contact`);
    const text = visibleText(contact.body);
    assert.match(text, /3 rue de la Poste 35000 Villebelle/);
    assert.match(text, /Appelez le 02 99 00 11 22/);
    // « Nous contacter » gives the inbound address (messages become inbox items); the contact
    // address is on the legal notice.
    assert.match(contact.body, /<a href="mailto:villebelle@guichet.localhost">/);
    assert.match((await get(`${BASE}/mentions-legales`)).body, /<a href="mailto:accueil@villebelle.example">/);
    assert.match(text, /Du lundi au vendredi : de 9 h à 17 h Le samedi : de 9 h à 12 h/);
    assert.match(text, /Mairie de Villebelle BP 12 35000 Villebelle/);
    assert.match(contact.body, /<a href="https:\/\/www.villebelle.example">/);
    assert.match(contact.body, /--primary: #8a2be2;/);

    const reference = await fileRequest();
    const mail = await smtp.waitFor((m) => (m.subject ?? '').includes(reference));
    assert.deepEqual(mail.from?.value, [
      { name: 'Ville de Villebelle – état civil', address: 'mairie@villebelle.example' },
    ]);
    // A mail about a request: the answer comes back onto it (its own reply address), whatever
    // the tenant's Reply-To, which serves the mails about nothing in the inbox.
    assert.match(mail.replyTo?.value[0]?.address ?? '', new RegExp(`^villebelle\\+${reference.toLowerCase()}-`));
    const body = mailPlainText(mail.text ?? '');
    assert.match(body, /Téléphone : 02 99 00 11 22/);
    assert.match(body, /Courriel : accueil@villebelle.example/);
    assert.match(body, /Accueil : 3 rue de la Poste, 35000 Villebelle/);
  });

  test('emptied, the sender falls back to « Mairie de … » at MAIL_FROM’s address; a request’s mail is answered onto it', async () => {
    const saved = await save(admin, {
      ...VALID,
      expediteur_nom: '',
      expediteur_adresse: '',
      reponse_a: '',
      couleur: '',
      horaires: '',
      site_internet: '',
    });
    assert.equal(saved.statusCode, 303);
    const stored = await row();
    assert.equal(stored.mail_sender_name, null);
    assert.equal(stored.mail_sender_address, null);
    assert.equal(stored.mail_reply_to, null);
    assert.deepEqual(stored.theme, { logoText: 'Ville de Villebelle' });
    assert.equal('openingHours' in stored.contact, false);
    assert.equal('website' in stored.contact, false);

    const contact = await get(`${BASE}/contact`);
    assert.match(visibleText(contact.body), /Les horaires d’ouverture ne sont pas encore indiqués sur ce site/);
    assert.doesNotMatch(contact.body, /--primary:/);

    const reference = await fileRequest();
    const mail = await smtp.waitFor((m) => (m.subject ?? '').includes(reference));
    assert.deepEqual(mail.from?.value, [
      { name: 'Mairie de Villebelle', address: 'ne-pas-repondre@guichet.localhost' },
    ]);
    assert.match(mail.replyTo?.value[0]?.address ?? '', new RegExp(`^villebelle\\+${reference.toLowerCase()}-`));
  });

  test('invalid values come back (400) with the error summary, keeping what was typed; nothing is saved', async () => {
    const before = await row();
    const typed = {
      ...VALID,
      adresse: '12 rue <b>Haute</b>',
      code_postal: '3500',
      telephone: '12 34',
      courriel: 'pas-une-adresse',
      expediteur_nom: 'M'.repeat(121),
      reponse_a: 'élise@villebelle.example',
      couleur: '#777777',
    };
    const res = await save(admin, typed);
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /<title>Erreur – Coordonnées et courriels – Villebelle<\/title>/);
    assert.match(res.body, /class="error-summary"/);
    assert.match(res.body, /Il y a 6 erreurs dans le formulaire/);
    for (const field of ['code_postal', 'telephone', 'courriel', 'expediteur_nom', 'reponse_a', 'couleur'])
      assert.match(res.body, new RegExp(`<a href="#${field}">`), field);
    const text = visibleText(res.body);
    assert.match(text, /Le code postal compte 5 chiffres/);
    assert.match(text, /Indiquez un numéro de téléphone valide/);
    assert.match(text, /Indiquez une adresse électronique valide/);
    assert.match(text, /Le nom de l’expéditeur ne doit pas dépasser 120 caractères/);
    assert.match(text, /caractères spéciaux ou accentués/);
    // 4.478:1 is written down, not rounded up to the 4.5 it fails to reach.
    assert.match(
      text,
      /Cette couleur est trop claire : son contraste avec le blanc est de 4,47 pour 1\. Il faut au moins 4,5 pour 1/,
    );
    assert.match(res.body, /id="couleur"[^>]*aria-describedby="couleur-hint couleur-error"/);
    assert.match(res.body, /id="couleur"[^>]*aria-invalid="true"/);
    // What was typed is shown again, escaped.
    assert.match(res.body, /value="12 rue &lt;b&gt;Haute&lt;\/b&gt;"/);
    assert.match(res.body, /value="3500"/);
    assert.match(res.body, /value="pas-une-adresse"/);
    assert.match(res.body, /value="#777777"/);
    assert.match(res.body, new RegExp(`value="${'M'.repeat(121)}"`));
    assert.match(res.body, /Du lundi au vendredi : de 9 h à 17 h\r?\n\r?\nLe samedi/);
    assert.deepEqual(await row(), before);

    const pale = await save(admin, { ...VALID, couleur: '#ff0' });
    assert.equal(pale.statusCode, 400);
    assert.match(visibleText(pale.body), /son contraste avec le blanc est de 1,07 pour 1/);
    const notAColour = await save(admin, { ...VALID, couleur: 'bleu', site_internet: 'javascript:alert(1)' });
    assert.equal(notAColour.statusCode, 400);
    assert.match(visibleText(notAColour.body), /Indiquez la couleur par son code/);
    assert.match(visibleText(notAColour.body), /qui commence par https:\/\//);
    assert.deepEqual(await row(), before);
  });

  test('the SIRET (API Particulier’s recipient): typed with spaces, checked, saved, used at once', async () => {
    const siret = async () =>
      (await ctx.database.ownerQuery(`select siret from tenants where id = $1`, [ctx.tenantId])).rows[0]!.siret;
    const saved = await save(admin, { ...VALID, siret: '213 500 238 00018' });
    assert.equal(saved.statusCode, 303);
    assert.equal(await siret(), '21350023800018');
    assert.equal((await ctx.services.tenants.bySlug('villebelle'))?.siret, '21350023800018');
    const page = await get(PAGE, admin);
    assert.match(page.body, /value="21350023800018"/);
    for (const wrong of ['21350023800014', '2135002380001', 'SIRET-de-la-mairie']) {
      const res = await save(admin, { ...VALID, siret: wrong });
      assert.equal(res.statusCode, 400, wrong);
      assert.match(res.body, /<a href="#siret">/);
      assert.match(visibleText(res.body), /Le SIRET compte 14 chiffres/);
    }
    assert.equal(await siret(), '21350023800018');
    const emptied = await save(admin, { ...VALID, siret: '' });
    assert.equal(emptied.statusCode, 303);
    assert.equal(await siret(), null);
  });

  test('agents and supervisors are refused the page and the post; nothing changes', async () => {
    const before = await row();
    for (const cookie of [agent, supervisor]) {
      assert.equal((await get(PAGE, cookie)).statusCode, 403);
      const page = await get(`${BASE}/agent/demandes`, cookie);
      assert.doesNotMatch(page.body, /agent\/admin\/commune/);
      const res = await ctx.app.inject({
        method: 'POST',
        url: PAGE,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrfFrom(page.body), ...VALID, expediteur_nom: 'Pirate' }).toString(),
      });
      assert.equal(res.statusCode, 403);
    }
    assert.equal((await get(PAGE)).statusCode, 303);
    assert.deepEqual(await row(), before);
  });

  test('a post without the CSRF token is refused, even from the administrator', async () => {
    const before = await row();
    const res = await ctx.app.inject({
      method: 'POST',
      url: PAGE,
      headers: { cookie: admin, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ ...VALID, expediteur_nom: 'Sans jeton' }).toString(),
    });
    assert.equal(res.statusCode, 403);
    const forged = await ctx.app.inject({
      method: 'POST',
      url: PAGE,
      headers: { cookie: admin, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: 'forged', ...VALID, expediteur_nom: 'Jeton forgé' }).toString(),
    });
    assert.equal(forged.statusCode, 403);
    assert.deepEqual(await row(), before);
  });
});
