import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { csrfFrom, insertAgent, loginAgent } from '../../../test/support/factories.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'sapin-radis-olive-11';

const ANSWERS = {
  applicant_given_name: 'Josiane',
  applicant_family_name: 'Lemoine',
  applicant_email: 'josiane.lemoine@example.org',
  categorie: 'chaussee',
  lieu__street: '3 place du Marché',
  lieu__postal_code: '00000',
  lieu__city: 'Villebelle',
  description: 'Un trou dans la chaussée devant la boulangerie.',
};

describe(`an agent files a démarche for a caller (${TEST_DB})`, () => {
  let ctx: TestContext;
  let camille: string;
  let camilleId = '';

  async function get(path: string, cookie: string) {
    return ctx.app.inject({ method: 'GET', url: `${BASE}${path}`, headers: { cookie } });
  }

  async function postPage(path: string, cookie: string, fields: Record<string, string>) {
    const page = await get(path, cookie);
    assert.equal(page.statusCode, 200, page.body.slice(0, 300));
    return ctx.app.inject({
      method: 'POST',
      url: `${BASE}${path}`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ ...hiddenFields(page.body), _csrf: csrfFrom(page.body), ...fields }).toString(),
    });
  }

  /** The hidden fields of a page's form (a single service, chosen for the agent). */
  function hiddenFields(body: string): Record<string, string> {
    const fields = Object.fromEntries(
      [...body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]),
    );
    // The service chosen for the agent (their own, when they have one).
    const service = /<select id="service" name="service"[\s\S]*?<option value="([^"]+)"/.exec(body)?.[1];
    return service ? { ...fields, service } : fields;
  }

  async function rows<T>(query: string, params: unknown[] = []) {
    return (await ctx.database.ownerQuery(query, params)).rows as T[];
  }

  before(async () => {
    ctx = await createTestContext();
    camilleId = await insertAgent(ctx.database, ctx.tenantId, {
      email: 'camille.voirie@villebelle.example',
      name: 'Camille Voirie',
      password: PASSWORD,
      serviceSlugs: ['voirie-proprete'],
    });
    camille = await loginAgent(ctx.app, 'camille.voirie@villebelle.example', PASSWORD);
  });
  after(async () => ctx.close());

  test('the démarches that can be filed are listed, by service', async () => {
    const res = await get('/agent/deposer', camille);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /href="[^"]*\/agent\/demarches\/signaler-probleme-voirie\/deposer"/);
    const inbox = await get('/agent/demandes', camille);
    assert.match(inbox.body, /Déposer une démarche pour une personne/);
  });

  test('without the person’s consent nothing is filed, and everything typed is kept', async () => {
    const before = await rows<{ n: number }>('select count(*)::int as n from requests');
    const res = await postPage('/agent/demarches/signaler-probleme-voirie/deposer', camille, {
      ...ANSWERS,
      deposant_canal: 'telephone',
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Demandez son accord à la personne/);
    assert.match(res.body, /href="#deposant_accord"/);
    assert.match(res.body, /value="Lemoine"/);
    assert.match(res.body, /Un trou dans la chaussée devant la boulangerie\./);
    assert.match(res.body, /id="deposant_canal-telephone"[^>]*checked/);
    const afterCount = await rows<{ n: number }>('select count(*)::int as n from requests');
    assert.equal(afterCount[0]!.n, before[0]!.n);
  });

  test('a form error of the démarche itself comes back with the agent’s choices kept', async () => {
    const res = await postPage('/agent/demarches/signaler-probleme-voirie/deposer', camille, {
      ...ANSWERS,
      description: '',
      deposant_canal: 'guichet',
      deposant_accord: 'oui',
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /id="deposant_canal-guichet"[^>]*checked/);
    assert.match(res.body, /id="deposant_accord"[^>]*checked/);
  });

  test('filed after a noted call: the channel, the agent, the consent on the timeline, both items linked', async () => {
    const contact = await postPage('/agent/contacts/nouveau', camille, {
      canal: 'telephone',
      nom: 'Josiane Lemoine',
      telephone: '06 12 34 56 78',
      courriel: 'josiane.lemoine@example.org',
      objet: 'Un trou dans la chaussée',
      suite: 'a-traiter',
      partenaire: '',
      notes: '',
    });
    assert.equal(contact.statusCode, 303, /error-summary[\s\S]{0,800}/.exec(contact.body)?.[0]);
    const contactRef = /\/agent\/demandes\/([A-Z0-9-]+)\?/.exec(contact.headers.location as string)![1]!;
    const [ack] = await rows<{ subject: string; text_body: string; reply_to: string }>(
      'select subject, text_body, reply_to from mail_outbox where subject like $1',
      [`%${contactRef}%`],
    );
    assert.match(ack!.subject, /enregistrée/);
    // Her answer by mail comes back onto the item: its own reply address.
    assert.match(ack!.reply_to, new RegExp(`^villebelle\\+${contactRef.toLowerCase()}-[0-9a-f]{10}@`));
    assert.match(
      ack!.text_body,
      /Suite de votre appel du .*, votre demande « Un trou dans la chaussée » est enregistrée/,
    );
    assert.match(ack!.text_body, new RegExp(`/suivi/${contactRef}\\?cle=`));
    const contactPage = await get(`/agent/demandes/${contactRef}`, camille);
    assert.match(contactPage.body, new RegExp(`/agent/deposer\\?contact=${contactRef}`));

    const form = await get(`/agent/demarches/signaler-probleme-voirie/deposer?contact=${contactRef}`, camille);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /value="josiane\.lemoine@example\.org"/, 'the address noted with the call is filled in');
    assert.match(form.body, /id="deposant_canal-telephone"[^>]*checked/);

    const res = await postPage(`/agent/demarches/signaler-probleme-voirie/deposer?contact=${contactRef}`, camille, {
      ...ANSWERS,
      deposant_canal: 'telephone',
      deposant_accord: 'oui',
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 800));
    const location = res.headers.location as string;
    const [, reference, code] = /\/agent\/demandes\/([A-Z0-9-]+)\/deposee\?cle=([^&]+)/.exec(location)!;

    const [request] = await rows<{ channel: string; filed_by_agent_id: string; applicant_email: string; id: string }>(
      'select id, channel, filed_by_agent_id, applicant_email from requests where reference = $1',
      [reference],
    );
    assert.equal(request!.channel, 'telephone');
    // On the caller's citizen record, the one the noted call is on.
    const people = await rows<{ person_id: string | null }>(
      'select person_id from requests where reference in ($1, $2) order by reference = $1 desc',
      [reference, contactRef],
    );
    assert.ok(people[0]!.person_id);
    assert.equal(people[0]!.person_id, people[1]!.person_id);
    assert.equal(request!.filed_by_agent_id, camilleId);
    const events = await rows<{ kind: string; body: string; visible_to_citizen: boolean; author_agent_id: string }>(
      'select kind, body, visible_to_citizen, author_agent_id from request_events where request_id = $1 order by created_at, id',
      [request!.id],
    );
    assert.deepEqual(
      events.map((e) => e.kind),
      ['submitted', 'filed_on_behalf'],
    );
    assert.equal(events[1]!.visible_to_citizen, true);
    assert.equal(events[1]!.author_agent_id, camilleId);
    assert.match(events[1]!.body, new RegExp(`lors de votre appel \\(contact n° ${contactRef}\\), avec votre accord`));
    // The contact points at the new request.
    const notes = await rows<{ body: string }>(
      `select e.body from request_events e join requests r on r.id = e.request_id
        where r.reference = $1 and e.kind = 'internal_note'`,
      [contactRef],
    );
    assert.ok(notes.some((n) => n.body.includes(reference!)));
    // The confirmation mail leaves as for an online request.
    const mails = await rows<{ subject: string }>('select subject from mail_outbox where to_address = $1', [
      ANSWERS.applicant_email,
    ]);
    assert.ok(
      mails.some((m) => m.subject.includes(reference!)),
      JSON.stringify(mails),
    );

    // The agent's page gives the code to read out and the receipt, once.
    const done = await get(location.replace(/^.*?\/agent\//, '/agent/'), camille);
    assert.equal(done.statusCode, 200);
    assert.match(done.body, new RegExp(reference!));
    assert.match(done.body, /recepisse\.pdf/);
    assert.match(String(done.headers['cache-control']), /no-store/);
    const wrong = await get(`/agent/demandes/${reference}/deposee?cle=ZZZZ-ZZZZ`, camille);
    assert.equal(wrong.statusCode, 404);

    // The agent's view says who filed it and how; the citizen's tracking page says it was for them.
    const page = await get(`/agent/demandes/${reference}`, camille);
    assert.match(page.body, /par téléphone, par Camille Voirie pour l’usager/);
    const tracking = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/suivi/${reference}?cle=${code}`,
    });
    assert.equal(tracking.statusCode, 200);
    assert.match(tracking.body, /Déposée pour vous/);
  });

  test('a person referred to a partner receives where to go, never the agent’s notes', async () => {
    const res = await postPage('/agent/contacts/nouveau', camille, {
      canal: 'guichet',
      nom: 'Paul Martin',
      courriel: 'paul.martin@example.org',
      objet: 'Aide au logement',
      suite: 'oriente',
      partenaire: 'France services de Villebelle',
      notes: 'Situation délicate, dossier CAF en retard.',
    });
    assert.equal(res.statusCode, 303);
    const mails = await rows<{ subject: string; text_body: string }>(
      'select subject, text_body from mail_outbox where to_address = $1',
      ['paul.martin@example.org'],
    );
    assert.equal(mails.length, 1);
    assert.match(mails[0]!.subject, /Votre contact .* avec la mairie/);
    assert.match(mails[0]!.text_body, /France services de Villebelle/);
    assert.match(mails[0]!.text_body, /visite à l’accueil/);
    assert.doesNotMatch(mails[0]!.text_body, /CAF|délicate/);
  });

  test('no address, no mail', async () => {
    const before = await rows<{ n: number }>('select count(*)::int as n from mail_outbox');
    const res = await postPage('/agent/contacts/nouveau', camille, {
      canal: 'telephone',
      nom: 'Marc Sans-Courriel',
      objet: 'Horaires',
      suite: 'repondu',
    });
    assert.equal(res.statusCode, 303);
    const afterCount = await rows<{ n: number }>('select count(*)::int as n from mail_outbox');
    assert.equal(afterCount[0]!.n, before[0]!.n);
  });

  test('a contact reference the agent may not see is ignored, not an error', async () => {
    const res = await get('/agent/deposer?contact=VB-2026-NOPE1', camille);
    assert.equal(res.statusCode, 200);
    assert.doesNotMatch(res.body, /suite au contact/);
  });
});
