import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { insertAgent, loginAgent } from '../../../test/support/factories.ts';
import { openForm, postForm, type TestFile } from '../../../test/support/http.ts';
import { renderMarkdown } from '../catalogue/views/markdown.ts';
import { copyModelCatalogue } from '../catalogue/copy-model-catalogue.ts';
import { createTenant } from '../tenants/create-tenant.ts';
import { bodyFromSections } from './article-body.ts';
import { parseSections } from '../catalogue/seed-catalogue.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'sapin-radis-olive-11';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

describe('Markdown rendering', () => {
  const render = (s: string) => renderMarkdown(s).toString();

  test('raw HTML and scripts are shown as text, never as markup', () => {
    const out = render('Bonjour <script>alert(1)</script> <img src=x onerror=alert(1)> <b>gras</b>');
    assert.doesNotMatch(out, /<script|<img|<b>/);
    assert.match(out, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });

  test('links only to http(s), mailto or relative addresses', () => {
    const out = render(
      '[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](data:text/html,x) [d](//evil.example) [e](vbscript:x) ' +
        '[f](https://ok.example/x) [g](mailto:mairie@villebelle.example) [h](/demarches/acte-deces)',
    );
    assert.doesNotMatch(out, /href="(?:javascript|data|vbscript):|href="\/\//i);
    assert.equal((out.match(/<a /g) ?? []).length, 3);
    assert.match(out, /<a href="https:\/\/ok.example\/x">f<\/a>/);
    assert.match(out, /<a href="mailto:mairie@villebelle.example">g<\/a>/);
    assert.match(out, /<a href="\/demarches\/acte-deces">h<\/a>/);
  });

  test('headings of a section never outrank the page’s h1 and h2', () => {
    const out = render('# Un\n\n## Deux\n\n### Trois\n\n#### Quatre');
    assert.doesNotMatch(out, /<h[12]>/);
    assert.match(out, /<h3>Un<\/h3>/);
    assert.match(out, /<h4>Quatre<\/h4>/);
  });

  test('a body rebuilt from sections parses back to the same sections', () => {
    const sections = { 'besoin-d-aide': 'Appelez.', 'en-bref': 'Court.', autre: 'Plus.', 'comment-faire': '1. Venir' };
    const body = bodyFromSections(sections);
    assert.ok(body.startsWith('## En bref\n\nCourt.'));
    assert.deepEqual(parseSections(body), sections);
  });
});

describe(`knowledge base (${TEST_DB})`, () => {
  let ctx: TestContext;
  let agentCookie: string;
  let otherAgentCookie: string;
  let supervisorCookie: string;
  let otherSupervisorCookie: string;
  let etatCivilId = '';
  let agentId = '';

  const q = (sql: string, params: unknown[] = []) => ctx.database.ownerQuery(sql, params);
  const get = (path: string, cookie: string) =>
    ctx.app.inject({ method: 'GET', url: `${BASE}${path}`, headers: { cookie } });
  /** Opens `page` with `cookie`, then posts `fields` to `path` with the page's CSRF token. */
  async function post(
    cookie: string,
    page: string,
    path: string,
    fields: Record<string, string>,
    files: TestFile[] = [],
  ) {
    const form = await openForm(ctx.app, `${BASE}${page}`, { cookie });
    return postForm(ctx.app, `${BASE}${path}`, { cookie, csrf: form.csrf }, fields, files);
  }
  const pageOf = async (slug: string) =>
    (await q(`select * from demarches where tenant_id = $1 and slug = $2`, [ctx.tenantId, slug])).rows[0] as Record<
      string,
      unknown
    >;
  const articleOf = async (id: string) =>
    (await q(`select * from knowledge_articles where tenant_id = $1 and demarche_id = $2`, [ctx.tenantId, id]))
      .rows[0] as { state: string; latest_version: number; published_version: number | null };

  const draft = (extra: Record<string, string> = {}) => ({
    titre: 'Horaires de la piscine',
    resume: 'La piscine est ouverte tous les jours.',
    texte: '## En bref\n\nLa piscine est ouverte tous les jours.\n\n## Comment faire\n\n- Venez avec un bonnet.',
    mots_cles: 'piscine, nager',
    service: etatCivilId,
    public: 'public',
    note: 'Première version',
    version: '',
    ...extra,
  });

  before(async () => {
    ctx = await createTestContext();
    agentId = await insertAgent(ctx.database, ctx.tenantId, {
      email: 'kb.agent@villebelle.example',
      name: 'Alix Agent',
      password: PASSWORD,
      serviceSlugs: ['etat-civil'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'kb.autre@villebelle.example',
      name: 'Bao Autre',
      password: PASSWORD,
      serviceSlugs: ['etat-civil'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'kb.chef@villebelle.example',
      name: 'Chris Chef',
      password: PASSWORD,
      role: 'supervisor',
      serviceSlugs: ['etat-civil'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'kb.chef.voirie@villebelle.example',
      name: 'Dani Voirie',
      password: PASSWORD,
      role: 'supervisor',
      serviceSlugs: ['voirie-proprete'],
    });
    agentCookie = await loginAgent(ctx.app, 'kb.agent@villebelle.example', PASSWORD);
    otherAgentCookie = await loginAgent(ctx.app, 'kb.autre@villebelle.example', PASSWORD);
    supervisorCookie = await loginAgent(ctx.app, 'kb.chef@villebelle.example', PASSWORD);
    otherSupervisorCookie = await loginAgent(ctx.app, 'kb.chef.voirie@villebelle.example', PASSWORD);
    etatCivilId = String(
      (await q(`select id from services where tenant_id = $1 and slug = 'etat-civil'`, [ctx.tenantId])).rows[0]!.id,
    );
  });
  after(async () => {
    await ctx?.close();
  });

  test('the demo commune’s articles have version 1, published, owned by the administrator, to review within a year', async () => {
    const rows = (
      await q(
        `select k.state, k.latest_version, k.published_version, k.review_on::text as review_on, a.role, v.body_markdown, d.kind
           from demarches d
           join knowledge_articles k on k.tenant_id = d.tenant_id and k.demarche_id = d.id
           join article_versions v on v.tenant_id = d.tenant_id and v.demarche_id = d.id and v.number = 1
           left join agents a on a.tenant_id = k.tenant_id and a.id = k.owner_agent_id
          where d.tenant_id = $1`,
        [ctx.tenantId],
      )
    ).rows as { state: string; published_version: number; review_on: string; role: string; body_markdown: string }[];
    const pages = Number(
      (await q(`select count(*) from demarches where tenant_id = $1 and kind <> 'contact'`, [ctx.tenantId])).rows[0]!
        .count,
    );
    assert.equal(rows.length, pages);
    assert.ok(pages >= 40);
    for (const r of rows) {
      assert.equal(r.state, 'publie');
      assert.equal(r.published_version, 1);
      assert.equal(r.role, 'admin');
      assert.ok(r.review_on > new Date().toISOString().slice(0, 10));
      assert.match(r.body_markdown, /^## En bref\n\n/);
    }
    const contact = await q(
      `select count(*) from knowledge_articles k join demarches d on d.tenant_id = k.tenant_id and d.id = k.demarche_id
        where d.kind = 'contact'`,
    );
    assert.equal(Number(contact.rows[0]!.count), 0);
  });

  test('the migration gives an existing database the same version 1 as the seed', async () => {
    const sql = readFileSync(
      path.join(import.meta.dirname, '..', '..', 'db', 'migrations', '20261203140000_knowledge_base.sql'),
      'utf8',
    );
    const backfill = sql.slice(sql.indexOf('-- Existing databases'));
    const tenantId = await createTenant(ctx.database.ownerQuery, {
      name: 'Ancienneville',
      slug: 'ancienneville',
      hosts: ['ancienneville.localhost'],
    });
    // The model catalogue, its versions removed: as a database from before the knowledge base.
    await copyModelCatalogue(ctx.database.db, tenantId);
    const seeded = (
      await q(`select demarche_id, body_markdown from article_versions where tenant_id = $1 order by demarche_id`, [
        tenantId,
      ])
    ).rows;
    await q(`delete from knowledge_articles where tenant_id = $1`, [tenantId]);
    await q(`delete from article_versions where tenant_id = $1`, [tenantId]);
    for (const statement of backfill.split(/;\s*\n/).filter((st) => /insert/i.test(st))) await q(statement);
    const migrated = (
      await q(`select demarche_id, body_markdown from article_versions where tenant_id = $1 order by demarche_id`, [
        tenantId,
      ])
    ).rows;
    assert.ok(seeded.length >= 30);
    assert.deepEqual(migrated, seeded);
    const states = await q(`select distinct state from knowledge_articles where tenant_id = $1`, [tenantId]);
    assert.deepEqual(
      states.rows.map((r) => r.state),
      ['relecture'],
    );
  });

  test('a new commune gets its model articles as version 1 in relecture, unseen by citizens', async () => {
    const tenantId = await createTenant(ctx.database.ownerQuery, {
      name: 'Modèleville',
      slug: 'modeleville',
      hosts: ['modeleville.localhost'],
    });
    await copyModelCatalogue(ctx.database.db, tenantId);
    const states = (
      await q(
        `select k.state, k.published_version, d.published_at from knowledge_articles k
           join demarches d on d.tenant_id = k.tenant_id and d.id = k.demarche_id where k.tenant_id = $1`,
        [tenantId],
      )
    ).rows as { state: string; published_version: number | null; published_at: Date | null }[];
    assert.ok(states.length >= 30);
    for (const s of states) {
      assert.equal(s.state, 'relecture');
      assert.equal(s.published_version, null);
      assert.equal(s.published_at, null);
    }
    const page = await ctx.app.inject({ method: 'GET', url: '/t/modeleville/demarches/acte-deces' });
    assert.equal(page.statusCode, 404);
  });

  test('every agent reads public and internal articles; filters narrow the list', async () => {
    const all = await get('/agent/connaissances', agentCookie);
    assert.equal(all.statusCode, 200);
    assert.match(all.body, /Fiche agent/);
    const internal = await get('/agent/connaissances?public=internal', agentCookie);
    assert.match(internal.body, /Fiche agent/);
    assert.doesNotMatch(internal.body, /Demander un acte de décès/);
    const byTitle = await get('/agent/connaissances?titre=DECES', agentCookie);
    assert.match(byTitle.body, /Demander un acte de décès/);
    assert.doesNotMatch(byTitle.body, /Fiche agent/);
    const stale = await get('/agent/connaissances?arelire=1', agentCookie);
    assert.match(stale.body, /0 page\./);
    const internalId = String(
      (await q(`select id from demarches where tenant_id = $1 and audience = 'internal' limit 1`, [ctx.tenantId]))
        .rows[0]!.id,
    );
    assert.equal((await get(`/agent/connaissances/${internalId}`, agentCookie)).statusCode, 200);
  });

  test('internal articles are never shown to citizens', async () => {
    const internal = (
      await q(`select slug, title from demarches where tenant_id = $1 and audience = 'internal'`, [ctx.tenantId])
    ).rows as { slug: string; title: string }[];
    assert.ok(internal.length > 0);
    for (const p of internal) {
      assert.equal((await ctx.app.inject({ method: 'GET', url: `${BASE}/demarches/${p.slug}` })).statusCode, 404);
    }
    const catalogue = await ctx.app.inject({ method: 'GET', url: `${BASE}/demarches` });
    for (const p of internal) assert.ok(!catalogue.body.includes(p.title), p.title);
  });

  test('draft → relecture → published: citizens see it only once published, by a supervisor of its service', async () => {
    const created = await post(agentCookie, '/agent/connaissances/nouvelle', '/agent/connaissances/nouvelle', draft());
    assert.equal(created.statusCode, 303);
    const id = /connaissances\/([0-9a-f-]{36})/.exec(String(created.headers.location))![1]!;
    const row = await pageOf('horaires-de-la-piscine');
    assert.equal(row.id, id);
    assert.equal(row.published_at, null);
    assert.equal(
      (await ctx.app.inject({ method: 'GET', url: `${BASE}/demarches/horaires-de-la-piscine` })).statusCode,
      404,
    );
    assert.equal((await articleOf(id)).state, 'brouillon');
    const readability = (await q(`select readability from article_versions where demarche_id = $1`, [id])).rows[0]!
      .readability as { sentenceCount: number };
    assert.ok(readability.sentenceCount >= 2);

    const page = `/agent/connaissances/${id}`;
    // A plain agent may not publish, even their own draft.
    assert.equal((await post(agentCookie, page, `${page}/publier`, { version: '1' })).statusCode, 403);
    assert.equal((await post(agentCookie, page, `${page}/relecture`, { version: '1' })).statusCode, 303);
    assert.equal((await articleOf(id)).state, 'relecture');
    // Sending again is not a transition from relecture.
    assert.equal((await post(agentCookie, page, `${page}/relecture`, { version: '1' })).statusCode, 409);
    // A supervisor of another service may not publish it.
    assert.equal((await post(otherSupervisorCookie, page, `${page}/publier`, { version: '1' })).statusCode, 403);
    assert.equal(
      (await ctx.app.inject({ method: 'GET', url: `${BASE}/demarches/horaires-de-la-piscine` })).statusCode,
      404,
    );

    assert.equal((await post(supervisorCookie, page, `${page}/publier`, { version: '1' })).statusCode, 303);
    const published = await pageOf('horaires-de-la-piscine');
    assert.notEqual(published.published_at, null);
    assert.deepEqual(published.sections, {
      'en-bref': 'La piscine est ouverte tous les jours.',
      'comment-faire': '- Venez avec un bonnet.',
    });
    assert.deepEqual(published.keywords, ['piscine', 'nager']);
    const publicPage = await ctx.app.inject({ method: 'GET', url: `${BASE}/demarches/horaires-de-la-piscine` });
    assert.equal(publicPage.statusCode, 200);
    assert.match(publicPage.body, /Venez avec un bonnet/);

    // A new version is a draft: citizens keep reading version 1 until it is published.
    const editor = `${page}/modifier`;
    const v2 = await post(
      agentCookie,
      editor,
      editor,
      draft({ texte: '## En bref\n\nFermée le lundi.', version: '1' }),
    );
    assert.equal(v2.statusCode, 303);
    const afterV2 = await articleOf(id);
    assert.deepEqual([afterV2.state, afterV2.latest_version, afterV2.published_version], ['brouillon', 2, 1]);
    const still = await ctx.app.inject({ method: 'GET', url: `${BASE}/demarches/horaires-de-la-piscine` });
    assert.match(still.body, /Venez avec un bonnet/);
    assert.doesNotMatch(still.body, /Fermée le lundi/);
    assert.equal((await post(supervisorCookie, page, `${page}/publier`, { version: '2' })).statusCode, 303);
    const now = await ctx.app.inject({ method: 'GET', url: `${BASE}/demarches/horaires-de-la-piscine` });
    assert.match(now.body, /Fermée le lundi/);
    assert.doesNotMatch(now.body, /Venez avec un bonnet/);

    // Unpublishing hides it again; only those who lead its service may.
    assert.equal((await post(agentCookie, page, `${page}/depublier`, {})).statusCode, 403);
    assert.equal((await post(supervisorCookie, page, `${page}/depublier`, {})).statusCode, 303);
    assert.equal(
      (await ctx.app.inject({ method: 'GET', url: `${BASE}/demarches/horaires-de-la-piscine` })).statusCode,
      404,
    );
    assert.equal((await articleOf(id)).state, 'brouillon');

    // History: both versions, who and the note; restore makes version 3 from version 1.
    const history = await get(`${page}/historique`, agentCookie);
    assert.match(history.body, /Version 2/);
    assert.match(history.body, /Première version/);
    assert.match(history.body, /Alix Agent/);
    assert.equal(
      (await post(agentCookie, `${page}/historique`, `${page}/versions/1/restaurer`, { version: '2' })).statusCode,
      303,
    );
    const v3 = (await q(`select body_markdown, note from article_versions where demarche_id = $1 and number = 3`, [id]))
      .rows[0] as { body_markdown: string; note: string };
    assert.match(v3.body_markdown, /Venez avec un bonnet/);
    assert.equal(v3.note, 'Restauration de la version 1');
    assert.equal((await articleOf(id)).state, 'brouillon');
    assert.equal((await get(`${page}/versions/1`, agentCookie)).statusCode, 200);
  });

  test('two editors from the same version: the second is told, their text kept, nothing overwritten', async () => {
    const id = String((await pageOf('acte-deces')).id);
    const editor = `/agent/connaissances/${id}/modifier`;
    const first = await openForm(ctx.app, `${BASE}${editor}`, { cookie: agentCookie });
    const second = await openForm(ctx.app, `${BASE}${editor}`, { cookie: otherAgentCookie });
    const base = /name="version" value="(\d+)"/.exec(first.html)![1]!;
    const mine = draft({ titre: 'Demander un acte de décès', texte: '## En bref\n\nTexte du premier.', version: base });
    const theirs = draft({
      titre: 'Demander un acte de décès',
      texte: '## En bref\n\nTexte du second.',
      version: base,
    });
    const ok = await postForm(ctx.app, `${BASE}${editor}`, { cookie: agentCookie, csrf: first.csrf }, mine);
    assert.equal(ok.statusCode, 303);
    const conflict = await postForm(
      ctx.app,
      `${BASE}${editor}`,
      { cookie: otherAgentCookie, csrf: second.csrf },
      theirs,
    );
    assert.equal(conflict.statusCode, 409);
    assert.match(conflict.body, /Alix Agent a enregistré la version 2/);
    assert.match(conflict.body, /Texte du second\./);
    const versions = (
      await q(`select number, body_markdown from article_versions where demarche_id = $1 order by number`, [id])
    ).rows as { number: number; body_markdown: string }[];
    assert.equal(versions.length, 2);
    assert.match(versions[1]!.body_markdown, /Texte du premier/);
    // Published content is untouched by drafts.
    assert.doesNotMatch(JSON.stringify((await pageOf('acte-deces')).sections), /Texte du/);
  });

  test('text before the first section is refused, what was typed kept', async () => {
    const res = await post(
      agentCookie,
      '/agent/connaissances/nouvelle',
      '/agent/connaissances/nouvelle',
      draft({ titre: 'Sans partie', texte: 'Une phrase perdue.\n\n## En bref\n\nOui.' }),
    );
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /doit commencer par le titre d’une partie/);
    assert.match(res.body, /Une phrase perdue\./);
    assert.equal(Number((await q(`select count(*) from demarches where slug = 'sans-partie'`)).rows[0]!.count), 0);
  });

  test('preview re-renders the form with the sanitised preview and the readability hint, saving nothing', async () => {
    const before = Number((await q(`select count(*) from article_versions`)).rows[0]!.count);
    const res = await post(
      agentCookie,
      '/agent/connaissances/nouvelle',
      '/agent/connaissances/nouvelle',
      draft({
        titre: 'Aperçu',
        texte:
          '## En bref\n\nBonjour <script>alert(1)</script> [x](javascript:alert(1)). Il convient de fournir une pièce justificative.',
        action: 'previsualiser',
      }),
    );
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Aperçu \(non enregistré\)/);
    assert.match(res.body, /class="readability-hint"/);
    assert.doesNotMatch(res.body, /<script>alert|href="javascript/);
    assert.equal(Number((await q(`select count(*) from article_versions`)).rows[0]!.count), before);
  });

  test('attachments: a real PDF is kept; a wrong type or a file too large is refused', async () => {
    const id = String((await pageOf('acte-deces')).id);
    const page = `/agent/connaissances/${id}`;
    const ok = await post(agentCookie, page, `${page}/fichiers`, {}, [
      { field: 'fichier', filename: 'procedure.pdf', type: 'application/pdf', data: PDF },
    ]);
    assert.equal(ok.statusCode, 303);
    const fake = await post(agentCookie, page, `${page}/fichiers`, {}, [
      {
        field: 'fichier',
        filename: 'faux.pdf',
        type: 'application/pdf',
        data: Buffer.from('<html><script>x</script>'),
      },
    ]);
    assert.equal(fake.statusCode, 400);
    assert.match(fake.body, /n&#39;est pas un vrai fichier PDF|n'est pas un vrai fichier PDF/);
    const big = Buffer.concat([PDF, Buffer.alloc(ctx.config.uploadMaxBytes + 10, 0x20)]);
    const tooBig = await post(agentCookie, page, `${page}/fichiers`, {}, [
      { field: 'fichier', filename: 'gros.pdf', type: 'application/pdf', data: big },
    ]);
    assert.equal(tooBig.statusCode, 400);
    assert.match(tooBig.body, /trop lourd/);
    const files = (await q(`select id, filename, mime_type from article_attachments where demarche_id = $1`, [id]))
      .rows;
    assert.deepEqual(
      files.map((f) => [f.filename, f.mime_type]),
      [['procedure.pdf', 'application/pdf']],
    );
    const download = await get(`${page}/fichiers/${String(files[0]!.id)}`, otherAgentCookie);
    assert.equal(download.statusCode, 200);
    assert.equal(download.headers['content-type'], 'application/pdf');
    assert.match(String(download.headers['content-disposition']), /^attachment/);
  });

  test('« Voir aussi »: the public page lists linked public pages, never internal ones; owner and review date', async () => {
    const from = await pageOf('acte-deces');
    const to = await pageOf('acte-naissance-mariage');
    const internal = (
      await q(`select id, title from demarches where tenant_id = $1 and audience = 'internal' limit 1`, [ctx.tenantId])
    ).rows[0]!;
    const page = `/agent/connaissances/${String(from.id)}`;
    assert.equal((await post(agentCookie, page, `${page}/liens`, { page: String(to.id) })).statusCode, 403);
    assert.equal((await post(supervisorCookie, page, `${page}/liens`, { page: String(to.id) })).statusCode, 303);
    assert.equal((await post(supervisorCookie, page, `${page}/liens`, { page: String(internal.id) })).statusCode, 303);
    const publicPage = await ctx.app.inject({ method: 'GET', url: `${BASE}/demarches/acte-deces` });
    assert.match(publicPage.body, /Voir aussi/);
    assert.ok(publicPage.body.includes(`/demarches/${String(to.slug)}`));
    assert.ok(!publicPage.body.includes(String(internal.title)));
    // Both ways.
    const back = await ctx.app.inject({ method: 'GET', url: `${BASE}/demarches/${String(to.slug)}` });
    assert.ok(back.body.includes('/demarches/acte-deces'));

    const owner = await post(supervisorCookie, page, `${page}/responsable`, {
      responsable: agentId,
      relire_avant: '01/01/2020',
    });
    assert.equal(owner.statusCode, 303);
    const stale = await get('/agent/connaissances?arelire=1', agentCookie);
    assert.match(stale.body, /Demander un acte de décès/);
    assert.match(stale.body, /À relire/);
    const bad = await post(supervisorCookie, page, `${page}/responsable`, {
      responsable: agentId,
      relire_avant: '31/02/2027',
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(
      (await post(agentCookie, page, `${page}/responsable`, { responsable: '', relire_avant: '' })).statusCode,
      403,
    );
  });

  test('the review page « Démarches à vérifier » publishes through the same use case', async () => {
    const created = await post(
      agentCookie,
      '/agent/connaissances/nouvelle',
      '/agent/connaissances/nouvelle',
      draft({ titre: 'Fiche à vérifier', texte: '## En bref\n\nÀ vérifier.' }),
    );
    const id = /connaissances\/([0-9a-f-]{36})/.exec(String(created.headers.location))![1]!;
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'kb.admin@villebelle.example',
      password: PASSWORD,
      role: 'admin',
    });
    const admin = await loginAgent(ctx.app, 'kb.admin@villebelle.example', PASSWORD);
    const list = await get('/agent/admin/demarches', admin);
    assert.match(list.body, /Fiche à vérifier/);
    const res = await post(admin, '/agent/admin/demarches', `/agent/admin/demarches/${id}/publier`, {});
    assert.equal(res.statusCode, 303);
    assert.equal((await articleOf(id)).state, 'publie');
    const v = (await q(`select published_at, published_by from article_versions where demarche_id = $1`, [id]))
      .rows[0]!;
    assert.notEqual(v.published_at, null);
    assert.equal((await ctx.app.inject({ method: 'GET', url: `${BASE}/demarches/fiche-a-verifier` })).statusCode, 200);
  });
});
