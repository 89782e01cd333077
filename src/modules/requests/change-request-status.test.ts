import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { csrfFrom, ensureDemarche, insertAgent, insertRequest, loginAgent } from '../../../test/support/factories.ts';
import { generateTrackingSecret, hashTrackingSecret } from './reference.ts';
import { buildStatusNotification } from './status-notification.ts';
import { sealTrackingSecret } from './tracking-seal.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'violon-tortue-kiwi-64';

describe('status notification mail', () => {
  const input = {
    to: 'lucie@example.org',
    requestId: 'r1',
    reference: 'VB-2026-4F7K2',
    demarcheTitle: "Demander un acte d'état civil",
    applicantName: 'Lucie Moreau',
    status: 'traitee' as const,
    message: 'Votre acte part par courrier demain.\n<b>Merci</b>',
    tenant: { name: 'Villebelle', contact: { phone: '01 00 00 00 00', email: 'contact@villebelle.example' } },
    baseUrl: 'https://villebelle.example',
    trackingSecret: 'K7M3-QX9P-2D4F',
  };

  test('says the reference, the new status, the message, the direct tracking link and whom to contact', () => {
    const mail = buildStatusNotification(input);
    assert.equal(mail.subject, 'Votre demande VB-2026-4F7K2 : traitée');
    assert.equal(mail.to, 'lucie@example.org');
    assert.match(mail.text, /^Bonjour Lucie Moreau,/);
    assert.match(mail.text, /Nouveau statut : Traitée\n/);
    assert.match(mail.text, /Votre acte part par courrier demain\.\n<b>Merci<\/b>/);
    assert.match(
      mail.text,
      /Voir votre demande\nhttps:\/\/villebelle\.example\/suivi\/VB-2026-4F7K2\?cle=K7M3-QX9P-2D4F\n/,
    );
    assert.match(
      mail.text,
      /Pour répondre, utilisez votre page de suivi :\nhttps:\/\/villebelle\.example\/suivi\/VB-2026-4F7K2\?cle=K7M3-QX9P-2D4F\n/,
    );
    assert.match(mail.text, /Téléphone : 01 00 00 00 00/);
    assert.match(mail.text, /Courriel : contact@villebelle\.example/);
    assert.match(mail.text, /Mairie de Villebelle/);
    assert.ok(!/répondez à ce courriel|ne pas y répondre/i.test(mail.text));
    // The HTML part: the same link as a real link, the message escaped.
    assert.ok(mail.html?.includes('href="https://villebelle.example/suivi/VB-2026-4F7K2?cle=K7M3-QX9P-2D4F"'));
    assert.ok(mail.html?.includes('&lt;b&gt;Merci&lt;/b&gt;'));
    assert.ok(!mail.html?.includes('<b>Merci'));
  });

  test('without the code (a request filed before codes were sealed), the lookup page with the reference', () => {
    const mail = buildStatusNotification({ ...input, trackingSecret: null });
    assert.match(mail.text, /https:\/\/villebelle\.example\/suivi\?reference=VB-2026-4F7K2\n/);
    assert.match(mail.text, /Saisissez le code de suivi reçu quand vous avez déposé la demande/);
    assert.ok(!mail.text.includes('cle='));
  });
});

describe(`changing a request's status and adding notes (${TEST_DB})`, () => {
  let ctx: TestContext;
  let cookie: string;
  let agentId: string;

  async function post(reference: string, action: 'statut' | 'notes', fields: Record<string, string>) {
    const page = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/demandes/${reference}`,
      headers: { cookie },
    });
    const res = await ctx.app.inject({
      method: 'POST',
      url: `${BASE}/agent/demandes/${reference}/${action}`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfFrom(page.body), ...fields }).toString(),
    });
    // The mail worker was kicked: let it finish before the owner's direct SQL, because on
    // PGlite both share one connection and must not interleave with the worker's transaction.
    await ctx.services.mail.flush();
    return res;
  }

  async function statusOf(id: string) {
    return (await ctx.database.ownerQuery(`select status, closed_at from requests where id = $1`, [id])).rows[0]!;
  }

  async function mailsFor(id: string) {
    return (
      await ctx.database.ownerQuery(`select to_address, subject, text_body from mail_outbox where request_id = $1`, [
        id,
      ])
    ).rows;
  }

  before(async () => {
    ctx = await createTestContext();
    await ensureDemarche(ctx.database, ctx.tenantId, {
      slug: 'test-acte',
      serviceSlug: 'etat-civil',
      title: "Demander un acte d'état civil",
    });
    agentId = await insertAgent(ctx.database, ctx.tenantId, {
      email: 'ec@villebelle.example',
      name: 'Agent EC',
      password: PASSWORD,
      serviceSlugs: ['etat-civil'],
    });
    cookie = await loginAgent(ctx.app, 'ec@villebelle.example', PASSWORD);
  });
  after(async () => ctx.close());

  test('a status change is recorded, shown in the timeline and mailed to the applicant', async () => {
    const r = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: 'test-acte',
      applicantEmail: 'lucie@example.org',
    });
    const res = await post(r.reference, 'statut', { statut: 'en_cours', message: 'Nous regardons votre dossier.' });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `${BASE}/agent/demandes/${r.reference}?fait=statut`);
    assert.equal((await statusOf(r.id)).status, 'en_cours');
    assert.equal((await statusOf(r.id)).closed_at, null);
    const events = await ctx.database.ownerQuery(
      `select status_from, status_to, body, author_kind, author_agent_id, visible_to_citizen
       from request_events where request_id = $1 and kind = 'status_changed'`,
      [r.id],
    );
    assert.deepEqual(events.rows, [
      {
        status_from: 'recue',
        status_to: 'en_cours',
        body: 'Nous regardons votre dossier.',
        author_kind: 'agent',
        author_agent_id: agentId,
        visible_to_citizen: true,
      },
    ]);
    const mails = await mailsFor(r.id);
    assert.equal(mails.length, 1);
    assert.equal(mails[0]!.to_address, 'lucie@example.org');
    assert.equal(mails[0]!.subject, `Votre demande ${r.reference} : en cours de traitement`);
    assert.match(String(mails[0]!.text_body), /Nouveau statut : En cours de traitement\n/);
    assert.match(String(mails[0]!.text_body), /Nous regardons votre dossier\./);
    assert.match(String(mails[0]!.text_body), /http:\/\/localhost(:\d+)?\/t\/villebelle\/suivi/);

    const page = await ctx.app.inject({
      method: 'GET',
      url: String(res.headers.location),
      headers: { cookie },
    });
    assert.match(page.body, /Le statut de la demande est changé\./);
    assert.match(page.body, /Statut changé : En cours/);
    assert.match(page.body, /Se déconnecter \(Agent EC\)|Agent EC/);
  });

  test("the status mail carries the request's direct tracking link, which opens it", async () => {
    const r = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'test-acte' });
    // As submission stores it: the hash that opens the request, the seal the mail is built from.
    const secret = generateTrackingSecret();
    await ctx.database.ownerQuery(
      `update requests set tracking_secret_hash = $2, tracking_secret_sealed = $3 where id = $1`,
      [
        r.id,
        hashTrackingSecret(secret),
        sealTrackingSecret(ctx.config.sessionSecret, { tenantId: ctx.tenantId, reference: r.reference }, secret),
      ],
    );
    await post(r.reference, 'statut', { statut: 'en_cours', message: '' });
    const [mail] = await mailsFor(r.id);
    const link = new RegExp(`http://[^/\\s]+(/t/villebelle/suivi/${r.reference}\\?cle=${secret})\\n`).exec(
      String(mail!.text_body),
    );
    assert.ok(link, String(mail!.text_body));
    const page = await ctx.app.inject({ method: 'GET', url: link[1]! });
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(r.reference));

    // A request without a seal (filed before): the lookup page, reference filled in, no error.
    const old = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'test-acte' });
    await post(old.reference, 'statut', { statut: 'en_cours', message: '' });
    const [oldMail] = await mailsFor(old.id);
    const lookup = new RegExp(`http://[^/\\s]+(/t/villebelle/suivi\\?reference=${old.reference})\\n`).exec(
      String(oldMail!.text_body),
    );
    assert.ok(lookup, String(oldMail!.text_body));
    const form = await ctx.app.inject({ method: 'GET', url: lookup[1]! });
    assert.equal(form.statusCode, 200);
    assert.ok(form.body.includes(`value="${old.reference}"`));
    assert.ok(!form.body.includes('error-summary'));
  });

  test('closing a request sets closed_at, and a closed request cannot change any more', async () => {
    const r = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'test-acte', status: 'en_cours' });
    assert.equal((await post(r.reference, 'statut', { statut: 'traitee', message: '' })).statusCode, 303);
    const closed = await statusOf(r.id);
    assert.equal(closed.status, 'traitee');
    assert.ok(closed.closed_at instanceof Date || typeof closed.closed_at === 'string');
    const detail = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/demandes/${r.reference}`,
      headers: { cookie },
    });
    assert.match(detail.body, /Cette demande est close/);
    const again = await post(r.reference, 'statut', { statut: 'en_cours', message: 'On rouvre.' });
    assert.equal(again.statusCode, 400);
    assert.match(again.body, /Il y a une erreur dans le formulaire/);
    assert.equal((await statusOf(r.id)).status, 'traitee');
    assert.equal((await mailsFor(r.id)).length, 1, 'only the closing mail');
  });

  test('a transition the workflow does not allow is refused with the typed message kept', async () => {
    const r = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'test-acte', status: 'en_cours' });
    const res = await post(r.reference, 'statut', { statut: 'recue', message: 'Retour en arrière <i>svp</i>' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /class="error-summary"/);
    assert.match(res.body, /ne peut pas passer au statut|n’est pas possible/);
    assert.match(res.body, /Retour en arrière &lt;i&gt;svp&lt;\/i&gt;<\/textarea>/);
    assert.equal((await statusOf(r.id)).status, 'en_cours');
    assert.equal((await mailsFor(r.id)).length, 0);
    const unknown = await post(r.reference, 'statut', { statut: 'perdue', message: '' });
    assert.equal(unknown.statusCode, 400);
  });

  test('a message is required to refuse or to ask the applicant for something', async () => {
    const r = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'test-acte' });
    for (const statut of ['refusee', 'en_attente_usager']) {
      const res = await post(r.reference, 'statut', { statut, message: '   ' });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /href="#message"/);
      assert.match(res.body, new RegExp(`<option value="${statut}"\\s+selected>`));
      assert.equal((await statusOf(r.id)).status, 'recue');
    }
    const tooLong = await post(r.reference, 'statut', { statut: 'refusee', message: 'x'.repeat(5001) });
    assert.equal(tooLong.statusCode, 400);
    assert.match(tooLong.body, /5\u00a0000 caractères au maximum/);
    const ok = await post(r.reference, 'statut', { statut: 'refusee', message: 'Il manque un justificatif.' });
    assert.equal(ok.statusCode, 303);
    assert.equal((await statusOf(r.id)).status, 'refusee');
    const mails = await mailsFor(r.id);
    assert.equal(mails.length, 1);
    assert.equal(mails[0]!.subject, `Votre demande ${r.reference} : refusée`);
    assert.match(String(mails[0]!.text_body), /Il manque un justificatif\./);
  });

  test('no mail is queued when the applicant left no email address', async () => {
    const r = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'test-acte', applicantEmail: null });
    assert.equal((await post(r.reference, 'statut', { statut: 'en_cours', message: '' })).statusCode, 303);
    assert.equal((await statusOf(r.id)).status, 'en_cours');
    assert.equal((await mailsFor(r.id)).length, 0);
  });

  test('an internal note is stored hidden from the citizen, never mailed, and shown escaped', async () => {
    const r = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'test-acte' });
    const note = 'Appeler la mairie de naissance <script>alert(1)</script> & vérifier';
    const res = await post(r.reference, 'notes', { note });
    assert.equal(res.statusCode, 303);
    const rows = await ctx.database.ownerQuery(
      `select body, visible_to_citizen, author_agent_id from request_events where request_id = $1 and kind = 'internal_note'`,
      [r.id],
    );
    assert.deepEqual(rows.rows, [{ body: note, visible_to_citizen: false, author_agent_id: agentId }]);
    assert.equal((await mailsFor(r.id)).length, 0);
    assert.equal((await statusOf(r.id)).status, 'recue');
    const page = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/demandes/${r.reference}`,
      headers: { cookie },
    });
    assert.match(page.body, /Note interne – non visible par l&#39;usager/);
    assert.match(page.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; vérifier/);
    assert.doesNotMatch(page.body, /<script>alert/);
  });

  test('an empty note is refused with an error summary', async () => {
    const r = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'test-acte' });
    const res = await post(r.reference, 'notes', { note: '  ' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /class="error-summary"/);
    assert.match(res.body, /href="#note">Écrivez le texte de la note\./);
    const n = await ctx.database.ownerQuery(
      `select count(*)::int as n from request_events where request_id = $1 and kind = 'internal_note'`,
      [r.id],
    );
    assert.equal(n.rows[0]!.n, 0);
  });
});
