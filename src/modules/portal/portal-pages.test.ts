import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { visibleText } from '../../../test/support/pages.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { LIFE_EVENTS } from '../catalogue/taxonomy.ts';
import { createTenant } from '../tenants/create-tenant.ts';

const PAGES = ['/contact', '/mentions-legales', '/donnees-personnelles', '/accessibilite', '/plan-du-site'];

async function get(ctx: TestContext, slug: string, path: string) {
  const res = await ctx.app.inject({ method: 'GET', url: `/t/${slug}${path}` });
  return { status: res.statusCode, body: res.body, res };
}

/**
 * Inserts a service with two public entries and one internal démarche, as the schema owner. The
 * public démarche belongs to the "je-demenage" life event, the internal one to "naissance".
 */
async function addCatalogue(ctx: TestContext, tenantId: string, prefix: string) {
  const s = await ctx.database.ownerQuery(
    `insert into services (tenant_id, slug, name) values ($1, $2, $3) returning id`,
    [tenantId, `${prefix}-service`, `Service ${prefix}`],
  );
  const serviceId = s.rows[0]!.id;
  for (const [slug, title, kind, audience, lifeEvents] of [
    [`${prefix}-publique`, `Démarche publique ${prefix}`, 'demarche', 'public', ['je-demenage']],
    [`${prefix}-fiche`, `Fiche d’information ${prefix}`, 'information', 'public', []],
    [`${prefix}-interne`, `Consigne interne ${prefix}`, 'demarche', 'internal', ['naissance']],
  ] as const) {
    await ctx.database.ownerQuery(
      `insert into demarches (tenant_id, service_id, slug, kind, title, audience, life_events)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [tenantId, serviceId, slug, kind, title, audience, lifeEvents],
    );
  }
}

async function setContact(ctx: TestContext, tenantId: string, contact: object) {
  await ctx.database.ownerQuery(`update tenants set contact = $2::jsonb where id = $1`, [
    tenantId,
    JSON.stringify(contact),
  ]);
  ctx.services.tenants.clear();
}

describe(`portal institutional pages (${TEST_DB})`, () => {
  let ctx: TestContext;
  let petiteville: string;

  before(async () => {
    ctx = await createTestContext();
    petiteville = await createTenant(ctx.database.ownerQuery, { name: 'Petiteville', slug: 'petiteville' });
    await addCatalogue(ctx, ctx.tenantId, 'vb-test');
    await addCatalogue(ctx, petiteville, 'pv-test');
  });
  after(async () => ctx.close());

  test('every page renders for both tenants, with one h1, ordered headings and the footer links', async () => {
    for (const slug of ['villebelle', 'petiteville']) {
      for (const path of PAGES) {
        const { status, body } = await get(ctx, slug, path);
        assert.equal(status, 200, `${slug}${path}`);
        assert.equal(body.match(/<h1[\s>]/g)?.length, 1, `one h1 on ${slug}${path}`);
        assert.doesNotMatch(body, /undefined|\bnull\b|\[object /, `${slug}${path}`);
        const levels = [...body.matchAll(/<h([1-6])[\s>]/g)].map((m) => Number(m[1]));
        for (let i = 1; i < levels.length; i++) {
          assert.ok(levels[i]! <= levels[i - 1]! + 1, `heading level skipped on ${slug}${path}: ${levels.join(',')}`);
        }
        for (const footer of [
          '/contact',
          '/mentions-legales',
          '/donnees-personnelles',
          '/accessibilite',
          '/plan-du-site',
        ]) {
          assert.ok(body.includes(`<a href="/t/${slug}${footer}"`), `footer link ${footer} on ${slug}${path}`);
        }
        assert.match(body, /<nav class="container breadcrumbs" aria-label="Fil d'Ariane">/);
        assert.ok(!/<a [^>]*>\s*<\/a>/.test(body), `no empty link on ${slug}${path}`);
      }
    }
  });

  test("the contact page shows Villebelle's counter, hours, phone, mail, post and France services", async () => {
    const { body } = await get(ctx, 'villebelle', '/contact');
    const text = visibleText(body);
    assert.match(text, /1 place de la République 00000 Villebelle/);
    assert.match(body, /<li>Du lundi au vendredi : de 8 h 30 à 12 h et de 13 h 30 à 17 h 30<\/li>/);
    assert.match(body, /<li>Le samedi : de 9 h à 12 h \(état civil uniquement\)<\/li>/);
    assert.match(body, /<a href="tel:0100000000">01 00 00 00 00<\/a>/);
    // The inbound address: a message written there becomes an item of the agents' inbox.
    assert.match(body, /<a href="mailto:villebelle@guichet.localhost">villebelle@guichet.localhost<\/a>/);
    assert.match(text, /Vous recevez aussitôt un courriel avec un numéro et un lien pour suivre votre message/);
    assert.match(text, /Mairie de Villebelle, 1 place de la République, 00000 Villebelle/);
    assert.match(body, /<a href="\/t\/villebelle\/demarches">Faire une démarche en ligne<\/a>/);
    assert.match(body, /<a href="\/t\/villebelle\/suivi">Suivre une demande<\/a>/);
    assert.match(text, /Espace France services de Villebelle/);
    assert.match(text, /12 rue des Écoles, 00000 Villebelle/);
    assert.match(body, /<a href="tel:0100000010">01 00 00 00 10<\/a>/);
    assert.match(text, /Du lundi au vendredi de 9 h à 12 h 30 et de 13 h 30 à 17 h/);
    assert.match(text, /des conseillers vous aident pour les démarches des services de l’État/);
    assert.match(text, /Un agent peut faire la démarche avec vous\./);
    assert.doesNotMatch(text, /pas encore indiqué/);
  });

  test('the contact page of a tenant without contact data says what is missing', async () => {
    const { body } = await get(ctx, 'petiteville', '/contact');
    const text = visibleText(body);
    assert.match(text, /Vous pouvez joindre la mairie de Petiteville de plusieurs façons/);
    assert.match(text, /L’adresse de l’accueil n’est pas encore indiquée sur ce site\./);
    assert.match(text, /Le numéro de téléphone n’est pas encore indiqué sur ce site\./);
    // Every tenant has an inbound address, declared contact address or not.
    assert.match(body, /<a href="mailto:petiteville@guichet.localhost">/);
    assert.match(text, /L’adresse postale n’est pas encore indiquée sur ce site\./);
    assert.match(body, /href="https:\/\/www.france-services.gouv.fr\/"/);
    assert.doesNotMatch(body.replace('mailto:petiteville@guichet.localhost', ''), /tel:|mailto:|Villebelle/);
  });

  test('the legal notice names the publisher, the director and the software; the host when declared', async () => {
    let text = visibleText((await get(ctx, 'villebelle', '/mentions-legales')).body);
    assert.match(text, /Ce site est publié par Villebelle\./);
    assert.match(text, /1 place de la République, 00000 Villebelle/);
    assert.match(text, /Le maire ou la maire de Villebelle\./);
    assert.match(text, /Le nom de l’hébergeur n’est pas encore indiqué/);
    assert.match(text, /Guichet est un logiciel libre/);
    assert.match(text, /Propriété intellectuelle/);
    assert.match(text, /Vous pouvez faire un lien vers ce site sans demander d’autorisation\./);

    await setContact(ctx, petiteville, {
      publicationDirector: 'Mme Claire Martin, maire de Petiteville',
      hosting: { name: 'Hébergeur <Exemple>', address: '2 rue du Serveur, 75000 Paris' },
    });
    try {
      const { body } = await get(ctx, 'petiteville', '/mentions-legales');
      text = visibleText(body);
      assert.match(text, /Mme Claire Martin, maire de Petiteville\./);
      assert.match(text, /Ce site est hébergé par Hébergeur <Exemple>\./);
      assert.match(body, /Hébergeur &lt;Exemple&gt;/);
      assert.match(text, /2 rue du Serveur, 75000 Paris/);
    } finally {
      await setContact(ctx, petiteville, {});
    }
  });

  test('the privacy notice gives purposes, rights, how to use them, the CNIL and the one cookie set', async () => {
    const { body, res } = await get(ctx, 'villebelle', '/donnees-personnelles');
    const text = visibleText(body);
    assert.match(text, /Le responsable du traitement de vos données est Villebelle\./);
    assert.match(text, /mission d’intérêt public/);
    assert.match(text, /droit d’accès/);
    assert.match(text, /droit d’opposition/);
    assert.match(body, /<a href="mailto:contact@villebelle.example">/);
    assert.match(text, /délégué à la protection des données/);
    assert.match(body, /<a href="https:\/\/www.cnil.fr\/fr\/plaintes">/);
    // The notice promises a single technical cookie, set by pages with a form: check it is the
    // one the site really sets, and that a page without a form sets none.
    assert.equal(res.headers['set-cookie'], undefined);
    const form = await get(ctx, 'villebelle', '/demarches/signaler-probleme-voirie/demande');
    const setCookie = [form.res.headers['set-cookie'] ?? []].flat();
    assert.equal(setCookie.length, 1);
    const cookieName = setCookie[0]!.split('=')[0]!;
    assert.match(
      text,
      new RegExp(`un seul cookie technique, nommé « ${cookieName} », quand vous ouvrez une page avec un formulaire`),
    );

    const empty = visibleText((await get(ctx, 'petiteville', '/donnees-personnelles')).body);
    assert.match(empty, /Les coordonnées de la mairie de Petiteville ne sont pas encore indiquées sur ce site\./);
  });

  test('the accessibility statement shows the status, the audit state and the legal recourse', async () => {
    const { body } = await get(ctx, 'villebelle', '/accessibilite');
    const text = visibleText(body);
    assert.match(text, /Le site des démarches de Villebelle est non conforme avec le référentiel général/);
    assert.match(text, /Aucun audit complet n’a encore été réalisé\./);
    assert.match(text, /axe-core sur chaque page du parcours des usagers/);
    // The PDFs are not tagged: the statement says so, where the same content is, and the plan.
    assert.match(text, /Les documents PDF du site .* ne sont pas encore balisés/);
    assert.match(text, /la page de suivi de votre demande reprend tout le récépissé/);
    assert.match(text, /produire des PDF balisés/);
    assert.match(text, /Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07/);
    assert.match(body, /<a href="tel:0969390000">09 69 39 00 00<\/a>/);
    // The configured address (PUBLIC_BASE_URL), not the request's Host.
    assert.match(body, /<a href="http:\/\/localhost:3000\/t\/villebelle\/">/);

    await setContact(ctx, petiteville, {
      accessibilityStatus: 'partiellement conforme',
      accessibilityAuditDate: '2026-03-15',
    });
    try {
      const r = await get(ctx, 'petiteville', '/accessibilite');
      const t = visibleText(r.body);
      assert.match(t, /est partiellement conforme avec le référentiel général/);
      assert.match(t, /Le dernier audit d’accessibilité date du 15 mars 2026\./);
      assert.doesNotMatch(t, /Aucun audit complet/);
      assert.match(r.body, />Accessibilité : partiellement conforme<\/a>/);
    } finally {
      await setContact(ctx, petiteville, {});
    }
  });

  test('the site map lists every public démarche of the tenant and no internal one', async () => {
    const expected = await ctx.database.ownerQuery(
      `select tenant_id, slug, title, audience from demarches where tenant_id in ($1, $2)`,
      [ctx.tenantId, petiteville],
    );
    for (const [slug, tenantId] of [
      ['villebelle', ctx.tenantId],
      ['petiteville', petiteville],
    ] as const) {
      const { body } = await get(ctx, slug, '/plan-du-site');
      const mine = expected.rows.filter((r) => r.tenant_id === tenantId);
      assert.ok(mine.some((r) => r.audience === 'public'));
      assert.ok(mine.some((r) => r.audience === 'internal'));
      for (const r of mine) {
        const link = `<a href="/t/${slug}/demarches/${encodeURIComponent(String(r.slug))}">`;
        if (r.audience === 'public') assert.ok(body.includes(link), `${slug} lists ${r.slug}`);
        else assert.ok(!body.includes(link) && !body.includes(String(r.title)), `${slug} hides ${r.slug}`);
      }
      for (const r of expected.rows.filter((x) => x.tenant_id !== tenantId)) {
        assert.ok(!body.includes(`/demarches/${String(r.slug)}"`), `${slug} does not show another tenant's ${r.slug}`);
      }
      for (const page of [
        '/',
        '/demarches',
        '/suivi',
        '/recherche',
        '/contact',
        '/mentions-legales',
        '/donnees-personnelles',
        '/accessibilite',
        '/agent',
      ]) {
        assert.ok(body.includes(`<a href="/t/${slug}${page}"`), `${slug} site map links ${page}`);
      }
    }
    const events = await ctx.database.ownerQuery(
      `select distinct unnest(life_events) as e from demarches where tenant_id = $1 and audience = 'public'`,
      [ctx.tenantId],
    );
    const vb = (await get(ctx, 'villebelle', '/plan-du-site')).body;
    const known = new Set(LIFE_EVENTS.map((e) => e.slug));
    for (const { e } of events.rows) {
      if (known.has(String(e))) assert.ok(vb.includes(`<a href="/t/villebelle/evenements/${e}">`), `life event ${e}`);
    }
    const pvBody = (await get(ctx, 'petiteville', '/plan-du-site')).body;
    assert.ok(pvBody.includes('<a href="/t/petiteville/evenements/je-demenage">Je déménage</a>'));
    // Only an internal sheet belongs to "naissance" in Petiteville: no link to an empty page.
    assert.ok(!pvBody.includes('/evenements/naissance'));
    const pv = visibleText(pvBody);
    assert.match(pv, /Service pv-test/);
    assert.match(pv, /Fiche d’information pv-test \(information\)/);
  });

  test('a primary colour with poor contrast on white is not applied; a readable one is', async () => {
    const setTheme = async (color: string) => {
      await ctx.database.ownerQuery(`update tenants set theme = $2::jsonb where id = $1`, [
        ctx.tenantId,
        JSON.stringify({ primaryColor: color, logoText: 'Ville de Villebelle' }),
      ]);
      ctx.services.tenants.clear();
      return (await get(ctx, 'villebelle', '/contact')).body;
    };
    try {
      assert.doesNotMatch(await setTheme('#777777'), /--primary:/);
      assert.doesNotMatch(await setTheme('#ffd700'), /--primary:/);
      assert.match(await setTheme('#8b0000'), /--primary: #8b0000;/);
    } finally {
      await setTheme('#1f4e8c');
    }
  });
});
