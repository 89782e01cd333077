import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { openForm, postForm, type Fields } from '../../../test/support/http.ts';
import { mailHtmlText, mailPlainText, pdfText, visibleText } from '../../../test/support/pages.ts';
import { openTrackingSecret } from './tracking-seal.ts';
import { startTestSmtp, type TestSmtp } from '../../../test/support/smtp.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';

const FORM = '/t/villebelle/demarches/signaler-probleme-voirie/demande';
const PNG_1x1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

function validAnswers(overrides: Fields = {}): Fields {
  return {
    categorie: 'chaussee',
    lieu__street: '12 rue des Lilas',
    lieu__postal_code: '00000',
    lieu__city: 'Villebelle',
    description: 'Un trou profond au milieu de la chaussée, devant le numéro 12.',
    applicant_given_name: 'Camille',
    applicant_family_name: 'Martin',
    applicant_email: 'camille.martin@example.org',
    applicant_phone: '06 12 34 56 78',
    ...overrides,
  };
}

describe(`citizen request journey (${TEST_DB})`, () => {
  let ctx: TestContext;
  let smtp: TestSmtp;

  before(async () => {
    smtp = await startTestSmtp();
    ctx = await createTestContext({
      env: { SMTP_URL: smtp.url, UPLOAD_MAX_BYTES: '200000', TRACKING_RATE_LIMIT: '1000' },
    });
  });
  after(async () => {
    await ctx.close();
    await smtp.close();
  });

  async function submit(fields: Fields, files: Parameters<typeof postForm>[4] = []) {
    const session = await openForm(ctx.app, FORM);
    return postForm(ctx.app, FORM, session, fields, files);
  }

  test('the form page shows the démarche fields and the applicant section', async () => {
    const { html } = await openForm(ctx.app, FORM);
    assert.match(html, /<h1>[^<]*problème/i);
    assert.match(html, /name="lieu__street"/);
    assert.match(html, /name="applicant_email"/);
    assert.match(html, /enctype="multipart\/form-data"/);
    assert.match(html, /À remplir seulement si vous avez répondu « Éclairage public en panne »/);
  });

  test('missing and invalid answers bring the form back with a summary, keeping what was typed', async () => {
    const res = await submit(
      validAnswers({ description: '', applicant_email: 'pas-une-adresse', lieu__postal_code: '123' }),
    );
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /class="error-summary"/);
    assert.match(res.body, /Il y a 3 erreurs/);
    assert.match(res.body, /href="#description"/);
    assert.match(res.body, /href="#applicant_email"/);
    assert.match(res.body, /href="#lieu__postal_code"/);
    assert.match(res.body, /value="pas-une-adresse"/);
    assert.match(res.body, /value="12 rue des Lilas"/);
    assert.match(res.body, /value="chaussee"\s+(checked|selected)/);
    assert.match(res.body, /aria-invalid="true"/);
    const n = await ctx.database.ownerQuery('select count(*)::int as n from requests');
    assert.equal(n.rows[0]?.n, 0);
  });

  test('HTML typed in a field is kept as typed and shown escaped', async () => {
    const evil = '<script>alert("x")</script><b>gras</b>';
    const res = await submit(validAnswers({ description: evil, applicant_email: '' }));
    assert.equal(res.statusCode, 400);
    assert.ok(!res.body.includes('<script>alert'));
    assert.ok(res.body.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
  });

  test('a form without its CSRF token is refused and nothing is stored', async () => {
    const session = await openForm(ctx.app, FORM);
    const res = await postForm(ctx.app, FORM, { cookie: session.cookie, csrf: 'forged' }, validAnswers());
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /Formulaire expiré/);
  });

  test('a valid request is committed, confirmed, mailed, trackable and has a PDF receipt', async () => {
    const evil = 'Attention <script>alert(1)</script> & « guillemets »';
    const res = await submit(validAnswers({ repere: evil }), [
      { field: 'photo', filename: 'trou.png', type: 'image/png', data: PNG_1x1 },
    ]);
    assert.equal(res.statusCode, 303);
    const location = String(res.headers.location);
    const m = /^\/t\/villebelle\/demandes\/(VB-\d{4}-[2-9A-Z]{5})\/confirmation\?cle=([A-Z0-9-]+)$/.exec(location);
    assert.ok(m, location);
    const [, reference, secret] = m;

    const row = (await ctx.database.ownerQuery('select * from requests where reference = $1', [reference])).rows[0]!;
    assert.equal(row.status, 'recue');
    assert.equal(row.applicant_email, 'camille.martin@example.org');
    assert.equal(row.applicant_phone, '0612345678');
    const data = row.data as Record<string, unknown>;
    assert.equal(data.repere, evil);
    assert.deepEqual(data.lieu, { street: '12 rue des Lilas', postalCode: '00000', city: 'Villebelle' });
    assert.equal('numero_lampadaire' in data, false);
    const docs = await ctx.database.ownerQuery(
      'select filename, mime_type, size_bytes from request_documents where request_id = $1',
      [row.id],
    );
    assert.deepEqual(docs.rows, [{ filename: 'trou.png', mime_type: 'image/png', size_bytes: PNG_1x1.length }]);

    const confirmation = await ctx.app.inject({ method: 'GET', url: location });
    assert.equal(confirmation.statusCode, 200);
    assert.ok(confirmation.body.includes(reference!));
    assert.match(confirmation.body, /au plus tard le \d{1,2} [a-zéû]+ \d{4}/);

    const mail = await smtp.waitFor((x) => x.subject?.includes(reference!) ?? false);
    assert.equal((mail.to as { text: string }).text, 'camille.martin@example.org');
    assert.ok(mail.text?.includes(secret!));
    assert.ok(mail.text?.includes(`/t/villebelle/suivi/${reference}?cle=${secret}`));
    // From the commune, in two parts that say the same.
    assert.deepEqual(mail.from?.value, [
      { name: 'Mairie de Villebelle', address: 'ne-pas-repondre@guichet.localhost' },
    ]);
    assert.equal(mailHtmlText(String(mail.html)), mailPlainText(mail.text ?? ''));
    // The code is kept sealed for later mails' links, and opens only with the server's key.
    const binding = { tenantId: ctx.tenantId, reference: reference! };
    assert.equal(openTrackingSecret(ctx.config.sessionSecret, binding, String(row.tracking_secret_sealed)), secret);
    assert.ok(!String(row.tracking_secret_sealed).includes(secret!.replace(/-/g, '')));
    assert.equal(
      openTrackingSecret('another-secret-another-secret-0123', binding, String(row.tracking_secret_sealed)),
      null,
    );

    const tracking = await ctx.app.inject({ method: 'GET', url: `/t/villebelle/suivi/${reference}?cle=${secret}` });
    assert.equal(tracking.statusCode, 200);
    assert.match(tracking.body, /Reçue/);
    assert.match(tracking.body, /Demande envoyée/);
    assert.ok(tracking.body.includes('Attention &lt;script&gt;alert(1)&lt;/script&gt; &amp; « guillemets »'));
    assert.ok(!tracking.body.includes('<script>alert(1)'));

    const pdf = await ctx.app.inject({
      method: 'GET',
      url: `/t/villebelle/suivi/${reference}/recepisse.pdf?cle=${secret}`,
    });
    assert.equal(pdf.statusCode, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    const doc = await PDFDocument.load(pdf.rawPayload);
    assert.ok(doc.getPageCount() >= 1);
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const loaded = await pdfjs.getDocument({ data: new Uint8Array(pdf.rawPayload) }).promise;
    const page = await loaded.getPage(1);
    const text = (await page.getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join(' ');
    assert.ok(text.includes(reference!), 'the receipt shows the reference');
  });

  test('the receipt of « Nguyễn Łukasz Ørsted » shows that name, and its tracking code opens the request', async () => {
    const res = await submit(
      validAnswers({
        applicant_given_name: 'Nguyễn Łukasz',
        applicant_family_name: 'Ørsted',
        applicant_email: 'lukasz@example.org',
      }),
    );
    assert.equal(res.statusCode, 303);
    const [, reference, secret] = /\/demandes\/([^/]+)\/confirmation\?cle=(.+)$/.exec(String(res.headers.location))!;
    // The citizen types the code compact and in lower case: the receipt still shows its one form.
    const pdf = await ctx.app.inject({
      method: 'GET',
      url: `/t/villebelle/suivi/${reference}/recepisse.pdf?cle=${secret!.replace(/-/g, '').toLowerCase()}`,
    });
    assert.equal(pdf.statusCode, 200);
    const text = await pdfText(pdf.rawPayload);
    assert.ok(text.includes('Déposée par : Nguyễn Łukasz Ørsted'), text);
    const printed = /Code de suivi : ([A-Z0-9-]+)/.exec(text)?.[1];
    assert.equal(printed, secret);

    // The lookup page gives the same form as its example, and accepts the code as printed.
    const lookup = await ctx.app.inject({ method: 'GET', url: '/t/villebelle/suivi' });
    const example = /id="cle-hint">12 caractères, par exemple ([A-Z0-9-]+)/.exec(lookup.body)?.[1];
    assert.match(example ?? '', /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    const found = await ctx.app.inject({
      method: 'GET',
      url: `/t/villebelle/suivi?reference=${reference}&cle=${encodeURIComponent(printed!)}`,
    });
    assert.equal(found.statusCode, 303);
    const tracking = await ctx.app.inject({ method: 'GET', url: String(found.headers.location) });
    assert.equal(tracking.statusCode, 200);
    assert.ok(visibleText(tracking.body).includes(reference!));
  });

  test('an unknown reference and a wrong code give the same 404', async () => {
    const res = await submit(validAnswers());
    const [, reference] = /demandes\/([^/]+)\/confirmation/.exec(String(res.headers.location))!;
    const wrongCode = await ctx.app.inject({ method: 'GET', url: `/t/villebelle/suivi/${reference}?cle=ZZZZZZZZZZZZ` });
    const unknown = await ctx.app.inject({ method: 'GET', url: `/t/villebelle/suivi/VB-2026-ZZZZZ?cle=ZZZZZZZZZZZZ` });
    assert.equal(wrongCode.statusCode, 404);
    assert.equal(unknown.statusCode, 404);
    const strip = (s: string) => s.replace(/VB-\d{4}-[A-Z0-9]{5}/g, 'REF').replace(/nonce="[^"]+"/g, 'nonce');
    assert.equal(strip(wrongCode.body), strip(unknown.body));
    const pdf = await ctx.app.inject({
      method: 'GET',
      url: `/t/villebelle/suivi/${reference}/recepisse.pdf?cle=WRONG`,
    });
    assert.equal(pdf.statusCode, 404);
  });

  test('the tracking page sets no cookie: its message form is authorised by the tracking code, cross-site posts are refused', async () => {
    const res = await submit(validAnswers());
    const [, reference, secret] = /demandes\/([^/]+)\/confirmation\?cle=(.+)$/.exec(String(res.headers.location))!;
    const page = await ctx.app.inject({ method: 'GET', url: `/t/villebelle/suivi/${reference}?cle=${secret}` });
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['set-cookie'], undefined);
    assert.doesNotMatch(page.body, /name="_csrf"/);
    const post = (headers: Record<string, string>, message: string) =>
      postForm(
        ctx.app,
        `/t/villebelle/suivi/${reference}/messages`,
        { cookie: '', csrf: '' },
        { cle: decodeURIComponent(secret!), message },
        [],
        headers,
      );
    assert.equal((await post({ 'sec-fetch-site': 'cross-site' }, 'Depuis un autre site')).statusCode, 403);
    assert.equal((await post({ 'sec-fetch-site': 'same-site' }, 'Depuis une autre commune')).statusCode, 403);
    assert.equal((await post({ origin: 'https://evil.example' }, 'Origine étrangère')).statusCode, 403);
    assert.equal((await post({ 'sec-fetch-site': 'same-origin' }, 'Depuis la page')).statusCode, 303);
    assert.equal((await post({ origin: 'http://localhost' }, 'Même origine')).statusCode, 303);
    const wrongCode = await postForm(
      ctx.app,
      `/t/villebelle/suivi/${reference}/messages`,
      { cookie: '', csrf: '' },
      { cle: 'ZZZZZZZZZZZZ', message: 'Sans le code' },
    );
    assert.equal(wrongCode.statusCode, 404);
    const bodies = (
      await ctx.database.ownerQuery(
        `select e.body from request_events e join requests r on r.id = e.request_id where r.reference = $1 and e.kind = 'citizen_message' order by e.created_at`,
        [reference],
      )
    ).rows.map((r) => r.body);
    assert.deepEqual(bodies, ['Depuis la page', 'Même origine']);
  });

  test('the citizen adds a message and a document; a request waiting for them goes back to "en cours"', async () => {
    const res = await submit(validAnswers());
    const [, reference, secret] = /demandes\/([^/]+)\/confirmation\?cle=(.+)$/.exec(String(res.headers.location))!;
    await ctx.database.ownerQuery(`update requests set status = 'en_attente_usager' where reference = $1`, [reference]);
    const page = `/t/villebelle/suivi/${reference}?cle=${secret}`;
    const session = await openForm(ctx.app, page);
    const empty = await postForm(ctx.app, `/t/villebelle/suivi/${reference}/messages`, session, {
      cle: secret!,
      message: '  ',
    });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Écrivez un message ou ajoutez un document/);
    const ok = await postForm(
      ctx.app,
      `/t/villebelle/suivi/${reference}/messages`,
      session,
      { cle: secret!, message: 'Voici la photo demandée.' },
      [{ field: 'documents', filename: 'photo.png', type: 'image/png', data: PNG_1x1 }],
    );
    assert.equal(ok.statusCode, 303);
    const row = (await ctx.database.ownerQuery('select id, status from requests where reference = $1', [reference]))
      .rows[0]!;
    assert.equal(row.status, 'en_cours');
    const events = await ctx.database.ownerQuery(
      'select kind, body from request_events where request_id = $1 order by created_at',
      [row.id],
    );
    assert.deepEqual(
      events.rows.map((e) => e.kind),
      ['submitted', 'citizen_message', 'status_changed'],
    );
    const after = await ctx.app.inject({ method: 'GET', url: page });
    assert.match(after.body, /Voici la photo demandée/);
    assert.match(after.body, /photo\.png/);
  });

  test('a file whose content lies about its type is refused and asked again', async () => {
    const res = await submit(validAnswers(), [
      {
        field: 'photo',
        filename: 'photo.png',
        type: 'image/png',
        data: Buffer.from('<html><body>pas une image</body></html>'),
      },
    ]);
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /photo\.png/);
    assert.match(res.body, /Ajoutez-les à\s+nouveau/);
    assert.match(res.body, /value="12 rue des Lilas"/);
  });

  test('an upload over the size limit brings the form back with the limit, keeping what was typed', async () => {
    const res = await submit(validAnswers(), [
      { field: 'photo', filename: 'grosse.png', type: 'image/png', data: Buffer.alloc(300_000, 1) },
    ]);
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /class="error-summary"/);
    assert.match(res.body, /grosse\.png[^<]*est trop lourd/);
    assert.match(res.body, /195 Ko par fichier/);
    assert.match(res.body, /value="12 rue des Lilas"/);
    const stored = await ctx.database.ownerQuery(
      `select count(*)::int as n from request_documents where filename like 'grosse%'`,
    );
    assert.equal(stored.rows[0]!.n, 0);
  });

  test('the tracking look-up form leads to the request, or explains what is missing', async () => {
    const missing = await ctx.app.inject({ method: 'GET', url: '/t/villebelle/suivi?reference=abc&cle=' });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /class="error-summary"/);
    const blank = await ctx.app.inject({ method: 'GET', url: '/t/villebelle/suivi' });
    assert.equal(blank.statusCode, 200);
    assert.match(blank.body, /Numéro de demande/);
  });
});

describe(`tracking look-ups are rate-limited (${TEST_DB})`, () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext({ env: { TRACKING_RATE_LIMIT: '3' } });
  });
  after(async () => ctx.close());

  test('past the limit, a 429 page with Retry-After', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await ctx.app.inject({ method: 'GET', url: `/t/villebelle/suivi/VB-2026-ABCDE?cle=X${i}` });
      codes.push(r.statusCode);
      if (r.statusCode === 429) {
        assert.ok(Number(r.headers['retry-after']) > 0);
        assert.match(r.body, /Trop de tentatives/);
      }
    }
    assert.deepEqual(codes, [404, 404, 404, 429, 429]);
  });
});
