import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { cookiesFrom, csrfFrom, insertAgent, loginAgent } from '../../../test/support/factories.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'sapin-radis-olive-11';

describe(`experiences: share, moderate, answer, actions (${TEST_DB})`, () => {
  let ctx: TestContext;
  let etatCivil: string;
  let voirie: string;
  let agentEC: string;
  let agentVoirie: string;
  let supervisor: string;
  let address = 0;

  async function rows<T>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await ctx.database.ownerQuery(text, params)).rows as T[];
  }

  /** A citizen's post of the share form, from one address (`ip`), with the form's CSRF token. */
  async function share(fields: Record<string, string>, ip?: string) {
    const remoteAddress = ip ?? `10.50.0.${(address += 1)}`;
    const page = await ctx.app.inject({ method: 'GET', url: `${BASE}/experiences/partager`, remoteAddress });
    const csrf = cookiesFrom(page.headers['set-cookie']).guichet_csrf;
    return ctx.app.inject({
      method: 'POST',
      url: `${BASE}/experiences/partager`,
      remoteAddress,
      headers: { cookie: `guichet_csrf=${csrf}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfFrom(page.body), ...fields }).toString(),
    });
  }

  const get = (path: string, cookie = '') =>
    ctx.app.inject({ method: 'GET', url: `${BASE}${path}`, headers: { cookie } });

  async function post(path: string, cookie: string, fields: Record<string, string | string[]>) {
    const page = await get('/agent/experiences', cookie);
    const body = new URLSearchParams({ _csrf: csrfFrom(page.body) });
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
    return ctx.app.inject({
      method: 'POST',
      url: `${BASE}${path}`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: body.toString(),
    });
  }

  async function lastExperience(): Promise<{ id: string; status: string; masked_story: string; story: string | null }> {
    return (
      await rows<{ id: string; status: string; masked_story: string; story: string | null }>(
        `select id, status, masked_story, story from experiences where tenant_id = $1 order by created_at desc limit 1`,
        [ctx.tenantId],
      )
    )[0]!;
  }

  before(async () => {
    ctx = await createTestContext();
    const ids = await rows<{ id: string; slug: string }>(`select id, slug from services where tenant_id = $1`, [
      ctx.tenantId,
    ]);
    etatCivil = ids.find((s) => s.slug === 'etat-civil')!.id;
    voirie = ids.find((s) => s.slug.startsWith('voirie'))!.id;
    const voirieSlug = ids.find((s) => s.id === voirie)!.slug;
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'ec.experiences@villebelle.example',
      name: 'Claire Dubois',
      password: PASSWORD,
      serviceSlugs: ['etat-civil'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'voirie.experiences@villebelle.example',
      password: PASSWORD,
      serviceSlugs: [voirieSlug],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'chef.experiences@villebelle.example',
      password: PASSWORD,
      role: 'supervisor',
      serviceSlugs: ['etat-civil'],
    });
    agentEC = await loginAgent(ctx.app, 'ec.experiences@villebelle.example', PASSWORD);
    agentVoirie = await loginAgent(ctx.app, 'voirie.experiences@villebelle.example', PASSWORD);
    supervisor = await loginAgent(ctx.app, 'chef.experiences@villebelle.example', PASSWORD);
  });
  after(async () => ctx.close());

  test('the form works without JavaScript and comes back with what was typed and an error summary', async () => {
    const page = await get('/experiences/partager');
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /<script(?![^>]*assistant\.js)/);
    const res = await share({ titre: 'Accueil du samedi', recit: '', service: etatCivil });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /<title>Erreur – Partager votre expérience/);
    assert.match(res.body, /Dites si votre expérience est positive, neutre ou négative/);
    assert.match(res.body, /Racontez votre expérience/);
    assert.match(res.body, /Cochez la case pour accepter/);
    assert.match(res.body, /value="Accueil du samedi"/);
    const forged = await share({
      ton: 'positive',
      titre: 'T',
      recit: 'R',
      service: voirie.replace(/.$/, '0'),
      accord: 'oui',
    });
    assert.equal(forged.statusCode, 400);
    assert.match(forged.body, /Choisissez un service de la liste/);
  });

  test('a comment with personal data is masked before publication; the original is erased at moderation', async () => {
    const res = await share({
      ton: 'negative',
      titre: 'Attente interminable',
      recit:
        'Mme LEFEBVRE m’a dit de revenir. J’habite au 12 rue des Lilas et mon numéro est le 06 12 34 56 78. Je suis née le 3 mars 1985.',
      service: etatCivil,
      nom: 'Sophie Durand',
      courriel: 'sophie.durand@example.org',
      accord: 'oui',
    });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `${BASE}/experiences/merci`);
    const e = await lastExperience();
    assert.equal(e.status, 'a_moderer');
    for (const secret of ['LEFEBVRE', '12 rue des Lilas', '06 12 34 56 78', '3 mars 1985'])
      assert.ok(!e.masked_story.includes(secret), secret);
    // Pending: not public.
    assert.doesNotMatch((await get('/experiences')).body, /Attente interminable/);
    // The moderator sees the original and the proposal; publishing the proposal as it is.
    const detail = await get(`/agent/experiences/${e.id}`, agentEC);
    assert.equal(detail.statusCode, 200);
    assert.match(detail.body, /06 12 34 56 78/);
    assert.match(detail.body, /Données masquées automatiquement : .*1 nom/);
    const published = await post(`/agent/experiences/${e.id}/publier`, agentEC, {
      titre: 'Attente interminable',
      recit: e.masked_story,
    });
    assert.equal(published.statusCode, 303);
    const [row] = await rows<{ status: string; story: string | null; published_story: string }>(
      `select status, story, published_story from experiences where id = $1`,
      [e.id],
    );
    assert.equal(row!.status, 'publiee');
    assert.equal(row!.story, null);
    const page = (await get('/experiences')).body;
    assert.match(page, /Attente interminable/);
    for (const secret of ['LEFEBVRE', 'Lilas', '06 12 34 56 78', '3 mars 1985', 'Durand', 'sophie.durand'])
      assert.ok(!page.includes(secret), secret);
    assert.match(page, /Mme \[nom\]/);
  });

  test('the service answers publicly with its signature; the citizen who left an address is told', async () => {
    const e = await lastExperience();
    const res = await post(`/agent/experiences/${e.id}/reponse`, agentEC, {
      reponse: 'Nous avons renforcé l’accueil le samedi matin.',
      signature: 'Claire Dubois, service État civil',
    });
    assert.equal(res.statusCode, 303);
    const page = (await get('/experiences')).body;
    assert.match(page, /Nous avons renforcé l’accueil le samedi matin/);
    assert.match(page, /Claire Dubois, service État civil, le/);
    const mails = await rows<{ subject: string }>(
      `select subject from mail_outbox where tenant_id = $1 and to_address = 'sophie.durand@example.org'`,
      [ctx.tenantId],
    );
    assert.deepEqual(
      mails.map((m) => m.subject),
      ['Réponse à votre expérience – Villebelle'],
    );
  });

  test('an agent of another service cannot moderate (not found); an empty answer comes back with an error', async () => {
    const e = await lastExperience();
    assert.equal((await get(`/agent/experiences/${e.id}`, agentVoirie)).statusCode, 200);
    const refused = await post(`/agent/experiences/${e.id}/rejeter`, agentVoirie, { motif: 'Hors sujet' });
    assert.equal(refused.statusCode, 404);
    const empty = await post(`/agent/experiences/${e.id}/reponse`, agentEC, { reponse: '', signature: 'X' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Écrivez la réponse publique du service/);
    assert.equal((await get('/experiences')).statusCode, 200);
  });

  test('a rejected experience is never published: not on the page, not publishable later, not by SQL', async () => {
    await share({
      ton: 'negative',
      titre: 'Propos injurieux du citoyen',
      recit: 'Un texte que la mairie ne publiera pas.',
      accord: 'oui',
    });
    const e = await lastExperience();
    const rejected = await post(`/agent/experiences/${e.id}/rejeter`, supervisor, { motif: 'Propos injurieux.' });
    assert.equal(rejected.statusCode, 303);
    const again = await post(`/agent/experiences/${e.id}/publier`, supervisor, {
      titre: 'Propos injurieux du citoyen',
      recit: 'Un texte que la mairie ne publiera pas.',
    });
    assert.equal(again.statusCode, 409);
    assert.match(again.body, /Cette expérience a été rejetée/);
    const answer = await post(`/agent/experiences/${e.id}/reponse`, supervisor, { reponse: 'Non', signature: 'X' });
    assert.equal(answer.statusCode, 409);
    const page = (await get('/experiences')).body;
    assert.doesNotMatch(page, /Propos injurieux du citoyen/);
    assert.doesNotMatch((await get('/vous-avez-dit-nous-avons-fait')).body, /Propos injurieux du citoyen/);
    // The database itself refuses a rejected row with a public text.
    await assert.rejects(
      ctx.database.ownerQuery(`update experiences set published_title = 'x', published_story = 'y' where id = $1`, [
        e.id,
      ]),
      /check/,
    );
    await assert.rejects(
      ctx.database.ownerQuery(`update experiences set status = 'publiee' where id = $1`, [e.id]),
      /check/,
    );
  });

  test('a published experience withdrawn later disappears with its answer and actions', async () => {
    await share({ ton: 'positive', titre: 'Très bon accueil au CCAS', recit: 'Merci pour votre aide.', accord: 'oui' });
    const e = await lastExperience();
    await post(`/agent/experiences/${e.id}/publier`, supervisor, {
      titre: 'Très bon accueil au CCAS',
      recit: 'Merci pour votre aide.',
    });
    assert.match((await get('/experiences')).body, /Très bon accueil au CCAS/);
    await post(`/agent/experiences/${e.id}/rejeter`, supervisor, { motif: 'Doublon.' });
    assert.doesNotMatch((await get('/experiences')).body, /Très bon accueil au CCAS/);
  });

  test('« Vous avez dit, nous avons fait »: actions with their status and the experiences behind them', async () => {
    assert.equal((await get('/agent/actions-amelioration', agentEC)).statusCode, 403);
    const created = await post('/agent/actions-amelioration', supervisor, {
      titre: 'Ouvrir l’accueil le samedi matin',
      description: 'À partir de janvier.',
      statut: 'en_cours',
      service: etatCivil,
    });
    assert.equal(created.statusCode, 303);
    const [action] = await rows<{ id: string }>(`select id from improvement_actions where tenant_id = $1`, [
      ctx.tenantId,
    ]);
    const published = (
      await rows<{ id: string }>(`select id from experiences where tenant_id = $1 and status = 'publiee'`, [
        ctx.tenantId,
      ])
    )[0]!;
    const tagged = await post(`/agent/experiences/${published.id}/actions`, agentEC, { actions: [action!.id] });
    assert.equal(tagged.statusCode, 303);
    let page = (await get('/vous-avez-dit-nous-avons-fait')).body;
    assert.match(page, /Ouvrir l’accueil le samedi matin/);
    assert.match(page, /En cours/);
    assert.match(page, /« Attente interminable »/);
    assert.match((await get('/experiences')).body, /« Ouvrir l’accueil le samedi matin »/);
    const done = await post(`/agent/actions-amelioration/${action!.id}`, supervisor, { statut: 'realisee' });
    assert.equal(done.statusCode, 303);
    page = (await get('/vous-avez-dit-nous-avons-fait')).body;
    assert.match(page, /Réalisée le/);
    // An unknown action is refused, nothing changes.
    const forged = await post(`/agent/experiences/${published.id}/actions`, agentEC, {
      actions: ['00000000-0000-4000-8000-000000000000'],
    });
    assert.equal(forged.statusCode, 400);
    assert.equal((await rows(`select 1 from experience_actions where experience_id = $1`, [published.id])).length, 1);
  });

  test('ballot stuffing: one address shares at most EXPERIENCE_RATE_LIMIT experiences a day', async () => {
    const ip = '10.66.6.6';
    const before = (await rows(`select 1 from experiences where tenant_id = $1`, [ctx.tenantId])).length;
    const fields = { ton: 'positive', titre: 'Génial', recit: 'Vraiment génial.', accord: 'oui' };
    for (let i = 0; i < ctx.config.experienceRateLimit; i++) assert.equal((await share(fields, ip)).statusCode, 303);
    const refused = await share({ ...fields, titre: 'Encore génial' }, ip);
    assert.equal(refused.statusCode, 429);
    assert.match(refused.body, /Vous avez déjà partagé plusieurs expériences/);
    assert.match(refused.body, /value="Encore génial"/);
    const after = (await rows(`select 1 from experiences where tenant_id = $1`, [ctx.tenantId])).length;
    assert.equal(after - before, ctx.config.experienceRateLimit);
    // Another address is not affected; the sender's address itself is never stored.
    assert.equal((await share(fields, '10.66.6.7')).statusCode, 303);
    const keys = await rows<{ source_key: string }>(`select source_key from experiences where source_key is not null`);
    assert.ok(keys.every((k) => !k.source_key.includes('10.66')));
  });
});
