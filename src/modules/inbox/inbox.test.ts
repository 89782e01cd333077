import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { csrfFrom, ensureDemarche, insertAgent, insertRequest, loginAgent } from '../../../test/support/factories.ts';
import { encodeForm, type Fields } from '../../../test/support/http.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'sapin-radis-olive-11';
const VOIRIE = 'signaler-probleme-voirie';
const OTHER = 'test-inbox-eclairage';

describe(`the inbox: filters, tags, saved views, bulk actions, mentions (${TEST_DB})`, () => {
  let ctx: TestContext;
  let camille: string; // agent of voirie-propreté
  let dominique: string; // another agent of voirie-propreté
  let sacha: string; // supervisor of voirie-propreté
  let admin: string;
  let camilleId = '';
  let dominiqueId = '';
  let voirieId = '';
  let etatCivilId = '';
  let otherDemarcheId = '';

  async function get(path: string, cookie: string) {
    return ctx.app.inject({ method: 'GET', url: `${BASE}${path}`, headers: { cookie } });
  }

  /** Posts a form with the CSRF token of page `from` (fetched as this agent). */
  async function post(path: string, cookie: string, fields: Fields, from = '/agent/demandes') {
    const page = await get(from, cookie);
    const { payload, contentType } = await encodeForm({ _csrf: csrfFrom(page.body), ...fields });
    return ctx.app.inject({
      method: 'POST',
      url: `${BASE}${path}`,
      headers: { cookie, 'content-type': contentType },
      payload,
    });
  }

  async function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await ctx.database.ownerQuery(text, params)).rows as T[];
  }

  /** The references the list shows, in order. */
  function listed(body: string): string[] {
    return [...body.matchAll(/<th scope="row" class="reference">\s*<a[^>]*>([A-Z0-9-]+)<\/a>/g)].map((m) => m[1]!);
  }

  async function revisionOf(reference: string): Promise<number> {
    return (await sql<{ revision: number }>('select revision from requests where reference = $1', [reference]))[0]!
      .revision;
  }

  /** A request of voirie (or of the other voirie démarche), with a few columns set as the test needs. */
  async function item(
    options: { demarche?: string; channel?: string; dueOn?: string; assignee?: string | null; status?: string } = {},
  ) {
    const r = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: options.demarche ?? VOIRIE,
      dueOn: options.dueOn,
    });
    await ctx.database.ownerQuery(
      `update requests set channel = $1, assigned_agent_id = $2, status = $3,
         closed_at = case when $3 in ('traitee', 'refusee') then now() else null end where id = $4`,
      [options.channel ?? 'en-ligne', options.assignee ?? null, options.status ?? 'recue', r.id],
    );
    return r;
  }

  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

  before(async () => {
    ctx = await createTestContext();
    camilleId = await insertAgent(ctx.database, ctx.tenantId, {
      email: 'camille.voirie@villebelle.example',
      name: 'Camille Voirie',
      password: PASSWORD,
      serviceSlugs: ['voirie-proprete'],
    });
    dominiqueId = await insertAgent(ctx.database, ctx.tenantId, {
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
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'alex.admin@villebelle.example',
      name: 'Alex Admin',
      password: PASSWORD,
      role: 'admin',
    });
    const other = await ensureDemarche(ctx.database, ctx.tenantId, {
      slug: OTHER,
      serviceSlug: 'voirie-proprete',
      title: 'Éclairage public',
    });
    otherDemarcheId = other.id;
    voirieId = other.serviceId;
    etatCivilId = (await sql<{ id: string }>(`select id from services where slug = 'etat-civil'`))[0]!.id;
    camille = await loginAgent(ctx.app, 'camille.voirie@villebelle.example', PASSWORD);
    dominique = await loginAgent(ctx.app, 'dominique.voirie@villebelle.example', PASSWORD);
    sacha = await loginAgent(ctx.app, 'sacha.chef@villebelle.example', PASSWORD);
    admin = await loginAgent(ctx.app, 'alex.admin@villebelle.example', PASSWORD);
  });
  after(async () => ctx.close());

  test('filters by démarche, channel, status, assignee and due date, with counts under the same filters', async () => {
    const phone = await item({ demarche: OTHER, channel: 'telephone', assignee: camilleId });
    const web = await item({ demarche: OTHER, channel: 'en-ligne' });
    const late = await item({ demarche: OTHER, dueOn: day(-3), assignee: dominiqueId });
    const waiting = await item({ demarche: OTHER, status: 'en_attente_usager', dueOn: day(-3) });
    const later = await item({ demarche: OTHER, dueOn: day(40) });
    const d = `demarche=${otherDemarcheId}`;

    const all = listed((await get(`/agent/demandes?${d}`, camille)).body);
    assert.deepEqual(new Set(all), new Set([phone, web, late, waiting, later].map((r) => r.reference)));
    assert.doesNotMatch(all.join(), /undefined/);

    assert.deepEqual(listed((await get(`/agent/demandes?${d}&canal=telephone`, camille)).body), [phone.reference]);
    assert.deepEqual(listed((await get(`/agent/demandes?${d}&agent=moi`, camille)).body), [phone.reference]);
    assert.deepEqual(listed((await get(`/agent/demandes?${d}&agent=${dominiqueId}`, camille)).body), [late.reference]);
    assert.deepEqual(
      new Set(listed((await get(`/agent/demandes?${d}&agent=personne`, camille)).body)),
      new Set([web.reference, waiting.reference, later.reference]),
    );
    assert.deepEqual(listed((await get(`/agent/demandes?${d}&statut=en_attente_usager`, camille)).body), [
      waiting.reference,
    ]);
    // Late: the clock must run (the item waiting for the citizen is not late).
    assert.deepEqual(listed((await get(`/agent/demandes?${d}&echeance=retard`, camille)).body), [late.reference]);
    const within = new Set(listed((await get(`/agent/demandes?${d}&echeance=jours&jours=15`, camille)).body));
    assert.deepEqual(within, new Set([phone.reference, web.reference, late.reference]));
    assert.deepEqual(
      new Set(listed((await get(`/agent/demandes?${d}&echeance=avant&avant=${day(0)}`, camille)).body)),
      new Set([late.reference, waiting.reference]),
    );
    // The filters' panel is open only while a filter is on (the script leaves it as sent).
    assert.doesNotMatch((await get('/agent/demandes', camille)).body, /<details class="filter-panel"\s+open/);
    assert.match((await get(`/agent/demandes?${d}`, camille)).body, /<details class="filter-panel"\s+open/);
    // The counts of the views follow the filters.
    const page = (await get(`/agent/demandes?${d}&canal=telephone`, camille)).body;
    assert.match(page, /Mes demandes \(1\)/);
    assert.match(page, /Non prises en charge \(0\)/);
    assert.match(page, /Toutes, closes comprises \(1\)/);
    // The CSV export is the filtered view.
    const csv = await get(`/agent/demandes.csv?${d}&agent=personne`, camille);
    assert.equal(csv.statusCode, 200);
    assert.match(csv.body, new RegExp(web.reference));
    assert.doesNotMatch(csv.body, new RegExp(phone.reference));
  });

  test('filters by service: only the agent’s own; another service is refused with a message', async () => {
    const r = await item({ demarche: OTHER });
    const mine = await get(`/agent/demandes?demarche=${otherDemarcheId}&service=${voirieId}`, admin);
    assert.ok(listed(mine.body).includes(r.reference));
    const elsewhere = await get(`/agent/demandes?demarche=${otherDemarcheId}&service=${etatCivilId}`, admin);
    assert.deepEqual(listed(elsewhere.body), []);
    const refused = await get(`/agent/demandes?service=${etatCivilId}`, camille);
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Ce service n’existe pas ou ne fait pas partie des vôtres/);
  });

  test('invalid parameters: a clear message, the list still shown, never a 500', async () => {
    const res = await get(
      '/agent/demandes?vue=nulle&statut=perdu&canal=pigeon&agent=x&echeance=avant&avant=2026-02-30&tri=hasard&demarche=1&etiquette=zz',
      camille,
    );
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /<title>Erreur – Demandes/);
    for (const message of [
      'Cette vue n’existe pas',
      'Ce statut n’existe pas',
      'Ce canal n’existe pas',
      'Cet agent n’existe pas',
      'Indiquez une date d’échéance valide',
      'Cet ordre de tri n’existe pas',
      'Cette démarche n’existe pas',
      'Une étiquette demandée n’existe pas',
    ]) {
      assert.ok(res.body.includes(message), message);
    }
    const days = await get('/agent/demandes?echeance=jours&jours=999', camille);
    assert.equal(days.statusCode, 400);
    assert.match(days.body, /entre 0 et 60/);
    const csv = await get('/agent/demandes.csv?canal=pigeon', camille);
    assert.equal(csv.statusCode, 400);
  });

  test('tags: added on the request page (a new one by typing it, case ignored), on the timeline for agents, shown and filtered in the list', async () => {
    const a = await item({ demarche: OTHER });
    const b = await item({ demarche: OTHER });
    const page = `/agent/demandes/${a.reference}`;
    const revision = String(await revisionOf(a.reference));
    const added = await post(`${page}/etiquettes`, camille, { etiquette: '  Élu   local ', revision }, page);
    assert.equal(added.statusCode, 303);
    const again = await post(
      `/agent/demandes/${b.reference}/etiquettes`,
      dominique,
      { etiquette: 'élu LOCAL', revision: String(await revisionOf(b.reference)) },
      `/agent/demandes/${b.reference}`,
    );
    assert.equal(again.statusCode, 303);
    const tags = await sql<{ id: string; label: string }>('select id, label from tags where tenant_id = $1', [
      ctx.tenantId,
    ]);
    assert.deepEqual(
      tags.map((t) => t.label),
      ['Élu local'],
    );
    const events = await sql<{ kind: string; body: string; visible_to_citizen: boolean }>(
      `select e.kind, e.body, e.visible_to_citizen from request_events e join requests r on r.id = e.request_id
        where r.reference = $1 and e.kind = 'tags_changed'`,
      [a.reference],
    );
    assert.deepEqual(events, [
      { kind: 'tags_changed', body: 'Étiquette « Élu local » ajoutée par Camille Voirie.', visible_to_citizen: false },
    ]);
    // A stale page's tag is refused (409), nothing added.
    const stale = await post(`${page}/etiquettes`, camille, { etiquette: 'Autre', revision }, page);
    assert.equal(stale.statusCode, 409);
    assert.equal((await sql('select 1 from tags where label = $1', ['Autre'])).length, 0);

    const list = await get(`/agent/demandes?demarche=${otherDemarcheId}&etiquette=${tags[0]!.id}`, camille);
    assert.deepEqual(new Set(listed(list.body)), new Set([a.reference, b.reference]));
    assert.match(list.body, /<li class="tag">Élu local<\/li>/);

    const removed = await post(
      `${page}/etiquettes/retirer`,
      camille,
      { etiquette: tags[0]!.id, revision: String(await revisionOf(a.reference)) },
      page,
    );
    assert.equal(removed.statusCode, 303);
    const after = await get(`/agent/demandes?demarche=${otherDemarcheId}&etiquette=${tags[0]!.id}`, camille);
    assert.deepEqual(listed(after.body), [b.reference]);
    // The citizen never sees tag changes on their tracking page.
    const visible = await sql(`select 1 from request_events where kind = 'tags_changed' and visible_to_citizen`);
    assert.equal(visible.length, 0);
  });

  test('tags: administrators rename and delete them; agents may not', async () => {
    assert.equal((await get('/agent/admin/etiquettes', camille)).statusCode, 403);
    const r = await item({ demarche: OTHER });
    const page = `/agent/demandes/${r.reference}`;
    await post(
      `${page}/etiquettes`,
      camille,
      { etiquette: 'A rappeler', revision: String(await revisionOf(r.reference)) },
      page,
    );
    await post(
      `${page}/etiquettes`,
      camille,
      { etiquette: 'Urgent', revision: String(await revisionOf(r.reference)) },
      page,
    );
    const [rappeler] = await sql<{ id: string }>(`select id from tags where label = 'A rappeler'`);
    const [urgent] = await sql<{ id: string }>(`select id from tags where label = 'Urgent'`);
    const list = await get('/agent/admin/etiquettes', admin);
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /A rappeler/);
    const clash = await post(
      `/agent/admin/etiquettes/${rappeler!.id}`,
      admin,
      { libelle: 'urgent' },
      '/agent/admin/etiquettes',
    );
    assert.equal(clash.statusCode, 400);
    assert.match(clash.body, /Une autre étiquette s’appelle déjà « urgent »/);
    const renamed = await post(
      `/agent/admin/etiquettes/${rappeler!.id}`,
      admin,
      { libelle: 'À rappeler' },
      '/agent/admin/etiquettes',
    );
    assert.equal(renamed.statusCode, 303);
    assert.equal(
      (await sql<{ label: string }>('select label from tags where id = $1', [rappeler!.id]))[0]!.label,
      'À rappeler',
    );
    const deleted = await post(`/agent/admin/etiquettes/${urgent!.id}/supprimer`, admin, {}, '/agent/admin/etiquettes');
    assert.equal(deleted.statusCode, 303);
    assert.equal((await sql('select 1 from request_tags where tag_id = $1', [urgent!.id])).length, 0);
    assert.equal((await sql('select 1 from tags where id = $1', [urgent!.id])).length, 0);
    assert.equal(
      (await post(`/agent/admin/etiquettes/${urgent!.id}/supprimer`, camille, {}, '/agent/demandes')).statusCode,
      403,
    );
  });

  test('saved views: saved with filters and sort, in the views menu with their count, shared with a service, renamed and deleted by their owner only', async () => {
    await item({ demarche: OTHER, channel: 'guichet' });
    await item({ demarche: OTHER, channel: 'guichet' });
    const query = `tri=depot&demarche=${otherDemarcheId}&canal=guichet`;
    const saved = await post('/agent/vues', camille, { nom: 'Accueil éclairage', partage: voirieId, requete: query });
    assert.equal(saved.statusCode, 303);
    const [view] = await sql<{ id: string; query: string; shared_service_id: string; agent_id: string }>(
      `select id, query, shared_service_id, agent_id from saved_views where name = 'Accueil éclairage'`,
    );
    assert.equal(view!.agent_id, camilleId);
    assert.equal(view!.shared_service_id, voirieId);
    assert.equal(view!.query, `tri=depot&demarche=${otherDemarcheId}&canal=guichet`);
    const count = (
      await sql<{ n: number }>(
        `select count(*)::int as n from requests where demarche_id = $1 and channel = 'guichet' and closed_at is null`,
        [otherDemarcheId],
      )
    )[0]!.n;
    assert.match((await get('/agent/demandes', camille)).body, new RegExp(`Accueil éclairage \\(${count}\\)`));
    // Shared with voirie: Dominique sees it, and says whose it is.
    assert.match(
      (await get('/agent/demandes', dominique)).body,
      /Accueil éclairage \(\d+\) <span class="hint">– partagée par Camille Voirie/,
    );
    // A name already taken is refused, what was typed is kept.
    const taken = await post('/agent/vues', camille, { nom: 'accueil ÉCLAIRAGE', partage: '', requete: query });
    assert.equal(taken.statusCode, 400);
    assert.match(taken.body, /Vous avez déjà une vue nommée/);
    assert.match(taken.body, /value="accueil ÉCLAIRAGE"/);
    // A service that is not the agent's cannot be shared with.
    const foreign = await post('/agent/vues', camille, { nom: 'Autre', partage: etatCivilId, requete: query });
    assert.equal(foreign.statusCode, 400);
    // Only the owner renames or deletes it.
    assert.equal((await post(`/agent/vues/${view!.id}`, dominique, { nom: 'Pris' }, '/agent/vues')).statusCode, 404);
    assert.equal((await post(`/agent/vues/${view!.id}/supprimer`, dominique, {}, '/agent/vues')).statusCode, 404);
    const renamed = await post(`/agent/vues/${view!.id}`, camille, { nom: 'Éclairage à l’accueil' }, '/agent/vues');
    assert.equal(renamed.statusCode, 303);
    assert.equal(
      (await sql<{ name: string }>('select name from saved_views where id = $1', [view!.id]))[0]!.name,
      'Éclairage à l’accueil',
    );
    assert.equal((await post(`/agent/vues/${view!.id}/supprimer`, camille, {}, '/agent/vues')).statusCode, 303);
    assert.equal((await sql('select 1 from saved_views where id = $1', [view!.id])).length, 0);
  });

  test('bulk actions: each item through its use case; a stale item and a refused item are left untouched and listed', async () => {
    const a = await item({ demarche: OTHER });
    const b = await item({ demarche: OTHER });
    const closed = await item({ demarche: OTHER, status: 'traitee' });
    const listPage = await get(`/agent/demandes?vue=toutes&demarche=${otherDemarcheId}`, camille);
    const value = (r: { reference: string }) =>
      new RegExp(`value="(${r.reference}:\\d+)"`).exec(listPage.body)?.[1] ?? '';
    const selection = [value(a), value(b), value(closed)];
    assert.ok(selection.every((s) => s !== ''));
    // A colleague changes b after the list was shown.
    await ctx.database.ownerQuery(
      `insert into request_events (tenant_id, request_id, kind, body, author_kind, visible_to_citizen)
       values ($1, $2, 'internal_note', 'Je regarde.', 'agent', false)`,
      [ctx.tenantId, b.id],
    );
    const res = await post('/agent/demandes/selection', camille, {
      selection,
      action: 'statut',
      statut: 'en_cours',
      texte: '',
      retour: `vue=toutes&demarche=${otherDemarcheId}`,
    });
    assert.equal(res.statusCode, 303);
    const location = String(res.headers.location);
    assert.match(location, /fait=selection/);
    const statuses = await sql<{ reference: string; status: string }>(
      'select reference, status from requests where reference = any($1)',
      [[a.reference, b.reference, closed.reference]],
    );
    const statusOf = (r: { reference: string }) => statuses.find((s) => s.reference === r.reference)!.status;
    assert.equal(statusOf(a), 'en_cours');
    assert.equal(statusOf(b), 'recue', 'changed since the list: untouched');
    assert.equal(statusOf(closed), 'traitee', 'refused by the status rules: untouched');
    const summary = await ctx.app.inject({ method: 'GET', url: location, headers: { cookie: camille } });
    assert.equal(summary.statusCode, 200);
    assert.match(summary.body, /1 demande modifiée/);
    assert.match(summary.body, /2 demandes laissées telles quelles/);
    assert.match(summary.body, new RegExp(`${b.reference}</a> :\\s*elle a changé depuis l’affichage de la liste`));
    assert.match(
      summary.body,
      new RegExp(`${closed.reference}</a> :\\s*son statut actuel ne permet pas ce changement`),
    );
    // The same list, its filters kept.
    assert.match(location, new RegExp(`demarche=${otherDemarcheId}`));
  });

  test('bulk actions: a plain agent cannot hand items to someone else; a supervisor can, and tags and transfers go item by item', async () => {
    const a = await item({ demarche: OTHER });
    const b = await item({ demarche: OTHER });
    const selection = [
      `${a.reference}:${await revisionOf(a.reference)}`,
      `${b.reference}:${await revisionOf(b.reference)}`,
    ];
    const refused = await post('/agent/demandes/selection', camille, {
      selection,
      action: 'attribuer',
      agent: dominiqueId,
      retour: '',
    });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Seul un responsable confie une demande/);
    assert.match(refused.body, new RegExp(`value="${a.reference}:\\d+"\\s+id="sel-${a.reference}"\\s+checked`));
    const given = await post('/agent/demandes/selection', sacha, {
      selection,
      action: 'attribuer',
      agent: dominiqueId,
      retour: '',
    });
    assert.equal(given.statusCode, 303);
    const assigned = await sql<{ assigned_agent_id: string }>(
      'select assigned_agent_id from requests where reference = any($1)',
      [[a.reference, b.reference]],
    );
    assert.deepEqual(
      assigned.map((r) => r.assigned_agent_id),
      [dominiqueId, dominiqueId],
    );
    const tagged = await post('/agent/demandes/selection', camille, {
      selection: [`${a.reference}:${await revisionOf(a.reference)}`, `${b.reference}:${await revisionOf(b.reference)}`],
      action: 'etiqueter',
      etiquette: 'Campagne hiver',
      retour: '',
    });
    assert.equal(tagged.statusCode, 303);
    const tags = await sql(
      `select 1 from request_tags rt join tags t on t.id = rt.tag_id join requests r on r.id = rt.request_id
        where t.label = 'Campagne hiver' and r.reference = any($1)`,
      [[a.reference, b.reference]],
    );
    assert.equal(tags.length, 2);
    const noReason = await post('/agent/demandes/selection', camille, {
      selection: [`${a.reference}:${await revisionOf(a.reference)}`],
      action: 'transferer',
      service: etatCivilId,
      texte: ' ',
      retour: '',
    });
    assert.equal(noReason.statusCode, 400);
    assert.match(noReason.body, /Indiquez pourquoi vous transférez ces demandes/);
    const moved = await post('/agent/demandes/selection', camille, {
      selection: [`${a.reference}:${await revisionOf(a.reference)}`],
      action: 'transferer',
      service: etatCivilId,
      texte: 'Relève de l’état civil.',
      retour: '',
    });
    assert.equal(moved.statusCode, 303);
    assert.equal(
      (await sql<{ service_id: string }>('select service_id from requests where id = $1', [a.id]))[0]!.service_id,
      etatCivilId,
    );
    const none = await post('/agent/demandes/selection', camille, { action: 'prendre', retour: '' });
    assert.equal(none.statusCode, 400);
    assert.match(none.body, /Cochez au moins une demande/);
  });

  test('mentions: the item shows « Mentionné » to the mentioned agent until they open it, and is in their « Mentions » view', async () => {
    const r = await item({ demarche: OTHER });
    const page = `/agent/demandes/${r.reference}`;
    const noted = await post(`${page}/notes`, camille, { note: 'Peux-tu regarder, @dominique.voirie ?' }, page);
    assert.equal(noted.statusCode, 303);
    const rows = await sql<{ agent_id: string }>('select agent_id from request_mentions where request_id = $1', [r.id]);
    assert.deepEqual(
      rows.map((x) => x.agent_id),
      [dominiqueId],
    );
    const mentions = await get('/agent/demandes?vue=mentions', dominique);
    assert.deepEqual(listed(mentions.body), [r.reference]);
    assert.match(mentions.body, /Mentions \(1\)/);
    assert.match(mentions.body, /<strong class="tag mention">Mentionné<\/strong>/);
    // The author is not mentioned by their own note.
    assert.deepEqual(listed((await get('/agent/demandes?vue=mentions', camille)).body), []);
    await get(page, dominique);
    const afterOpening = await get('/agent/demandes?vue=mentions', dominique);
    assert.deepEqual(listed(afterOpening.body), []);
    assert.match(afterOpening.body, /Mentions \(0\)/);
  });
});
