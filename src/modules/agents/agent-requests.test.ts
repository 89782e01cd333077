import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import {
  csrfFrom,
  ensureDemarche,
  insertAgent,
  insertDocument,
  insertRequest,
  loginAgent,
} from '../../../test/support/factories.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'sapin-radis-olive-11';

const FORM = {
  version: 1,
  sections: [
    {
      title: 'Votre demande',
      fields: [
        {
          name: 'acte',
          type: 'choice',
          label: "Type d'acte",
          required: true,
          options: [
            { value: 'naissance', label: 'Acte de naissance' },
            { value: 'mariage', label: 'Acte de mariage' },
          ],
        },
        {
          name: 'usages',
          type: 'multichoice',
          label: 'Pour quoi faire',
          required: false,
          options: [
            { value: 'passeport', label: 'Un passeport' },
            { value: 'pacs', label: 'Un PACS' },
          ],
        },
        { name: 'adresse', type: 'address', label: "Adresse d'envoi", required: true },
        { name: 'urgent', type: 'checkbox', label: 'Demande urgente', required: false },
        { name: 'justificatif', type: 'file', label: 'Justificatif', required: false },
      ],
    },
  ],
};

describe(`agent request pages (${TEST_DB})`, () => {
  let ctx: TestContext;
  let etatCivil: string;
  let voirie: string;
  let admin: string;
  let ecRequest: { id: string; reference: string };
  let voirieRequest: { id: string; reference: string };

  before(async () => {
    ctx = await createTestContext();
    await ensureDemarche(ctx.database, ctx.tenantId, {
      slug: 'test-acte',
      serviceSlug: 'etat-civil',
      title: "Demander un acte d'état civil",
      form: FORM,
    });
    await ensureDemarche(ctx.database, ctx.tenantId, {
      slug: 'test-trou',
      serviceSlug: 'voirie-proprete',
      title: 'Signaler un trou dans la chaussée',
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'ec@villebelle.example',
      name: 'Agent EC',
      password: PASSWORD,
      serviceSlugs: ['etat-civil'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'voirie@villebelle.example',
      name: 'Agent Voirie',
      password: PASSWORD,
      serviceSlugs: ['voirie-proprete'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'chef@villebelle.example',
      password: PASSWORD,
      role: 'admin',
    });
    ecRequest = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: 'test-acte',
      applicantName: 'Lucie Moreau',
      dueOn: '2020-01-15',
      data: {
        applicant_given_name: 'Lucie',
        applicant_family_name: 'Moreau',
        applicant_email: 'lucie@example.org',
        acte: 'mariage',
        usages: ['passeport', 'pacs'],
        adresse: { street: '3 rue des Lilas', postalCode: '00000', city: 'Villebelle' },
        urgent: true,
        ancien_champ: 'Réponse <b>hors formulaire</b>',
      },
    });
    voirieRequest = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: 'test-trou',
      applicantName: 'Paul Girard',
      dueOn: '2099-06-01',
    });
    etatCivil = await loginAgent(ctx.app, 'ec@villebelle.example', PASSWORD);
    voirie = await loginAgent(ctx.app, 'voirie@villebelle.example', PASSWORD);
    admin = await loginAgent(ctx.app, 'chef@villebelle.example', PASSWORD);
  });
  after(async () => ctx.close());

  const get = (url: string, cookie: string) =>
    ctx.app.inject({ method: 'GET', url: `${BASE}${url}`, headers: { cookie } });

  test('an agent lists the requests of their own services only, late ones marked', async () => {
    const res = await get('/agent/demandes', etatCivil);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, new RegExp(ecRequest.reference));
    assert.doesNotMatch(res.body, new RegExp(voirieRequest.reference));
    assert.match(res.body, /<caption>/);
    assert.match(res.body, /<th scope="col">Référence<\/th>/);
    assert.match(res.body, /Lucie Moreau/);
    assert.match(res.body, /Reçue/);
    assert.match(res.body, /En retard/);
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  test('an admin sees every service, sorted by due date, and filters by status and service', async () => {
    const all = await get('/agent/demandes', admin);
    const a = all.body.indexOf(ecRequest.reference);
    const b = all.body.indexOf(voirieRequest.reference);
    assert.ok(a > 0 && b > 0 && a < b, 'the earliest due date comes first');
    const service = await ctx.database.ownerQuery(
      `select id from services where tenant_id = $1 and slug = 'voirie-proprete'`,
      [ctx.tenantId],
    );
    const byService = await get(`/agent/demandes?service=${service.rows[0]!.id}`, admin);
    assert.match(byService.body, new RegExp(voirieRequest.reference));
    assert.doesNotMatch(byService.body, new RegExp(ecRequest.reference));
    const byStatus = await get('/agent/demandes?statut=traitee', admin);
    assert.doesNotMatch(byStatus.body, new RegExp(ecRequest.reference));
    assert.match(byStatus.body, /Aucune demande ne correspond à ces filtres/);
  });

  test('the list is paginated by 50', async () => {
    await ensureDemarche(ctx.database, ctx.tenantId, { slug: 'test-masse', serviceSlug: 'test-masse' });
    const massAgent = await insertAgent(ctx.database, ctx.tenantId, {
      email: 'masse@villebelle.example',
      password: PASSWORD,
      serviceSlugs: ['test-masse'],
    });
    assert.ok(massAgent);
    for (let i = 0; i < 51; i++) {
      await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'test-masse', dueOn: '2030-01-01' });
    }
    const cookie = await loginAgent(ctx.app, 'masse@villebelle.example', PASSWORD);
    const first = await get('/agent/demandes', cookie);
    assert.equal(first.body.match(/<tr[ >]/g)!.length - 1, 50);
    assert.match(first.body, /demandes 1 à 50 sur 51/);
    assert.match(first.body, /href="\/t\/villebelle\/agent\/demandes\?page=2">Page suivante/);
    const second = await get('/agent/demandes?page=2', cookie);
    assert.equal(second.body.match(/<tr[ >]/g)!.length - 1, 1);
    assert.match(second.body, /Page précédente/);
  });

  test('the detail shows every answer with its label, and the timeline', async () => {
    const res = await get(`/agent/demandes/${ecRequest.reference}`, etatCivil);
    assert.equal(res.statusCode, 200);
    assert.equal(res.body.match(/<h1>/g)?.length, 1);
    assert.match(res.body, /<dt>Prénom<\/dt>\s*<dd[^>]*>Lucie<\/dd>/);
    assert.match(res.body, /<dt>Type d&#39;acte<\/dt>\s*<dd[^>]*>Acte de mariage<\/dd>/);
    assert.match(res.body, /<dt>Pour quoi faire<\/dt>\s*<dd[^>]*>Un passeport, Un PACS<\/dd>/);
    assert.match(res.body, /3 rue des Lilas, 00000 Villebelle/);
    assert.match(res.body, /<dt>Demande urgente<\/dt>\s*<dd[^>]*>Oui<\/dd>/);
    assert.match(res.body, /Réponse &lt;b&gt;hors formulaire&lt;\/b&gt;/);
    assert.match(res.body, /Demande déposée/);
    assert.match(res.body, /<label for="statut">Nouveau statut<\/label>/);
    assert.match(res.body, /<label for="note">Note interne<\/label>/);
  });

  test("an agent can neither see nor change another service's request: 404 like an unknown one", async () => {
    const seen = await get(`/agent/demandes/${ecRequest.reference}`, voirie);
    const unknown = await get('/agent/demandes/VB-2026-ZZZZZ', voirie);
    assert.equal(seen.statusCode, 404);
    assert.equal(unknown.statusCode, 404);
    assert.doesNotMatch(seen.body, /Lucie/);
    const page = await get('/agent/demandes', voirie);
    const change = await ctx.app.inject({
      method: 'POST',
      url: `${BASE}/agent/demandes/${ecRequest.reference}/statut`,
      headers: { cookie: voirie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfFrom(page.body), statut: 'traitee', message: '' }).toString(),
    });
    assert.equal(change.statusCode, 404);
    const note = await ctx.app.inject({
      method: 'POST',
      url: `${BASE}/agent/demandes/${ecRequest.reference}/notes`,
      headers: { cookie: voirie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfFrom(page.body), note: 'intrusion' }).toString(),
    });
    assert.equal(note.statusCode, 404);
    const row = await ctx.database.ownerQuery(`select status from requests where id = $1`, [ecRequest.id]);
    assert.equal(row.rows[0]!.status, 'recue');
    const events = await ctx.database.ownerQuery(
      `select count(*)::int as n from request_events where request_id = $1`,
      [ecRequest.id],
    );
    assert.equal(events.rows[0]!.n, 1);
    const doc = await insertDocument(ctx.database, ctx.tenantId, ecRequest.id, {
      filename: 'secret.pdf',
      mimeType: 'application/pdf',
      content: Buffer.from('%PDF-1.4 secret'),
    });
    const download = await get(`/agent/demandes/${ecRequest.reference}/documents/${doc}`, voirie);
    assert.equal(download.statusCode, 404);
  });

  test('status and note forms refused at the edge re-render with what was typed, and store nothing', async () => {
    const page = await get(`/agent/demandes/${ecRequest.reference}`, etatCivil);
    const post = (path: string, fields: Record<string, string>) =>
      ctx.app.inject({
        method: 'POST',
        url: `${BASE}/agent/demandes/${ecRequest.reference}/${path}`,
        headers: { cookie: etatCivil, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrfFrom(page.body), ...fields }).toString(),
      });
    const status = await post('statut', { statut: 'archivee', message: 'Gardé <tel quel>' });
    assert.equal(status.statusCode, 400);
    assert.match(status.body, /<title>Erreur – /);
    assert.match(status.body, /Choisissez le nouveau statut\./);
    assert.match(status.body, /Gardé &lt;tel quel&gt;/);
    const note = await post('notes', { note: '   ' });
    assert.equal(note.statusCode, 400);
    assert.match(note.body, /Écrivez le texte de la note\./);
    const tooLong = await post('notes', { note: 'n'.repeat(10_001) });
    assert.equal(tooLong.statusCode, 400);
    assert.match(tooLong.body, /La note est trop longue : 5[\s\u202f\u00a0]000 caractères au maximum\./);
    const row = await ctx.database.ownerQuery(`select status from requests where id = $1`, [ecRequest.id]);
    assert.equal(row.rows[0]!.status, 'recue');
    const events = await ctx.database.ownerQuery(
      `select count(*)::int as n from request_events where request_id = $1`,
      [ecRequest.id],
    );
    assert.equal(events.rows[0]!.n, 1);
  });

  test('documents are downloaded as attachments with safe headers', async () => {
    const content = Buffer.from('%PDF-1.4\n% test\n');
    const id = await insertDocument(ctx.database, ctx.tenantId, ecRequest.id, {
      filename: 'Livret "famille"\r\né.pdf',
      mimeType: 'application/pdf',
      content,
    });
    const detail = await get(`/agent/demandes/${ecRequest.reference}`, etatCivil);
    assert.match(detail.body, new RegExp(`href="/t/villebelle/agent/demandes/${ecRequest.reference}/documents/${id}"`));
    const res = await get(`/agent/demandes/${ecRequest.reference}/documents/${id}`, etatCivil);
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/pdf');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.match(String(res.headers['content-security-policy']), /sandbox/);
    const disposition = String(res.headers['content-disposition']);
    assert.match(disposition, /^attachment; filename="[\w.\- ]+"; filename\*=UTF-8''/);
    assert.doesNotMatch(disposition, /[\r\n]/);
    assert.ok(res.rawPayload.equals(content));
    const missing = await get(
      `/agent/demandes/${ecRequest.reference}/documents/00000000-0000-0000-0000-000000000000`,
      etatCivil,
    );
    assert.equal(missing.statusCode, 404);
    const anonymous = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/demandes/${ecRequest.reference}/documents/${id}`,
    });
    assert.equal(anonymous.statusCode, 303);
  });
});
