import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { csrfFrom, insertAgent, loginAgent } from '../../../test/support/factories.ts';
import { loggableQuery } from './log-search-query.ts';
import { searchArticles } from './search-articles.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'sapin-radis-olive-11';

describe(`knowledge base search (${TEST_DB})`, () => {
  let ctx: TestContext;
  let agent: string;
  let supervisor: string;

  const get = (path: string, headers: Record<string, string> = {}, remoteAddress = '10.20.0.1') =>
    ctx.app.inject({ method: 'GET', url: `${BASE}${path}`, headers, remoteAddress });

  async function rows<T>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await ctx.database.ownerQuery(text, params)).rows as T[];
  }

  before(async () => {
    ctx = await createTestContext();
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'agent.kb@villebelle.example',
      name: 'Alix Agent',
      password: PASSWORD,
      serviceSlugs: ['etat-civil'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'chef.kb@villebelle.example',
      name: 'Sacha Cheffe',
      password: PASSWORD,
      role: 'supervisor',
      serviceSlugs: ['etat-civil'],
    });
    agent = await loginAgent(ctx.app, 'agent.kb@villebelle.example', PASSWORD);
    supervisor = await loginAgent(ctx.app, 'chef.kb@villebelle.example', PASSWORD);
  });
  after(async () => ctx.close());

  test('the seam: public results only for the public, internal sheets for agents, the decision to decline', async () => {
    const pub = await searchArticles(ctx.services, ctx.tenantId, 'usager agressif au guichet', {
      audience: 'public',
      log: false,
    });
    assert.ok(pub.results.every((r) => r.audience === 'public'));
    const staff = await searchArticles(ctx.services, ctx.tenantId, 'usager agressif au guichet', {
      audience: 'agent',
      log: false,
    });
    assert.equal(staff.results[0]?.slug, 'interne-usager-agressif');
    const cni = await searchArticles(ctx.services, ctx.tenantId, 'renouveler ma CNI', {
      audience: 'public',
      log: false,
    });
    assert.equal(cni.results[0]?.slug, 'carte-identite');
    assert.equal(cni.answerable, true);
    const off = await searchArticles(ctx.services, ctx.tenantId, 'recette de la tarte tatin', {
      audience: 'public',
      log: false,
    });
    assert.equal(off.answerable, false);
  });

  test('bad input: empty, huge, binary, stop words only, another language', async () => {
    const search = (q: string) => searchArticles(ctx.services, ctx.tenantId, q, { audience: 'public', log: false });
    assert.deepEqual((await search('')).results, []);
    assert.deepEqual((await search('   ')).results, []);
    const huge = await search(`passeport ${'blabla '.repeat(2000)}`);
    assert.equal(huge.results[0]?.slug, 'passeport', 'the first 2,000 characters are searched');
    const binary = await search('\u0000\u0001\u00ff\ufffd\u0007passeport\u0000');
    assert.equal(binary.results[0]?.slug, 'passeport');
    const stop = await search('le la les de du pour avec comment');
    assert.equal(stop.results.length, 0);
    assert.equal(stop.answerable, false);
    const english = await search('How do I renew my driving licence in London?');
    assert.equal(english.answerable, false);
  });

  test('GET /api/v1/search: ranked results; empty, huge and invalid queries refused with stable codes', async () => {
    const ok = await get('/api/v1/search?q=carte%20d%27identit%C3%A9&limit=3');
    assert.equal(ok.statusCode, 200);
    const body = ok.json() as { results: { slug: string; url: string; score: number }[]; answerable: boolean };
    assert.equal(body.results[0]?.slug, 'carte-identite');
    assert.ok(body.results.length <= 3);
    assert.match(body.results[0]!.url, /\/demarches\/carte-identite$/);
    for (const bad of [
      '/api/v1/search',
      '/api/v1/search?q=',
      `/api/v1/search?q=${'a'.repeat(2001)}`,
      '/api/v1/search?q=x&limit=0',
    ]) {
      const res = await get(bad);
      assert.equal(res.statusCode, 400, bad);
      assert.equal((res.json() as { error: { code: string } }).error.code, 'validation_failed');
    }
    const doc = await get('/api/openapi.json');
    assert.ok((doc.json() as { paths: Record<string, unknown> }).paths['/api/v1/search']);
  });

  test('anonymous API searches are rate limited; an agent session is not', async () => {
    let limited = 0;
    for (let i = 0; i < ctx.services.config.searchRateLimit + 2; i++) {
      const res = await get('/api/v1/search?q=passeport', {}, '10.21.0.9');
      if (res.statusCode === 429) limited++;
    }
    assert.ok(limited > 0, 'anonymous caller limited');
    for (let i = 0; i < ctx.services.config.searchRateLimit + 2; i++) {
      const res = await get('/api/v1/search?q=passeport', { cookie: agent }, '10.21.0.10');
      assert.equal(res.statusCode, 200);
    }
  });

  test('the portal: results with kind and service, the « Aucun résultat » help, suggestions as JSON', async () => {
    const found = await get('/recherche?q=passeport');
    assert.equal(found.statusCode, 200);
    assert.match(found.body, /Faire ou renouveler son passeport/);
    assert.match(found.body, /Démarche/);
    const none = await get('/recherche?q=zzzqqq');
    assert.match(none.body, /Aucun résultat/);
    assert.match(none.body, /Contactez la mairie/);
    const suggest = await get('/recherche/suggestions?q=passe');
    assert.equal(suggest.statusCode, 200);
    const titles = (suggest.json() as { suggestions: { title: string }[] }).suggestions.map((s) => s.title);
    assert.ok(titles.includes('Faire ou renouveler son passeport'), titles.join());
    const accent = await get('/recherche/suggestions?q=deces');
    assert.ok((accent.json() as { suggestions: unknown[] }).suggestions.length > 0, 'accents ignored (guichet_fr_kb)');
  });

  test('queries are logged folded and without personal data; editors see the unanswered ones', async () => {
    await get('/recherche?q=Recette%20de%20la%20tarte%20Tatin');
    await get('/recherche?q=jean.dupont%40example.org');
    await get('/recherche?q=06%2012%2034%2056%2078');
    const logged = await rows<{ query: string; answerable: boolean; audience: string }>(
      'select query, answerable, audience from search_queries where tenant_id = $1',
      [ctx.tenantId],
    );
    assert.ok(logged.some((r) => r.query === 'recette de la tarte tatin' && !r.answerable && r.audience === 'public'));
    assert.ok(!logged.some((r) => /dupont|06 12/.test(r.query)), 'emails and phones never kept');
    assert.equal(loggableQuery('VB-2026-00042'), null);
    const page = await get('/agent/admin/recherches-sans-reponse', { cookie: supervisor });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /recette de la tarte tatin/);
    const forbidden = await get('/agent/admin/recherches-sans-reponse', { cookie: agent });
    assert.equal(forbidden.statusCode, 403);
  });

  test('synonyms: added with CSRF and validation, used by the next search, removed', async () => {
    const page = await get('/agent/admin/synonymes', { cookie: supervisor });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /CNI/, 'defaults seeded');
    const post = (fields: Record<string, string>) =>
      ctx.app.inject({
        method: 'POST',
        url: `${BASE}/agent/admin/synonymes`,
        headers: { cookie: supervisor, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrfFrom(page.body), ...fields }).toString(),
      });
    const thousand = await post({
      terme: 'zorglub',
      equivalents: Array.from({ length: 1000 }, (_, i) => `m${i}`).join('\n'),
      type: 'synonym',
    });
    assert.equal(thousand.statusCode, 400, '1,000 synonyms for one word are refused');
    const tooMany = await post({
      terme: 'zorglub',
      equivalents: Array.from({ length: 20 }, (_, i) => `mot ${i}`).join('\n'),
      type: 'synonym',
    });
    assert.equal(tooMany.statusCode, 400);
    assert.match(tooMany.body, /au plus 12 équivalents/);
    assert.match(tooMany.body, /value="zorglub"/, 'what was typed is kept');
    const empty = await post({ terme: '', equivalents: '', type: 'synonym' });
    assert.equal(empty.statusCode, 400);
    const added = await post({ terme: 'zorglub', equivalents: 'passeport', type: 'synonym' });
    assert.equal(added.statusCode, 303);
    const [row] = await rows<{ id: string; expansions: string[] }>(
      "select id, expansions from search_synonyms where tenant_id = $1 and term = 'zorglub'",
      [ctx.tenantId],
    );
    assert.deepEqual(row?.expansions, ['passeport']);
    const found = await searchArticles(ctx.services, ctx.tenantId, 'zorglub', { audience: 'public', log: false });
    assert.equal(found.results[0]?.slug, 'passeport');
    const again = await post({ terme: 'Zorglub', equivalents: 'mairie', type: 'synonym' });
    assert.equal(again.statusCode, 400, 'a term is unique, whatever its case');
    const removed = await ctx.app.inject({
      method: 'POST',
      url: `${BASE}/agent/admin/synonymes/${row!.id}/supprimer`,
      headers: { cookie: supervisor, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfFrom(page.body) }).toString(),
    });
    assert.equal(removed.statusCode, 303);
    assert.equal((await rows("select 1 from search_synonyms where term = 'zorglub'")).length, 0);
  });

  test('agents search the knowledge base, internal sheets included', async () => {
    const res = await get('/agent/connaissances/recherche?q=usager%20agressif', { cookie: agent });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Fiche interne/);
    assert.match(res.body, /Lire la fiche/);
  });
});
