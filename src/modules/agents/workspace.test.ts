import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { csrfFrom, insertAgent, insertRequest, loginAgent } from '../../../test/support/factories.ts';
import { postForm } from '../../../test/support/http.ts';
import { generateTrackingSecret, hashTrackingSecret } from '../requests/reference.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'sapin-radis-olive-11';

describe(`the agents' workspace: take, assign, reply, conflicts, unread (${TEST_DB})`, () => {
  let ctx: TestContext;
  let camille: string; // agent of voirie-propreté
  let dominique: string; // another agent of voirie-propreté
  let sacha: string; // supervisor of voirie-propreté
  let ec: string; // agent of état civil
  let camilleId = '';
  let ecId = '';

  async function get(path: string, cookie: string) {
    return ctx.app.inject({ method: 'GET', url: `${BASE}${path}`, headers: { cookie } });
  }

  /** Posts a form of a request's page, with the revision and token of the page `page` as it was. */
  async function post(
    reference: string,
    action: string,
    cookie: string,
    fields: Record<string, string>,
    page?: string,
  ) {
    const body = page ?? (await get(`/agent/demandes/${reference}`, cookie)).body;
    const revision = /name="revision" value="(\d+)"/.exec(body)?.[1] ?? '';
    return ctx.app.inject({
      method: 'POST',
      url: `${BASE}/agent/demandes/${reference}/${action}`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfFrom(body), revision, ...fields }).toString(),
    });
  }

  async function events(reference: string) {
    return (
      await ctx.database.ownerQuery(
        `select e.kind, e.body, e.visible_to_citizen from request_events e join requests r on r.id = e.request_id
          where r.reference = $1 order by e.created_at, e.id`,
        [reference],
      )
    ).rows as { kind: string; body: string; visible_to_citizen: boolean }[];
  }

  async function mailsTo(address: string) {
    return (
      await ctx.database.ownerQuery(
        `select subject, text_body from mail_outbox where to_address = $1 order by created_at`,
        [address],
      )
    ).rows as { subject: string; text_body: string }[];
  }

  /** A request of voirie-propreté whose tracking code we know, as its citizen would. */
  async function trackedRequest(email = 'usager@example.org') {
    const r = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: 'signaler-probleme-voirie',
      applicantEmail: email,
    });
    const secret = generateTrackingSecret();
    await ctx.database.ownerQuery('update requests set tracking_secret_hash = $1 where id = $2', [
      hashTrackingSecret(secret),
      r.id,
    ]);
    return { ...r, secret };
  }

  async function citizenWrites(r: { reference: string; secret: string }, message: string) {
    const res = await postForm(
      ctx.app,
      `${BASE}/suivi/${r.reference}/messages`,
      { cookie: '', csrf: '' },
      {
        cle: r.secret,
        message,
      },
    );
    assert.equal(res.statusCode, 303, res.body.slice(0, 500));
  }

  before(async () => {
    ctx = await createTestContext();
    camilleId = await insertAgent(ctx.database, ctx.tenantId, {
      email: 'camille.voirie@villebelle.example',
      name: 'Camille Voirie',
      password: PASSWORD,
      serviceSlugs: ['voirie-proprete'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'dominique.voirie@villebelle.example',
      name: 'Dominique Voirie',
      password: PASSWORD,
      serviceSlugs: ['voirie-proprete'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'sacha.chef@villebelle.example',
      name: 'Sacha Chef',
      password: PASSWORD,
      role: 'supervisor',
      serviceSlugs: ['voirie-proprete'],
    });
    ecId = await insertAgent(ctx.database, ctx.tenantId, {
      email: 'eve.etatcivil@villebelle.example',
      name: 'Ève État-civil',
      password: PASSWORD,
      serviceSlugs: ['etat-civil'],
    });
    camille = await loginAgent(ctx.app, 'camille.voirie@villebelle.example', PASSWORD);
    dominique = await loginAgent(ctx.app, 'dominique.voirie@villebelle.example', PASSWORD);
    sacha = await loginAgent(ctx.app, 'sacha.chef@villebelle.example', PASSWORD);
    ec = await loginAgent(ctx.app, 'eve.etatcivil@villebelle.example', PASSWORD);
  });
  after(async () => ctx.close());

  test('an agent takes an item in hand: on the timeline, in « Mes demandes », out of « Non prises en charge »', async () => {
    const r = await trackedRequest();
    const before = await get('/agent/demandes?vue=non-attribuees', camille);
    assert.match(before.body, new RegExp(r.reference));
    const took = await post(r.reference, 'prise-en-charge', camille, { agent: camilleId });
    assert.equal(took.statusCode, 303);
    const page = await get(`/agent/demandes/${r.reference}`, camille);
    assert.match(page.body, /Prise en charge par <strong>Camille Voirie<\/strong>/);
    assert.match(page.body, /Remettre dans la file du service/);
    const mine = await get('/agent/demandes?vue=mes', camille);
    assert.match(mine.body, new RegExp(r.reference));
    assert.match(mine.body, /aria-current="page"\s*>Mes demandes \(\d+\)/);
    assert.doesNotMatch((await get('/agent/demandes?vue=non-attribuees', camille)).body, new RegExp(r.reference));
    assert.doesNotMatch((await get('/agent/demandes?vue=mes', dominique)).body, new RegExp(r.reference));
    const last = (await events(r.reference)).at(-1)!;
    assert.deepEqual(last, {
      kind: 'assigned',
      body: 'Prise en charge par Camille Voirie.',
      visible_to_citizen: false,
    });
    // The citizen sees nothing of it.
    const tracking = await ctx.app.inject({ url: `${BASE}/suivi/${r.reference}?cle=${r.secret}` });
    assert.doesNotMatch(tracking.body, /Camille|Prise en charge/);
  });

  test('giving an item to someone else: the supervisor may, an agent may not, nor to an agent of another service', async () => {
    const r = await trackedRequest();
    const byAgent = await post(r.reference, 'prise-en-charge', dominique, { agent: camilleId });
    assert.equal(byAgent.statusCode, 404);
    const page = await get(`/agent/demandes/${r.reference}`, sacha);
    assert.match(page.body, /<label for="agent">Confier à<\/label>/);
    assert.doesNotMatch(page.body, /Ève État-civil/, 'only agents of the service are offered');
    const outside = await post(r.reference, 'prise-en-charge', sacha, { agent: ecId }, page.body);
    assert.equal(outside.statusCode, 400);
    assert.match(outside.body, /Choisissez un agent actif du service de cette demande/);
    const given = await post(r.reference, 'prise-en-charge', sacha, { agent: camilleId });
    assert.equal(given.statusCode, 303);
    assert.equal((await events(r.reference)).at(-1)!.body, 'Confiée à Camille Voirie par Sacha Chef.');
    // Another service's agent does not even see it.
    assert.equal((await get(`/agent/demandes/${r.reference}`, ec)).statusCode, 404);
  });

  test('a reply goes to the citizen by mail and on the tracking page, and the status does not change', async () => {
    const r = await trackedRequest('reponse.usager@example.org');
    const res = await post(r.reference, 'reponse', camille, { reponse: 'Bonjour, une équipe passe jeudi.' });
    assert.equal(res.statusCode, 303);
    const status = await ctx.database.ownerQuery('select status from requests where id = $1', [r.id]);
    assert.equal(status.rows[0]!.status, 'recue');
    await ctx.services.mail.flush();
    const [mail] = await mailsTo('reponse.usager@example.org');
    assert.ok(mail, 'the citizen is mailed');
    assert.match(mail.subject, new RegExp(`Votre demande ${r.reference} : réponse de Mairie de Villebelle`));
    assert.match(mail.text_body, /Bonjour, une équipe passe jeudi\./);
    assert.match(mail.text_body, /\/suivi/);
    const tracking = await ctx.app.inject({ url: `${BASE}/suivi/${r.reference}?cle=${r.secret}` });
    assert.match(tracking.body, /Message de la commune/);
    assert.match(tracking.body, /Bonjour, une équipe passe jeudi\./);
    const empty = await post(r.reference, 'reponse', camille, { reponse: '   ' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Écrivez votre réponse à l’usager\./);
  });

  test('a form from a page older than the item: 409, the typed text kept, nothing written', async () => {
    const r = await trackedRequest();
    const opened = (await get(`/agent/demandes/${r.reference}`, camille)).body;
    await citizenWrites(r, 'Finalement le trou est rebouché.');
    const before = (await events(r.reference)).length;
    const stale = await post(r.reference, 'reponse', camille, { reponse: 'Nous passons demain.' }, opened);
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /Cette demande a changé depuis que vous l’avez ouverte/);
    assert.match(stale.body, />\s*Nous passons demain\.<\/textarea>/, 'what was typed is kept');
    assert.match(stale.body, /Finalement le trou est rebouché\./, 'the page shows what changed');
    assert.equal((await events(r.reference)).length, before);
    const staleStatus = await post(r.reference, 'statut', camille, { statut: 'traitee', message: '' }, opened);
    assert.equal(staleStatus.statusCode, 409);
    const staleTake = await post(r.reference, 'prise-en-charge', camille, { agent: camilleId }, opened);
    assert.equal(staleTake.statusCode, 409);
    assert.equal((await events(r.reference)).length, before);
    // Sent again from the page as it is now: accepted.
    assert.equal(
      (await post(r.reference, 'reponse', camille, { reponse: 'Bien noté, merci.' }, stale.body)).statusCode,
      303,
    );
  });

  test('two agents change the same item at once: one wins, the other is told, nothing overwritten', async () => {
    const r = await trackedRequest();
    const [pageA, pageB] = [
      (await get(`/agent/demandes/${r.reference}`, camille)).body,
      (await get(`/agent/demandes/${r.reference}`, dominique)).body,
    ];
    const [a, b] = await Promise.all([
      post(r.reference, 'statut', camille, { statut: 'traitee', message: 'Réparé.' }, pageA),
      post(r.reference, 'statut', dominique, { statut: 'refusee', message: 'Hors de notre ressort.' }, pageB),
    ]);
    assert.deepEqual([a.statusCode, b.statusCode].sort(), [303, 409]);
    const changes = (await events(r.reference)).filter((e) => e.kind === 'status_changed');
    assert.equal(changes.length, 1);
  });

  test('a citizen message: unread for the agents until opened, and mailed to whoever has the item in hand', async () => {
    const r = await trackedRequest();
    await get(`/agent/demandes/${r.reference}`, camille);
    await post(r.reference, 'prise-en-charge', camille, { agent: camilleId });
    const unreadRow = (html: string) =>
      new RegExp(
        `<tr class="unread">\\s*<td class="select">(?:(?!</td>)[\\s\\S])*</td>\\s*<th scope="row" class="reference">\\s*<a[^>]*>${r.reference}`,
      ).test(html);
    assert.equal(unreadRow((await get('/agent/demandes?vue=mes', camille)).body), false);
    await citizenWrites(r, 'Il y a aussi un lampadaire cassé.');
    const list = await get('/agent/demandes?vue=mes&tri=activite', camille);
    assert.equal(unreadRow(list.body), true);
    assert.match(list.body, /Nouveau message/);
    await ctx.services.mail.flush();
    const mails = await mailsTo('camille.voirie@villebelle.example');
    assert.ok(mails.some((m) => m.subject === `Nouveau message de l’usager – demande ${r.reference}`));
    assert.ok(!mails.some((m) => /lampadaire/.test(m.text_body)), 'the message itself stays in the workspace');
    assert.ok(
      !(await mailsTo('dominique.voirie@villebelle.example')).some((m) => m.subject.includes(r.reference)),
      'only the agent in charge',
    );
    await get(`/agent/demandes/${r.reference}`, camille);
    assert.equal(unreadRow((await get('/agent/demandes?vue=mes', camille)).body), false, 'read once opened');
    // Nobody in charge: the service's agents are told.
    const other = await trackedRequest();
    await citizenWrites(other, 'Bonjour ?');
    await ctx.services.mail.flush();
    assert.ok((await mailsTo('dominique.voirie@villebelle.example')).some((m) => m.subject.includes(other.reference)));
    assert.ok(!(await mailsTo('eve.etatcivil@villebelle.example')).some((m) => m.subject.includes(other.reference)));
  });

  test('views and their counts: waiting for the citizen, late or due soon, all', async () => {
    const waiting = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: 'signaler-probleme-voirie',
      status: 'en_attente_usager',
    });
    const late = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: 'signaler-probleme-voirie',
      dueOn: '2020-01-02',
    });
    const closed = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'signaler-probleme-voirie' });
    await ctx.database.ownerQuery(`update requests set status = 'traitee', closed_at = now() where id = $1`, [
      closed.id,
    ]);
    const view = async (v: string) => (await get(`/agent/demandes?vue=${v}`, camille)).body;
    assert.match(await view('attente'), new RegExp(waiting.reference));
    assert.doesNotMatch(await view('attente'), new RegExp(late.reference));
    const due = await view('echeance');
    assert.match(due, new RegExp(late.reference));
    assert.match(due, /dépassé de/);
    assert.doesNotMatch(due, new RegExp(waiting.reference), 'the clock stops while waiting for the citizen');
    assert.doesNotMatch(await view('ouvertes'), new RegExp(closed.reference));
    assert.match(await view('toutes'), new RegExp(closed.reference));
    const counts = await view('ouvertes');
    const count = (label: string) => Number(new RegExp(`${label} \\((\\d+)\\)`).exec(counts)?.[1]);
    assert.ok(count('Toutes, closes comprises') > count('À traiter'));
    assert.ok(count('En attente de l’usager') >= 1);
  });

  test('a view downloads as CSV: the same items, French spreadsheet format, formulas neutralised', async () => {
    const r = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: 'signaler-probleme-voirie',
      applicantName: '=HYPERLINK("http://evil.example")',
    });
    const page = await get('/agent/demandes?vue=non-attribuees', camille);
    assert.match(page.body, /href="\/t\/villebelle\/agent\/demandes\.csv\?vue=non-attribuees" download/);
    const res = await get('/agent/demandes.csv?vue=non-attribuees', camille);
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv; charset=utf-8/);
    assert.match(
      String(res.headers['content-disposition']),
      /attachment; filename="demandes-non-attribuees-\d{4}-\d{2}-\d{2}\.csv"/,
    );
    assert.ok(res.body.startsWith('\ufeffRéférence;Démarche;Service;Demandeur;'));
    const line = res.body.split('\r\n').find((l) => l.startsWith(r.reference))!;
    assert.ok(line, 'the item is in the export');
    assert.match(line, /;"'=HYPERLINK\(""http:\/\/evil\.example""\)";/);
    // Another service's agent exports nothing of voirie-propreté.
    const other = await get('/agent/demandes.csv?vue=toutes', ec);
    assert.doesNotMatch(other.body, new RegExp(r.reference));
    assert.equal((await ctx.app.inject({ url: `${BASE}/agent/demandes.csv` })).statusCode, 303);
  });

  test('a transfer to another service: with a reason, out of the first service, its agents told', async () => {
    const r = await trackedRequest();
    await post(r.reference, 'prise-en-charge', camille, { agent: camilleId });
    const page = (await get(`/agent/demandes/${r.reference}`, camille)).body;
    assert.match(page, /<summary>Transférer à un autre service<\/summary>/);
    const services = await ctx.database.ownerQuery(
      `select id, slug from services where tenant_id = $1 and slug in ('etat-civil', 'voirie-proprete')`,
      [ctx.tenantId],
    );
    const id = (slug: string) => String(services.rows.find((x) => x.slug === slug)!.id);
    const noReason = await post(r.reference, 'transfert', camille, { service: id('etat-civil'), motif: ' ' }, page);
    assert.equal(noReason.statusCode, 400);
    assert.match(noReason.body, /Indiquez pourquoi vous transférez cette demande\./);
    const same = await post(r.reference, 'transfert', camille, { service: id('voirie-proprete'), motif: 'Test' });
    assert.equal(same.statusCode, 400);
    assert.match(same.body, /déjà dans ce service/);
    const done = await post(r.reference, 'transfert', camille, {
      service: id('etat-civil'),
      motif: 'Il s’agit d’un acte de naissance.',
    });
    assert.equal(done.statusCode, 303);
    const inbox = await ctx.app.inject({ url: String(done.headers.location), headers: { cookie: camille } });
    assert.match(inbox.body, new RegExp(`La demande ${r.reference} est transférée au service État civil`));
    assert.equal((await get(`/agent/demandes/${r.reference}`, camille)).statusCode, 404, 'no longer camille’s service');
    const opened = await get(`/agent/demandes/${r.reference}`, ec);
    assert.equal(opened.statusCode, 200);
    assert.match(
      opened.body,
      /Transférée du service Voirie et propreté au service État civil par Camille Voirie\. Motif : Il s’agit d’un acte de naissance\./,
    );
    assert.match(opened.body, /Personne ne l’a encore prise en charge/);
    await ctx.services.mail.flush();
    assert.ok(
      (await mailsTo('eve.etatcivil@villebelle.example')).some(
        (m) => m.subject === `Demande ${r.reference} transférée à votre service`,
      ),
    );
    const tracking = await ctx.app.inject({ url: `${BASE}/suivi/${r.reference}?cle=${r.secret}` });
    assert.doesNotMatch(tracking.body, /Transf|acte de naissance/);
  });

  test('a phone call noted by the agent: an item with its reference, in the agent’s hands or closed at once', async () => {
    const form = await get('/agent/contacts/nouveau', camille);
    assert.equal(form.statusCode, 200);
    const send = (fields: Record<string, string>) =>
      ctx.app.inject({
        method: 'POST',
        url: `${BASE}/agent/contacts/nouveau`,
        headers: { cookie: camille, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrfFrom(form.body), ...fields }).toString(),
      });
    const service = /<option value="([^"]+)"\s+selected>/.exec(form.body)?.[1] ?? '';
    assert.ok(service, 'one service: chosen for the agent');
    const missing = await send({ canal: 'telephone', nom: '', objet: '', service, suite: '', telephone: 'abc' });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /Indiquez le nom de la personne, ou choisissez sa fiche\./);
    assert.match(missing.body, /Indiquez l’objet de sa demande/);
    assert.match(missing.body, /Indiquez la suite donnée\./);
    assert.match(missing.body, /href="#suite-repondu"/, 'the summary leads to the first choice');
    const referred = await send({
      canal: 'guichet',
      nom: 'Paul Martin',
      objet: 'Aide au logement',
      service,
      suite: 'oriente',
    });
    assert.equal(referred.statusCode, 400);
    assert.match(referred.body, /Indiquez vers qui vous avez orienté la personne\./);
    assert.match(referred.body, /value="Paul Martin"/, 'what was typed is kept');

    const open = await send({
      canal: 'telephone',
      nom: 'Paul Martin',
      telephone: '06 12 34 56 78',
      courriel: 'paul.martin@example.org',
      objet: 'Lampadaire en panne rue Haute',
      service,
      suite: 'a-traiter',
      notes: 'Appelle tous les soirs depuis une semaine.',
    });
    assert.equal(open.statusCode, 303);
    const reference = /\/agent\/demandes\/([^?]+)\?fait=contact/.exec(String(open.headers.location))![1]!;
    const row = (
      await ctx.database.ownerQuery(
        `select r.channel, r.status, r.closed_at, r.applicant_phone, r.assigned_agent_id, d.slug
           from requests r join demarches d on d.id = r.demarche_id where r.reference = $1`,
        [reference],
      )
    ).rows[0]!;
    assert.deepEqual(
      { ...row, closed_at: row.closed_at === null },
      {
        channel: 'telephone',
        status: 'recue',
        closed_at: true,
        applicant_phone: '0612345678',
        assigned_agent_id: camilleId,
        slug: 'appel-telephonique',
      },
    );
    const page = await ctx.app.inject({ url: String(open.headers.location), headers: { cookie: camille } });
    assert.match(page.body, /Le contact est noté/);
    assert.match(page.body, /Appel téléphonique : Lampadaire en panne rue Haute/);
    assert.match(page.body, /Appelle tous les soirs depuis une semaine\./);
    assert.match((await get('/agent/demandes?vue=mes', camille)).body, new RegExp(reference));

    const answered = await send({
      canal: 'guichet',
      nom: 'Lina Roux',
      objet: 'Horaires de la déchetterie',
      service,
      suite: 'repondu',
    });
    const closedRef = /\/agent\/demandes\/([^?]+)\?/.exec(String(answered.headers.location))![1]!;
    const closed = (
      await ctx.database.ownerQuery(`select status, closed_at, channel from requests where reference = $1`, [closedRef])
    ).rows[0]!;
    assert.equal(closed.status, 'traitee');
    assert.ok(closed.closed_at);
    assert.equal(closed.channel, 'guichet');
    assert.doesNotMatch((await get('/agent/demandes', camille)).body, new RegExp(closedRef), 'not in the items to do');
  });

  test('an error page in the agent area keeps the agents’ header; elsewhere, or signed out, the citizens’', async () => {
    const agentHeader = (body: string) => /espace agents/.test(body) && /Se déconnecter \(Camille Voirie\)/.test(body);
    const citizenHeader = (body: string) => /Suivre une demande/.test(body);
    for (const path of ['/agent/nulle-part', '/agent/demandes/VB-2000-ZZZZZ']) {
      const page = await get(path, camille);
      assert.equal(page.statusCode, 404, path);
      assert.ok(agentHeader(page.body), `${path}: the agents' header`);
      assert.ok(!citizenHeader(page.body), `${path}: no citizens' links`);
      assert.match(page.body, /Retour aux demandes/);
    }
    const outside = await get('/nulle-part', camille);
    assert.equal(outside.statusCode, 404);
    assert.ok(citizenHeader(outside.body) && !agentHeader(outside.body));
    const signedOut = await get('/agent/nulle-part', '');
    assert.equal(signedOut.statusCode, 404);
    assert.ok(citizenHeader(signedOut.body) && !agentHeader(signedOut.body));
  });
});
