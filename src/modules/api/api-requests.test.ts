import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { insertApiFixtures } from './test-fixtures.ts';

interface ErrorBody {
  error: { code: string; message: string; details?: { field: string; message: string }[] };
}
interface Submitted {
  reference: string;
  trackingCode: string;
  dueOn: string;
  trackingUrl: string;
}

const APPLICANT = {
  applicant_given_name: 'Camille',
  applicant_family_name: 'Martin',
  applicant_email: 'camille.martin@example.org',
};
const ADDRESS = { street: '3 rue des Lilas', postalCode: '00000', city: 'Villebelle' };

describe(`API requests: submission and tracking (${TEST_DB})`, () => {
  let ctx: TestContext;

  before(async () => {
    ctx = await createTestContext({ env: { TRACKING_RATE_LIMIT: '3' } });
    await insertApiFixtures(ctx);
  });
  after(async () => ctx.close());

  // On PGlite the owner's queries share the one connection with the mail worker, which starts
  // right after a submission: let it finish first, or both wait for each other.
  const ownerQuery = async (text: string, params: unknown[]) => {
    await ctx.services.mail.flush();
    return ctx.database.ownerQuery(text, params);
  };

  // Each test tracks from its own address: the tracking lookup is limited to 3 a minute per client.
  const submit = (answers: unknown, slug = 'api-test-en-ligne') =>
    ctx.app.inject({
      method: 'POST',
      url: `/t/villebelle/api/v1/demarches/${slug}/requests`,
      payload: { answers },
    });
  const track = (reference: string, code: string | null, ip: string) =>
    ctx.app.inject({
      method: 'GET',
      url: `/t/villebelle/api/v1/requests/${encodeURIComponent(reference)}`,
      headers: code === null ? {} : { 'x-tracking-code': code },
      remoteAddress: ip,
    });

  test('a valid submission is stored (201), with the api channel, and can be tracked with its code', async () => {
    const res = await submit({
      ...APPLICANT,
      motif: 'Mariage de ma fille',
      adresse: ADDRESS,
      documents: ['copie', 'extrait'],
    });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json() as Submitted;
    assert.match(body.reference, /^VB-/);
    assert.equal(res.headers.location, `/t/villebelle/api/v1/requests/${encodeURIComponent(body.reference)}`);
    assert.ok(body.trackingCode.length >= 8, 'a tracking code is given');
    assert.match(body.dueOn, /^\d{4}-\d{2}-\d{2}$/);
    assert.match(body.trackingUrl, /^http:\/\/localhost(:\d+)?\/t\/villebelle\/suivi\//);
    assert.ok(
      body.trackingUrl.endsWith(
        `/suivi/${encodeURIComponent(body.reference)}?cle=${encodeURIComponent(body.trackingCode)}`,
      ),
      body.trackingUrl,
    );

    const rows = await ownerQuery(
      `select r.channel, r.status, r.data, r.applicant_email, r.due_on::text as due_on, d.slug
         from requests r join demarches d on d.tenant_id = r.tenant_id and d.id = r.demarche_id
        where r.tenant_id = $1 and r.reference = $2`,
      [ctx.tenantId, body.reference],
    );
    assert.equal(rows.rows.length, 1);
    const row = rows.rows[0]!;
    assert.equal(row.channel, 'api');
    assert.equal(row.status, 'recue');
    assert.equal(row.slug, 'api-test-en-ligne');
    assert.equal(row.applicant_email, 'camille.martin@example.org');
    assert.equal(row.due_on, body.dueOn);
    const data = row.data as Record<string, unknown>;
    assert.equal(data.motif, 'Mariage de ma fille');
    assert.deepEqual(data.adresse, ADDRESS);
    assert.deepEqual(data.documents, ['copie', 'extrait']);

    const tracked = await track(body.reference, body.trackingCode, '10.0.0.1');
    assert.equal(tracked.statusCode, 200, tracked.body);
    const t = tracked.json() as {
      reference: string;
      status: string;
      statusLabel: string;
      dueOn: string;
      demarcheTitle: string;
      timeline: { kind: string; author: string; at: string }[];
    };
    assert.equal(t.reference, body.reference);
    assert.equal(t.status, 'recue');
    assert.ok(t.statusLabel.length > 0, 'the status has a French label');
    assert.equal(t.dueOn, body.dueOn);
    assert.equal(t.demarcheTitle, 'Démarche de test en ligne');
    assert.equal(t.timeline[0]?.kind, 'submitted');
    assert.equal(t.timeline[0]?.author, 'citizen');
    assert.ok(!Number.isNaN(Date.parse(t.timeline[0]!.at)), 'event dates are ISO 8601');
  });

  test('answers that break the form rules give 400 with one detail per field, and nothing is stored', async () => {
    const before = await ownerQuery('select count(*)::int as n from requests where tenant_id = $1', [ctx.tenantId]);
    const res = await submit({
      applicant_given_name: 'Camille',
      applicant_family_name: 'Martin',
      adresse: { street: '3 rue des Lilas', postalCode: '123', city: 'Villebelle' },
    });
    assert.equal(res.statusCode, 400);
    const body = res.json() as ErrorBody;
    assert.equal(body.error.code, 'validation_failed');
    assert.ok(body.error.message.length > 0, 'a French message');
    const fields = (body.error.details ?? []).map((d) => d.field);
    assert.ok(fields.includes('applicant_email'), `applicant_email in ${fields.join(', ')}`);
    assert.ok(fields.includes('motif'), `motif in ${fields.join(', ')}`);
    assert.ok(fields.includes('adresse'), `adresse in ${fields.join(', ')}`);
    assert.ok(
      body.error.details!.every((d) => d.message.length > 0),
      'every detail has a message',
    );
    const afterCount = await ownerQuery('select count(*)::int as n from requests where tenant_id = $1', [ctx.tenantId]);
    assert.equal(afterCount.rows[0]!.n, before.rows[0]!.n);
  });

  test('a body that does not match the schema gives 400 with French details', async () => {
    const res = await submit({ ...APPLICANT, motif: 42 });
    assert.equal(res.statusCode, 400);
    const body = res.json() as ErrorBody;
    assert.equal(body.error.code, 'validation_failed');
    assert.deepEqual(
      body.error.details?.map((d) => d.field),
      ['motif'],
    );
    assert.match(body.error.details![0]!.message, /texte/);

    const missing = await ctx.app.inject({
      method: 'POST',
      url: '/t/villebelle/api/v1/demarches/api-test-en-ligne/requests',
      payload: {},
    });
    assert.equal(missing.statusCode, 400);
    assert.deepEqual((missing.json() as ErrorBody).error.details, [
      { field: 'answers', message: 'Cette valeur est obligatoire.' },
    ]);
  });

  test('a body that is not JSON gives a 400 validation_failed in the same shape', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/t/villebelle/api/v1/demarches/api-test-en-ligne/requests',
      headers: { 'content-type': 'application/json' },
      payload: '{"answers": ',
    });
    assert.equal(res.statusCode, 400);
    const body = res.json() as ErrorBody;
    assert.equal(body.error.code, 'validation_failed');
    assert.ok(body.error.message.length > 0, 'a French message');
  });

  test('submitting to an unknown or offline démarche is a 404 demarche_not_found', async () => {
    for (const slug of ['nexiste-pas', 'api-test-guichet', 'api-test-interne']) {
      const res = await submit(APPLICANT, slug);
      assert.equal(res.statusCode, 404, slug);
      assert.equal((res.json() as ErrorBody).error.code, 'demarche_not_found');
    }
  });

  test('a wrong tracking code gives the same 404 as an unknown reference', async () => {
    const ok = (await submit({ ...APPLICANT, motif: 'Test', adresse: ADDRESS })).json() as Submitted;
    const wrong = await track(ok.reference, 'mauvais-code-de-suivi', '10.0.0.2');
    const unknown = await track('VB-2026-ZZZZZZ', ok.trackingCode, '10.0.0.2');
    assert.equal(wrong.statusCode, 404);
    assert.equal(unknown.statusCode, 404);
    assert.equal((wrong.json() as ErrorBody).error.code, 'request_not_found');
    assert.equal(wrong.body, unknown.body);
  });

  test('tracking without the X-Tracking-Code header is a 400 naming the header', async () => {
    const res = await track('VB-2026-ZZZZZZ', null, '10.0.0.3');
    assert.equal(res.statusCode, 400);
    assert.deepEqual(
      (res.json() as ErrorBody).error.details?.map((d) => d.field),
      ['X-Tracking-Code'],
    );
  });

  test('the tracking lookup is rate-limited with a 429 rate_limited', async () => {
    const statuses: number[] = [];
    let last = null as null | { statusCode: number; body: string };
    for (let i = 0; i < 4; i++) {
      last = await track('VB-2026-ZZZZZZ', 'code', '10.0.0.4');
      statuses.push(last.statusCode);
    }
    assert.deepEqual(statuses, [404, 404, 404, 429]);
    assert.equal((JSON.parse(last!.body) as ErrorBody).error.code, 'rate_limited');
  });

  test('HTML and script in an answer are stored as typed and returned as JSON data', async () => {
    const typed = `<script>alert("x")</script> & <b>gras</b> 'quote'`;
    const res = await submit({ ...APPLICANT, motif: typed, adresse: ADDRESS });
    assert.equal(res.statusCode, 201, res.body);
    const { reference, trackingCode } = res.json() as Submitted;
    const row = await ownerQuery(`select data->>'motif' as motif from requests where reference = $1`, [reference]);
    assert.equal(row.rows[0]!.motif, typed);
    const tracked = await track(reference, trackingCode, '10.0.0.5');
    assert.equal(tracked.statusCode, 200);
    assert.match(tracked.headers['content-type'] as string, /^application\/json/);
    assert.equal((tracked.json() as { answers: { motif: string } }).answers.motif, typed);
  });
});
