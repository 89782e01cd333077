import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as OTPAuth from 'otpauth';
import { cookiesFrom, csrfFrom } from '../../../test/support/factories.ts';
import { visibleText } from '../../../test/support/pages.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { setUpCommune, type SetUpCommuneResult } from './set-up-commune.ts';
import { tenantSiteUrl } from './tenant-url.ts';

const BASE = '/t/rennes';
const FORM = 'application/x-www-form-urlencoded';
const PASSWORD = 'jonquille rouge du matin';

describe(`a new commune from tenant:create can start (${TEST_DB})`, () => {
  let ctx: TestContext;
  let created: SetUpCommuneResult;
  let address = 0;

  const sql = async (text: string, params: unknown[] = []) => (await ctx.database.ownerQuery(text, params)).rows;
  const get = (url: string, cookie = '') => ctx.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });

  /** GETs a page with the cookie, then POSTs its form with the page's CSRF token. */
  async function submit(cookie: string, pageUrl: string, postUrl: string, fields: Record<string, string>) {
    const page = await get(pageUrl, cookie);
    address += 1;
    return ctx.app.inject({
      method: 'POST',
      url: postUrl,
      remoteAddress: `10.9.0.${address}`,
      headers: { cookie, 'content-type': FORM },
      payload: new URLSearchParams({ _csrf: csrfFrom(page.body), ...fields }).toString(),
    });
  }

  before(async () => {
    ctx = await createTestContext();
    created = await setUpCommune(ctx.database, {
      inseeCode: '35238',
      admin: { email: 'DSI@Rennes.example' },
      contact: { phone: '02 23 62 10 10', address: 'Place de la Mairie' },
      siteUrl: (t) => tenantSiteUrl(t, { publicBaseUrl: 'http://localhost:3000' }),
      now: new Date(),
    });
  });
  after(async () => ctx?.close());

  test('the tenant, its contact details from the official list, its services and its catalogue « à vérifier »', async () => {
    const [tenant] = await sql(`select name, insee_code, departement_name, contact from tenants where id = $1`, [
      created.tenantId,
    ]);
    assert.equal(tenant!.name, 'Rennes');
    assert.equal(tenant!.insee_code, '35238');
    assert.equal(tenant!.departement_name, 'Ille-et-Vilaine');
    assert.deepEqual(tenant!.contact, {
      city: 'Rennes',
      postalCode: '35000',
      address: 'Place de la Mairie',
      phone: '02 23 62 10 10',
    });
    const services = await sql(`select slug from services where tenant_id = $1 order by slug`, [created.tenantId]);
    for (const s of ['etat-civil', 'elections', 'urbanisme', 'voirie-proprete', 'enfance-scolaire', 'social-ccas'])
      assert.ok(
        services.some((r) => r.slug === s),
        s,
      );
    const pages = await sql(
      `select slug, published_at, form is not null as online, sections::text as text from demarches
        where tenant_id = $1 and kind <> 'contact'`,
      [created.tenantId],
    );
    assert.ok(pages.length >= 30, `${pages.length} pages`);
    assert.ok(
      pages.every((p) => p.published_at === null),
      'every copied page waits for review',
    );
    assert.ok(pages.some((p) => p.slug === 'reclamation' && p.online));
    // The model speaks of « la commune », never of the demo's town.
    assert.ok(pages.every((p) => !/Villebelle|01 00 00 00 00/.test(String(p.text))));
    const [form] = await sql(`select form::text as f from demarches where tenant_id = $1 and slug = $2`, [
      created.tenantId,
      'inscription-listes-electorales',
    ]);
    assert.doesNotMatch(String(form!.f), /Villebelle/);
    assert.equal(created.serviceCount, services.length);
    assert.equal(created.toReviewCount, pages.length);
  });

  test('citizens see that the catalogue is being prepared, not empty headings nor unpublished pages', async () => {
    const home = await get(`${BASE}/`);
    assert.equal(home.statusCode, 200);
    const text = visibleText(home.body);
    assert.match(text, /Le catalogue des démarches de Rennes est en cours de préparation/);
    assert.match(text, /02 23 62 10 10/);
    assert.doesNotMatch(text, /Les démarches les plus demandées|Les démarches par service/);
    const catalogue = await get(`${BASE}/demarches`);
    assert.match(visibleText(catalogue.body), /en cours de préparation/);
    assert.equal((await get(`${BASE}/demarches/reclamation`)).statusCode, 404);
    assert.equal((await get(`${BASE}/demarches/reclamation/demande`)).statusCode, 404);
    const api = (await get(`${BASE}/api/v1/demarches`)).json() as { demarches: unknown[] };
    assert.deepEqual(api.demarches, []);
    assert.doesNotMatch(visibleText((await get(`${BASE}/recherche?q=reclamation`)).body), /Faire une réclamation/);
  });

  test('the first administrator accepts the invitation, logs in and publishes a démarche', async () => {
    const [agent] = await sql(`select role, password_hash from agents where tenant_id = $1`, [created.tenantId]);
    assert.equal(agent!.role, 'admin');
    assert.equal(agent!.password_hash, '');
    const [mail] = await sql(`select text_body from mail_outbox where tenant_id = $1 and to_address = $2`, [
      created.tenantId,
      'dsi@rennes.example',
    ]);
    assert.ok(String(mail!.text_body).includes(created.invitationLink), 'the printed link is the mailed one');
    assert.match(created.invitationLink, /^http:\/\/localhost:3000\/t\/rennes\/agent\/invitation\?jeton=[\w-]+$/);
    const pageUrl = new URL(created.invitationLink).pathname + new URL(created.invitationLink).search;
    const jeton = new URL(created.invitationLink).searchParams.get('jeton')!;

    const page = await get(pageUrl);
    assert.equal(page.statusCode, 200);
    let cookie = `guichet_csrf=${cookiesFrom(page.headers['set-cookie']).guichet_csrf}`;
    const accepted = await submit(cookie, pageUrl, `${BASE}/agent/invitation`, {
      jeton,
      password: PASSWORD,
      confirmation: PASSWORD,
    });
    assert.equal(accepted.statusCode, 303);
    cookie += `; guichet_agent=${cookiesFrom(accepted.headers['set-cookie']).guichet_agent}`;

    // Administrators always enrol a second factor first.
    const enrol = await get(`${BASE}/agent/double-authentification`, cookie);
    assert.equal(enrol.statusCode, 200);
    const uri = /id="totp-uri">([^<]+)</.exec(enrol.body)![1]!.replace(/&amp;/g, '&');
    const totp = OTPAuth.URI.parse(uri) as OTPAuth.TOTP;
    const enrolled = await submit(
      cookie,
      `${BASE}/agent/double-authentification`,
      `${BASE}/agent/double-authentification`,
      {
        code: totp.generate(),
      },
    );
    assert.equal(enrolled.statusCode, 200);
    const session = cookiesFrom(enrolled.headers['set-cookie']).guichet_agent;
    if (session) cookie = cookie.replace(/guichet_agent=[^;]*/, `guichet_agent=${session}`);

    const review = await get(`${BASE}/agent/admin/demarches`, cookie);
    assert.equal(review.statusCode, 200);
    assert.match(visibleText(review.body), /Faire une réclamation ou contester une décision de la mairie/);
    const [reclamation] = await sql(`select id from demarches where tenant_id = $1 and slug = 'reclamation'`, [
      created.tenantId,
    ]);
    const published = await submit(
      cookie,
      `${BASE}/agent/admin/demarches`,
      `${BASE}/agent/admin/demarches/${String(reclamation!.id)}/publier`,
      {},
    );
    assert.equal(published.statusCode, 303);
    assert.equal(published.headers.location, `${BASE}/agent/admin/demarches?publiee=1`);
    const [row] = await sql(`select published_at from demarches where id = $1`, [reclamation!.id]);
    assert.ok(row!.published_at !== null);
    const again = await submit(
      cookie,
      `${BASE}/agent/admin/demarches`,
      `${BASE}/agent/admin/demarches/${String(reclamation!.id)}/publier`,
      {},
    );
    assert.equal(again.statusCode, 404);

    // Citizens now see it, and only it.
    assert.equal((await get(`${BASE}/demarches/reclamation`)).statusCode, 200);
    assert.equal((await get(`${BASE}/demarches/reclamation/demande`)).statusCode, 200);
    const catalogue = visibleText((await get(`${BASE}/demarches`)).body);
    assert.match(catalogue, /Faire une réclamation/);
    assert.doesNotMatch(catalogue, /Se marier dans la commune/);
    const home = visibleText((await get(`${BASE}/`)).body);
    assert.doesNotMatch(home, /en cours de préparation/);
    assert.match(home, /Faire une réclamation/);
  });

  test('a refused creation leaves nothing behind', async () => {
    const before = await sql(`select count(*)::int as n from tenants`);
    await assert.rejects(
      setUpCommune(ctx.database, {
        inseeCode: '35288',
        slug: 'saint-malo',
        admin: { email: 'pas-une-adresse' },
        siteUrl: (t) => tenantSiteUrl(t, { publicBaseUrl: 'http://localhost:3000' }),
        now: new Date(),
      }),
      /n’est pas valide/,
    );
    await assert.rejects(
      setUpCommune(ctx.database, {
        inseeCode: '35238',
        admin: { email: 'autre@rennes.example' },
        siteUrl: (t) => tenantSiteUrl(t, { publicBaseUrl: 'http://localhost:3000' }),
        now: new Date(),
      }),
      /déjà/,
    );
    assert.deepEqual(await sql(`select count(*)::int as n from tenants`), before);
  });
});

describe('tenantSiteUrl', () => {
  test('a host name takes PUBLIC_BASE_URL’s scheme and port; no host uses the /t/ prefix', () => {
    const local = { publicBaseUrl: 'http://localhost:3000' };
    assert.equal(tenantSiteUrl({ slug: 'rennes', hosts: ['rennes.localhost'] }, local), 'http://rennes.localhost:3000');
    assert.equal(
      tenantSiteUrl({ slug: 'rennes', hosts: ['guichet.rennes.fr'] }, { publicBaseUrl: 'https://guichet.example' }),
      'https://guichet.rennes.fr',
    );
    assert.equal(tenantSiteUrl({ slug: 'rennes', hosts: [] }, local), 'http://localhost:3000/t/rennes');
    assert.equal(
      tenantSiteUrl({ slug: 'rennes', hosts: [] }, { publicBaseUrl: 'https://guichet.example' }),
      'https://guichet.example/t/rennes',
    );
  });
});
