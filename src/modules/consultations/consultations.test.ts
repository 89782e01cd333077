import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { csrfFrom, insertAgent, loginAgent } from '../../../test/support/factories.ts';
import { openForm, postForm, type Fields } from '../../../test/support/http.ts';
import { createTenant } from '../tenants/create-tenant.ts';
import { hashInvitationToken, newInvitationToken } from './invitation-token.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'sapin-radis-olive-11';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const RATE_LIMIT = 3;

describe(`consultations (${TEST_DB})`, () => {
  let ctx: TestContext;
  let admin: string;
  let supervisor: string;
  let agent: string;

  async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await ctx.database.ownerQuery(text, params)).rows as T[];
  }

  async function adminPost(path: string, fields: Fields, page: string, cookie = admin) {
    const form = await ctx.app.inject({ method: 'GET', url: `${BASE}${page}`, headers: { cookie } });
    assert.equal(form.statusCode, 200, form.body.slice(0, 300));
    return postForm(ctx.app, `${BASE}${path}`, { cookie, csrf: csrfFrom(form.body) }, fields);
  }

  /**
   * A published consultation written directly: Q1 single choice (required), Q2 scale 1–5
   * (required), Q3 free text asked only if Q1 is « Non », Q4 multiple choice (optional).
   */
  async function seedConsultation(
    options: {
      tenantId?: string;
      audience?: 'public' | 'invited';
      anonymous?: boolean;
      opensIn?: number;
      closesIn?: number;
    } = {},
  ) {
    const tenantId = options.tenantId ?? ctx.tenantId;
    const now = Date.now();
    const [c] = await sql<{ id: string }>(
      `insert into consultations (tenant_id, title, audience, anonymous, opens_at, closes_at)
       values ($1, 'Horaires de la médiathèque', $2, $3, $4, $5) returning id`,
      [
        tenantId,
        options.audience ?? 'public',
        options.anonymous ?? true,
        new Date(now + (options.opensIn ?? -DAY)),
        new Date(now + (options.closesIn ?? 7 * DAY)),
      ],
    );
    const id = c!.id;
    const q = async (position: number, kind: string, label: string, extra: Record<string, unknown> = {}) =>
      (
        await sql<{ id: string }>(
          `insert into consultation_questions (tenant_id, consultation_id, position, kind, label, required, options,
             scale_min, scale_max, condition_question_id, condition_values)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning id`,
          [
            tenantId,
            id,
            position,
            kind,
            label,
            extra.required ?? false,
            extra.options ?? [],
            extra.min ?? null,
            extra.max ?? null,
            extra.condition ?? null,
            extra.values ?? [],
          ],
        )
      )[0]!.id;
    const q1 = await q(1, 'single', 'Les horaires vous conviennent-ils ?', { required: true, options: ['Oui', 'Non'] });
    const q2 = await q(2, 'scale', 'Votre satisfaction', { required: true, min: 1, max: 5 });
    const q3 = await q(3, 'text', 'Quels horaires préféreriez-vous ?', {
      required: true,
      condition: q1,
      values: ['Non'],
    });
    const q4 = await q(4, 'multiple', 'Quels jours venez-vous ?', { options: ['Lundi', 'Mercredi', 'Samedi'] });
    await sql('update consultations set published_at = now() where tenant_id = $1 and id = $2', [tenantId, id]);
    return { id, q1, q2, q3, q4 };
  }

  async function answer(path: string, fields: Fields, remoteAddress = '10.0.0.1') {
    const session = await openForm(ctx.app, `${BASE}${path}`);
    const { payload, contentType } = await (
      await import('../../../test/support/http.ts')
    ).encodeForm({
      _csrf: session.csrf,
      ...fields,
    });
    return ctx.app.inject({
      method: 'POST',
      url: `${BASE}${path.split('?')[0]}`,
      payload,
      remoteAddress,
      headers: { cookie: session.cookie, 'content-type': contentType },
    });
  }

  async function responses(consultationId: string) {
    return sql<{ answers: Record<string, unknown>; respondent_email: string | null; invitation_id: string | null }>(
      'select answers, respondent_email, invitation_id from consultation_responses where consultation_id = $1',
      [consultationId],
    );
  }

  before(async () => {
    ctx = await createTestContext({
      env: { CONSULTATION_RATE_LIMIT: String(RATE_LIMIT), ANONYMOUS_POST_RATE_LIMIT: '1000' },
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'admin.consult@villebelle.example',
      name: 'Alix Admin',
      password: PASSWORD,
      role: 'admin',
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'resp.consult@villebelle.example',
      name: 'Roxane Responsable',
      password: PASSWORD,
      role: 'supervisor',
      serviceSlugs: ['etat-civil'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'agent.consult@villebelle.example',
      name: 'Aimé Agent',
      password: PASSWORD,
      serviceSlugs: ['etat-civil'],
    });
    admin = await loginAgent(ctx.app, 'admin.consult@villebelle.example', PASSWORD);
    supervisor = await loginAgent(ctx.app, 'resp.consult@villebelle.example', PASSWORD);
    agent = await loginAgent(ctx.app, 'agent.consult@villebelle.example', PASSWORD);
  });
  after(async () => ctx.close());

  test('an administrator builds a draft, adds a conditional question, publishes; the questions are then frozen', async () => {
    const created = await adminPost(
      '/agent/admin/consultations/nouvelle',
      {
        titre: 'Aménagement de la place du marché',
        description: 'Donnez-nous votre avis.',
        public: 'public',
        anonyme: 'oui',
        ouverture_jour: '2020-01-01',
        ouverture_heure: '9:00',
        cloture_jour: '2099-12-31',
        cloture_heure: '18 h',
      },
      '/agent/admin/consultations/nouvelle',
    );
    assert.equal(created.statusCode, 303, created.body.slice(0, 2000));
    const page = String(created.headers.location)
      .replace(/^\/t\/villebelle/, '')
      .split('?')[0]!;
    const id = page.split('/').pop()!;
    const [row] = await sql<{ opens_at: Date; closes_at: Date; published_at: Date | null }>(
      'select opens_at, closes_at, published_at from consultations where id = $1',
      [id],
    );
    // Paris time: 9:00 in winter is 8:00 UTC, 18:00 in winter is 17:00 UTC.
    assert.equal(row!.opens_at.toISOString(), '2020-01-01T08:00:00.000Z');
    assert.equal(row!.closes_at.toISOString(), '2099-12-31T17:00:00.000Z');
    assert.equal(row!.published_at, null);

    const add = (fields: Fields) =>
      adminPost(`${page}/questions`, { echelle_min: '1', echelle_max: '5', condition: '', ...fields }, page);
    assert.equal(
      (await add({ intitule: 'Venez-vous au marché ?', type: 'single', choix: 'Oui\nNon', obligatoire: 'oui' }))
        .statusCode,
      303,
    );
    const refused = await add({ intitule: 'Une seule option', type: 'single', choix: 'Oui' });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Écrivez au moins deux choix/);
    assert.match(refused.body, /value="Une seule option"/, 'what was typed is kept');
    const [q1] = await sql<{ id: string }>('select id from consultation_questions where consultation_id = $1', [id]);
    assert.equal(
      (await add({ intitule: 'Votre note', type: 'scale', echelle_min: '0', echelle_max: '10' })).statusCode,
      303,
    );
    assert.equal(
      (await add({ intitule: 'Pourquoi ?', type: 'text', condition: `${q1!.id}:1`, obligatoire: 'oui' })).statusCode,
      303,
    );
    const questions = await sql<{
      kind: string;
      position: number;
      condition_values: string[];
      scale_max: number | null;
    }>(
      'select kind, position, condition_values, scale_max from consultation_questions where consultation_id = $1 order by position',
      [id],
    );
    assert.deepEqual(
      questions.map((q) => [q.position, q.kind, q.condition_values, q.scale_max]),
      [
        [1, 'single', [], null],
        [2, 'scale', [], 10],
        [3, 'text', ['Non'], null],
      ],
    );

    const published = await adminPost(`${page}/publier`, {}, page);
    assert.equal(published.statusCode, 303);
    const frozen = await ctx.app.inject({ method: 'GET', url: `${BASE}${page}`, headers: { cookie: admin } });
    assert.match(frozen.body, /ses questions ne peuvent plus changer/);
    assert.doesNotMatch(frozen.body, /Ajouter la question/);
    const late = await adminPost(
      `${page}/questions`,
      { intitule: 'Encore une', type: 'text', echelle_min: '1', echelle_max: '5', condition: '' },
      page,
    );
    assert.equal(late.statusCode, 409);
    assert.equal((await sql('select 1 from consultation_questions where consultation_id = $1', [id])).length, 3);
    // The database refuses it too, whoever asks.
    await assert.rejects(
      sql(`update consultation_questions set label = 'Changée' where consultation_id = $1`, [id]),
      /cannot change/,
    );
    // The public list shows it; the form shows the conditional question with its condition.
    const list = await ctx.app.inject({ method: 'GET', url: `${BASE}/consultations` });
    assert.match(list.body, /Aménagement de la place du marché/);
    const form = await ctx.app.inject({ method: 'GET', url: `${BASE}/consultations/${id}` });
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /Si vous avez répondu « Non » à la question 1/);
    assert.match(form.body, /<legend>2\. Votre note/);
  });

  test('supervisors manage consultations; plain agents are refused', async () => {
    const bySupervisor = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/admin/consultations`,
      headers: { cookie: supervisor },
    });
    assert.equal(bySupervisor.statusCode, 200);
    const byAgent = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/admin/consultations`,
      headers: { cookie: agent },
    });
    assert.equal(byAgent.statusCode, 403);
  });

  test('an answer is stored by question; a conditional question answered when its condition is false is ignored', async () => {
    const c = await seedConsultation();
    const res = await answer(`/consultations/${c.id}`, {
      [`q_${c.q1}`]: 'Oui',
      [`q_${c.q2}`]: '4',
      [`q_${c.q3}`]: 'Le dimanche matin',
      [`q_${c.q4}`]: ['Samedi', 'Lundi'],
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 2000));
    assert.equal(res.headers.location, `${BASE}/consultations/${c.id}/merci`);
    const [r] = await responses(c.id);
    assert.deepEqual(r!.answers, { [c.q1]: 'Oui', [c.q2]: 4, [c.q4]: ['Lundi', 'Samedi'] });
    assert.equal(r!.respondent_email, null);
    const thanks = await ctx.app.inject({ method: 'GET', url: `${BASE}/consultations/${c.id}/merci` });
    assert.match(thanks.body, /Merci, vos réponses sont enregistrées/);
  });

  test('a required question missing (the conditional one, its condition true) re-renders the form with what was typed', async () => {
    const c = await seedConsultation();
    const res = await answer(`/consultations/${c.id}`, { [`q_${c.q1}`]: 'Non', [`q_${c.q4}`]: 'Mercredi' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /<title>Erreur – /);
    assert.match(res.body, /class="error-summary"/);
    assert.match(res.body, /Choisissez une réponse à la question « Votre satisfaction »/);
    assert.match(res.body, /Répondez à la question « Quels horaires préféreriez-vous \? »/);
    assert.match(res.body, new RegExp(`href="#q_${c.q2}-0"`));
    assert.match(res.body, /value="Non"\s+checked/);
    assert.match(res.body, /value="Mercredi"\s+checked/);
    assert.equal((await responses(c.id)).length, 0);
  });

  test('a choice not in the list, a scale value off the scale: refused', async () => {
    const c = await seedConsultation();
    const off = await answer(`/consultations/${c.id}`, { [`q_${c.q1}`]: 'Peut-être', [`q_${c.q2}`]: '3' });
    assert.equal(off.statusCode, 400);
    assert.match(off.body, /Choisissez une réponse de la liste/);
    const scale = await answer(`/consultations/${c.id}`, { [`q_${c.q1}`]: 'Oui', [`q_${c.q2}`]: '9' });
    assert.equal(scale.statusCode, 400);
    assert.match(scale.body, /Choisissez une note de 1 à 5/);
    const multiple = await answer(`/consultations/${c.id}`, {
      [`q_${c.q1}`]: 'Oui',
      [`q_${c.q2}`]: '3',
      [`q_${c.q4}`]: ['Lundi', 'Dimanche'],
    });
    assert.equal(multiple.statusCode, 400);
    assert.equal((await responses(c.id)).length, 0);
  });

  test('answered before its opening or after its closing: refused, nothing stored', async () => {
    const early = await seedConsultation({ opensIn: DAY });
    const before = await ctx.app.inject({ method: 'GET', url: `${BASE}/consultations/${early.id}` });
    assert.equal(before.statusCode, 409);
    assert.match(before.body, /pas encore ouverte/);
    const closed = await seedConsultation({ opensIn: -7 * DAY, closesIn: -HOUR });
    // The form was loaded while it was open: post to it now.
    for (const c of [early, closed]) {
      const session = await openForm(ctx.app, `${BASE}/assistant`); // any page with a form;
      const res = await postForm(ctx.app, `${BASE}/consultations/${c.id}`, session, {
        [`q_${c.q1}`]: 'Oui',
        [`q_${c.q2}`]: '3',
      });
      assert.equal(res.statusCode, 409);
      assert.match(res.body, c === early ? /pas encore ouverte/ : /est close depuis le/);
      assert.equal((await responses(c.id)).length, 0);
    }
    const list = await ctx.app.inject({ method: 'GET', url: `${BASE}/consultations` });
    assert.doesNotMatch(list.body, new RegExp(closed.id));
    assert.doesNotMatch(list.body, new RegExp(early.id));
  });

  test(`ballot stuffing: at most CONSULTATION_RATE_LIMIT (${RATE_LIMIT}) answers an hour from one address`, async () => {
    const c = await seedConsultation();
    const fields = { [`q_${c.q1}`]: 'Oui', [`q_${c.q2}`]: '5' };
    for (let i = 0; i < RATE_LIMIT; i++)
      assert.equal((await answer(`/consultations/${c.id}`, fields, '10.1.1.1')).statusCode, 303);
    const stuffed = await answer(`/consultations/${c.id}`, fields, '10.1.1.1');
    assert.equal(stuffed.statusCode, 429);
    assert.match(stuffed.body, /Trop de réponses/);
    assert.equal((await responses(c.id)).length, RATE_LIMIT);
    // Another address still answers; the throttle keeps no address, only a keyed hash.
    assert.equal((await answer(`/consultations/${c.id}`, fields, '10.2.2.2')).statusCode, 303);
    const keys = await sql<{ source_key: string }>(
      'select source_key from consultation_throttle where consultation_id = $1',
      [c.id],
    );
    assert.equal(keys.length, RATE_LIMIT + 1);
    assert.ok(keys.every((k) => !k.source_key.includes('10.')));
  });

  test('a non-anonymous public consultation asks for a name and an address and keeps them', async () => {
    const c = await seedConsultation({ anonymous: false });
    const missing = await answer(`/consultations/${c.id}`, { [`q_${c.q1}`]: 'Oui', [`q_${c.q2}`]: '2' }, '10.3.3.3');
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /Indiquez votre nom/);
    const ok = await answer(
      `/consultations/${c.id}`,
      { nom: 'Ada Lovelace', email: 'Ada@Example.org', [`q_${c.q1}`]: 'Oui', [`q_${c.q2}`]: '2' },
      '10.3.3.3',
    );
    assert.equal(ok.statusCode, 303);
    assert.equal((await responses(c.id))[0]!.respondent_email, 'ada@example.org');
  });

  describe('invitations', () => {
    test('mailed through the outbox, one answer per token: a replayed token, a tampered one and another tenant’s are refused', async () => {
      const c = await seedConsultation({ audience: 'invited', anonymous: true });
      const page = `/agent/admin/consultations/${c.id}`;
      const sent = await adminPost(
        `${page}/invitations`,
        { adresses: 'Camille@example.org\nbob@example.org, pas-une-adresse' },
        page,
      );
      assert.equal(sent.statusCode, 400);
      assert.match(sent.body, /pas-une-adresse/);
      const ok = await adminPost(`${page}/invitations`, { adresses: 'Camille@example.org\nbob@example.org' }, page);
      assert.equal(ok.statusCode, 303);
      const again = await adminPost(`${page}/invitations`, { adresses: 'camille@example.org' }, page);
      assert.equal(again.statusCode, 303);
      const mails = await sql<{ to_address: string; text_body: string }>(
        `select to_address, text_body from mail_outbox where subject like 'Votre avis : %' and tenant_id = $1 order by to_address`,
        [ctx.tenantId],
      );
      assert.deepEqual(
        mails.map((m) => m.to_address),
        ['bob@example.org', 'camille@example.org'],
        'one mail per address, never twice',
      );
      const link = /(\/consultations\/[0-9a-f-]+\?jeton=[\w-]+)/.exec(mails[1]!.text_body)![1]!;
      const token = link.split('jeton=')[1]!;
      assert.equal(
        (await sql('select 1 from consultation_invitations where token_hash = $1', [hashInvitationToken(token)]))
          .length,
        1,
        'only the hash is stored',
      );

      // Not in the public list; without a token or with a tampered one, no form.
      const list = await ctx.app.inject({ method: 'GET', url: `${BASE}/consultations` });
      assert.doesNotMatch(list.body, new RegExp(c.id));
      assert.equal((await ctx.app.inject({ method: 'GET', url: `${BASE}/consultations/${c.id}` })).statusCode, 404);
      const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
      assert.equal(
        (await ctx.app.inject({ method: 'GET', url: `${BASE}/consultations/${c.id}?jeton=${tampered}` })).statusCode,
        404,
      );

      const fields = { jeton: token, [`q_${c.q1}`]: 'Oui', [`q_${c.q2}`]: '4' };
      const first = await answer(link, fields, '10.4.4.4');
      assert.equal(first.statusCode, 303, first.body.slice(0, 2000));
      const [r] = await responses(c.id);
      assert.equal(r!.invitation_id, null, 'anonymous: the answer is not tied to its invitation');
      assert.equal(r!.respondent_email, null);

      const replayedPage = await ctx.app.inject({ method: 'GET', url: `${BASE}${link}` });
      assert.equal(replayedPage.statusCode, 409);
      assert.match(replayedPage.body, /Cette invitation a déjà servi/);
      const session = await openForm(ctx.app, `${BASE}/assistant`); // any page with a form;
      const replayed = await postForm(ctx.app, `${BASE}/consultations/${c.id}`, session, fields);
      assert.equal(replayed.statusCode, 409);
      assert.equal((await responses(c.id)).length, 1);

      // Another tenant's token, on this tenant's consultation: row-level security hides it.
      const other = await createTenant(ctx.database.ownerQuery, {
        name: 'Autreville',
        slug: 'autreville-consult',
        hosts: ['autreville-consult.localhost'],
      });
      const theirs = await seedConsultation({ tenantId: other, audience: 'invited' });
      const theirToken = newInvitationToken();
      await sql(
        `insert into consultation_invitations (tenant_id, consultation_id, email, token_hash) values ($1, $2, 'x@example.org', $3)`,
        [other, theirs.id, hashInvitationToken(theirToken)],
      );
      const crossed = await postForm(ctx.app, `${BASE}/consultations/${c.id}`, session, {
        ...fields,
        jeton: theirToken,
      });
      assert.equal(crossed.statusCode, 404);
      assert.match(crossed.body, /lien d’invitation n’est pas valable/);
      // Their consultation is not found on this tenant's site at all.
      assert.equal(
        (await ctx.app.inject({ method: 'GET', url: `${BASE}/consultations/${theirs.id}?jeton=${theirToken}` }))
          .statusCode,
        404,
      );
      assert.equal(
        (await sql('select used_at from consultation_invitations where consultation_id = $1', [theirs.id]))[0]!.used_at,
        null,
      );
    });
  });

  test('results: a chart (SVG with its name) and its table per question, recurring words, CSV one row per answer, JSON', async () => {
    const c = await seedConsultation();
    const texts = ['Ouvrir le samedi après-midi', 'Le samedi toute la journée', 'Plus tard le soir, et le samedi'];
    for (const [i, text] of texts.entries()) {
      const res = await answer(
        `/consultations/${c.id}`,
        { [`q_${c.q1}`]: 'Non', [`q_${c.q2}`]: String(i + 1), [`q_${c.q3}`]: text },
        `10.5.5.${i}`,
      );
      assert.equal(res.statusCode, 303);
    }
    assert.equal(
      (await answer(`/consultations/${c.id}`, { [`q_${c.q1}`]: 'Oui', [`q_${c.q2}`]: '5' }, '10.5.6.1')).statusCode,
      303,
    );
    const page = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/admin/consultations/${c.id}/resultats`,
      headers: { cookie: admin },
    });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<svg[^>]*role="img"[^>]*aria-labelledby="graphique-1-title graphique-1-desc"/);
    assert.match(page.body, /<desc id="graphique-1-desc">Oui : 1 \(25 %\) ; Non : 3 \(75 %\)<\/desc>/);
    assert.match(page.body, /<caption>\s*1\. Les horaires vous conviennent-ils \? : les chiffres\s*<\/caption>/);
    assert.match(page.body, /Moyenne : <strong>2,8<\/strong> · médiane : <strong>2,5<\/strong>/);
    assert.match(page.body, /<th scope="row">samedi<\/th><td>3<\/td>/);
    assert.doesNotMatch(page.body, /<th scope="row">le<\/th>/, 'stop words are left out');

    const csv = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/admin/consultations/${c.id}/resultats.csv`,
      headers: { cookie: admin },
    });
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    const lines = csv.body
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    assert.equal(lines.length, 1 + 4, 'a header and one row per answer');
    assert.match(lines[0]!, /^Réponse;Date;1\. Les horaires vous conviennent-ils \?;2\. Votre satisfaction;/);
    assert.match(lines[1]!, /^1;.*;Non;1;Ouvrir le samedi après-midi;$/);

    const json = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/admin/consultations/${c.id}/resultats.json`,
      headers: { cookie: admin },
    });
    const body = json.json() as {
      summary: { responses: number; questions: { questionId: string; counts?: { value: string; count: number }[] }[] };
      responses: unknown[];
    };
    assert.equal(body.summary.responses, 4);
    assert.deepEqual(body.summary.questions.find((q) => q.questionId === c.q1)!.counts, [
      { value: 'Oui', count: 1 },
      { value: 'Non', count: 3 },
    ]);
    assert.equal(body.responses.length, 4);
    // Agents without the right see none of it.
    const byAgent = await ctx.app.inject({
      method: 'GET',
      url: `${BASE}/agent/admin/consultations/${c.id}/resultats.csv`,
      headers: { cookie: agent },
    });
    assert.equal(byAgent.statusCode, 403);
  });
});
