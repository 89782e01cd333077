import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { csrfFrom, ensureService, insertAgent, loginAgent } from '../../../test/support/factories.ts';
import { openForm, postForm, type Fields } from '../../../test/support/http.ts';
import { receiveInboundMail } from '../inbound-mail/receive-inbound-mail.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'sapin-radis-olive-11';

describe(`routing rules, round-robin and absences (${TEST_DB})`, () => {
  let ctx: TestContext;
  let admin: string;
  let voirie: string; // service of « Signaler un problème de voirie »
  let urbanisme: string;
  let tour: string; // a service whose agents take new items in turn
  let tourAgents: Record<'anne' | 'bruno' | 'chloe', string>;

  async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await ctx.database.ownerQuery(text, params)).rows as T[];
  }

  async function adminPost(path: string, fields: Fields, page = '/agent/admin/routage') {
    const form = await ctx.app.inject({ method: 'GET', url: `${BASE}${page}`, headers: { cookie: admin } });
    assert.equal(form.statusCode, 200, form.body.slice(0, 300));
    return postForm(ctx.app, `${BASE}${path}`, { cookie: admin, csrf: csrfFrom(form.body) }, fields);
  }

  async function addRule(fields: Fields): Promise<string> {
    const res = await adminPost(
      '/agent/admin/routage/nouvelle',
      { actif: 'oui', ...fields },
      '/agent/admin/routage/nouvelle',
    );
    assert.equal(res.statusCode, 303, res.body.slice(0, 2000));
    const rows = await sql<{ id: string }>('select id from routing_rules where tenant_id = $1 and name = $2', [
      ctx.tenantId,
      fields.nom,
    ]);
    return rows[0]!.id;
  }

  /** Files « Signaler un problème de voirie » online and returns its reference. */
  async function fileVoirie(
    description: string,
    address: { postalCode?: string; city?: string; street?: string } = {},
  ) {
    const url = `${BASE}/demarches/signaler-probleme-voirie/demande`;
    const session = await openForm(ctx.app, url);
    const res = await postForm(ctx.app, url, session, {
      categorie: 'chaussee',
      lieu__street: address.street ?? '3 rue Haute',
      lieu__postal_code: address.postalCode ?? '00000',
      lieu__city: address.city ?? 'Villebelle',
      description,
      applicant_given_name: 'Ada',
      applicant_family_name: 'Lovelace',
      applicant_email: 'ada@example.org',
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 2000));
    return decodeURIComponent(/\/demandes\/([^/]+)\/confirmation/.exec(String(res.headers.location))![1]!);
  }

  async function routed(reference: string) {
    const [r] = await sql<{ service_id: string; assigned_agent_id: string | null }>(
      'select service_id, assigned_agent_id from requests where reference = $1',
      [reference],
    );
    const events = await sql<{ kind: string; body: string; author_kind: string; visible_to_citizen: boolean }>(
      `select e.kind, e.body, e.author_kind, e.visible_to_citizen from request_events e
        join requests r on r.id = e.request_id where r.reference = $1 order by e.created_at, e.id`,
      [reference],
    );
    return { ...r!, events };
  }

  before(async () => {
    ctx = await createTestContext({ env: { FORM_RATE_LIMIT: '1000', ANONYMOUS_POST_RATE_LIMIT: '1000' } });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'admin.routage@villebelle.example',
      name: 'Alix Admin',
      password: PASSWORD,
      role: 'admin',
    });
    admin = await loginAgent(ctx.app, 'admin.routage@villebelle.example', PASSWORD);
    voirie = await ensureService(ctx.database, ctx.tenantId, 'voirie-proprete');
    urbanisme = await ensureService(ctx.database, ctx.tenantId, 'urbanisme');
    tour = await ensureService(ctx.database, ctx.tenantId, 'tour-de-role', 'Éclairage public');
    tourAgents = {
      anne: await insertAgent(ctx.database, ctx.tenantId, {
        email: 'anne.eclairage@villebelle.example',
        name: 'Anne Éclairage',
        password: PASSWORD,
        serviceSlugs: ['tour-de-role'],
      }),
      bruno: await insertAgent(ctx.database, ctx.tenantId, {
        email: 'bruno.eclairage@villebelle.example',
        name: 'Bruno Éclairage',
        password: PASSWORD,
        serviceSlugs: ['tour-de-role'],
      }),
      chloe: await insertAgent(ctx.database, ctx.tenantId, {
        email: 'chloe.eclairage@villebelle.example',
        name: 'Chloé Éclairage',
        password: PASSWORD,
        serviceSlugs: ['tour-de-role'],
      }),
    };
  });
  after(async () => ctx.close());

  describe('rules', () => {
    beforeEach(async () => {
      await sql('delete from routing_rules where tenant_id = $1', [ctx.tenantId]);
      ctx.services.caches.clear();
    });

    test('no rule: the démarche’s own service, and no routing event', async () => {
      const ref = await fileVoirie('Un trou dans la chaussée.');
      const r = await routed(ref);
      assert.equal(r.service_id, voirie);
      assert.deepEqual(
        r.events.map((e) => e.kind),
        ['submitted'],
      );
    });

    test('keywords are found without case or accents, at the start of a word', async () => {
      await addRule({ nom: 'Éclairage vers urbanisme', service: urbanisme, mots_cles: 'éclairage public\nlampadaire' });
      const byPhrase = await routed(await fileVoirie('L’ECLAIRAGE PUBLIC ne marche plus.'));
      assert.equal(byPhrase.service_id, urbanisme);
      const routedEvent = byPhrase.events.find((e) => e.kind === 'routed');
      assert.ok(routedEvent, 'a routed event');
      assert.equal(routedEvent.author_kind, 'system');
      assert.equal(routedEvent.visible_to_citizen, false);
      assert.match(routedEvent.body, /« Éclairage vers urbanisme »/);
      assert.deepEqual(
        byPhrase.events.map((e) => e.kind),
        ['submitted', 'routed'],
      );
      assert.equal((await routed(await fileVoirie('Deux Lampadaires éteints.'))).service_id, urbanisme);
      // « lampadaire » is not at the start of a word in « superlampadaire »; nothing else matches.
      assert.equal((await routed(await fileVoirie('Un superlampadaire tordu.'))).service_id, voirie);
    });

    test('places: a postcode, or a commune or district name in the address', async () => {
      await addRule({ nom: 'Hameau', service: urbanisme, lieux: '27100\nLes Tilleuls' });
      assert.equal(
        (await routed(await fileVoirie('Un trou sur la chaussée.', { postalCode: '27100' }))).service_id,
        urbanisme,
      );
      assert.equal(
        (await routed(await fileVoirie('Un trou sur la chaussée.', { postalCode: '27000' }))).service_id,
        voirie,
      );
      assert.equal(
        (await routed(await fileVoirie('Un trou sur la chaussée.', { street: '4 allée des tilleuls' }))).service_id,
        voirie,
        '« des tilleuls » is not « les tilleuls »',
      );
      assert.equal(
        (await routed(await fileVoirie('Un trou sur la chaussée.', { city: 'LES TILLEULS' }))).service_id,
        urbanisme,
      );
    });

    test('démarche, theme and channel conditions, all of a rule’s conditions together', async () => {
      const [encombrants] = await sql<{ id: string }>(
        `select id from demarches where tenant_id = $1 and slug = 'encombrants'`,
        [ctx.tenantId],
      );
      const [voirieDemarche] = await sql<{ id: string }>(
        `select id from demarches where tenant_id = $1 and slug = 'signaler-probleme-voirie'`,
        [ctx.tenantId],
      );
      await addRule({ nom: 'Encombrants', service: urbanisme, demarches: encombrants!.id });
      assert.equal((await routed(await fileVoirie('Un trou sur la chaussée.'))).service_id, voirie, 'another démarche');
      await addRule({
        nom: 'Cadre de vie par courriel',
        service: urbanisme,
        themes: 'cadre-de-vie',
        canaux: 'courriel',
      });
      assert.equal(
        (await routed(await fileVoirie('Un trou sur la chaussée.'))).service_id,
        voirie,
        'the theme holds, not the channel',
      );
      await addRule({ nom: 'Cadre de vie en ligne', service: urbanisme, themes: 'cadre-de-vie', canaux: 'en-ligne' });
      const r = await routed(await fileVoirie('Un trou sur la chaussée.'));
      assert.equal(r.service_id, urbanisme);
      assert.match(r.events.find((e) => e.kind === 'routed')!.body, /Cadre de vie en ligne/);
      await addRule({ nom: 'Voirie', service: urbanisme, demarches: voirieDemarche!.id });
      assert.match(
        (await routed(await fileVoirie('Un trou sur la chaussée.'))).events.find((e) => e.kind === 'routed')!.body,
        /Cadre de vie en ligne/,
        'the first matching rule wins',
      );
    });

    test('order: the first matching rule wins; moving and deactivating change which', async () => {
      const first = await addRule({ nom: 'Vers urbanisme', service: urbanisme, mots_cles: 'arbre' });
      const second = await addRule({ nom: 'Vers tour', service: tour, mots_cles: 'arbre' });
      assert.equal((await routed(await fileVoirie('Un arbre tombé.'))).service_id, urbanisme);
      const moved = await adminPost(`/agent/admin/routage/${second}/deplacer`, { sens: 'haut' });
      assert.equal(moved.statusCode, 303);
      assert.deepEqual(
        (
          await sql<{ id: string }>('select id from routing_rules where tenant_id = $1 order by position', [
            ctx.tenantId,
          ])
        ).map((r) => r.id),
        [second, first],
      );
      assert.equal((await routed(await fileVoirie('Un arbre tombé.'))).service_id, tour);
      const off = await adminPost(`/agent/admin/routage/${second}/activation`, { actif: 'non' });
      assert.equal(off.statusCode, 303);
      assert.equal(
        (await routed(await fileVoirie('Un arbre tombé.'))).service_id,
        urbanisme,
        'an inactive rule is skipped',
      );
      await adminPost(`/agent/admin/routage/${first}/activation`, { actif: 'non' });
      assert.equal((await routed(await fileVoirie('Un arbre tombé.'))).service_id, voirie, 'no active rule: fallback');
      const deleted = await adminPost(`/agent/admin/routage/${second}/supprimer`, {});
      assert.equal(deleted.statusCode, 303);
      assert.deepEqual(await sql('select position from routing_rules where tenant_id = $1', [ctx.tenantId]), [
        { position: 1 },
      ]);
    });

    test('a phone call noted with no service chosen is routed like the rest', async () => {
      await addRule({ nom: 'Appels', service: urbanisme, canaux: 'telephone' });
      const page = await ctx.app.inject({
        method: 'GET',
        url: `${BASE}/agent/contacts/nouveau`,
        headers: { cookie: admin },
      });
      const res = await postForm(
        ctx.app,
        `${BASE}/agent/contacts/nouveau`,
        { cookie: admin, csrf: csrfFrom(page.body) },
        { canal: 'telephone', nom: 'Paul Martin', objet: 'Un permis', service: '', suite: 'a-traiter' },
      );
      assert.equal(res.statusCode, 303, res.body.slice(0, 2000));
      const reference = decodeURIComponent(/\/agent\/demandes\/([^?]+)/.exec(String(res.headers.location))![1]!);
      const r = await routed(reference);
      assert.equal(r.service_id, urbanisme);
      assert.ok(r.events.some((e) => e.kind === 'routed' && /« Appels »/.test(e.body)));
    });

    test('a new email is routed like the rest (rules read inside the mail’s transaction)', async () => {
      await addRule({ nom: 'Courriels d’urbanisme', service: urbanisme, canaux: 'courriel', mots_cles: 'permis' });
      const raw = Buffer.from(
        [
          'From: Jeanne Martin <jeanne@example.org>',
          'To: villebelle@guichet.localhost',
          'Subject: Mon permis de construire',
          'Message-ID: <routage-1@example.org>',
          'Content-Type: text/plain; charset=utf-8',
          '',
          'Bonjour, où en est mon dossier ?',
          '',
        ].join('\r\n'),
      );
      const outcomes = await receiveInboundMail(ctx.services, raw, {
        mailFrom: 'jeanne@example.org',
        recipients: ['villebelle@guichet.localhost'],
      });
      assert.equal(outcomes.length, 1);
      const [item] = await sql<{ reference: string }>(
        `select r.reference from requests r join inbound_mails m on m.request_id = r.id where m.message_id like '%routage-1@example.org%'`,
      );
      const r = await routed(item!.reference);
      assert.equal(r.service_id, urbanisme);
      assert.deepEqual(
        r.events.map((e) => e.kind),
        ['email_received', 'routed'],
      );
    });

    test('« Tester » says which rule would apply, and writes nothing', async () => {
      await addRule({ nom: 'Hameau', service: urbanisme, lieux: '27100' });
      const [voirieDemarche] = await sql<{ id: string }>(
        `select id from demarches where tenant_id = $1 and slug = 'signaler-probleme-voirie'`,
        [ctx.tenantId],
      );
      const before = await sql<{ n: number }>('select count(*)::int as n from requests');
      const hit = await adminPost('/agent/admin/routage/tester', {
        demarche: voirieDemarche!.id,
        canal: 'en-ligne',
        texte: 'Un trou',
        code_postal: '27100',
        commune: '',
      });
      assert.equal(hit.statusCode, 200);
      assert.match(hit.body, /La règle « Hameau » s’appliquerait : la demande irait au service Urbanisme/);
      const miss = await adminPost('/agent/admin/routage/tester', {
        demarche: voirieDemarche!.id,
        canal: 'courriel',
        texte: '',
        code_postal: '27000',
        commune: '',
      });
      assert.match(miss.body, /Aucune règle ne s’appliquerait/);
      const bad = await adminPost('/agent/admin/routage/tester', {
        demarche: 'pas-une-demarche',
        canal: 'pigeon',
        texte: 'garde ce texte',
        code_postal: '271',
        commune: '',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /class="error-summary"/);
      assert.match(bad.body, /Le code postal a 5 chiffres/);
      assert.match(bad.body, /garde ce texte/);
      assert.deepEqual(await sql<{ n: number }>('select count(*)::int as n from requests'), before);
    });

    test('the rule form refuses bad input, says why and keeps what was typed', async () => {
      const send = (fields: Fields) =>
        adminPost('/agent/admin/routage/nouvelle', fields, '/agent/admin/routage/nouvelle');
      const empty = await send({ nom: '', service: urbanisme, mots_cles: 'gardé' });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /<title>Erreur – /);
      assert.match(empty.body, /Donnez un nom à la règle/);
      assert.match(empty.body, />\ngardé<\/textarea/);
      const noCondition = await send({ nom: 'Tout', service: urbanisme });
      assert.equal(noCondition.statusCode, 400);
      assert.match(noCondition.body, /Choisissez au moins une condition/);
      const badPlace = await send({ nom: 'Lieux', service: urbanisme, lieux: '271' });
      assert.match(badPlace.body, /code postal à 5 chiffres/);
      const badService = await send({
        nom: 'Ailleurs',
        service: '00000000-0000-4000-8000-000000000000',
        canaux: 'api',
      });
      assert.match(badService.body, /Choisissez le service où envoyer les demandes/);
      const badTheme = await send({ nom: 'Thème', service: urbanisme, themes: 'pas-un-theme' });
      assert.equal(badTheme.statusCode, 400);
      const badDemarche = await send({ nom: 'Démarche', service: urbanisme, demarches: 'x' });
      assert.match(badDemarche.body, /Choisissez des démarches de la liste/);
      assert.deepEqual(await sql('select id from routing_rules where tenant_id = $1', [ctx.tenantId]), []);
      const unknown = await adminPost('/agent/admin/routage/00000000-0000-4000-8000-000000000000/supprimer', {});
      assert.equal(unknown.statusCode, 404);
    });

    test('only administrators reach the routing page', async () => {
      await insertAgent(ctx.database, ctx.tenantId, {
        email: 'sup.routage@villebelle.example',
        password: PASSWORD,
        role: 'supervisor',
        serviceSlugs: ['urbanisme'],
      });
      const sup = await loginAgent(ctx.app, 'sup.routage@villebelle.example', PASSWORD);
      const res = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/admin/routage`, headers: { cookie: sup } });
      assert.equal(res.statusCode, 403);
    });
  });

  describe('round-robin', () => {
    before(async () => {
      await sql('delete from routing_rules where tenant_id = $1', [ctx.tenantId]);
      await addRule({ nom: 'Éclairage', service: tour, mots_cles: 'lampadaire' });
      const on = await adminPost('/agent/admin/routage/attribution', { services: tour });
      assert.equal(on.statusCode, 303);
      assert.deepEqual(await sql('select auto_assign from services where id = $1', [tour]), [{ auto_assign: true }]);
    });
    beforeEach(async () => {
      await sql('update agent_services set last_auto_assigned_at = null where service_id = $1', [tour]);
      await sql('update agents set active = true where id = any($1)', [Object.values(tourAgents)]);
      await sql('delete from agent_absences where tenant_id = $1', [ctx.tenantId]);
    });

    test('each new item goes to the agent who waited longest, by the system, on the timeline', async () => {
      const got: string[] = [];
      for (let i = 0; i < 4; i++)
        got.push((await routed(await fileVoirie('Un lampadaire éteint.'))).assigned_agent_id!);
      const { anne, bruno, chloe } = tourAgents;
      assert.deepEqual(got, [anne, bruno, chloe, anne]);
      const r = await routed(await fileVoirie('Encore un lampadaire.'));
      assert.equal(r.assigned_agent_id, bruno);
      assert.deepEqual(
        r.events.map((e) => e.kind),
        ['submitted', 'routed', 'assigned'],
      );
      const assigned = r.events.at(-1)!;
      assert.equal(assigned.author_kind, 'system');
      assert.match(assigned.body, /Attribuée automatiquement à Bruno Éclairage/);
    });

    test('deactivated and absent agents are skipped; nobody available leaves the item in the queue', async () => {
      const { anne, bruno, chloe } = tourAgents;
      await sql('update agents set active = false where id = $1', [anne]);
      // Bruno declares his own absence for today on the absences page.
      const brunoCookie = await loginAgent(ctx.app, 'bruno.eclairage@villebelle.example', PASSWORD);
      const page = await ctx.app.inject({
        method: 'GET',
        url: `${BASE}/agent/absences`,
        headers: { cookie: brunoCookie },
      });
      assert.equal(page.statusCode, 200);
      const today = new Date().toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' });
      const declared = await postForm(
        ctx.app,
        `${BASE}/agent/absences`,
        { cookie: brunoCookie, csrf: csrfFrom(page.body) },
        { agent: bruno, du: today, au: today, motif: 'Formation' },
      );
      assert.equal(declared.statusCode, 303, declared.body.slice(0, 2000));
      assert.equal((await routed(await fileVoirie('Un lampadaire éteint.'))).assigned_agent_id, chloe);
      assert.equal((await routed(await fileVoirie('Un lampadaire éteint.'))).assigned_agent_id, chloe);
      await sql('update agents set active = false where id = $1', [chloe]);
      const nobody = await routed(await fileVoirie('Un lampadaire éteint.'));
      assert.equal(nobody.assigned_agent_id, null);
      assert.deepEqual(
        nobody.events.map((e) => e.kind),
        ['submitted', 'routed'],
      );
    });

    test('items filed at the same time go to different agents while several are free', async () => {
      const { anne, bruno } = tourAgents;
      await sql('update agents set active = false where id = $1', [tourAgents.chloe]);
      const refs = await Promise.all([1, 2, 3, 4].map((i) => fileVoirie(`Lampadaire numéro ${i}.`)));
      const assignees = await Promise.all(refs.map(async (ref) => (await routed(ref)).assigned_agent_id));
      assert.equal(assignees.filter((a) => a === anne).length, 2, assignees.join());
      assert.equal(assignees.filter((a) => a === bruno).length, 2, assignees.join());
    });

    test('a transfer to a service that assigns in turn gives the item to its next agent, who alone is told; in bulk too', async () => {
      const { anne, bruno } = tourAgents;
      const one = await fileVoirie('Un trou rue Basse.');
      const two = await fileVoirie('Un trou rue Neuve.');
      assert.equal((await routed(one)).service_id, voirie);
      const page = await ctx.app.inject({
        method: 'GET',
        url: `${BASE}/agent/demandes/${one}`,
        headers: { cookie: admin },
      });
      const revision = /name="revision" value="(\d+)"/.exec(page.body)![1]!;
      const done = await postForm(
        ctx.app,
        `${BASE}/agent/demandes/${one}/transfert`,
        { cookie: admin, csrf: csrfFrom(page.body) },
        { service: tour, motif: 'C’est un lampadaire.', revision },
      );
      assert.equal(done.statusCode, 303, done.body.slice(0, 2000));
      const r = await routed(one);
      assert.equal(r.service_id, tour);
      assert.equal(r.assigned_agent_id, anne);
      assert.deepEqual(
        r.events.map((e) => e.kind),
        ['submitted', 'transferred', 'assigned'],
      );
      assert.equal(r.events.at(-1)!.author_kind, 'system');
      assert.match(
        r.events.at(-1)!.body,
        /Attribuée automatiquement à Anne Éclairage \(tour de rôle du service Éclairage public\)/,
      );
      const told = await sql<{ to_address: string }>(
        `select to_address from mail_outbox where subject = $1 order by to_address`,
        [`Demande ${one} transférée à votre service`],
      );
      assert.deepEqual(
        told.map((m) => m.to_address),
        ['anne.eclairage@villebelle.example'],
      );

      const rev = (await sql<{ revision: number }>('select revision from requests where reference = $1', [two]))[0]!
        .revision;
      const list = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/demandes`, headers: { cookie: admin } });
      const bulk = await postForm(
        ctx.app,
        `${BASE}/agent/demandes/selection`,
        { cookie: admin, csrf: csrfFrom(list.body) },
        { selection: `${two}:${rev}`, action: 'transferer', service: tour, texte: 'Éclairage public.', retour: '' },
      );
      assert.equal(bulk.statusCode, 303, bulk.body.slice(0, 2000));
      const moved = await routed(two);
      assert.equal(moved.service_id, tour);
      assert.equal(moved.assigned_agent_id, bruno, 'the next one in turn');
      assert.deepEqual(
        moved.events.map((e) => e.kind),
        ['submitted', 'transferred', 'assigned'],
      );
    });

    test('assignment lists mark an absent agent', async () => {
      const { chloe } = tourAgents;
      await sql(
        `insert into agent_absences (tenant_id, agent_id, starts_on, ends_on) values ($1, $2, current_date - 1, current_date + 3)`,
        [ctx.tenantId, chloe],
      );
      const ref = await fileVoirie('Un lampadaire éteint.');
      const page = await ctx.app.inject({
        method: 'GET',
        url: `${BASE}/agent/demandes/${ref}`,
        headers: { cookie: admin },
      });
      assert.match(page.body, /Chloé Éclairage \(absence jusqu’au /);
      assert.doesNotMatch(page.body, /Anne Éclairage \(absence/);
    });
  });

  describe('absences page', () => {
    test('an agent declares only their own; a supervisor those of their services; bad dates are refused', async () => {
      const { anne, bruno } = tourAgents;
      const anneCookie = await loginAgent(ctx.app, 'anne.eclairage@villebelle.example', PASSWORD);
      const page = await ctx.app.inject({
        method: 'GET',
        url: `${BASE}/agent/absences`,
        headers: { cookie: anneCookie },
      });
      const send = (cookie: string, csrf: string, fields: Fields) =>
        postForm(ctx.app, `${BASE}/agent/absences`, { cookie, csrf }, fields);
      const forOther = await send(anneCookie, csrfFrom(page.body), {
        agent: bruno,
        du: '01/12/2099',
        au: '02/12/2099',
      });
      assert.equal(forOther.statusCode, 400);
      assert.match(forOther.body, /Choisissez un agent de la liste/);
      const reversed = await send(anneCookie, csrfFrom(page.body), { agent: anne, du: '05/12/2099', au: '02/12/2099' });
      assert.equal(reversed.statusCode, 400);
      assert.match(reversed.body, /Le dernier jour vient après le premier/);
      assert.match(reversed.body, /value="05\/12\/2099"/);
      const garbage = await send(anneCookie, csrfFrom(page.body), { agent: anne, du: '31/02/2099', au: 'demain' });
      assert.match(garbage.body, /Indiquez le premier jour sous la forme/);
      await insertAgent(ctx.database, ctx.tenantId, {
        email: 'sup.eclairage@villebelle.example',
        name: 'Sam Responsable',
        password: PASSWORD,
        role: 'supervisor',
        serviceSlugs: ['tour-de-role'],
      });
      const sup = await loginAgent(ctx.app, 'sup.eclairage@villebelle.example', PASSWORD);
      const supPage = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/absences`, headers: { cookie: sup } });
      const ok = await send(sup, csrfFrom(supPage.body), {
        agent: bruno,
        du: '01/12/2099',
        au: '02/12/2099',
        motif: 'Congés',
      });
      assert.equal(ok.statusCode, 303, ok.body.slice(0, 2000));
      const [row] = await sql<{ id: string; starts_on: string }>(
        `select id, to_char(starts_on, 'YYYY-MM-DD') as starts_on from agent_absences where agent_id = $1 and reason = 'Congés'`,
        [bruno],
      );
      assert.equal(row!.starts_on, '2099-12-01');
      // Anne may not cancel Bruno's absence: « not found », as an unknown one.
      const cancel = await postForm(
        ctx.app,
        `${BASE}/agent/absences/${row!.id}/annuler`,
        { cookie: anneCookie, csrf: csrfFrom(page.body) },
        {},
      );
      assert.equal(cancel.statusCode, 404);
      const cancelled = await postForm(
        ctx.app,
        `${BASE}/agent/absences/${row!.id}/annuler`,
        { cookie: sup, csrf: csrfFrom(supPage.body) },
        {},
      );
      assert.equal(cancelled.statusCode, 303);
      assert.deepEqual(await sql('select id from agent_absences where id = $1', [row!.id]), []);
    });
  });
});
