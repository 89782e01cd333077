import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CORPUS_DIR } from '../../demo/seed-demo.ts';
import { insertAgent, insertRequest, loginAgent } from '../../../test/support/factories.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { analyse, withoutPlaceNames } from './analyser.ts';
import { detectComplaint } from './complaint.ts';
import { evaluateTriage, readJsonLines, type LabelledRequest } from './evaluate.ts';
import { buildTriageModel, triageText } from './model.ts';
import { extractiveSummary, isLongThread } from './summarise-thread.ts';
import { detectUrgency } from './urgency.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'sapin-radis-olive-11';

describe('triage: analyser, cues and classifier (no database)', () => {
  test('accents, case and elisions are folded; plurals and endings meet', () => {
    assert.deepEqual(analyse("L'ÉCLAIRAGE public"), analyse('eclairage publics'));
    assert.deepEqual(analyse('réclamations'), analyse('Réclamation'));
    assert.deepEqual(analyse('les nids de poule'), ['nid', 'poul']);
    assert.deepEqual(analyse("qu'il est d'accord"), ['accord']);
  });

  test('the proper names of places are left out, their kind kept', () => {
    assert.equal(
      withoutPlaceNames('Un trou rue des Écoles, devant le gymnase Coubertin'),
      'Un trou rue, devant le gymnase',
    );
    assert.equal(withoutPlaceNames('la cantine des écoles'), 'la cantine des ecoles');
  });

  test('complaint cues: strong ones alone, weak ones in pairs; a police report is not a complaint', () => {
    assert.equal(detectComplaint('Je conteste cette décision.').isComplaint, true);
    assert.equal(detectComplaint('Toujours pas de réponse à mon courrier.').isComplaint, true);
    assert.equal(detectComplaint('Mon vélo a disparu, j’ai porté plainte.').isComplaint, false);
    assert.equal(detectComplaint('Bonjour, comment inscrire mon fils à l’école ?').isComplaint, false);
    const weak = detectComplaint('Le bac n’a pas été ramassé depuis 3 semaines');
    assert.equal(weak.isComplaint, true, weak.cues.join(', '));
  });

  test('urgency cues: danger, a death, a water leak', () => {
    assert.equal(detectUrgency('Un arbre tombé sur la route, c’est dangereux').urgency, 'urgente');
    assert.equal(detectUrgency('Ma mère est décédée cette nuit').urgency, 'urgente');
    assert.equal(detectUrgency('Fuite d’eau dans la rue').urgency, 'urgente');
    assert.equal(detectUrgency('Horaires de la médiathèque ?').urgency, 'normale');
  });

  test('a service with no article is found from its description; complaint words do not route', () => {
    const model = buildTriageModel({
      services: [
        { code: 'voirie', name: 'Voirie', description: 'Rues, trottoirs, éclairage public.' },
        { code: 'sport', name: 'Sport', description: 'Gymnases, stades et piscine municipale.' },
        { code: 'accueil', name: 'Accueil', description: 'Réclamations et accueil.' },
      ],
      articles: [
        {
          slug: 'signaler',
          title: 'Signaler un problème de voirie',
          service: 'voirie',
          keywords: ['nid-de-poule', 'lampadaire'],
          body: 'Un trou dans la chaussée, un lampadaire éteint : signalez-le.',
          audience: 'public',
        },
        {
          slug: 'reclamation',
          title: 'Faire une réclamation',
          service: 'accueil',
          keywords: ['réclamation', 'contester', 'plainte'],
          body: 'Contester une décision de la mairie.',
          audience: 'public',
        },
      ],
      fallbackService: 'accueil',
    });
    assert.equal(triageText(model, 'Horaires de la piscine ?').service, 'sport');
    const r = triageText(model, 'Réclamation : le lampadaire de ma rue est éteint depuis un mois, inadmissible');
    assert.equal(r.service, 'voirie');
    assert.equal(r.isComplaint, true);
    assert.equal(triageText(model, 'xyzzy').service, 'accueil');
  });

  test('a long thread gets an extractive summary that says who said what, in order', () => {
    const messages = [
      { author: 'L’usager', text: 'Bonjour. Le lampadaire devant chez moi est éteint depuis trois semaines. Merci.' },
      {
        author: 'Agent Martin (agent)',
        text: 'Bonjour. Nous transmettons votre signalement au service de l’éclairage public.',
      },
      { author: 'L’usager', text: 'Le lampadaire est toujours éteint et la rue est très sombre le soir.' },
      { author: 'Agent Martin (agent)', text: 'Une équipe passera jeudi pour remplacer la lampe du lampadaire.' },
      { author: 'L’usager', text: 'Merci beaucoup. Bonne journée.' },
    ];
    assert.equal(isLongThread(messages), true);
    assert.equal(isLongThread(messages.slice(0, 2)), false);
    const summary = extractiveSummary(messages);
    assert.match(summary, /^L’usager : /);
    assert.match(summary, /Agent Martin \(agent\) : /);
    assert.ok(summary.indexOf('éteint depuis') < summary.indexOf('jeudi'), summary);
    assert.doesNotMatch(summary, /Bonne journée/);
  });
});

describe(`triage on the demo commune (${TEST_DB})`, () => {
  let ctx: TestContext;
  let receptionAgent: string;
  let voirieAgent: string;
  const q = (sql: string, params: unknown[] = []) => ctx.database.ownerQuery(sql, params);
  const triage = (cookie: string | undefined, payload: unknown, contentType = 'application/json') =>
    ctx.app.inject({
      method: 'POST',
      url: `${BASE}/api/v1/triage`,
      headers: { ...(cookie ? { cookie } : {}), 'content-type': contentType },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });

  before(async () => {
    ctx = await createTestContext();
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'accueil.triage@villebelle.example',
      password: PASSWORD,
      serviceSlugs: ['citoyennete'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'voirie.triage@villebelle.example',
      password: PASSWORD,
      serviceSlugs: ['voirie-proprete'],
    });
    receptionAgent = await loginAgent(ctx.app, 'accueil.triage@villebelle.example', PASSWORD);
    voirieAgent = await loginAgent(ctx.app, 'voirie.triage@villebelle.example', PASSWORD);
  });
  after(async () => ctx.close());

  test('dev set: routing ≥ 90 % and complaint detection ≥ 92 %, trained from the knowledge base only', async () => {
    const rows = await readJsonLines<LabelledRequest>(path.join(CORPUS_DIR, '..', 'requests-dev.jsonl'));
    const e = await evaluateTriage(ctx.services.db, ctx.tenantId, rows);
    console.log(
      `triage (${TEST_DB}): routing ${e.routing.toFixed(3)}, complaint ${e.complaint.toFixed(3)}, urgency ${e.urgency.toFixed(3)}`,
    );
    assert.equal(e.n, 150);
    assert.ok(e.routing >= 0.9, `routing ${e.routing}`);
    assert.ok(e.complaint >= 0.92, `complaint ${e.complaint}`);
  });

  test('the API answers agents with a service code, the complaint flag, the urgency and article slugs', async () => {
    const res = await triage(voirieAgent, {
      text: 'Bonjour, un énorme nid-de-poule rue Haute, toujours pas réparé malgré mon signalement !',
      channel: 'web',
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as { service: string; is_complaint: boolean; urgency: string; articles: string[] };
    assert.equal(body.service, 'voirie-proprete');
    assert.equal(body.is_complaint, true);
    assert.equal(body.urgency, 'normale');
    assert.ok(body.articles.includes('signaler-probleme-voirie'), body.articles.join(', '));
    assert.deepEqual(Object.keys(body).sort(), ['articles', 'is_complaint', 'service', 'urgency']);
  });

  test('the API is for agents only, and refuses bad input with stable codes', async () => {
    const anonymous = await triage(undefined, { text: 'Bonjour', channel: 'web' });
    assert.equal(anonymous.statusCode, 401);
    assert.equal((anonymous.json() as { error: { code: string } }).error.code, 'unauthenticated');
    const bad = async (payload: unknown, field: string, contentType?: string) => {
      const res = await triage(receptionAgent, payload, contentType);
      assert.equal(res.statusCode, 400, `${JSON.stringify(payload)} → ${res.body}`);
      const error = (res.json() as { error: { code: string; details?: { field: string }[] } }).error;
      if (field === '') {
        assert.equal(error.code, 'invalid_input');
      } else {
        assert.equal(error.code, 'validation_failed');
        assert.ok(
          error.details?.some((d) => d.field === field),
          res.body,
        );
      }
    };
    await bad({ text: '   ', channel: 'web' }, 'text');
    await bad({ text: 'x'.repeat(20_001), channel: 'web' }, 'text');
    // Control characters: a file sent as text. NUL is refused by the platform for every route.
    await bad({ text: 'PK\u0003\u0004binary', channel: 'web' }, 'text');
    await bad({ text: 'PK\u0003\u0004\u0000binary', channel: 'web' }, '');
    await bad({ text: 'Bonjour', channel: 'fax' }, 'channel');
    await bad({ text: 'Bonjour' }, 'channel');
    await bad('text=Bonjour&channel=web', '', 'application/x-www-form-urlencoded');
    const doc = await ctx.app.inject({ method: 'GET', url: `${BASE}/api/openapi.json` });
    assert.ok((doc.json() as { paths: Record<string, unknown> }).paths['/api/v1/triage']);
  });

  test('the request page shows « Aide à la réponse » to the agents of the item’s service: links and forms only', async () => {
    const { id, reference } = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: 'message-courriel',
      data: {
        objet: 'Lampadaire',
        message:
          'Le lampadaire devant le 4 rue Haute ne fonctionne plus depuis trois semaines. J’ai déjà signalé la panne, sans effet. C’est inadmissible.',
      },
    });
    const bodies = [
      'Avez-vous des nouvelles de mon signalement ? La rue reste très sombre le soir et les enfants rentrent dans le noir.',
      'Je relance encore : toujours rien, le lampadaire est éteint et personne ne rappelle.',
      'Une voisine a failli tomber sur le trottoir à cause de l’obscurité. Merci de faire le nécessaire.',
      'Dernier message : si rien ne bouge je saisirai le maire.',
    ];
    for (const body of bodies) {
      await q(
        `insert into request_events (tenant_id, request_id, kind, body, author_kind, visible_to_citizen)
         values ($1, $2, 'citizen_message', $3, 'citizen', true)`,
        [ctx.tenantId, id, body],
      );
    }
    const before = await q(`select service_id, revision from requests where id = $1`, [id]);
    const page = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/demandes/${reference}`,
      headers: { cookie: receptionAgent },
    });
    assert.equal(page.statusCode, 200);
    const panel = /<aside class="help-panel"[\s\S]*?<\/aside>/.exec(page.body)?.[0] ?? '';
    assert.match(panel, /Aide à la réponse/);
    assert.match(panel, /Réclamation probable/);
    // The flag leads to the complaint form, prefilled from this request (complaints module).
    assert.match(panel, new RegExp(`href="${BASE}/agent/reclamations/nouvelle\\?demande=${reference}"`));
    assert.match(panel, /Service suggéré : <strong>Voirie et propreté<\/strong>/);
    assert.match(panel, /Résumé de l’échange/);
    assert.match(panel, /L’usager : /);
    assert.match(panel, new RegExp(`href="${BASE}/demarches/signaler-probleme-voirie"`));
    const voirie = await q(`select id from services where tenant_id = $1 and slug = 'voirie-proprete'`, [ctx.tenantId]);
    // The one form is the existing transfer, with the suggested service, for the agent to send.
    const forms = [...panel.matchAll(/<form [^>]*action="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(forms, [`${BASE}/agent/demandes/${reference}/transfert`]);
    assert.match(panel, new RegExp(`name="service" value="${String(voirie.rows[0]!.id)}"`));
    // Opening the page changed nothing on the item.
    const afterOpen = await q(`select service_id, revision from requests where id = $1`, [id]);
    assert.deepEqual(afterOpen.rows[0], before.rows[0]);
    // An agent of another service does not see the item, nor its panel.
    const other = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/demandes/${reference}`,
      headers: { cookie: voirieAgent },
    });
    assert.equal(other.statusCode, 404);
    assert.doesNotMatch(other.body, /Aide à la réponse/);
  });
});
