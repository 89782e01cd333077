import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { csrfFrom, insertAgent, insertRequest, loginAgent } from '../../../test/support/factories.ts';
import { READABILITY_VERSION } from '../../platform/plain-language/readability.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'sapin-radis-olive-11';
const LONG = `Nous avons ${'bien '.repeat(22)}reçu votre pièce justificative.`;

describe(`readability: live panel, stored reports, badge and preview (${TEST_DB})`, () => {
  let ctx: TestContext;
  let agent: string;
  let admin: string;
  let supervisor: string;
  const q = (sql: string, params: unknown[] = []) => ctx.database.ownerQuery(sql, params);
  const get = (path: string, cookie = '') =>
    ctx.app.inject({ method: 'GET', url: `${BASE}${path}`, headers: { cookie } });
  async function post(path: string, cookie: string, fields: Record<string, string>, page: string) {
    const revision = /name="revision" value="(\d+)"/.exec(page)?.[1];
    return ctx.app.inject({
      method: 'POST',
      url: `${BASE}${path}`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfFrom(page), ...(revision ? { revision } : {}), ...fields }).toString(),
    });
  }
  /** The live panel's request, as assets/readability.js sends it: JSON with the page's CSRF token. */
  async function check(cookie: string, body: unknown, page: string | null) {
    return ctx.app.inject({
      method: 'POST',
      url: `${BASE}/agent/lisibilite`,
      headers: { cookie, 'content-type': 'application/json' },
      payload: JSON.stringify(page === null ? body : { _csrf: csrfFrom(page), ...(body as object) }),
    });
  }

  before(async () => {
    ctx = await createTestContext();
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'lisa.voirie@villebelle.example',
      password: PASSWORD,
      serviceSlugs: ['voirie-proprete'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'sam.chef@villebelle.example',
      password: PASSWORD,
      role: 'supervisor',
      serviceSlugs: ['voirie-proprete'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'ada.admin@villebelle.example',
      password: PASSWORD,
      role: 'admin',
    });
    agent = await loginAgent(ctx.app, 'lisa.voirie@villebelle.example', PASSWORD);
    supervisor = await loginAgent(ctx.app, 'sam.chef@villebelle.example', PASSWORD);
    admin = await loginAgent(ctx.app, 'ada.admin@villebelle.example', PASSWORD);
  });
  after(async () => {
    await ctx?.close();
  });

  test('the live endpoint answers an agent with the panel and one sentence for the live region', async () => {
    const page = (await get('/agent/demandes', agent)).body;
    const res = await check(agent, { texte: `Bonjour <b>Ada</b>. ${LONG} Dans l’hypothèse où vous venez.` }, page);
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.equal(res.headers['cache-control'], 'no-store');
    const body = res.json() as { html: string; announcement: string; level: string; score: number };
    assert.match(body.html, /<mark><span class="visually-hidden">Début d’une phrase longue : <\/span>Nous avons/);
    assert.match(body.html, /&lt;b&gt;Ada&lt;\/b&gt;/);
    assert.doesNotMatch(body.html, /<b>Ada/);
    assert.match(body.html, /« dans l(?:'|&#39;|&#x27;)hypothèse où » : écrivez plutôt « si »/);
    assert.match(body.announcement, /^Lisibilité mise à jour : .+, 1 phrase longue, 2 mots administratifs\.$/);
    assert.equal(typeof body.score, 'number');
    // A form post works too (the same fields), and an empty text gives an empty panel.
    const empty = await post('/agent/lisibilite', agent, { texte: '' }, page);
    assert.equal(empty.statusCode, 200);
    assert.equal((empty.json() as { html: string }).html, '');
  });

  test('the endpoint: agents only, with the CSRF token, a text, of bounded size', async () => {
    const page = (await get('/agent/demandes', agent)).body;
    // Without a session nor a token: refused before anything (the route matrix checks that every
    // other actor, token in hand, is sent to the agents' login).
    const anonymous = await check('', { texte: 'Bonjour.' }, null);
    assert.equal(anonymous.statusCode, 403);
    const noToken = await check(agent, { texte: 'Bonjour.' }, null);
    assert.equal(noToken.statusCode, 403);
    const wrongToken = await check(agent, { _csrf: 'x'.repeat(43), texte: 'Bonjour.' }, null);
    assert.equal(wrongToken.statusCode, 403);
    assert.equal((await check(agent, {}, page)).statusCode, 400);
    assert.equal((await check(agent, { texte: { nested: 'objet' } }, page)).statusCode, 400);
    assert.equal((await check(agent, { texte: 'a '.repeat(25_001) }, page)).statusCode, 413);
    assert.equal((await check(agent, { texte: 'a'.repeat(300_000) }, page)).statusCode, 413);
    const notJson = await ctx.app.inject({
      method: 'POST',
      url: `${BASE}/agent/lisibilite`,
      headers: { cookie: agent, 'content-type': 'application/json' },
      payload: '{"texte": ',
    });
    assert.equal(notJson.statusCode, 400);
  });

  test('without JavaScript: « Relire » shows the panel; saving stores the report with the template', async () => {
    const editor = (await get('/agent/admin/modeles-de-reponse/nouveau', supervisor)).body;
    assert.match(editor, /data-readability="texte-lisibilite"/);
    assert.match(editor, /data-readability-url="\/t\/villebelle\/agent\/lisibilite"/);
    assert.match(editor, /<script src="\/static\/readability\.js" defer><\/script>/);
    const services = (
      await q(`select id from services where tenant_id = $1 and slug = 'voirie-proprete'`, [ctx.tenantId])
    ).rows as { id: string }[];
    const fields = { titre: 'Pièces manquantes', service: services[0]!.id, texte: `Bonjour. ${LONG}` };
    const preview = await post(
      '/agent/admin/modeles-de-reponse/nouveau',
      supervisor,
      { ...fields, action: 'relire' },
      editor,
    );
    assert.equal(preview.statusCode, 200);
    assert.match(preview.body, /<mark><span class="visually-hidden">Début d’une phrase longue/);
    assert.match(preview.body, /aria-describedby="texte-hint texte-lisibilite"/);
    const saved = await post('/agent/admin/modeles-de-reponse/nouveau', supervisor, fields, editor);
    assert.equal(saved.statusCode, 303);
    const row = (await q(`select readability from reply_templates where title = 'Pièces manquantes'`)).rows[0] as {
      readability: { version: number; longSentences: unknown[]; level: string };
    };
    assert.equal(row.readability.version, READABILITY_VERSION);
    assert.equal(row.readability.longSentences.length, 1);
  });

  test('an agent’s reply keeps its readability summary; the reply form carries the live panel', async () => {
    const r = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'signaler-probleme-voirie' });
    const page = (await get(`/agent/demandes/${r.reference}`, agent)).body;
    assert.match(page, /data-readability="reponse-lisibilite"/);
    assert.match(page, /<div class="readability-hint" id="reponse-lisibilite" hidden>/);
    const sent = await post(
      `/agent/demandes/${r.reference}/reponse`,
      agent,
      { reponse: 'Votre trottoir est réparé.' },
      page,
    );
    assert.equal(sent.statusCode, 303);
    const event = (
      await q(`select readability from request_events where request_id = $1 and kind = 'agent_message'`, [r.id])
    ).rows[0] as { readability: { sentenceCount: number; easy: boolean; passives: number } };
    assert.equal(event.readability.sentenceCount, 1);
    assert.equal(event.readability.passives, 1);
  });

  test('démarche pages: reports stored at seed, the citizens’ badge, computed when the column is empty', async () => {
    const missing = (
      await q(
        `select count(*)::int as n from demarches where tenant_id = $1 and kind <> 'contact' and readability is null`,
        [ctx.tenantId],
      )
    ).rows[0] as { n: number };
    assert.equal(missing.n, 0);
    const slug = (
      (
        await q(
          `select slug from demarches where tenant_id = $1 and kind = 'demarche' and published_at is not null and audience = 'public' order by slug limit 1`,
          [ctx.tenantId],
        )
      ).rows[0] as { slug: string }
    ).slug;
    // A row written before the column existed.
    await q(`update demarches set readability = null where tenant_id = $1 and slug = $2`, [ctx.tenantId, slug]);
    const page = await get(`/demarches/${slug}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<p class="readability-badge[^"]*">[\s\S]*?Texte [^<]*lire/);
    assert.doesNotMatch(page.body, /Début d’une phrase longue/);
  });

  test('the agents’ preview of a page gives its readability in detail; publishing stores the report', async () => {
    const row = (
      await q(`select id from demarches where tenant_id = $1 and kind = 'demarche' order by slug limit 1`, [
        ctx.tenantId,
      ])
    ).rows[0] as { id: string };
    const preview = await get(`/agent/admin/demarches/${row.id}/apercu`, admin);
    assert.equal(preview.statusCode, 200);
    assert.match(preview.body, /<h2 id="lisibilite">Lisibilité de la page<\/h2>/);
    assert.match(preview.body, /Les habitants voient seulement : « Texte/);
    assert.match(preview.body, /mots par phrase en moyenne/);
    assert.equal((await get(`/agent/admin/demarches/${row.id}/apercu`, agent)).statusCode, 403);
    assert.equal((await get(`/agent/admin/demarches/pas-un-id/apercu`, admin)).statusCode, 404);

    await q(`update demarches set published_at = null, readability = null where id = $1`, [row.id]);
    const review = (await get('/agent/admin/demarches', admin)).body;
    assert.match(review, /Aperçu et lisibilité/);
    const published = await post(`/agent/admin/demarches/${row.id}/publier`, admin, {}, review);
    assert.equal(published.statusCode, 303);
    const stored = (await q(`select readability from demarches where id = $1`, [row.id])).rows[0] as {
      readability: { version: number } | null;
    };
    assert.equal(stored.readability?.version, READABILITY_VERSION);
  });
});
