import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { csrfFrom, insertAgent, insertRequest, loginAgent } from '../../../test/support/factories.ts';
import { postForm, type TestFile } from '../../../test/support/http.ts';
import { createHttpSmsProvider } from '../../platform/sms/http-provider.ts';
import { sendQueuedSms } from '../../platform/sms/outbox.ts';
import { generateTrackingSecret, hashTrackingSecret } from './reference.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'sapin-radis-olive-11';
const pdf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.4\n% piece\n'), Buffer.alloc(size, 0x20)]);

describe(`replies with attachments, and SMS notices through the job queue (${TEST_DB})`, () => {
  let ctx: TestContext;
  let cookie = '';
  let agentId = '';

  async function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await ctx.database.ownerQuery(text, params)).rows as T[];
  }

  async function tracked(options: { phone?: string | null; email?: string | null } = {}) {
    const r = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: 'signaler-probleme-voirie',
      applicantEmail: options.email === undefined ? 'lucie@example.org' : options.email,
    });
    const secret = generateTrackingSecret();
    await sql('update requests set tracking_secret_hash = $1, applicant_phone = $2 where id = $3', [
      hashTrackingSecret(secret),
      options.phone === undefined ? '06 12 34 56 78' : options.phone,
      r.id,
    ]);
    return { ...r, secret };
  }

  async function page(reference: string) {
    return ctx.app.inject({ method: 'GET', url: `${BASE}/agent/demandes/${reference}`, headers: { cookie } });
  }

  async function reply(reference: string, fields: Record<string, string>, files: TestFile[] = []) {
    const body = (await page(reference)).body;
    const revision = /name="revision" value="(\d+)"/.exec(body)?.[1] ?? '';
    return postForm(
      ctx.app,
      `${BASE}/agent/demandes/${reference}/reponse`,
      { cookie, csrf: csrfFrom(body) },
      { revision, ...fields },
      files,
    );
  }

  before(async () => {
    ctx = await createTestContext({
      env: { UPLOAD_MAX_BYTES: '4096', MAIL_ATTACHMENTS_MAX_BYTES: '2048', SMS_SENDER: 'Villebelle' },
    });
    agentId = await insertAgent(ctx.database, ctx.tenantId, {
      email: 'camille.voirie@villebelle.example',
      name: 'Camille Voirie',
      password: PASSWORD,
      serviceSlugs: ['voirie-proprete'],
    });
    cookie = await loginAgent(ctx.app, 'camille.voirie@villebelle.example', PASSWORD);
  });
  after(async () => ctx.close());

  async function revisionOf(id: string): Promise<number> {
    const [row] = await sql<{ revision: number }>(`select revision from requests where id = $1`, [id]);
    return row!.revision;
  }

  test('the reply form takes files, and offers « Prévenir aussi par SMS » only with a mobile number', async () => {
    const mobile = await tracked();
    const body = (await page(mobile.reference)).body;
    assert.match(body, /enctype="multipart\/form-data"/);
    assert.match(body, /name="pieces"/);
    assert.match(body, /Prévenir aussi par SMS/);
    assert.match(body, /\+33 6 12 34 56 78/);
    const landline = await tracked({ phone: '01 23 45 67 89' });
    assert.doesNotMatch((await page(landline.reference)).body, /Prévenir aussi par SMS/);
  });

  test('a reply with a file: stored with the item (the agent its author), on the timeline, attached to the mail, downloadable by the citizen', async () => {
    const r = await tracked();
    const res = await reply(r.reference, { reponse: 'Voici le plan des travaux.' }, [
      { field: 'pieces', filename: 'plan travaux.pdf', type: 'application/pdf', data: pdf(300) },
    ]);
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    const [doc] = await sql<{ id: string; author_agent_id: string; kind: string; filename: string }>(
      `select d.id, d.author_agent_id, e.kind, d.filename from request_documents d
        join request_events e on e.tenant_id = d.tenant_id and e.id = d.event_id where d.request_id = $1`,
      [r.id],
    );
    assert.ok(doc);
    assert.equal(doc.author_agent_id, agentId);
    assert.equal(doc.kind, 'agent_message');
    assert.equal(doc.filename, 'plan travaux.pdf');
    const [mail] = await sql<{ attachment_ids: string[] | string; text_body: string }>(
      `select attachment_ids, text_body from mail_outbox where request_id = $1`,
      [r.id],
    );
    assert.deepEqual([mail!.attachment_ids].flat().join(',').replace(/[{}]/g, ''), doc.id);
    assert.match(mail!.text_body, /document joint à ce courriel/);
    // The agent's timeline lists it.
    assert.match((await page(r.reference)).body, new RegExp(`documents/${doc.id}"[^>]*download`));

    // The citizen: linked from the tracking page, downloaded with the tracking code.
    const tracking = await ctx.app.inject({ method: 'GET', url: `${BASE}/suivi/${r.reference}?cle=${r.secret}` });
    assert.equal(tracking.statusCode, 200);
    const href = new RegExp(`href="(${BASE}/suivi/${r.reference}/documents/${doc.id}\\?cle=[^"]+)"`).exec(
      tracking.body,
    )?.[1];
    assert.ok(href, 'a download link on the tracking page');
    const file = await ctx.app.inject({ method: 'GET', url: href.replace(/&amp;/g, '&') });
    assert.equal(file.statusCode, 200);
    assert.equal(file.headers['content-type'], 'application/pdf');
    assert.match(String(file.headers['content-disposition']), /attachment/);
    assert.equal(file.rawPayload.subarray(0, 8).toString(), '%PDF-1.4');
    const logged = await sql(
      `select 1 from personal_data_access_log where request_id = $1 and action = 'download_document'`,
      [r.id],
    );
    assert.equal(logged.length, 1, 'the download is in the access log');
    // A wrong code, or another request's code, opens nothing.
    const other = await tracked();
    for (const url of [
      `${BASE}/suivi/${r.reference}/documents/${doc.id}?cle=${other.secret}`,
      `${BASE}/suivi/${other.reference}/documents/${doc.id}?cle=${other.secret}`,
      `${BASE}/suivi/${r.reference}/documents/pas-un-id?cle=${r.secret}`,
    ]) {
      assert.equal((await ctx.app.inject({ method: 'GET', url })).statusCode, 404, url);
    }
  });

  test('files over the mail cap stay on the tracking page: the mail links to it instead', async () => {
    const r = await tracked();
    const res = await reply(r.reference, { reponse: 'Deux documents.' }, [
      { field: 'pieces', filename: 'a.pdf', type: 'application/pdf', data: pdf(1500) },
      { field: 'pieces', filename: 'b.pdf', type: 'application/pdf', data: pdf(1500) },
    ]);
    assert.equal(res.statusCode, 303);
    assert.equal((await sql(`select 1 from request_documents where request_id = $1`, [r.id])).length, 2);
    const [mail] = await sql<{ attachment_ids: string[] | string; text_body: string }>(
      `select attachment_ids, text_body from mail_outbox where request_id = $1`,
      [r.id],
    );
    assert.equal([mail!.attachment_ids].flat().join('').replace(/[{}]/g, ''), '');
    assert.match(mail!.text_body, /trop lourds pour être joints à ce courriel/);
    assert.match(mail!.text_body, /a\.pdf/);
  });

  for (const [what, file, expected] of [
    [
      'a refused type',
      {
        field: 'pieces',
        filename: 'script.pdf',
        type: 'application/pdf',
        data: Buffer.from('MZ\x90\x00 not a pdf at all'),
      },
      /n&#39;est pas un vrai fichier PDF|n'est pas un vrai fichier PDF/,
    ],
    [
      'an oversize file',
      { field: 'pieces', filename: 'gros.pdf', type: 'application/pdf', data: pdf(5000) },
      /trop lourd/,
    ],
  ] as const) {
    test(`${what}: the form comes back with the error and the reply as typed; nothing is written`, async () => {
      const r = await tracked();
      const res = await reply(r.reference, { reponse: 'Ma réponse gardée telle quelle.', sms: '1' }, [file]);
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /error-summary|class="error/);
      assert.match(res.body, expected);
      assert.match(res.body, /Ma réponse gardée telle quelle\./);
      assert.match(res.body, /id="sms"[^>]*checked/, 'the SMS choice is kept too');
      assert.match(res.body, /ajoutez-les à nouveau/);
      assert.equal(
        (await sql(`select 1 from request_events where request_id = $1 and kind = 'agent_message'`, [r.id])).length,
        0,
      );
      assert.equal((await sql(`select 1 from request_documents where request_id = $1`, [r.id])).length, 0);
      assert.equal((await sql(`select 1 from sms_messages where request_id = $1`, [r.id])).length, 0);
    });
  }

  test('« Prévenir aussi par SMS »: a notice without content, sent by the queue to the file transport, on the agents’ timeline', async () => {
    const r = await tracked();
    const res = await reply(r.reference, { reponse: 'Votre dossier de voirie est complet, merci.', sms: '1' });
    assert.equal(res.statusCode, 303);
    assert.match(String(res.headers.location), /fait=reponse-sms/);
    const [queued] = await sql<{ id: string; to_number: string; text_body: string; status: string; segments: number }>(
      `select id, to_number, text_body, status, segments from sms_messages where request_id = $1`,
      [r.id],
    );
    assert.equal(queued?.status, 'pending', 'queued with the reply, not sent in the request');
    assert.equal(queued.to_number, '+33612345678');
    assert.match(
      queued.text_body,
      new RegExp(`^Mairie de Villebelle : votre demande ${r.reference} a une nouvelle réponse\\. Consultez-la : http`),
    );
    assert.doesNotMatch(queued.text_body, /dossier de voirie/, 'no personal content');
    assert.equal(queued.segments, 1);
    const before = await revisionOf(r.id);

    await ctx.services.jobs.drain();
    const [sent] = await sql<{ status: string; provider: string; provider_message_id: string }>(
      `select status, provider, provider_message_id from sms_messages where id = $1`,
      [queued.id],
    );
    assert.equal(sent?.status, 'sent');
    assert.equal(sent.provider, 'file');
    const lines = (await readFile(path.join(ctx.config.dataDir, 'sms', 'outbox.jsonl'), 'utf8')).trim().split('\n');
    const line = lines
      .map((l) => JSON.parse(l) as Record<string, string>)
      .find((l) => l.id === sent.provider_message_id);
    assert.deepEqual(
      { to: line?.to, from: line?.from, text: line?.text },
      { to: '+33612345678', from: 'Villebelle', text: queued.text_body },
    );
    const events = await sql<{ kind: string; visible_to_citizen: boolean; body: string }>(
      `select kind, visible_to_citizen, body from request_events where request_id = $1 and kind = 'sms_sent'`,
      [r.id],
    );
    assert.equal(events.length, 1);
    assert.equal(events[0]!.visible_to_citizen, false);
    const afterSms = await revisionOf(r.id);
    assert.equal(afterSms, before, 'the SMS does not make the agent’s open page stale');
    assert.match((await page(r.reference)).body, /SMS envoyé à l’usager/);
    // A job run twice sends nothing twice.
    await sendQueuedSms(
      { db: ctx.services.db, provider: ctx.services.sms, sender: 'Villebelle', logger: pino({ level: 'silent' }) },
      ctx.tenantId,
      queued.id,
      { attempt: 2, last: false },
    );
    const again = (await readFile(path.join(ctx.config.dataDir, 'sms', 'outbox.jsonl'), 'utf8')).trim().split('\n');
    assert.equal(again.length, lines.length);
  });

  test('a citizen who chose SMS is texted at a status change and at a reply, without ticking anything', async () => {
    const r = await tracked({ phone: null, email: null });
    const [person] = await sql<{ id: string }>(
      `insert into people (tenant_id, display_name, phone, preferred_channel) values ($1, 'Lucie Moreau', '0690 12 34 56', 'sms') returning id`,
      [ctx.tenantId],
    );
    await sql(`update requests set person_id = $1 where id = $2`, [person!.id, r.id]);
    const body = (await page(r.reference)).body;
    assert.match(body, /L’usager a choisi d’être prévenu par SMS/);
    const revision = /name="revision" value="(\d+)"/.exec(body)?.[1] ?? '';
    const status = await postForm(
      ctx.app,
      `${BASE}/agent/demandes/${r.reference}/statut`,
      { cookie, csrf: csrfFrom(body) },
      { revision, statut: 'en_cours', message: '' },
    );
    assert.equal(status.statusCode, 303, status.body.slice(0, 300));
    assert.equal((await reply(r.reference, { reponse: 'Nous traitons votre demande.' })).statusCode, 303);
    const texts = await sql<{ purpose: string; to_number: string; text_body: string }>(
      `select purpose, to_number, text_body from sms_messages where request_id = $1 order by created_at, purpose desc`,
      [r.id],
    );
    assert.deepEqual(
      texts.map((t) => [t.purpose, t.to_number]),
      [
        ['status', '+590690123456'],
        ['reply', '+590690123456'],
      ],
    );
    assert.match(texts[0]!.text_body, /a changé de statut/);
  });

  describe('an HTTP gateway that refuses or fails', () => {
    let server: Server;
    let url = '';
    before(async () => {
      server = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          const status = req.url === '/refuse' ? 422 : 503;
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'non' }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    async function queuedSms() {
      const r = await tracked();
      assert.equal((await reply(r.reference, { reponse: 'Réponse.', sms: '1' })).statusCode, 303);
      const [sms] = await sql<{ id: string }>(`select id from sms_messages where request_id = $1`, [r.id]);
      return { r, smsId: sms!.id };
    }
    const deps = (path: string) => ({
      db: ctx.services.db,
      provider: createHttpSmsProvider({ url: `${url}${path}`, token: 'tok-secret', timeoutMs: 2000 }),
      sender: 'Villebelle',
      logger: pino({ level: 'silent' }),
    });

    test('a refusal is final: the message failed, an internal note tells the agents', async () => {
      const { r, smsId } = await queuedSms();
      await sendQueuedSms(deps('/refuse'), ctx.tenantId, smsId, { attempt: 1, last: false });
      const [sms] = await sql<{ status: string; last_error: string }>(
        `select status, last_error from sms_messages where id = $1`,
        [smsId],
      );
      assert.equal(sms?.status, 'failed');
      assert.match(sms.last_error, /422/);
      assert.doesNotMatch(sms.last_error, /tok-secret/);
      const notes = await sql<{ body: string }>(
        `select body from request_events where request_id = $1 and kind = 'internal_note'`,
        [r.id],
      );
      assert.match(notes[0]?.body ?? '', /n’a pas pu être envoyé/);
      assert.match((await page(r.reference)).body, /n’a pas pu être envoyé/);
    });

    test('a temporary failure goes back to the queue (thrown), and stays pending until the last attempt', async () => {
      const { r, smsId } = await queuedSms();
      await assert.rejects(sendQueuedSms(deps('/busy'), ctx.tenantId, smsId, { attempt: 1, last: false }), /503/);
      assert.equal(
        (await sql<{ status: string }>(`select status from sms_messages where id = $1`, [smsId]))[0]?.status,
        'pending',
      );
      await assert.rejects(sendQueuedSms(deps('/busy'), ctx.tenantId, smsId, { attempt: 8, last: true }), /503/);
      assert.equal(
        (await sql<{ status: string }>(`select status from sms_messages where id = $1`, [smsId]))[0]?.status,
        'failed',
      );
      const notes = await sql(`select 1 from request_events where request_id = $1 and kind = 'internal_note'`, [r.id]);
      assert.equal(notes.length, 1);
    });
  });
});
