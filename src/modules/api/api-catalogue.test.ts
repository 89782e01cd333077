import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { insertApiFixtures } from './test-fixtures.ts';

/** Full paths of the /api/v1 routes, rebuilt from Fastify's printed route tree. */
function apiRoutes(tree: string): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+)( \(([^)]*)\))?/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    const full = stack.join('');
    if (m[4] && full.startsWith('/api/v1/')) out.push(full);
  }
  return out;
}

interface ErrorBody {
  error: { code: string; message: string; details?: { field: string; message: string }[] };
}

describe(`API catalogue, OpenAPI document and docs page (${TEST_DB})`, () => {
  let ctx: TestContext;

  before(async () => {
    ctx = await createTestContext();
    await insertApiFixtures(ctx);
  });
  after(async () => ctx.close());

  const get = (url: string) => ctx.app.inject({ method: 'GET', url });

  test('lists public démarches with their service, delay, channels and online flag', async () => {
    const res = await get('/t/villebelle/api/v1/demarches');
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /application\/json/);
    const body = res.json() as { demarches: Record<string, unknown>[] };
    const online = body.demarches.find((d) => d.slug === 'api-test-en-ligne');
    assert.deepEqual(online, {
      slug: 'api-test-en-ligne',
      title: 'Démarche de test en ligne',
      summary: 'Résumé de Démarche de test en ligne',
      service: { slug: 'api-test-service', name: 'Service de test API' },
      delayDays: 10,
      channels: ['en-ligne', 'guichet'],
      online: true,
    });
    assert.equal(body.demarches.find((d) => d.slug === 'api-test-guichet')?.online, false);
  });

  test('internal articles never appear, neither in the list nor by slug', async () => {
    const list = (await get('/t/villebelle/api/v1/demarches')).json() as { demarches: { slug: string }[] };
    assert.ok(!list.demarches.some((d) => d.slug === 'api-test-interne'));
    const internal = await ctx.database.ownerQuery(`select slug from demarches where audience = 'internal'`);
    for (const row of internal.rows) assert.ok(!list.demarches.some((d) => d.slug === row.slug));
    const res = await get('/t/villebelle/api/v1/demarches/api-test-interne');
    assert.equal(res.statusCode, 404);
    assert.equal((res.json() as ErrorBody).error.code, 'demarche_not_found');
  });

  test('the detail of an online démarche carries its form and the applicant fields', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/demarches/api-test-en-ligne',
      headers: { host: 'localhost' },
    });
    assert.equal(res.statusCode, 200);
    const body = res.json() as {
      form: { sections: { fields: { name: string; type: string }[] }[] } | null;
      applicantFields: { name: string; required: boolean }[];
      sections: Record<string, string>;
      online: boolean;
    };
    assert.equal(body.online, true);
    assert.deepEqual(
      body.form?.sections[0]?.fields.map((f) => `${f.name}:${f.type}`),
      ['motif:textarea', 'adresse:address', 'documents:multichoice'],
    );
    assert.deepEqual(
      body.applicantFields.map((f) => `${f.name}:${f.required}`),
      ['applicant_given_name:true', 'applicant_family_name:true', 'applicant_email:true', 'applicant_phone:false'],
    );
    assert.equal(body.sections['en-bref'], 'Un texte court.');

    const offline = (await get('/t/villebelle/api/v1/demarches/api-test-guichet')).json() as {
      form: unknown;
      applicantFields: unknown[];
    };
    assert.equal(offline.form, null);
    assert.deepEqual(offline.applicantFields, []);
  });

  test('an unknown slug is a 404 with a stable code and a French message', async () => {
    const res = await get('/t/villebelle/api/v1/demarches/nexiste-pas');
    assert.equal(res.statusCode, 404);
    const body = res.json() as ErrorBody;
    assert.equal(body.error.code, 'demarche_not_found');
    assert.equal(body.error.message, 'Cette démarche n’existe pas.');
  });

  test('an unknown collectivité is a JSON 404 too', async () => {
    const res = await get('/t/inconnue/api/v1/demarches');
    assert.equal(res.statusCode, 404);
    assert.equal((res.json() as ErrorBody).error.code, 'tenant_not_found');
  });

  test('lists the services', async () => {
    const res = await get('/t/villebelle/api/v1/services');
    assert.equal(res.statusCode, 200);
    const body = res.json() as { services: { slug: string; name: string; description: string }[] };
    const rows = await ctx.database.ownerQuery('select slug from services where tenant_id = $1', [ctx.tenantId]);
    assert.deepEqual(body.services.map((s) => s.slug).sort(), rows.rows.map((r) => r.slug as string).sort());
    assert.deepEqual(
      body.services.find((s) => s.slug === 'api-test-service'),
      { slug: 'api-test-service', name: 'Service de test API', description: 'Pour les tests' },
    );
  });

  test('the OpenAPI document is 3.1, lists every /api/v1 route and nothing else, with responses', async () => {
    const res = await get('/t/villebelle/api/openapi.json');
    assert.equal(res.statusCode, 200);
    const doc = res.json() as {
      openapi: string;
      info: { title: string; version: string; description: string };
      servers: { url: string }[];
      tags: { name: string }[];
      paths: Record<string, Record<string, { responses: Record<string, unknown>; tags?: string[]; summary?: string }>>;
    };
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.info.title, 'API Guichet');
    assert.ok(doc.info.version);
    assert.match(doc.info.description, /démarches/);
    assert.deepEqual(doc.servers, [{ url: '/t/villebelle', description: 'Ce site' }]);
    assert.ok(doc.tags.length >= 2);

    const expected = apiRoutes(ctx.app.printRoutes({ commonPrefix: false }));
    assert.ok(expected.length >= 3, `API routes found: ${expected.join(', ')}`);
    const documented = Object.keys(doc.paths).map((p) => p.replace(/\{(\w+)\}/g, ':$1'));
    for (const p of expected) assert.ok(documented.includes(p), `${p} is documented`);
    for (const p of Object.keys(doc.paths)) assert.ok(p.startsWith('/api/v1/'), `${p} belongs to the API`);
    for (const p of ['/api/v1/demarches', '/api/v1/demarches/{slug}', '/api/v1/services']) {
      assert.ok(doc.paths[p]?.get, `GET ${p}`);
    }
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        assert.ok(Object.keys(op.responses ?? {}).length > 0, `${method} ${p} has responses`);
        assert.ok(op.summary, `${method} ${p} has a summary`);
        assert.ok(op.tags && op.tags.length > 0, `${method} ${p} has a tag`);
      }
    }
    const detail = doc.paths['/api/v1/demarches/{slug}']!.get!.responses as Record<
      string,
      { content: { 'application/json': { schema: { properties: Record<string, unknown> } } } }
    >;
    assert.ok(detail['200']!.content['application/json'].schema.properties.form);
    assert.ok(detail['404']!.content['application/json'].schema.properties.error);
  });

  test('the docs page renders every path with its method, in an accessible page', async () => {
    const doc = (await get('/t/villebelle/api/openapi.json')).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const res = await get('/t/villebelle/api/docs');
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /text\/html/);
    const page = res.body;
    assert.equal(page.match(/<h1[\s>]/g)?.length, 1);
    assert.match(page, /<html lang="fr">/);
    assert.ok(!/<script/i.test(page));
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) {
        assert.ok(page.includes(`${method.toUpperCase()} ${p}`), `${method} ${p} is on the page`);
      }
    }
    assert.match(page, /curl -X GET &#39;http:\/\/localhost(:\d+)?\/t\/villebelle\/api\/v1\/demarches&#39;/);
    assert.match(page, /<th scope="col">Nom<\/th>/);
    // The submission example comes from the document's request example, the tracking one sends the header.
    assert.match(page, /-H &#39;Content-Type: application\/json&#39;[\s\S]*&quot;applicant_email&quot;/);
    assert.match(page, /-H &#39;X-Tracking-Code: &lt;tracking-code&gt;&#39;/);
    assert.match(page, /href="\/t\/villebelle\/api\/openapi.json"/);
    // Headings never skip a level.
    const levels = [...page.matchAll(/<h([1-6])[\s>]/g)].map((m) => Number(m[1]));
    for (let i = 1; i < levels.length; i++)
      assert.ok(levels[i]! <= levels[i - 1]! + 1, `heading h${levels[i]} after h${levels[i - 1]}`);
  });
});
