import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createFileSmsProvider } from './file-provider.ts';
import { createHttpSmsProvider } from './http-provider.ts';
import { SmsDeliveryError, type SmsMessage, type SmsProvider } from './provider.ts';

/**
 * The contract every SMS provider keeps (decision 20), run against each implementation: the file
 * transport, and the HTTP provider against a gateway started here (a real HTTP server).
 */

const TOKEN = 'secret-token-0123456789';

interface Received {
  authorization: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

/** A gateway whose answer depends on the number: ...400 refuses, ...503 fails, ...777 stalls. */
async function startGateway(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  let next = 1;
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { to: string };
      received.push({ authorization: req.headers.authorization, contentType: req.headers['content-type'], body });
      const send = (status: number, payload: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { error: 'bad token' });
      if (body.to.endsWith('400')) return send(400, { error: 'numéro refusé' });
      if (body.to.endsWith('429')) return send(429, { error: 'slow down' });
      if (body.to.endsWith('503')) return send(503, { error: 'maintenance' });
      if (body.to.endsWith('204')) return send(200, { status: 'queued' });
      if (body.to.endsWith('777')) return; // never answers: the client's timeout decides
      send(201, { id: `gw-${next++}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1/sms`, received, server };
}

const message: SmsMessage = {
  to: '+33612345678',
  from: 'Villebelle',
  text: 'Mairie de Villebelle : votre demande VB-2026-4F7K2 a une nouvelle réponse.',
};

let dir = '';
let gateway: Awaited<ReturnType<typeof startGateway>>;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'guichet-sms-'));
  gateway = await startGateway();
});
after(async () => {
  gateway.server.closeAllConnections();
  await new Promise((resolve) => gateway.server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

/** Each implementation, and how to see what it delivered last. */
const implementations: { name: string; provider: () => SmsProvider; lastDelivered: () => Promise<SmsMessage> }[] = [
  {
    name: 'file transport',
    provider: () => createFileSmsProvider(path.join(dir, 'sms')),
    lastDelivered: async () => {
      const lines = (await readFile(path.join(dir, 'sms', 'outbox.jsonl'), 'utf8')).trim().split('\n');
      const { to, from, text } = JSON.parse(lines.at(-1)!) as SmsMessage;
      return { to, from, text };
    },
  },
  {
    name: 'HTTP provider',
    provider: () => createHttpSmsProvider({ url: gateway.url, token: TOKEN, timeoutMs: 2000 }),
    lastDelivered: async () => gateway.received.at(-1)!.body as SmsMessage,
  },
];

for (const impl of implementations) {
  describe(`SMS provider contract: ${impl.name}`, () => {
    test('a message is delivered as given (number, sender, text) and gets an id', async () => {
      const { providerId } = await impl.provider().send(message);
      assert.ok(providerId.length > 0);
      assert.deepEqual(await impl.lastDelivered(), message);
    });

    test('two messages get two ids, and accents and the UCS-2 range go through unchanged', async () => {
      const p = impl.provider();
      const text = 'Réponse à « VB-2026-4F7K2 » – consultez-la 🙂';
      const a = await p.send(message);
      const b = await p.send({ ...message, text });
      assert.notEqual(a.providerId, b.providerId);
      assert.equal((await impl.lastDelivered()).text, text);
    });

    test('the provider names itself for the record', () => {
      assert.match(impl.provider().name, /^[a-z]+$/);
    });
  });
}

describe('HTTP provider: what the gateway answers decides a retry', () => {
  const provider = () => createHttpSmsProvider({ url: gateway.url, token: TOKEN, timeoutMs: 300 });

  async function failure(to: string, p = provider()): Promise<SmsDeliveryError> {
    const err = await p.send({ ...message, to }).then(
      () => assert.fail('should have failed'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof SmsDeliveryError);
    assert.ok(!err.message.includes(TOKEN), 'the token never appears in an error');
    return err;
  }

  test('the request: JSON {to, from, text} with the bearer token', async () => {
    await provider().send(message);
    const last = gateway.received.at(-1)!;
    assert.equal(last.authorization, `Bearer ${TOKEN}`);
    assert.match(last.contentType ?? '', /^application\/json/);
    assert.deepEqual(Object.keys(last.body as object).sort(), ['from', 'text', 'to']);
  });

  test('4xx is permanent, with the gateway’s reason', async () => {
    const err = await failure('+33600000400');
    assert.equal(err.permanent, true);
    assert.match(err.message, /400.*numéro refusé/);
  });

  test('a wrong token is a permanent refusal (401)', async () => {
    const err = await failure(
      '+33612345678',
      createHttpSmsProvider({ url: gateway.url, token: 'wrong', timeoutMs: 300 }),
    );
    assert.equal(err.permanent, true);
    assert.match(err.message, /401/);
  });

  test('5xx and 429 are temporary', async () => {
    assert.equal((await failure('+33600000503')).permanent, false);
    assert.equal((await failure('+33600000429')).permanent, false);
  });

  test('a timeout is temporary', async () => {
    const err = await failure('+33600000777');
    assert.equal(err.permanent, false);
    assert.match(err.message, /300 ms/);
  });

  test('a gateway nobody listens on is temporary', async () => {
    const closed = createHttpSmsProvider({ url: 'http://127.0.0.1:1/sms', token: TOKEN, timeoutMs: 300 });
    assert.equal((await failure('+33612345678', closed)).permanent, false);
  });

  test('a 2xx without an id is not retried (the message may have gone): permanent', async () => {
    assert.equal((await failure('+33600000204')).permanent, true);
  });
});

test('file transport: a disk it cannot write to is a temporary failure', async () => {
  const blocker = path.join(dir, 'not-a-dir');
  await writeFile(blocker, 'x');
  const err = await createFileSmsProvider(path.join(blocker, 'sms'))
    .send(message)
    .catch((e: unknown) => e);
  assert.ok(err instanceof SmsDeliveryError);
  assert.equal(err.permanent, false);
});
