import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTenant } from '../tenants/create-tenant.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { csrfFrom, insertAgent, insertRequest, loginAgent } from '../../../test/support/factories.ts';
import { analyseReadability } from '../../platform/plain-language/readability.ts';
import { JARGON } from '../../platform/plain-language/jargon.ts';
import { mentionedNames } from '../requests/note-mentions.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'sapin-radis-olive-11';

describe('plain-language hint and mention parsing', () => {
  test('the lexicon has at least 40 entries, each with a plain replacement', () => {
    assert.ok(JARGON.length >= 40);
    for (const j of JARGON) assert.ok(j.plain.trim() !== '' && j.plain !== j.term, j.term);
  });

  test('jargon is found without case or accents, with its replacement; long sentences are counted', () => {
    const long = `Nous avons ${'bien '.repeat(20)}reçu votre dossier.`;
    const r = analyseReadability(
      `Merci de fournir une PIECE JUSTIFICATIVE. Dans l’hypothèse où vous ne pouvez pas, sollicitez l’accueil. ${long}`,
    );
    const terms = r.jargon.map((j) => `${j.term} → ${j.plain}`);
    assert.ok(terms.includes('pièce justificative → document'), terms.join(' | '));
    assert.ok(terms.includes("dans l'hypothèse où → si"), terms.join(' | '));
    assert.ok(terms.includes('sollicitez → demandez'), terms.join(' | '));
    assert.equal(r.sentenceCount, 3);
    assert.equal(r.longSentences.length, 1);
    assert.equal(analyseReadability('Votre dossier est complet. Merci.').jargon.length, 0);
    // A word containing a term is not the term.
    assert.equal(analyseReadability('Les administrées.').jargon.length, 0);
  });

  test('mentions are read at the start of words, not inside mail addresses', () => {
    assert.deepEqual(mentionedNames('Voir avec @Camille et @camille.voirie. Écrire à jean@mairie.fr, @Camille.'), [
      'Camille',
      'camille.voirie',
    ]);
  });
});

describe(`reply templates, signatures, readability and mentions (${TEST_DB})`, () => {
  let ctx: TestContext;
  let voirieAgent: string;
  let etatCivilAgent: string;
  let supervisor: string;
  let voirieId = '';
  let etatCivilId = '';

  const q = (sql: string, params: unknown[] = []) => ctx.database.ownerQuery(sql, params);
  const get = (path: string, cookie: string) =>
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
  const template = async (serviceId: string | null, title: string, body: string) =>
    String(
      (
        await q(
          `insert into reply_templates (tenant_id, service_id, title, body) values ($1, $2, $3, $4) returning id`,
          [ctx.tenantId, serviceId, title, body],
        )
      ).rows[0]!.id,
    );

  before(async () => {
    ctx = await createTestContext();
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'camille.voirie@villebelle.example',
      name: 'Camille Martin',
      password: PASSWORD,
      serviceSlugs: ['voirie-proprete'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'dominique@villebelle.example',
      name: 'Dominique Roux',
      password: PASSWORD,
      serviceSlugs: ['etat-civil'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'sacha@villebelle.example',
      name: 'Sacha Blanc',
      password: PASSWORD,
      role: 'supervisor',
      serviceSlugs: ['voirie-proprete'],
    });
    voirieAgent = await loginAgent(ctx.app, 'camille.voirie@villebelle.example', PASSWORD);
    etatCivilAgent = await loginAgent(ctx.app, 'dominique@villebelle.example', PASSWORD);
    supervisor = await loginAgent(ctx.app, 'sacha@villebelle.example', PASSWORD);
    const services = (await q(`select id, slug from services where tenant_id = $1`, [ctx.tenantId])).rows as {
      id: string;
      slug: string;
    }[];
    voirieId = services.find((s) => s.slug === 'voirie-proprete')!.id;
    etatCivilId = services.find((s) => s.slug === 'etat-civil')!.id;
  });
  after(async () => {
    await ctx?.close();
  });

  test('the demo commune starts with plain-French templates for all services', async () => {
    const rows = (
      await q(`select title, body from reply_templates where tenant_id = $1 and service_id is null`, [ctx.tenantId])
    ).rows as { title: string; body: string }[];
    assert.ok(rows.length >= 4);
    for (const t of rows) assert.deepEqual(analyseReadability(t.body).jargon, [], t.title);
  });

  test('« Utiliser ce modèle » fills the reply with the request’s values, escaped in the page; unknown variables stay', async () => {
    const r = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: 'signaler-probleme-voirie',
      applicantEmail: 'usager@example.org',
    });
    await q(`update requests set applicant_name = $1 where id = $2`, ['<b>Ada</b> Lovelace', r.id]);
    const id = await template(
      voirieId,
      'Voirie',
      'Bonjour {{nom}}, votre demande {{reference}} ({{demarche}}, {{service}}) sera traitée avant le {{echeance}}. {{agent}} {{inconnue}}',
    );
    const page = await get(`/agent/demandes/${r.reference}`, voirieAgent);
    assert.match(page.body, /Utiliser ce modèle/);
    assert.match(page.body, new RegExp(`<option value="${id}"`));
    const filled = await get(`/agent/demandes/${r.reference}?modele=${id}`, voirieAgent);
    assert.equal(filled.statusCode, 200);
    const textarea = /<textarea\s+id="reponse"[^>]*>([\s\S]*?)<\/textarea>/.exec(filled.body)?.[1] ?? '';
    assert.match(textarea, /Bonjour &lt;b&gt;Ada&lt;\/b&gt; Lovelace, votre demande/);
    assert.ok(textarea.includes(r.reference));
    assert.match(textarea, /Voirie/);
    assert.match(textarea, /Camille Martin \{\{inconnue\}\}/);
    assert.doesNotMatch(textarea, /\{\{(nom|reference|echeance|demarche|service|agent)\}\}/);
    assert.doesNotMatch(filled.body, /<b>Ada<\/b>/);
    // The readability hint is under the filled reply.
    assert.match(filled.body, /id="reponse-lisibilite"/);
  });

  test('a template of another service is neither listed nor used', async () => {
    const r = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'signaler-probleme-voirie' });
    const other = await template(etatCivilId, 'Pour l’état civil seulement', 'Texte état civil {{reference}}');
    const page = await get(`/agent/demandes/${r.reference}?modele=${other}`, voirieAgent);
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /Pour l’état civil seulement|Texte état civil/);
    // The starter templates, for all services, are offered.
    assert.match(page.body, /Demande bien reçue/);
  });

  test('the service’s signature ends the reply, on the timeline and in the mail', async () => {
    await q(`update services set reply_signature = $1 where id = $2`, [
      'Le service Voirie\nTél. 01 00 00 00 20',
      voirieId,
    ]);
    const r = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: 'signaler-probleme-voirie',
      applicantEmail: 'signature@example.org',
    });
    const page = (await get(`/agent/demandes/${r.reference}`, voirieAgent)).body;
    assert.match(page, /La signature du service est ajoutée à la fin/);
    // « Relire sans envoyer » shows the hint and sends nothing.
    const preview = await post(
      `/agent/demandes/${r.reference}/reponse`,
      voirieAgent,
      { reponse: 'Merci de nous transmettre la pièce justificative.', action: 'relire' },
      page,
    );
    assert.equal(preview.statusCode, 200);
    assert.match(preview.body, /« pièce justificative » : écrivez plutôt « document »/);
    assert.equal(
      (await q(`select count(*)::int as n from mail_outbox where to_address = 'signature@example.org'`)).rows[0]!.n,
      0,
    );
    const sent = await post(
      `/agent/demandes/${r.reference}/reponse`,
      voirieAgent,
      { reponse: 'Votre trottoir est réparé.' },
      page,
    );
    assert.equal(sent.statusCode, 303);
    const event = (await q(`select body from request_events where request_id = $1 and kind = 'agent_message'`, [r.id]))
      .rows[0] as { body: string };
    assert.equal(event.body, 'Votre trottoir est réparé.\n\nLe service Voirie\nTél. 01 00 00 00 20');
    const mail = (await q(`select text_body from mail_outbox where to_address = 'signature@example.org'`)).rows[0] as {
      text_body: string;
    };
    assert.match(mail.text_body, /Votre trottoir est réparé\.\n\nLe service Voirie\nTél\. 01 00 00 00 20/);
  });

  test('the template editor: supervisors for their services, the readability hint, unknown variables shown', async () => {
    const editor = await get('/agent/admin/modeles-de-reponse/nouveau', supervisor);
    assert.equal(editor.statusCode, 200);
    assert.match(editor.body, /\{\{echeance\}\}/);
    assert.doesNotMatch(editor.body, /Tous les services<\/option>/);
    const preview = await post(
      '/agent/admin/modeles-de-reponse/nouveau',
      supervisor,
      {
        titre: 'Relance',
        service: voirieId,
        texte: 'Afin de traiter votre demande, {{prenom}} merci.',
        action: 'relire',
      },
      editor.body,
    );
    assert.equal(preview.statusCode, 200);
    assert.match(preview.body, /« afin de » : écrivez plutôt « pour »/);
    assert.match(preview.body, /Variables inconnues[\s\S]*\{\{prenom\}\}/);
    const forbidden = await post(
      '/agent/admin/modeles-de-reponse/nouveau',
      supervisor,
      { titre: 'Pour tous', service: '', texte: 'Bonjour' },
      editor.body,
    );
    assert.equal(forbidden.statusCode, 400);
    const otherService = await post(
      '/agent/admin/modeles-de-reponse/nouveau',
      supervisor,
      { titre: 'État civil', service: etatCivilId, texte: 'Bonjour' },
      editor.body,
    );
    assert.equal(otherService.statusCode, 400);
    const saved = await post(
      '/agent/admin/modeles-de-reponse/nouveau',
      supervisor,
      { titre: 'Relance voirie', service: voirieId, texte: 'Bonjour {{nom}}' },
      editor.body,
    );
    assert.equal(saved.statusCode, 303);
    const row = (await q(`select service_id, body from reply_templates where title = 'Relance voirie'`)).rows[0] as {
      service_id: string;
      body: string;
    };
    assert.equal(row.service_id, voirieId);
    // A template of another service is « not found » for this supervisor.
    const other = await template(etatCivilId, 'Autre', 'Texte');
    assert.equal((await get(`/agent/admin/modeles-de-reponse/${other}`, supervisor)).statusCode, 404);
    assert.equal((await get('/agent/admin/modeles-de-reponse', etatCivilAgent)).statusCode, 403);
  });

  test('a note mentioning colleagues mails them a link; unknown and other tenants’ agents are refused', async () => {
    const other = await createTenant(ctx.database.ownerQuery, {
      name: 'Autreville',
      slug: 'autreville-mentions',
      hosts: ['autreville-mentions.localhost'],
    });
    await insertAgent(ctx.database, other, {
      email: 'gaspard@autreville.example',
      name: 'Gaspard Leduc',
      password: PASSWORD,
    });
    const r = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'signaler-probleme-voirie' });
    const page = (await get(`/agent/demandes/${r.reference}`, supervisor)).body;
    const refused = await post(
      `/agent/demandes/${r.reference}/notes`,
      supervisor,
      { note: 'Voir avec @Gaspard et @personne.' },
      page,
    );
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Aucun agent de la collectivité ne correspond à ces mentions : @Gaspard, @personne/);
    assert.match(refused.body, /Voir avec @Gaspard et @personne\./);
    assert.equal(
      (
        await q(`select count(*)::int as n from request_events where request_id = $1 and kind = 'internal_note'`, [
          r.id,
        ])
      ).rows[0]!.n,
      0,
    );
    assert.equal(
      (await q(`select count(*)::int as n from mail_outbox where to_address = 'gaspard@autreville.example'`)).rows[0]!
        .n,
      0,
    );

    const ok = await post(
      `/agent/demandes/${r.reference}/notes`,
      supervisor,
      { note: 'À vérifier sur place, @camille.voirie et @Dominique.' },
      page,
    );
    assert.equal(ok.statusCode, 303);
    const mails = (
      await q(
        `select to_address, subject, text_body from mail_outbox where subject like '%vous mentionne%' and text_body like $1 order by to_address`,
        [`%${r.reference}%`],
      )
    ).rows as { to_address: string; subject: string; text_body: string }[];
    assert.deepEqual(
      mails.map((m) => m.to_address),
      ['camille.voirie@villebelle.example', 'dominique@villebelle.example'],
    );
    assert.match(mails[0]!.subject, /Sacha Blanc vous mentionne/);
    assert.ok(mails[0]!.text_body.includes(`/agent/demandes/${r.reference}`));
    assert.doesNotMatch(mails[0]!.text_body, /vérifier sur place/);
  });
});
