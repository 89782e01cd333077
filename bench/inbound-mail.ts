/**
 * Inbound mail throughput: N messages sent over SMTP to the inbound listener, each from its own
 * address (so each opens an item and queues an acknowledgement: the most work a message does),
 * C connections at a time. Prints messages/s accepted (250, i.e. committed) and checks that
 * every one is stored.
 *
 *   npx tsx bench/inbound-mail.ts            # PostgreSQL server (GUICHET_BENCH_PG_URL)
 *   npx tsx bench/inbound-mail.ts --pglite   # the embedded database
 *
 * Environment: BENCH_MESSAGES (default 2000), BENCH_CONNECTIONS (default 10).
 */
import nodemailer from 'nodemailer';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { seedDemo } from '../src/demo/seed-demo.ts';
import { startInboundSmtp } from '../src/modules/inbound-mail/smtp-listener.ts';
import { buildServices } from '../src/services.ts';
import { createServerDatabase } from '../test/support/test-app.ts';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const PGLITE = process.argv.includes('--pglite');
const ADMIN_URL = process.env.GUICHET_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const database = PGLITE
  ? await openDatabase({ url: undefined, dataDir: 'memory://' })
  : await (async () => {
      const { url, ownerUrl } = await createServerDatabase(ADMIN_URL, 'guichet_bench_inbound');
      return openDatabase({ url, ownerUrl, dataDir: 'unused', poolSize: 10 });
    })();
await seedDemo(database);
const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', MAIL_WORKER_ENABLED: 'false' });
const logger = pino({ level: 'silent' });
const services = buildServices(config, database, logger, { mailWorker: false });
const server = await startInboundSmtp(services, { host: '127.0.0.1', port: 0, logger });

const transport = nodemailer.createTransport({
  host: '127.0.0.1',
  port: server.port,
  secure: false,
  ignoreTLS: true,
  pool: true,
  maxConnections: CONNECTIONS,
  maxMessages: Infinity,
});
const body =
  'Bonjour,\n\nLe lampadaire devant le 3 rue Haute ne fonctionne plus depuis lundi. Pouvez-vous envoyer ' +
  'quelqu’un ?\n\nMerci,\nCamille Martin\n\nLe 2 déc. 2026 à 10:02, Mairie de Villebelle a écrit :\n> Bonjour\n';

async function sendOne(i: number): Promise<void> {
  await transport.sendMail({
    from: `Citoyen ${i} <citoyen${i}@example.org>`,
    to: 'villebelle@guichet.localhost',
    subject: `Lampadaire en panne ${i}`,
    text: body,
  });
}

// Warm-up (caches, prepared statements, JIT), not counted.
for (let i = 0; i < 20; i++) await sendOne(-1 - i);
const started = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: CONNECTIONS }, async () => {
    while (next < MESSAGES) await sendOne(next++);
  }),
);
const seconds = (performance.now() - started) / 1000;
const stored = Number(
  (await database.ownerQuery(`select count(*) as n from inbound_mails where from_address like 'citoyen%'`)).rows[0]!.n,
);
transport.close();
await server.close();
await database.close();
console.log(
  `${PGLITE ? 'PGlite' : 'PostgreSQL'}: ${MESSAGES} messages over ${CONNECTIONS} SMTP connections in ${seconds.toFixed(1)} s: ` +
    `${(MESSAGES / seconds).toFixed(0)} messages/s accepted; ${stored - 20} stored (items with their acknowledgement queued)`,
);
if (stored - 20 !== MESSAGES) process.exitCode = 1;
