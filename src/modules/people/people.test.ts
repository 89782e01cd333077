import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { csrfFrom, insertAgent, insertCitizen, insertRequest, loginAgent } from '../../../test/support/factories.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { anonymiseRequests } from '../privacy/anonymise.ts';
import { eraseCitizen } from '../privacy/erasure.ts';
import { collectCitizenData } from '../privacy/export-data.ts';
import { findOrCreatePerson } from './find-or-create-person.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'sapin-radis-olive-11';
const VOIRIE = 'signaler-probleme-voirie';

describe(`citizen records: intake, record page, duplicates, merge and undo, personal data (${TEST_DB})`, () => {
  let ctx: TestContext;
  let voirie: string; // agent of voirie-propreté
  let etatCivil: string; // agent of état civil
  let chef: string; // supervisor of état civil

  const q = async <T = Record<string, unknown>>(text: string, params: unknown[] = []) =>
    (await ctx.database.ownerQuery(text, params)).rows as T[];
  const get = (path: string, cookie: string) =>
    ctx.app.inject({ method: 'GET', url: `${BASE}${path}`, headers: { cookie } });
  async function post(path: string, cookie: string, fields: Record<string, string>, formPath = path) {
    const page = await get(formPath, cookie);
    return ctx.app.inject({
      method: 'POST',
      url: `${BASE}${path}`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfFrom(page.body), ...fields }).toString(),
    });
  }
  async function person(values: Record<string, string | null>): Promise<string> {
    const cols = Object.keys(values);
    const r = await q<{ id: string }>(
      `insert into people (tenant_id, ${cols.join(', ')}) values ($1, ${cols.map((_, i) => `$${i + 2}`).join(', ')}) returning id`,
      [ctx.tenantId, ...Object.values(values)],
    );
    return r[0]!.id;
  }
  async function requestOf(personId: string, demarcheSlug = VOIRIE) {
    const r = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug });
    await q('update requests set person_id = $1 where id = $2', [personId, r.id]);
    return r;
  }
  const personOf = async (requestId: string) =>
    (await q<{ person_id: string | null }>('select person_id from requests where id = $1', [requestId]))[0]!.person_id;

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
      email: 'sacha.chef@villebelle.example',
      name: 'Sacha Chef',
      password: PASSWORD,
      role: 'supervisor',
      serviceSlugs: ['etat-civil'],
    });
    voirie = await loginAgent(ctx.app, 'camille.voirie@villebelle.example', PASSWORD);
    etatCivil = await loginAgent(ctx.app, 'eve.etatcivil@villebelle.example', PASSWORD);
    chef = await loginAgent(ctx.app, 'sacha.chef@villebelle.example', PASSWORD);
  });
  after(async () => ctx.close());

  test('backfill: one person per account, others grouped by email then phone, one per named request, none when anonymised', async () => {
    const citizen = await insertCitizen(ctx.database, ctx.tenantId, 'backfill.compte@example.org', 'Nadia');
    const ofAccount = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: VOIRIE });
    await q('update requests set citizen_id = $1 where id = $2', [citizen, ofAccount.id]);
    const mail1 = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: VOIRIE,
      applicantEmail: 'Groupe.Mail@example.org',
    });
    const mail2 = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: VOIRIE,
      applicantEmail: 'groupe.mail@EXAMPLE.org',
    });
    const phone1 = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: VOIRIE, applicantEmail: null });
    const phone2 = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: VOIRIE, applicantEmail: null });
    await q(`update requests set applicant_phone = '06 11 22 33 44' where id = $1`, [phone1.id]);
    await q(`update requests set applicant_phone = '+33 6 11 22 33 44' where id = $1`, [phone2.id]);
    const named1 = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: VOIRIE, applicantEmail: null });
    const named2 = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: VOIRIE, applicantEmail: null });
    const gone = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: VOIRIE,
      applicantEmail: 'x@example.org',
    });
    await q(`update requests set anonymised_at = now() where id = $1`, [gone.id]);

    await q('select guichet_backfill_people()');
    const accountPerson = await q<{ id: string; email: string; given_name: string }>(
      'select id, email, given_name from people where citizen_id = $1',
      [citizen],
    );
    assert.equal(accountPerson.length, 1);
    assert.equal(accountPerson[0]!.given_name, 'Nadia');
    assert.equal(await personOf(ofAccount.id), accountPerson[0]!.id);
    assert.ok(await personOf(mail1.id));
    assert.equal(await personOf(mail1.id), await personOf(mail2.id), 'same email, case ignored');
    assert.ok(await personOf(phone1.id));
    assert.equal(await personOf(phone1.id), await personOf(phone2.id), 'same phone key');
    assert.notEqual(await personOf(named1.id), await personOf(named2.id), 'a name alone groups nothing');
    assert.equal(await personOf(gone.id), null, 'an anonymised request gets no person');
    // Running it again adds nothing.
    const before = (await q<{ n: number }>('select count(*)::int as n from people'))[0]!.n;
    await q('select guichet_backfill_people()');
    assert.equal((await q<{ n: number }>('select count(*)::int as n from people'))[0]!.n, before);
  });

  test('intake: a form without account joins the record of the same email; an account keeps its verified identity', async () => {
    const send = async (email: string) => {
      const form = await ctx.app.inject({ method: 'GET', url: `${BASE}/demarches/${VOIRIE}/demande` });
      const cookie = [form.headers['set-cookie'] ?? []]
        .flat()
        .map((c) => c.split(';')[0])
        .join('; ');
      const res = await ctx.app.inject({
        method: 'POST',
        url: `${BASE}/demarches/${VOIRIE}/demande`,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          _csrf: csrfFrom(form.body),
          categorie: 'chaussee',
          lieu__street: '3 rue Haute',
          lieu__postal_code: '00000',
          lieu__city: 'Villebelle',
          description: 'Nid-de-poule',
          applicant_given_name: 'Ada',
          applicant_family_name: 'Lovelace',
          applicant_email: email,
        }).toString(),
      });
      assert.equal(res.statusCode, 303, res.body.slice(0, 300));
      const reference = /\/demandes\/([^/]+)\/confirmation/.exec(String(res.headers.location))![1]!;
      return (await q<{ person_id: string }>('select person_id from requests where reference = $1', [reference]))[0]!
        .person_id;
    };
    const first = await send('ada.intake@example.org');
    const second = await send('ADA.Intake@example.org');
    assert.ok(first);
    assert.equal(second, first);
    const row = (
      await q<{ given_name: string; family_name: string; email: string }>('select * from people where id = $1', [first])
    )[0]!;
    assert.deepEqual([row.given_name, row.family_name, row.email], ['Ada', 'Lovelace', 'ada.intake@example.org']);

    const citizen = await insertCitizen(ctx.database, ctx.tenantId, 'verifie@example.org', 'Jeanne');
    await q(
      `update citizens set franceconnect_sub = 'sub-1', identity_verified_at = '2026-11-01T10:00:00Z',
         family_name = 'MOREAU', birthdate = '1980-05-04' where id = $1`,
      [citizen],
    );
    const id = await inTenant(ctx.database.db, ctx.tenantId, (trx) =>
      findOrCreatePerson(trx, ctx.tenantId, { kind: 'account', citizenId: citizen }),
    );
    const again = await inTenant(ctx.database.db, ctx.tenantId, (trx) =>
      findOrCreatePerson(trx, ctx.tenantId, { kind: 'account', citizenId: citizen }),
    );
    assert.equal(again, id);
    const p = (
      await q<{ family_name: string; identity_source: string; birthdate: string }>(
        `select family_name, identity_source, to_char(birthdate, 'YYYY-MM-DD') as birthdate from people where id = $1`,
        [id],
      )
    )[0]!;
    assert.deepEqual([p.family_name, p.identity_source, p.birthdate], ['MOREAU', 'franceconnect', '1980-05-04']);
  });

  test('record page: least privilege, one timeline, other services counted, the view logged; a verified identity is not editable', async () => {
    const id = await person({ given_name: 'Louise', family_name: 'Michel', email: 'louise@example.org' });
    const r = await requestOf(id);
    await q(
      `insert into request_events (tenant_id, request_id, kind, body, author_kind, visible_to_citizen)
       values ($1, $2, 'citizen_message', 'Le trou est toujours là.', 'citizen', true)`,
      [ctx.tenantId, r.id],
    );
    const page = await get(`/agent/usagers/${id}`, voirie);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Fiche usager : Louise Michel/);
    assert.match(page.body, new RegExp(r.reference));
    assert.match(page.body, /Le trou est toujours là\./);
    assert.equal((await get(`/agent/usagers/${id}`, etatCivil)).statusCode, 404, 'no item in their services');
    const asChef = await get(`/agent/usagers/${id}`, chef);
    assert.equal(asChef.statusCode, 200, 'a supervisor sees every record');
    assert.doesNotMatch(asChef.body, new RegExp(r.reference), 'but not the items of other services');
    assert.match(asChef.body, /Une autre demande de cette\s+personne est suivie par\s+un autre service/);
    const logged = await q('select actor_label from personal_data_access_log where person_id = $1 and action = $2', [
      id,
      'view_person',
    ]);
    assert.equal(logged.length, 2);
    assert.equal((await get('/agent/usagers/not-a-uuid', voirie)).statusCode, 404);

    // Edit: bad input comes back with the summary and what was typed; a good one is saved.
    const bad = await post(`/agent/usagers/${id}/modifier`, voirie, {
      prenoms: 'Louise',
      nom: 'Michel',
      naissance: '1830-02-30',
      courriel: 'louise@example.org',
      telephone: '06 99 88 77 66',
      adresse: '',
      canal: 'telephone',
      langue: 'fr',
      accessibilite: 'Gros caractères',
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /error-summary/);
    assert.match(bad.body, /value="06 99 88 77 66"/);
    const good = await post(`/agent/usagers/${id}/modifier`, voirie, {
      prenoms: 'Louise',
      nom: 'Michel',
      naissance: '1930-05-29',
      courriel: 'louise@example.org',
      telephone: '06 99 88 77 66',
      adresse: '',
      canal: 'telephone',
      langue: 'fr',
      accessibilite: 'Gros caractères',
    });
    assert.equal(good.statusCode, 303);
    const saved = (
      await q<{ phone: string; preferred_channel: string; birthdate: string; accessibility_needs: string }>(
        `select phone, preferred_channel, to_char(birthdate, 'YYYY-MM-DD') as birthdate, accessibility_needs from people where id = $1`,
        [id],
      )
    )[0]!;
    assert.deepEqual(saved, {
      phone: '0699887766',
      preferred_channel: 'telephone',
      birthdate: '1930-05-29',
      accessibility_needs: 'Gros caractères',
    });

    const verified = await person({
      given_name: 'Jean',
      family_name: 'DUPONT',
      identity_source: 'franceconnect',
      identity_verified_at: '2026-10-01T08:00:00Z',
    });
    const vpage = await get(`/agent/usagers/${verified}`, voirie);
    assert.match(vpage.body, /Identité vérifiée par FranceConnect/);
    const edit = await get(`/agent/usagers/${verified}/modifier`, voirie);
    assert.doesNotMatch(edit.body, /name="nom"/, 'verified names are not offered');
    await post(`/agent/usagers/${verified}/modifier`, voirie, {
      prenoms: 'Autre',
      nom: 'Nom',
      naissance: '',
      courriel: '',
      telephone: '',
      adresse: '',
      canal: '',
      langue: 'fr',
      accessibilite: '',
    });
    assert.equal(
      (await q<{ family_name: string }>('select family_name from people where id = $1', [verified]))[0]!.family_name,
      'DUPONT',
    );
  });

  test('record page: the timeline by pages of 50, older entries a link away, none repeated or skipped even at one instant', async () => {
    const id = await person({ given_name: 'Olympe', family_name: 'de Gouges', email: 'olympe@example.org' });
    const items = [];
    for (let i = 0; i < 30; i++) items.push(await requestOf(id));
    // One note per item, twelve of them at the very same instant (the page ends among them).
    for (const [i, r] of items.entries()) {
      await q(
        `insert into request_events (tenant_id, request_id, kind, body, author_kind, visible_to_citizen, created_at)
         values ($1, $2, 'internal_note', $3, 'system', false, $4)`,
        [ctx.tenantId, r.id, `Note numéro ${i}.`, i < 12 ? '2026-01-05T10:00:00.123456Z' : new Date(Date.now() + i)],
      );
    }
    const entriesOf = (body: string) =>
      [...body.matchAll(/Note numéro (\d+)\.|(VB-\d{4}-[A-Z0-9]+) · /g)].map((m) => m[0]);
    const first = await get(`/agent/usagers/${id}`, voirie);
    assert.equal(first.statusCode, 200);
    const timelineOf = (body: string) => {
      const start = body.indexOf('<h2>Historique</h2>');
      return body.slice(start, body.indexOf('</ol>', start));
    };
    const page1 = entriesOf(timelineOf(first.body));
    assert.equal(page1.length, 50);
    const next = /href="([^"]+)"\s*>Entrées plus anciennes/.exec(first.body)?.[1];
    assert.ok(next, 'a link to the older entries');
    const second = await get(next.replace(BASE, '').replaceAll('&amp;', '&'), voirie);
    assert.equal(second.statusCode, 200);
    assert.match(second.body, /Revenir aux plus récentes/);
    assert.doesNotMatch(second.body, /Entrées plus anciennes/);
    const page2 = entriesOf(timelineOf(second.body));
    assert.equal(page2.length, 10);
    const all = [...page1, ...page2];
    assert.equal(new Set(all).size, 60, 'each of the 30 items and 30 notes once');
    // A link that is not a position shows the latest entries.
    const odd = await get(`/agent/usagers/${id}?avant=hier`, voirie);
    assert.deepEqual(entriesOf(timelineOf(odd.body)), page1);
  });

  test('one item moves to another record: searched, chosen, confirmed, checked by policy and revision, on the timeline', async () => {
    const wrong = await person({ given_name: 'Aristide', family_name: 'Quenouille', email: 'aristide@example.org' });
    const right = await person({ given_name: 'Bérénice', family_name: 'Quenouille', email: 'berenice@example.org' });
    const moved = await requestOf(wrong);
    const stays = await requestOf(wrong);
    const path = `/agent/demandes/${moved.reference}/usager`;
    const detail = await get(`/agent/demandes/${moved.reference}`, voirie);
    assert.match(detail.body, new RegExp(`href="${BASE}${path}"`));
    assert.equal((await get(path, etatCivil)).statusCode, 404, 'not an agent of the item’s service');

    const found = await get(`${path}?q=Quenouille`, voirie);
    assert.equal(found.statusCode, 200);
    assert.match(found.body, /Elle est aujourd’hui sur la fiche de\s*<a[^>]*>Aristide Quenouille<\/a>/);
    assert.match(found.body, new RegExp(`id="usager-${right}"`));
    assert.doesNotMatch(found.body, new RegExp(`id="usager-${wrong}"`), 'not the record it is on');
    const revision = /name="revision" value="(\d+)"/.exec(found.body)![1]!;
    const send = (fields: Record<string, string>) =>
      ctx.app.inject({
        method: 'POST',
        url: `${BASE}${path}`,
        headers: { cookie: voirie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrfFrom(found.body), revision, q: 'Quenouille', ...fields }).toString(),
      });
    const unconfirmed = await send({ usager: right });
    assert.equal(unconfirmed.statusCode, 400);
    assert.match(unconfirmed.body, /Cochez la case pour confirmer/);
    assert.match(unconfirmed.body, new RegExp(`value="${right}"\\s+checked`), 'the choice kept');
    const stale = await send({ usager: right, confirmer: 'oui', revision: String(Number(revision) - 1) });
    assert.equal(stale.statusCode, 409);
    assert.equal(await personOf(moved.id), wrong);

    const done = await send({ usager: right, confirmer: 'oui' });
    assert.equal(done.statusCode, 303, done.body.slice(0, 500));
    assert.match(String(done.headers.location), /\?fait=usager$/);
    assert.equal(await personOf(moved.id), right);
    assert.equal(await personOf(stays.id), wrong, 'only this item');
    const events = await q<{ body: string; visible_to_citizen: boolean; author_kind: string }>(
      `select body, visible_to_citizen, author_kind from request_events where request_id = $1 and kind = 'person_changed'`,
      [moved.id],
    );
    assert.equal(events.length, 1);
    assert.match(
      events[0]!.body,
      /Rattachée à la fiche de Bérénice Quenouille \(auparavant celle de Aristide Quenouille\) par Camille Voirie\./,
    );
    assert.equal(events[0]!.visible_to_citizen, false);
    assert.equal(events[0]!.author_kind, 'agent');
    const again = await send({ usager: right, confirmer: 'oui', revision: String(Number(revision) + 1) });
    assert.equal(again.statusCode, 400);
    assert.match(again.body, /déjà sur cette fiche/);
  });

  test('contact form: « Chercher » keeps what was typed and offers matches; the chosen record gets the item', async () => {
    const id = await person({ given_name: 'Marcel', family_name: 'Pagnol', phone: '0611223300' });
    await requestOf(id);
    const fields = {
      canal: 'telephone',
      recherche: '06 11 22 33 00',
      nom: '',
      objet: 'Horaires de la déchetterie',
      suite: 'repondu',
      action: 'chercher',
    };
    const found = await post('/agent/contacts/nouveau', voirie, fields);
    assert.equal(found.statusCode, 200);
    assert.match(found.body, new RegExp(`name="usager" value="${id}"`));
    assert.match(found.body, /value="Horaires de la déchetterie"/);
    const service = /<select id="service" name="service"[\s\S]*?<option value="([^"]+)"/.exec(found.body)![1]!;
    const saved = await post('/agent/contacts/nouveau', voirie, { ...fields, action: '', usager: id, service });
    assert.equal(saved.statusCode, 303, saved.body.slice(0, 500));
    const reference = /demandes\/([^?]+)/.exec(String(saved.headers.location))![1]!;
    const row = (
      await q<{ person_id: string; applicant_name: string }>(
        'select person_id, applicant_name from requests where reference = $1',
        [reference],
      )
    )[0]!;
    assert.deepEqual(row, { person_id: id, applicant_name: 'Marcel Pagnol' });
    const fromRecord = await get(`/agent/contacts/nouveau?usager=${id}`, voirie);
    assert.match(fromRecord.body, new RegExp(`value="${id}"\\s+checked`));
  });

  test('contact form: Enter in the search box searches; once searched, Enter saves', async () => {
    const id = await person({ given_name: 'Berthe', family_name: 'Morisot', phone: '0611223301' });
    const fields = { canal: 'telephone', recherche: 'Morisot', nom: '', objet: 'Une question', suite: 'repondu' };
    // Enter: the hidden default button, no `action`.
    const found = await post('/agent/contacts/nouveau', voirie, { ...fields, action: '' });
    assert.equal(found.statusCode, 200);
    assert.match(found.body, new RegExp(`name="usager" value="${id}"`));
    assert.match(found.body, /name="recherche_faite" value="Morisot"/);
    const service = /<select id="service" name="service"[\s\S]*?<option value="([^"]+)"/.exec(found.body)![1]!;
    // The same words already searched, a new record asked for: Enter saves (here: the name is missing).
    const save = await post('/agent/contacts/nouveau', voirie, {
      ...fields,
      action: '',
      recherche_faite: 'Morisot',
      usager: 'nouvelle',
      service,
    });
    assert.equal(save.statusCode, 400);
    assert.match(save.body, /Indiquez le nom de la personne/);
    const saved = await post('/agent/contacts/nouveau', voirie, {
      ...fields,
      action: '',
      recherche_faite: 'Morisot',
      usager: 'nouvelle',
      nom: 'Jeanne Morisot',
      service,
    });
    assert.equal(saved.statusCode, 303, saved.body.slice(0, 500));
  });

  test('duplicates are suggested, and a merge of two citizens undone restores exactly the previous state', async () => {
    const kept = await person({
      given_name: 'Élise',
      family_name: 'Reclus',
      email: 'elise@example.org',
      birthdate: '1990-01-02',
    });
    const other = await person({
      display_name: 'RECLUS elise',
      phone: '0700000001',
      birthdate: '1990-01-02',
      postal_address: '1 rue des Lilas',
    });
    const a = await requestOf(kept);
    const b1 = await requestOf(other);
    const b2 = await requestOf(other);
    const page = await get(`/agent/usagers/${kept}`, voirie);
    assert.match(page.body, /Doublons possibles/);
    assert.match(page.body, /même nom et même date de naissance/);
    const list = await get('/agent/usagers/doublons', voirie);
    assert.match(list.body, new RegExp(`${kept}/fusion\\?avec=${other}|${other}/fusion\\?avec=${kept}`));

    const confirm = await get(`/agent/usagers/${kept}/fusion?avec=${other}`, voirie);
    assert.equal(confirm.statusCode, 200);
    assert.match(confirm.body, /name="garder_postal_address" value="merged"\s+checked/);
    const before = (await q('select * from people where id = $1', [kept]))[0];
    const merged = await post(
      `/agent/usagers/${kept}/fusion`,
      voirie,
      { avec: other, garder_phone: 'merged' },
      `/agent/usagers/${kept}/fusion?avec=${other}`,
    );
    assert.equal(merged.statusCode, 303, merged.body.slice(0, 500));
    assert.equal(await personOf(b1.id), kept);
    assert.equal(await personOf(b2.id), kept);
    assert.equal(await personOf(a.id), kept);
    const k = (
      await q<{ phone: string; postal_address: string; email: string }>('select * from people where id = $1', [kept])
    )[0]!;
    assert.deepEqual([k.phone, k.postal_address, k.email], ['0700000001', '1 rue des Lilas', 'elise@example.org']);
    assert.equal(
      (await q<{ merged_into_id: string }>('select merged_into_id from people where id = $1', [other]))[0]!
        .merged_into_id,
      kept,
    );
    const events = await q(
      `select request_id from request_events where kind = 'person_changed' and request_id = any($1::uuid[])`,
      [[b1.id, b2.id]],
    );
    assert.equal(events.length, 2);
    const merge = (
      await q<{ id: string; moved: Record<string, string[]> }>(
        'select id, moved from person_merges where kept_id = $1',
        [kept],
      )
    )[0]!;
    assert.deepEqual([...merge.moved['requests.person_id']!].sort(), [b1.id, b2.id].sort());
    const redirected = await get(`/agent/usagers/${other}`, voirie);
    assert.equal(redirected.statusCode, 303);
    assert.match(String(redirected.headers.location), new RegExp(`/agent/usagers/${kept}$`));
    assert.equal(
      (
        await q(
          `select 1 from personal_data_access_log where action = 'merge_people' and person_id = any($1::uuid[])`,
          [[kept, other]],
        )
      ).length,
      2,
    );

    const undo = await post(
      `/agent/usagers/fusions/${merge.id}/annuler`,
      voirie,
      { confirmer: 'oui' },
      `/agent/usagers/${kept}`,
    );
    assert.equal(undo.statusCode, 303, undo.body.slice(0, 500));
    assert.equal(await personOf(b1.id), other);
    assert.equal(await personOf(b2.id), other);
    assert.equal(await personOf(a.id), kept);
    const restored = (await q('select * from people where id = $1', [kept]))[0]!;
    assert.deepEqual({ ...restored, updated_at: null }, { ...before, updated_at: null });
    assert.equal(
      (await q<{ merged_into_id: string | null }>('select merged_into_id from people where id = $1', [other]))[0]!
        .merged_into_id,
      null,
    );
    const twice = await post(
      `/agent/usagers/fusions/${merge.id}/annuler`,
      voirie,
      { confirmer: 'oui' },
      `/agent/usagers/${kept}`,
    );
    assert.equal(twice.statusCode, 409);
    assert.match(twice.body, /déjà annulée/);
  });

  test('duplicates: the same email, phone, or name and birthdate in another commune is never suggested', async () => {
    const { createTenant } = await import('../tenants/create-tenant.ts');
    const elsewhere = await createTenant(ctx.database.ownerQuery, {
      name: 'Doublonville',
      slug: 'doublonville',
      referencePrefix: 'DV',
    });
    const same = { given_name: 'Anatole', family_name: 'Ferrand', birthdate: '1975-05-06' };
    const ours = await person({ ...same, email: 'anatole.ferrand@example.org', phone: '0700000077' });
    await requestOf(ours);
    await q(
      `insert into people (tenant_id, given_name, family_name, birthdate, email, phone) values ($1, $2, $3, $4, $5, $6)`,
      [elsewhere, same.given_name, same.family_name, same.birthdate, 'anatole.ferrand@example.org', '0700000077'],
    );
    const page = await get(`/agent/usagers/${ours}`, voirie);
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /Doublons possibles/);
    // The candidates' function itself applies the tenant: ours has none, theirs is not seen.
    const found = await inTenant(
      ctx.services.db,
      ctx.tenantId,
      async (trx) =>
        (await sql<{ id: string }>`select guichet_duplicate_candidates(${ours}::uuid) as id`.execute(trx)).rows,
    );
    assert.deepEqual(found, []);
    // A second record of ours with the same email is suggested.
    const twin = await person({ given_name: 'A.', family_name: 'Ferrand', email: 'Anatole.Ferrand@example.org' });
    await requestOf(twin);
    assert.match((await get(`/agent/usagers/${ours}`, voirie)).body, /Doublons possibles/);
  });

  test('an undo that cannot be exact is refused; two accounts are never merged', async () => {
    const kept = await person({ display_name: 'Anne Sylvestre', email: 'anne@example.org' });
    const other = await person({ display_name: 'Anne Sylvestre', email: 'ANNE@example.org' });
    await requestOf(kept);
    const moved = await requestOf(other);
    const res = await post(
      `/agent/usagers/${kept}/fusion`,
      voirie,
      { avec: other },
      `/agent/usagers/${kept}/fusion?avec=${other}`,
    );
    assert.equal(res.statusCode, 303);
    await inTenant(ctx.database.db, ctx.tenantId, (trx) => anonymiseRequests(trx, [moved.id], new Date()));
    const merge = (await q<{ id: string }>('select id from person_merges where kept_id = $1', [kept]))[0]!;
    const undo = await post(
      `/agent/usagers/fusions/${merge.id}/annuler`,
      voirie,
      { confirmer: 'oui' },
      `/agent/usagers/${kept}`,
    );
    assert.equal(undo.statusCode, 409);
    assert.match(undo.body, /ne peut plus être annulée exactement/);
    assert.equal(
      (await q<{ merged_into_id: string }>('select merged_into_id from people where id = $1', [other]))[0]!
        .merged_into_id,
      kept,
    );

    const c1 = await insertCitizen(ctx.database, ctx.tenantId, 'compte1@example.org', 'Paul');
    const c2 = await insertCitizen(ctx.database, ctx.tenantId, 'compte2@example.org', 'Paul');
    const p1 = await person({ display_name: 'Paul Testeur', citizen_id: c1, email: 'meme@example.org' });
    const p2 = await person({ display_name: 'Paul Testeur', citizen_id: c2, email: 'meme@example.org' });
    const refused = await post(
      `/agent/usagers/${p1}/fusion`,
      chef,
      { avec: p2 },
      `/agent/usagers/${p1}/fusion?avec=${p2}`,
    );
    assert.equal(refused.statusCode, 409);
    assert.match(refused.body, /compte usager différent/);
    assert.equal(
      (await q<{ merged_into_id: string | null }>('select merged_into_id from people where id = $1', [p2]))[0]!
        .merged_into_id,
      null,
    );
  });

  test('personal data: anonymising clears a record left without data, erasure too, and the export includes the record', async () => {
    const alone = await person({ display_name: 'Victor Hugo', email: 'victor@example.org', phone: '0600000009' });
    const r = await requestOf(alone);
    await inTenant(ctx.database.db, ctx.tenantId, (trx) => anonymiseRequests(trx, [r.id], new Date()));
    const cleared = (
      await q<{ display_name: string; email: string | null; phone: string | null }>(
        'select * from people where id = $1',
        [alone],
      )
    )[0]!;
    assert.deepEqual([cleared.display_name, cleared.email, cleared.phone], ['', null, null]);

    const citizen = await insertCitizen(ctx.database, ctx.tenantId, 'george@example.org', 'George');
    const withAccount = await inTenant(ctx.database.db, ctx.tenantId, (trx) =>
      findOrCreatePerson(trx, ctx.tenantId, { kind: 'account', citizenId: citizen }),
    );
    await q(`update people set phone = '0600000010' where id = $1`, [withAccount]);
    const exported = await inTenant(ctx.database.db, ctx.tenantId, (trx) =>
      collectCitizenData(
        trx,
        citizen,
        { name: 'Villebelle', email: null, dpo: { name: 'DPO', email: null, postalAddress: null } },
        new Date(),
      ),
    );
    assert.equal(exported?.record?.phone, '0600000010');
    assert.equal(exported?.record?.email, 'george@example.org');
    await inTenant(ctx.database.db, ctx.tenantId, (trx) => eraseCitizen(trx, citizen, new Date()));
    const erased = (
      await q<{ given_name: string | null; phone: string | null; citizen_id: string | null }>(
        'select * from people where id = $1',
        [withAccount],
      )
    )[0]!;
    assert.deepEqual([erased.given_name, erased.phone, erased.citizen_id], [null, null, null]);
  });
});
