import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import {
  ensureDemarche,
  insertAgent,
  insertCitizen,
  insertRequest,
  loginAgent,
} from '../../../test/support/factories.ts';
import { visibleText } from '../../../test/support/pages.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { highlightedExcerpt, MARK_END, MARK_START } from './excerpt.ts';
import { parseSearchQuery, phoneKey } from './query.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'sapin-radis-olive-11';

describe('search query reading (pure)', () => {
  test('a reference typed any way, an email, a French phone any way', () => {
    assert.equal(parseSearchQuery('  vb 2026 4f7k2 ').reference, 'VB-2026-4F7K2');
    assert.equal(parseSearchQuery('vb20264f7k2').reference, 'VB-2026-4F7K2');
    assert.equal(parseSearchQuery('Moreau').reference, null);
    assert.equal(parseSearchQuery('Jeanne.Moreau@Example.org').email, 'Jeanne.Moreau@Example.org');
    assert.equal(parseSearchQuery('Moreau').email, null);
    for (const typed of [
      '06 12 34 56 78',
      '06.12.34.56.78',
      '+33 6 12 34 56 78',
      '+33 (0)6 12 34 56 78',
      '0033612345678',
    ])
      assert.equal(phoneKey(typed), '0612345678', typed);
    assert.equal(parseSearchQuery('2026').phoneKey, null);
    assert.equal(parseSearchQuery('poubelle 06').phoneKey, null);
  });

  test('an excerpt escapes everything but its own marks', () => {
    const out = highlightedExcerpt(
      `a \u0003script\u0004x\u0003/script\u0004 ${MARK_START}poubelle${MARK_END} & "b" ${MARK_START}c`,
    );
    assert.equal(
      String(out),
      'a &lt;script&gt;x&lt;/script&gt; <mark>poubelle</mark> &amp; &quot;b&quot; <mark>c</mark>',
    );
  });
});

describe(`the agents' search (${TEST_DB})`, () => {
  let ctx: TestContext;
  let camille: string; // agent of voirie-propreté
  let eve: string; // agent of état civil
  let admin: string;
  let voirie: { id: string; reference: string };
  let acte: { id: string; reference: string };
  let other: { id: string; reference: string };

  async function search(q: string, cookie: string, page?: number) {
    const params = new URLSearchParams({ q });
    if (page) params.set('page', String(page));
    return ctx.app.inject({ method: 'GET', url: `${BASE}/agent/recherche?${params.toString()}`, headers: { cookie } });
  }

  async function event(requestId: string, kind: string, body: string, author: 'citizen' | 'agent') {
    await ctx.database.ownerQuery(
      `insert into request_events (tenant_id, request_id, kind, body, author_kind, visible_to_citizen)
       values ($1, $2, $3, $4, $5, $6)`,
      [ctx.tenantId, requestId, kind, body, author, kind !== 'internal_note'],
    );
  }

  before(async () => {
    ctx = await createTestContext();
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'camille.voirie@villebelle.example',
      name: 'Camille Voirie',
      password: PASSWORD,
      serviceSlugs: ['voirie-proprete'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'eve.etatcivil@villebelle.example',
      name: 'Ève État-civil',
      password: PASSWORD,
      serviceSlugs: ['etat-civil'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'ada.admin@villebelle.example',
      name: 'Ada Admin',
      password: PASSWORD,
      role: 'admin',
    });
    camille = await loginAgent(ctx.app, 'camille.voirie@villebelle.example', PASSWORD);
    eve = await loginAgent(ctx.app, 'eve.etatcivil@villebelle.example', PASSWORD);
    admin = await loginAgent(ctx.app, 'ada.admin@villebelle.example', PASSWORD);

    voirie = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: 'signaler-probleme-voirie',
      applicantName: 'Jeanne Moreau',
      applicantEmail: 'jeanne.moreau@example.org',
      data: {
        applicant_given_name: 'Jeanne',
        applicant_family_name: 'Moreau',
        description: 'La poubelle déborde devant l’Église Saint-Martin depuis lundi.',
      },
    });
    await ctx.database.ownerQuery(`update requests set applicant_phone = '+33612345678' where id = $1`, [voirie.id]);
    await event(
      voirie.id,
      'citizen_message',
      'Le conteneur <script>alert("x")</script> est cassé & renversé',
      'citizen',
    );
    await event(
      voirie.id,
      'internal_note',
      'Le lampadaire voisin clignote aussi, voir avec l’éclairage public',
      'agent',
    );
    other = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: 'signaler-probleme-voirie',
      applicantName: 'Marc Petit',
      applicantEmail: 'marc.petit@example.org',
      data: { description: 'Un nid-de-poule rue des Lilas' },
    });
    await ensureDemarche(ctx.database, ctx.tenantId, {
      slug: 'test-acte',
      serviceSlug: 'etat-civil',
      title: 'Demande d’acte de naissance',
    });
    acte = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: 'test-acte',
      applicantName: 'Paul Durand',
      applicantEmail: 'paul.durand@example.org',
      data: { motif: 'Dossier de mariage à la mairie' },
    });
    await event(acte.id, 'internal_note', 'Le lampadaire de la salle des mariages est réparé', 'agent');
    // A citizen's account, linked to the voirie request.
    const citizenId = await insertCitizen(ctx.database, ctx.tenantId, 'lucie.bernard@example.org', 'Lucie');
    await ctx.database.ownerQuery(`update citizens set family_name = 'Bernard' where id = $1`, [citizenId]);
    await ctx.database.ownerQuery(`update requests set citizen_id = $1 where id = $2`, [citizenId, other.id]);
  });
  after(async () => ctx.close());

  test('the inbox has a labelled search box (role=search) that leads to the results page', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/demandes`, headers: { cookie: camille } });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<form[^>]*action="\/t\/villebelle\/agent\/recherche"[^>]*role="search"/);
    assert.match(res.body, /<label for="q">Rechercher une demande, un message ou un usager<\/label>/);
  });

  test('accents are ignored: « eglise » finds « Église », highlighted', async () => {
    const res = await search('eglise', camille);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, new RegExp(voirie.reference));
    assert.match(res.body, /<mark>Église<\/mark>/);
  });

  test('words are stemmed: « poubelles » finds « poubelle »', async () => {
    const res = await search('poubelles', camille);
    assert.match(res.body, new RegExp(voirie.reference));
    assert.match(res.body, /<mark>poubelle<\/mark>/);
    assert.doesNotMatch(res.body, new RegExp(other.reference));
  });

  test('a typo in a name: « Morau » finds « Moreau »', async () => {
    const res = await search('Morau', camille);
    assert.match(res.body, new RegExp(voirie.reference));
    assert.match(visibleText(res.body), /Nom du demandeur proche de la recherche/);
    assert.doesNotMatch(res.body, new RegExp(other.reference));
  });

  test('the démarche title is searched too, and follows a retitled démarche', async () => {
    assert.match((await search('acte de naissance', eve)).body, new RegExp(acte.reference));
    await ctx.database.ownerQuery(
      `update demarches set title = 'Copie intégrale d’acte' where tenant_id = $1 and slug = 'test-acte'`,
      [ctx.tenantId],
    );
    assert.match((await search('copie integrale', eve)).body, new RegExp(acte.reference));
    assert.doesNotMatch((await search('naissance', eve)).body, new RegExp(acte.reference));
  });

  test('a reference without dashes and in lower case finds its request, first', async () => {
    const compact = voirie.reference.replaceAll('-', '').toLowerCase();
    const res = await search(compact, camille);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, new RegExp(voirie.reference));
    assert.match(visibleText(res.body), /Trouvée par sa référence/);
    assert.doesNotMatch(res.body, new RegExp(other.reference));
  });

  test('a phone typed with spaces, dots or +33 finds the request stored as +33612345678', async () => {
    for (const typed of ['06 12 34 56 78', '06.12.34.56.78', '+33 6 12 34 56 78', '0612345678']) {
      const res = await search(typed, camille);
      assert.match(res.body, new RegExp(voirie.reference), typed);
      assert.doesNotMatch(res.body, new RegExp(other.reference), typed);
    }
  });

  test('an email, in any case, finds the request', async () => {
    const res = await search('JEANNE.Moreau@example.ORG', camille);
    assert.match(res.body, new RegExp(voirie.reference));
    assert.doesNotMatch(res.body, new RegExp(other.reference));
  });

  test('a citizen message is found, its excerpt escaped: the malicious markup is shown as text', async () => {
    const res = await search('conteneur', camille);
    assert.match(res.body, new RegExp(voirie.reference));
    assert.match(
      res.body,
      /<mark>conteneur<\/mark> &lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; est cassé &amp; renversé/,
    );
    assert.doesNotMatch(res.body, /<script>alert/);
    assert.match(visibleText(res.body), /Message de l’usager, le/);
  });

  test('scope: an agent of another service finds neither the request, nor its messages, nor its notes', async () => {
    for (const q of [
      'eglise',
      'Moreau',
      'conteneur',
      voirie.reference,
      'jeanne.moreau@example.org',
      '06 12 34 56 78',
    ]) {
      const res = await search(q, eve);
      assert.equal(res.statusCode, 200);
      assert.doesNotMatch(res.body, new RegExp(`/agent/demandes/${voirie.reference}`), q);
      assert.match(visibleText(res.body), /Aucun résultat pour « /, q);
    }
    // The internal note of each service is found by that service only.
    const byEve = await search('lampadaire', eve);
    assert.match(byEve.body, new RegExp(acte.reference));
    assert.doesNotMatch(byEve.body, new RegExp(voirie.reference));
    const byCamille = await search('lampadaire', camille);
    assert.match(byCamille.body, new RegExp(voirie.reference));
    assert.match(visibleText(byCamille.body), /Note interne/);
    assert.doesNotMatch(byCamille.body, new RegExp(acte.reference));
    // An administrator finds both.
    const byAdmin = await search('lampadaire', admin);
    assert.match(byAdmin.body, new RegExp(voirie.reference));
    assert.match(byAdmin.body, new RegExp(acte.reference));
  });

  test('tenants: an administrator finds nothing of another commune, by word, name, message, reference, email or phone', async () => {
    const { createTenant } = await import('../tenants/create-tenant.ts');
    const elsewhere = await createTenant(ctx.database.ownerQuery, {
      name: 'Autreville',
      slug: 'autreville',
      referencePrefix: 'AV',
    });
    await ensureDemarche(ctx.database, elsewhere, { slug: 'signalement', serviceSlug: 'voirie' });
    const theirs = await insertRequest(ctx.database, elsewhere, {
      demarcheSlug: 'signalement',
      applicantName: 'Bérénice Quintal',
      applicantEmail: 'berenice.quintal@example.org',
      data: { description: 'Un hérisson coincé dans la grille du caniveau' },
    });
    await ctx.database.ownerQuery(`update requests set applicant_phone = '+33698765432' where id = $1;`, [theirs.id]);
    // Their citizen's account, linked to the request: not listed among the citizens either.
    const theirCitizen = await insertCitizen(ctx.database, elsewhere, 'berenice.quintal@example.org', 'Bérénice');
    await ctx.database.ownerQuery(`update citizens set family_name = 'Quintal' where id = $1`, [theirCitizen]);
    await ctx.database.ownerQuery(`update requests set citizen_id = $1 where id = $2`, [theirCitizen, theirs.id]);
    await ctx.database.ownerQuery(
      `insert into request_events (tenant_id, request_id, kind, body, author_kind, visible_to_citizen)
       values ($1, $2, 'citizen_message', 'Le hérisson est toujours là, merci de passer', 'citizen', true)`,
      [elsewhere, theirs.id],
    );
    for (const q of [
      'hérisson',
      'Quintal',
      'Quintl',
      theirs.reference,
      'berenice.quintal@example.org',
      '06 98 76 54 32',
    ]) {
      const res = await search(q, admin);
      assert.equal(res.statusCode, 200, q);
      assert.doesNotMatch(res.body, new RegExp(`/agent/demandes/${theirs.reference}`), q);
      assert.doesNotMatch(visibleText(res.body), /Usagers \(|Bérénice/, q);
      assert.match(visibleText(res.body), /Aucun résultat pour « /, q);
    }
  });

  test('citizens: found by name with a typo or by address, within the agent’s services', async () => {
    const byName = await search('Bernar', camille);
    assert.match(visibleText(byName.body), /Usagers \(1\)/);
    assert.match(visibleText(byName.body), /Lucie Bernard/);
    assert.match(byName.body, /Voir les demandes de Lucie Bernard/);
    assert.match((await search('lucie.bernard@example.org', camille)).body, /Lucie Bernard/);
    // Eve's services hold no request of this citizen: the account is not listed.
    assert.doesNotMatch((await search('Bernard', eve)).body, /Lucie Bernard/);
    assert.match((await search('Bernard', admin)).body, /Lucie Bernard/);
  });

  test('candidates: the most recent ones of each way of matching, in scope, whatever the window that holds them', async () => {
    // Requests and internal notes with a rare word, 0, 100, 400 and 800 days old in voirie, 10
    // days old in état civil. guichet_search_candidates looks in the last two months, then the
    // last year, then everything, and stops at the first window holding `limit` matches.
    const day = 86_400_000;
    const made: Record<string, string> = {};
    for (const [key, slug, age] of [
      ['v0', 'signaler-probleme-voirie', 0],
      ['v100', 'signaler-probleme-voirie', 100],
      ['v400', 'signaler-probleme-voirie', 400],
      ['v800', 'signaler-probleme-voirie', 800],
      ['e10', 'test-acte', 10],
    ] as const) {
      const r = await insertRequest(ctx.database, ctx.tenantId, {
        demarcheSlug: slug,
        applicantName: 'Léa Martin',
        data: { description: 'La girouette du clocher est tordue' },
      });
      const at = new Date(Date.now() - age * day).toISOString();
      await ctx.database.ownerQuery(`update requests set submitted_at = $2 where id = $1`, [r.id, at]);
      await ctx.database.ownerQuery(
        `insert into request_events (tenant_id, request_id, kind, body, author_kind, visible_to_citizen, created_at)
         values ($1, $2, 'internal_note', 'Girouettes à revoir avec l’atelier', 'agent', false, $3)`,
        [ctx.tenantId, r.id, new Date(Date.now() - (age + 1) * day).toISOString()],
      );
      made[r.id] = key;
    }
    const voirieService = (
      await ctx.database.ownerQuery(`select id from services where tenant_id = $1 and slug = 'voirie-proprete'`, [
        ctx.tenantId,
      ])
    ).rows[0]!.id as string;
    const candidates = async (services: string[] | null, limit: number) => {
      const { rows } = await inTenant(ctx.services.db, ctx.tenantId, (trx) =>
        sql<{ id: string; tier: number; event_id: string | null }>`
          select id, tier, event_id from guichet_search_candidates('girouette', null, null, null, ${services}::uuid[], ${limit})
        `.execute(trx),
      );
      const of = (tier: number) =>
        rows.filter((r) => r.tier === tier && made[r.id]).map((r) => `${made[r.id]}${r.event_id ? '+note' : ''}`);
      return { words: of(1), notes: of(3) };
    };
    // One match in the last two months, two in the last year, four in all: each window in turn.
    for (const [limit, expected] of [
      [1, ['v0']],
      [2, ['v0', 'v100']],
      [3, ['v0', 'v100', 'v400']],
      [10, ['v0', 'v100', 'v400', 'v800']],
    ] as const) {
      const found = await candidates([voirieService], limit);
      assert.deepEqual(found.words, expected, `words, limit ${limit}`);
      assert.deepEqual(
        found.notes,
        expected.map((k) => `${k}+note`),
        `notes, limit ${limit}`,
      );
    }
    // Every service: the état civil request comes in at its date.
    assert.deepEqual((await candidates(null, 2)).words, ['v0', 'e10']);
    assert.deepEqual((await candidates(null, 10)).notes, [
      'v0+note',
      'e10+note',
      'v100+note',
      'v400+note',
      'v800+note',
    ]);
  });

  test('no result: a French message with suggestions; the query is kept and escaped', async () => {
    const res = await search('<b>zzqxw</b>', camille);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Aucun résultat pour « &lt;b&gt;zzqxw&lt;\/b&gt; »/);
    assert.match(res.body, /value="&lt;b&gt;zzqxw&lt;\/b&gt;"/);
    assert.match(visibleText(res.body), /vérifiez l’orthographe/);
  });

  test('too short or too long: the form comes back with an error summary', async () => {
    const short = await search('a', camille);
    assert.equal(short.statusCode, 400);
    assert.match(short.body, /<title>Erreur – /);
    assert.match(short.body, /class="error-summary"/);
    assert.match(short.body, /Tapez au moins 2 caractères/);
    const long = await search('x'.repeat(201), camille);
    assert.equal(long.statusCode, 400);
    assert.match(long.body, /trop longue/);
    const empty = await search('', camille);
    assert.equal(empty.statusCode, 200);
    assert.doesNotMatch(empty.body, /error-summary/);
  });

  test('without a session, the login page', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/recherche?q=Moreau` });
    assert.equal(res.statusCode, 303);
    assert.match(String(res.headers.location), /\/agent\/connexion/);
  });
});
