import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { CORPUS_DIR } from '../../demo/seed-demo.ts';
import { seedCatalogue } from './seed-catalogue.ts';
import { FIELD_TYPES, parseFormDefinition } from './form-definition.ts';
import { renderMarkdown } from './views/markdown.ts';

interface StoredDemarche {
  slug: string;
  kind: string;
  audience: string;
  form: unknown;
  channels: string[];
  delay_days: number | null;
  sections: Record<string, string>;
  summary: string;
  life_events: string[];
  search_text: string;
}

describe(`catalogue (${TEST_DB})`, () => {
  let ctx: TestContext;
  let rows: StoredDemarche[];

  before(async () => {
    ctx = await createTestContext();
    rows = (
      await ctx.database.ownerQuery(
        `select slug, kind, audience, form, channels, delay_days, sections, summary, life_events, search_text
           from demarches where tenant_id = $1 and kind <> 'contact'`,
        [ctx.tenantId],
      )
    ).rows as unknown as StoredDemarche[];
  });
  after(async () => ctx.close());

  const get = (path: string, host?: string) =>
    ctx.app.inject({ method: 'GET', url: host ? path : `/t/villebelle${path}`, headers: host ? { host } : {} });

  test('the seed loads the 45 articles and the services', async () => {
    assert.equal(rows.length, 45);
    assert.equal(rows.filter((r) => r.audience === 'public').length, 40);
    assert.equal(rows.filter((r) => r.audience === 'internal').length, 5);
    const services = (
      await ctx.database.ownerQuery('select slug, name, description from services where tenant_id = $1', [ctx.tenantId])
    ).rows as { slug: string; name: string; description: string }[];
    assert.equal(services.length, 15);
    assert.equal(services.find((s) => s.slug === 'etat-civil')?.name, 'État civil');
    assert.ok(services.every((s) => s.description.length > 0));
    const cni = rows.find((r) => r.slug === 'carte-identite')!;
    assert.equal(cni.kind, 'demarche');
    assert.deepEqual(Object.keys(cni.sections).sort(), [
      'besoin-d-aide',
      'ce-qu-il-faut-preparer',
      'comment-faire',
      'delai-et-cout',
      'en-bref',
      'erreurs-frequentes-a-eviter',
      'qui-est-concerne',
    ]);
    assert.match(cni.summary, /^La carte d'identité est gratuite/);
    assert.ok(cni.life_events.includes('papiers-identite'));
    assert.match(cni.search_text, /carte d identite/);
    assert.doesNotMatch(cni.search_text, /[A-ZÀ-ÿ]/);
    assert.equal(rows.find((r) => r.slug === 'taxe-fonciere')?.kind, 'information');
  });

  test('the contact démarche is internal, published, routed to the reception and never listed for citizens', async () => {
    const contact = (
      await ctx.database.ownerQuery(
        `select d.kind, d.audience, d.published_at, s.slug as service from demarches d
           join services s on s.tenant_id = d.tenant_id and s.id = d.service_id
          where d.tenant_id = $1 and d.slug = 'message-courriel'`,
        [ctx.tenantId],
      )
    ).rows[0] as { kind: string; audience: string; published_at: Date | null; service: string };
    assert.equal(contact.kind, 'contact');
    assert.equal(contact.audience, 'internal');
    assert.ok(contact.published_at);
    assert.equal(contact.service, 'citoyennete');
    for (const path of ['/demarches', '/plan-du-site', '/recherche?q=message+courriel']) {
      const res = await get(path);
      assert.doesNotMatch(res.body, /message-courriel|Message reçu par courriel/, path);
    }
    assert.equal((await get('/demarches/message-courriel/demande')).statusCode, 404);
  });

  test('seeding the same tenant again changes nothing', async () => {
    await seedCatalogue(ctx.services.db, ctx.tenantId, CORPUS_DIR);
    const counts = await ctx.database.ownerQuery(
      `select (select count(*) from demarches where tenant_id = $1) as d, (select count(*) from services where tenant_id = $1) as s`,
      [ctx.tenantId],
    );
    // The 45 articles and the contact démarche (catalogue/contact-demarche.ts).
    assert.equal(Number(counts.rows[0]!.d), 46);
    assert.equal(Number(counts.rows[0]!.s), 15);
  });

  test('every stored form is valid, and together they use every field type and conditions', () => {
    const withForm = rows.filter((r) => r.form !== null);
    assert.ok(withForm.length >= 8, `${withForm.length} forms`);
    const types = new Set<string>();
    let showIf = 0;
    for (const r of withForm) {
      const def = parseFormDefinition(r.form);
      assert.ok(r.channels.includes('en-ligne'), `${r.slug} is online`);
      assert.ok(r.delay_days && r.delay_days > 0, `${r.slug} has a committed delay`);
      assert.equal(r.audience, 'public');
      for (const f of def.sections.flatMap((s) => s.fields)) {
        types.add(f.type);
        if (f.showIf) showIf++;
        assert.doesNotMatch(f.name, /^applicant_/);
        if (f.type === 'file') assert.ok(f.accept && f.accept.length > 0, `${r.slug}.${f.name} accept`);
      }
    }
    assert.deepEqual([...types].sort(), [...FIELD_TYPES].sort());
    assert.ok(showIf >= 3);
  });

  for (const host of [undefined, 'localhost']) {
    const where = host ? 'by host name' : 'under /t/villebelle';
    const base = host ? '' : '/t/villebelle';

    test(`home page (${where})`, async () => {
      const res = await get('/', host);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<h1>Bienvenue sur le guichet en ligne de Villebelle<\/h1>/);
      assert.match(res.body, new RegExp(`<form\\s+class="search-form"\\s+method="get"\\s+action="${base}/recherche"`));
      assert.match(res.body, /<label for="recherche-q">/);
      assert.match(res.body, /<input type="search" id="recherche-q" name="q"/);
      assert.match(res.body, /Les démarches les plus demandées/);
      assert.ok(res.body.includes(`href="${base}/evenements/je-demenage">Je déménage</a>`));
      assert.ok(res.body.includes(`href="${base}/evenements/perte-d-un-proche">Perte d’un proche</a>`));
      assert.ok(res.body.includes(`href="${base}/demarches#service-etat-civil">État civil</a>`));
      assert.ok(res.body.includes(`href="${base}/suivi">Suivre une demande</a>`));
      assert.ok(res.body.includes(`href="${base}/contact">Nous contacter</a>`));
      assert.equal(res.body.match(/<h1/g)?.length, 1);
      // Online démarches come first among the most requested.
      const popular = res.body.split('id="populaires"')[1]!.split('</section>')[0]!;
      assert.match(popular.split('<li')[1]!, /Demande en ligne sur ce site/);
    });

    test(`catalogue page (${where})`, async () => {
      const res = await get('/demarches', host);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<h1>Toutes les démarches<\/h1>/);
      assert.match(res.body, /<h2 id="service-etat-civil" tabindex="-1">État civil<\/h2>/);
      assert.ok(
        res.body.includes(`href="${base}/demarches/carte-identite">Faire ou renouveler sa carte d&#39;identité</a>`),
      );
      assert.match(res.body, /Demande en ligne sur ce site/);
      assert.match(res.body, /Pas de démarche en ligne/);
      const links = res.body.match(/href="[^"]*\/demarches\/[a-z0-9-]+"/g) ?? [];
      assert.equal(new Set(links).size, 40);
      assert.doesNotMatch(res.body, /interne-/);
    });

    test(`démarche page with a form (${where})`, async () => {
      const res = await get('/demarches/inscription-listes-electorales', host);
      assert.equal(res.statusCode, 200);
      const body = res.body;
      assert.equal(body.match(/<h1/g)?.length, 1);
      assert.match(body, /<h1>S&#39;inscrire sur les listes électorales<\/h1>/);
      const button = `<a class="button" href="${base}/demarches/inscription-listes-electorales/demande">Faire la demande en ligne</a>`;
      assert.equal(body.split(button).length - 1, 2);
      assert.ok(body.indexOf(button) > body.indexOf('id="en-bref"'));
      assert.match(body, /<dt>Délai de réponse<\/dt>\s*<dd>5 jours ouvrés<\/dd>/);
      assert.match(body, /<dt>Comment faire la démarche<\/dt>\s*<dd>en ligne, au guichet ou par courrier<\/dd>/);
      const order = [
        'Qui est concerné',
        'Ce qu’il faut préparer',
        'Comment faire',
        'Délai et coût',
        'Erreurs fréquentes à éviter',
        'Besoin d’aide ?',
      ];
      const positions = order.map((t) => body.indexOf(`>${t}</h2>`));
      assert.ok(
        positions.every((p) => p > 0),
        'every section is there',
      );
      assert.deepEqual(
        [...positions].sort((a, b) => a - b),
        positions,
      );
      assert.match(body, /droit à l’erreur/);
      assert.match(body, /<nav class="container breadcrumbs" aria-label="Fil d'Ariane">/);
      assert.match(body, /<ul>\s*<li>/);
    });

    test(`démarche page without a form, and its cost (${where})`, async () => {
      const res = await get('/demarches/carte-identite', host);
      assert.equal(res.statusCode, 200);
      assert.doesNotMatch(res.body, /Faire la demande en ligne/);
      assert.match(res.body, /<dt>Coût<\/dt>\s*<dd>La démarche est gratuite, sauf perte ou vol \(25 €\)\.<\/dd>/);
      assert.match(res.body, /<dt>Comment faire la démarche<\/dt>\s*<dd>en ligne ou sur rendez-vous<\/dd>/);
      assert.match(res.body, /<ol>\s*<li>Faites la pré-demande en ligne/);
    });

    test(`information page (${where})`, async () => {
      const res = await get('/demarches/taxe-fonciere', host);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<h1>[^<]*taxe foncière[^<]*<\/h1>/i);
      assert.doesNotMatch(res.body, /Faire la demande en ligne/);
      assert.match(res.body, />En bref<\/h2>/);
    });

    test(`life-event page (${where})`, async () => {
      const res = await get('/evenements/je-demenage', host);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<h1>Je déménage<\/h1>/);
      assert.ok(res.body.includes(`href="${base}/demarches/inscription-listes-electorales"`));
      assert.ok(res.body.includes(`href="${base}/demarches/inscription-scolaire"`));
      assert.ok(!res.body.includes(`href="${base}/demarches/passeport"`));
    });
  }

  test('a démarche booked online offers « Prendre rendez-vous » beside the online form; others do not', async () => {
    const { seedDemoAppointments } = await import('../appointments/seed-demo-appointments.ts');
    await seedDemoAppointments(ctx.database.db, ctx.tenantId);
    // The page's rows are kept a minute: a démarche not read before this test.
    const passport = await get('/demarches/passeport');
    assert.equal(passport.statusCode, 200);
    assert.match(
      passport.body,
      /<a class="button[^"]*" href="\/t\/villebelle\/rendez-vous\/passeport"\s*>Prendre rendez-vous<\/a/,
    );
    const birth = await get('/demarches/acte-naissance-mariage');
    assert.equal(birth.statusCode, 200);
    assert.doesNotMatch(birth.body, /Prendre rendez-vous/);
  });

  test('unknown slugs, unknown life events and internal sheets give 404', async () => {
    for (const path of ['/demarches/nexiste-pas', '/demarches/interne-usager-agressif', '/evenements/inconnu']) {
      const res = await get(path);
      assert.equal(res.statusCode, 404, path);
      assert.doesNotMatch(res.body, /agressif/i);
    }
  });

  test('search keeps the query in the box, escaped', async () => {
    const q = '<script>alert(1)</script>';
    const res = await get(`/recherche?q=${encodeURIComponent(q)}`);
    assert.equal(res.statusCode, 200);
    assert.ok(!res.body.includes('<script>alert(1)</script>'));
    assert.ok(res.body.includes('value="&lt;script&gt;alert(1)&lt;/script&gt;"'));
    assert.ok(res.body.includes('pour « &lt;script&gt;alert(1)&lt;/script&gt; »'));
  });

  test('a search with no match says so and points to the catalogue and the contact page', async () => {
    const res = await get(`/recherche?q=${encodeURIComponent('xqzw vbkj')}`);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Aucun résultat/);
    assert.ok(res.body.includes('value="xqzw vbkj"'));
    assert.match(res.body, /href="\/t\/villebelle\/contact"/);
    assert.match(res.body, /href="\/t\/villebelle\/demarches"/);
  });

  test('an empty search shows the form with an explanation', async () => {
    const res = await get('/recherche?q=');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<input type="search" id="recherche-q" name="q" value=""/);
    assert.match(res.body, /Tapez quelques mots/);
    assert.doesNotMatch(res.body, /Aucun résultat/);
  });

  test('a repeated or overlong query is read once, trimmed and cut to 200 characters', async () => {
    const twice = await get(`/recherche?q=${encodeURIComponent('  xqzw  ')}&q=carte`);
    assert.equal(twice.statusCode, 200);
    assert.ok(twice.body.includes('value="xqzw"'));
    const long = await get(`/recherche?q=${'a'.repeat(150)}${'b'.repeat(150)}`);
    assert.equal(long.statusCode, 200);
    assert.ok(long.body.includes(`value="${'a'.repeat(150)}${'b'.repeat(50)}"`));
  });

  test('search is accent-insensitive, typo-tolerant and knows abbreviations', async () => {
    for (const q of ['jai perdu ma carte didentite', 'CNI', 'carte d’identité', 'CARTE IDENTITE']) {
      const res = await get(`/recherche?q=${encodeURIComponent(q)}`);
      const slugs = [...res.body.matchAll(/href="\/t\/villebelle\/demarches\/([a-z0-9-]+)"/g)].map((m) => m[1]);
      assert.ok(slugs.slice(0, 3).includes('carte-identite'), `${q}: ${slugs.slice(0, 3).join(', ')}`);
    }
    const res = await get(`/recherche?q=${encodeURIComponent('agressif')}`);
    assert.doesNotMatch(res.body, /interne-usager-agressif/);
  });
});

describe('markdown', () => {
  test('renders paragraphs, lists, bold and http links, escaping the rest', () => {
    const out = renderMarkdown(
      'Un **mot** <b>x</b>.\nSuite.\n\n- un\n- [deux](https://ex.example/a?b=1&c=2)\n\n1. premier\n2. [js](javascript:alert)',
    )
      .toString()
      .replace(/>\s+</g, '><')
      .trim();
    assert.equal(
      out,
      '<p>Un <strong>mot</strong> &lt;b&gt;x&lt;/b&gt;.\nSuite.</p>' +
        '<ul><li>un</li><li><a href="https://ex.example/a?b=1&amp;c=2">deux</a></li></ul>' +
        '<ol><li>premier</li><li>[js](javascript:alert)</li></ol>',
    );
  });
});
