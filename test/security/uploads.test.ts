import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import {
  citizenSessionCookie,
  insertAgent,
  insertCitizen,
  insertDocument,
  insertRequest,
  loginAgent,
} from '../support/factories.ts';
import { encodeForm, openForm, postForm, type Fields, type FormSession } from '../support/http.ts';
import { createTestContext, TEST_DB, type TestContext } from '../support/test-app.ts';

/**
 * Request bodies and uploads: multipart only where files are taken, files read only after the
 * CSRF token, limits that answer clearly, malformed bodies that get a 400, names whose extension
 * comes from the content, and a limit on anonymous POSTs.
 */

const BASE = '/t/villebelle';
const FORM = `${BASE}/demarches/signaler-probleme-voirie/demande`;
const PASSWORD = 'lavande-moulin-piano-27';

/** A 1×1 greyscale baseline JFIF. */
const JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////' +
    '////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
  'base64',
);

async function realPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage().drawText('Facture', { font: await doc.embedFont(StandardFonts.Helvetica), x: 50, y: 700 });
  return Buffer.from(await doc.save());
}

function answers(overrides: Fields = {}): Fields {
  return {
    categorie: 'chaussee',
    lieu__street: '12 rue des Lilas',
    lieu__postal_code: '00000',
    lieu__city: 'Villebelle',
    description: 'Un trou profond au milieu de la chaussée, devant le numéro 12.',
    applicant_given_name: 'Camille',
    applicant_family_name: 'Martin',
    applicant_email: 'camille.martin@example.org',
    ...overrides,
  };
}

/** Nothing internal reaches the client. */
function assertCleanPage(res: { headers: Record<string, unknown>; body: string }, label: string): void {
  assert.match(String(res.headers['content-type']), /text\/html/, label);
  assert.match(res.body, /<h1>/, label);
  assert.doesNotMatch(res.body, /\bat [\w.<>]+ \(|\.ts:\d+|node_modules|busboy|Unexpected end/i, label);
}

/**
 * Sends the headers and the first bytes of a request that announces `declaredLength` bytes, and
 * waits for the answer without sending the rest: resolves with the status line's code, or
 * rejects when the server waits for the body (it read or buffered it before answering).
 */
function answerBeforeBody(
  port: number,
  path: string,
  headers: Record<string, string>,
  first: Buffer,
  declaredLength: number,
): Promise<{ status: number; head: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer to ${path} before the body was sent`));
    }, 5000);
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: Number(received.slice(9, 12)), head: received.slice(0, end) });
    });
    socket.on('connect', () => {
      const lines = [`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', `Content-Length: ${declaredLength}`];
      for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      socket.write(first);
    });
  });
}

const BOUNDARY = '----guichet-test-boundary';
const filePartStart = (field: string, filename: string) =>
  Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
      'Content-Type: application/pdf\r\n\r\n',
  );
const fieldPart = (name: string, value: string) =>
  Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);

describe(`request bodies and uploads (${TEST_DB})`, () => {
  let ctx: TestContext;
  let port = 0;

  before(async () => {
    ctx = await createTestContext({
      env: {
        UPLOAD_MAX_BYTES: '200000',
        UPLOAD_MAX_TOTAL_BYTES: '300000',
        FORM_RATE_LIMIT: '1000',
        TRACKING_RATE_LIMIT: '1000',
        ANONYMOUS_POST_RATE_LIMIT: '1000',
      },
    });
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    port = (ctx.app.server.address() as net.AddressInfo).port;
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'pieces@villebelle.example',
      password: PASSWORD,
      role: 'admin',
    });
  });
  after(async () => ctx.close());

  async function requestsOf(familyName: string): Promise<number> {
    const r = await ctx.database.ownerQuery(
      `select count(*)::int as n from requests where tenant_id = $1 and applicant_name = $2`,
      [ctx.tenantId, `Camille ${familyName}`],
    );
    return Number(r.rows[0]!.n);
  }

  async function multipart(session: FormSession, url: string, contentType: string, payload: Buffer) {
    return ctx.app.inject({
      method: 'POST',
      url,
      payload,
      headers: { cookie: session.cookie, 'content-type': contentType },
    });
  }

  test('multipart to a route that takes no files: 415 page (JSON under /api/), answered before the body is read', async () => {
    const session = await openForm(ctx.app, `${BASE}/connexion`);
    const { payload, contentType } = await encodeForm({ _csrf: session.csrf }, [
      { field: 'f', filename: 'a.pdf', type: 'application/pdf', data: await realPdf() },
    ]);
    const res = await multipart(session, `${BASE}/deconnexion`, contentType, payload);
    assert.equal(res.statusCode, 415);
    assertCleanPage(res, '/deconnexion');
    assert.match(res.body, /ne prend pas de fichiers/);

    const api = await ctx.app.inject({
      method: 'POST',
      url: `${BASE}/api/v1/demarches/signaler-probleme-voirie/requests`,
      payload,
      headers: { 'content-type': contentType },
    });
    assert.equal(api.statusCode, 415);
    assert.equal(api.json().error.code, 'unsupported_file_type');

    // 100 MB announced, 64 kB sent: the answer comes without the rest.
    const first = Buffer.concat([filePartStart('f', 'big.pdf'), Buffer.alloc(64 * 1024, 0x41)]);
    const raw = await answerBeforeBody(
      port,
      `${BASE}/deconnexion`,
      { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`, Cookie: session.cookie },
      first,
      100 * 1024 * 1024,
    );
    assert.equal(raw.status, 415);
  });

  test('a file part before the CSRF token: 403, without reading the file, nothing stored', async () => {
    const session = await openForm(ctx.app, FORM);
    const before = await requestsOf('Avant');
    // The token comes after the file: the form is refused at the file.
    const payload = Buffer.concat([
      filePartStart('photo', 'photo.jpg'),
      JPEG,
      Buffer.from('\r\n'),
      fieldPart('_csrf', session.csrf),
      ...Object.entries(answers({ applicant_family_name: 'Avant' })).map(([k, v]) => fieldPart(k, String(v))),
      Buffer.from(`--${BOUNDARY}--\r\n`),
    ]);
    const res = await multipart(session, FORM, `multipart/form-data; boundary=${BOUNDARY}`, payload);
    assert.equal(res.statusCode, 403);
    assertCleanPage(res, 'file first');
    assert.equal(await requestsOf('Avant'), before);

    // Over a socket: 100 MB announced, the file's first 64 kB sent, the refusal comes at once.
    const raw = await answerBeforeBody(
      port,
      FORM,
      { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`, Cookie: session.cookie },
      Buffer.concat([filePartStart('photo', 'photo.jpg'), Buffer.alloc(64 * 1024, 0x41)]),
      100 * 1024 * 1024,
    );
    assert.equal(raw.status, 403);

    // No token at all, or a wrong one before the file: the same.
    const wrong = Buffer.concat([
      fieldPart('_csrf', 'pas-le-bon'),
      filePartStart('photo', 'photo.jpg'),
      JPEG,
      Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
    ]);
    assert.equal((await multipart(session, FORM, `multipart/form-data; boundary=${BOUNDARY}`, wrong)).statusCode, 403);
  });

  test('a tracking code that opens nothing: refused before the documents are read', async () => {
    const session = await openForm(ctx.app, FORM);
    const created = await postForm(ctx.app, FORM, session, answers({ applicant_family_name: 'Suivi' }));
    assert.equal(created.statusCode, 303);
    const reference = /\/demandes\/([^/]+)\/confirmation/.exec(String(created.headers.location))![1]!;
    const raw = await answerBeforeBody(
      port,
      `${BASE}/suivi/${reference}/messages`,
      { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`, Cookie: session.cookie },
      Buffer.concat([
        fieldPart('_csrf', session.csrf),
        fieldPart('cle', 'pas-le-code'),
        filePartStart('documents', 'scan.pdf'),
        Buffer.alloc(64 * 1024, 0x41),
      ]),
      100 * 1024 * 1024,
    );
    assert.equal(raw.status, 404);
  });

  test('no boundary, a wrong one, one over 70 characters, a truncated body: 400 with a clear page', async () => {
    const session = await openForm(ctx.app, FORM);
    const { payload, contentType } = await encodeForm(
      { _csrf: session.csrf, ...answers({ applicant_family_name: 'Malforme' }) },
      [{ field: 'photo', filename: 'photo.jpg', type: 'image/jpeg', data: JPEG }],
    );
    const boundary = /boundary=(.+)$/.exec(contentType)![1]!;
    const long = 'b'.repeat(71);
    const cases: [string, string, Buffer][] = [
      ['no boundary', 'multipart/form-data', payload],
      ['empty boundary', 'multipart/form-data; boundary=', payload],
      ['wrong boundary', 'multipart/form-data; boundary=une-autre-limite', payload],
      [
        'boundary over 70 characters',
        `multipart/form-data; boundary=${long}`,
        Buffer.from(payload.toString('latin1').replaceAll(boundary, long), 'latin1'),
      ],
      ['boundary of 300 characters', `multipart/form-data; boundary=${'c'.repeat(300)}`, payload],
      ['truncated in the file', contentType, payload.subarray(0, payload.length - JPEG.length)],
      ['truncated before the end', contentType, payload.subarray(0, payload.length - 10)],
      ['truncated in a field', contentType, payload.subarray(0, 200)],
    ];
    for (const [label, type, body] of cases) {
      const res = await multipart(session, FORM, type, body);
      assert.equal(res.statusCode, 400, `${label}: ${res.statusCode}`);
      assertCleanPage(res, label);
      assert.match(res.body, /mal formé|n’a pas été reçu en entier/, label);
    }
    assert.equal(await requestsOf('Malforme'), 0);
    // The same form, whole, goes through.
    const ok = await multipart(session, FORM, contentType, payload);
    assert.equal(ok.statusCode, 303);
  });

  test('over the limit of one file, of all files, of the number of files: a clear answer, typed values kept', async () => {
    const session = await openForm(ctx.app, FORM);
    const big = Buffer.concat([JPEG, Buffer.alloc(250_000, 0)]);
    const oneTooBig = await postForm(ctx.app, FORM, session, answers({ applicant_family_name: 'Lourd' }), [
      { field: 'photo', filename: 'grosse.jpg', type: 'image/jpeg', data: big },
    ]);
    assert.equal(oneTooBig.statusCode, 400);
    assert.match(oneTooBig.body, /class="error-summary"/);
    assert.match(oneTooBig.body, /grosse\.jpg[^<]*est trop lourd/);
    assert.match(oneTooBig.body, /value="12 rue des Lilas"/);
    assert.match(oneTooBig.body, /Un trou profond au milieu de la chaussée/);

    const medium = Buffer.concat([JPEG, Buffer.alloc(160_000, 0)]);
    const together = await postForm(ctx.app, FORM, session, answers({ applicant_family_name: 'Lourd' }), [
      { field: 'photo', filename: 'une.jpg', type: 'image/jpeg', data: medium },
      { field: 'photo', filename: 'deux.jpg', type: 'image/jpeg', data: medium },
    ]);
    assert.equal(together.statusCode, 400);
    assert.match(together.body, /deux\.jpg[^<]*n(?:'|&#39;)a pas été reçu/);
    assert.match(together.body, /293 Ko au total/);
    assert.match(together.body, /value="camille\.martin@example\.org"/);

    const eleven = Array.from({ length: 11 }, (_, i) => ({
      field: 'photo',
      filename: `p${i}.jpg`,
      type: 'image/jpeg',
      data: JPEG,
    }));
    const tooMany = await postForm(ctx.app, FORM, session, answers({ applicant_family_name: 'Lourd' }), eleven);
    assert.equal(tooMany.statusCode, 413);
    assertCleanPage(tooMany, 'eleven files');
    assert.match(tooMany.body, /trop de fichiers : 10 au plus/);
    assert.equal(await requestsOf('Lourd'), 0);
  });

  test('scan.hta, facture.html, doc.exe (PDF) and photo.svg (JPEG) are stored and served as .pdf and .jpg', async () => {
    const pdf = await realPdf();
    const session = await openForm(ctx.app, FORM);
    const created = await postForm(ctx.app, FORM, session, answers({ applicant_family_name: 'Extension' }), [
      { field: 'photo', filename: 'photo.svg', type: 'image/svg+xml', data: JPEG },
    ]);
    assert.equal(created.statusCode, 303);
    const [, reference, secret] = /\/demandes\/([^/]+)\/confirmation\?cle=([^&]+)/.exec(
      String(created.headers.location),
    )!;
    const tracking = await openForm(ctx.app, `${BASE}/suivi/${reference}?cle=${secret}`);
    const sent = await postForm(
      ctx.app,
      `${BASE}/suivi/${reference}/messages`,
      tracking,
      { cle: decodeURIComponent(secret!), message: 'Mes pièces' },
      [
        { field: 'documents', filename: 'scan.hta', type: 'application/hta', data: pdf },
        { field: 'documents', filename: 'facture.html', type: 'text/html', data: pdf },
        { field: 'documents', filename: 'doc.exe', type: 'application/x-msdownload', data: pdf },
        { field: 'documents', filename: 'photo.JPEG', type: 'image/jpeg', data: JPEG },
      ],
    );
    assert.equal(sent.statusCode, 303);

    const rows = (
      await ctx.database.ownerQuery(
        `select d.id, d.filename, d.mime_type, r.data->'photo' as photo from request_documents d
           join requests r on r.id = d.request_id where r.reference = $1 order by d.created_at, d.filename`,
        [reference],
      )
    ).rows as { id: string; filename: string; mime_type: string; photo: string[] }[];
    assert.deepEqual(rows.map((r) => r.filename).sort(), [
      'doc.pdf',
      'facture.pdf',
      'photo.JPEG',
      'photo.jpg',
      'scan.pdf',
    ]);
    assert.deepEqual(rows[0]!.photo, ['photo.jpg']);

    const agent = await loginAgent(ctx.app, 'pieces@villebelle.example', PASSWORD);
    for (const row of rows) {
      const res = await ctx.app.inject({
        method: 'GET',
        url: `${BASE}/agent/demandes/${reference}/documents/${row.id}`,
        headers: { cookie: agent },
      });
      assert.equal(res.statusCode, 200, row.filename);
      assert.equal(res.headers['content-type'], row.mime_type);
      assert.match(String(res.headers['content-disposition']), new RegExp(`^attachment; filename="${row.filename}"`));
    }
  });

  test('a document stored earlier under a dangerous name is served under the extension of its type', async () => {
    const citizen = await insertCitizen(ctx.database, ctx.tenantId, 'ancien@example.org', 'Ancien');
    const request = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'signaler-probleme-voirie' });
    await ctx.database.ownerQuery(`update requests set citizen_id = $1 where id = $2`, [citizen, request.id]);
    const pdfId = await insertDocument(ctx.database, ctx.tenantId, request.id, {
      filename: 'scan.hta',
      mimeType: 'application/pdf',
      content: await realPdf(),
    });
    const jpegId = await insertDocument(ctx.database, ctx.tenantId, request.id, {
      filename: 'photo.svg',
      mimeType: 'image/jpeg',
      content: JPEG,
    });
    const cookie = await citizenSessionCookie(ctx.services.db, ctx.tenantId, citizen);
    const agent = await loginAgent(ctx.app, 'pieces@villebelle.example', PASSWORD);
    for (const [id, name] of [
      [pdfId, 'scan.pdf'],
      [jpegId, 'photo.jpg'],
    ] as const) {
      const mine = await ctx.app.inject({
        method: 'GET',
        url: `${BASE}/mon-espace/donnees/documents/${id}`,
        headers: { cookie },
      });
      assert.equal(mine.statusCode, 200);
      assert.equal(mine.headers['content-disposition'], `attachment; filename="${name}"; filename*=UTF-8''${name}`);
      const agents = await ctx.app.inject({
        method: 'GET',
        url: `${BASE}/agent/demandes/${request.reference}/documents/${id}`,
        headers: { cookie: agent },
      });
      assert.equal(agents.headers['content-disposition'], `attachment; filename="${name}"; filename*=UTF-8''${name}`);
    }
  });
});

describe(`anonymous POSTs are rate-limited (${TEST_DB})`, () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext({ env: { ANONYMOUS_POST_RATE_LIMIT: '3' } });
  });
  after(async () => ctx.close());

  test('ANONYMOUS_POST_RATE_LIMIT per minute and address, then 429; signed-in citizens are not counted', async () => {
    const session = await openForm(ctx.app, `${BASE}/connexion`);
    const post = (remoteAddress: string, cookie = '') =>
      ctx.app.inject({
        method: 'POST',
        url: `${BASE}/deconnexion`,
        remoteAddress,
        headers: {
          cookie: [session.cookie, cookie].filter(Boolean).join('; '),
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: new URLSearchParams({ _csrf: session.csrf }).toString(),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await post('10.77.0.1')).statusCode);
    assert.deepEqual(statuses, [303, 303, 303]);
    const limited = await post('10.77.0.1');
    assert.equal(limited.statusCode, 429);
    assert.match(String(limited.headers['retry-after']), /^\d+$/);
    assert.match(limited.body, /<h1>Trop de tentatives<\/h1>/);
    // A forged session cookie does not make the sender signed in.
    assert.equal((await post('10.77.0.1', 'guichet_citoyen=forged')).statusCode, 429);
    // Another address has its own count.
    assert.equal((await post('10.77.0.2')).statusCode, 303);

    const citizen = await insertCitizen(ctx.database, ctx.tenantId, 'limite@example.org', 'Lina');
    const cookie = await citizenSessionCookie(ctx.services.db, ctx.tenantId, citizen);
    const page = await openForm(ctx.app, `${BASE}/mon-espace/preferences`, { cookie });
    const cookies = page.cookie === cookie ? cookie : `${page.cookie}; ${cookie}`;
    for (let i = 0; i < 5; i++) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: `${BASE}/mon-espace/preferences`,
        remoteAddress: '10.77.0.1',
        headers: { cookie: cookies, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: page.csrf, channel: 'email', language: 'fr' }).toString(),
      });
      assert.ok([200, 303].includes(res.statusCode), `signed-in POST ${i + 1}: ${res.statusCode}`);
    }
  });
});
