/**
 * Inbound mail throughput: N messages sent over SMTP to the inbound listener, each from its own
 * address (so each opens an item and queues an acknowledgement: the most work a message does),
 * C connections at a time. Prints messages/s accepted (250, i.e. committed), checks that every
 * one is stored, and the CPU time a message costs the listener, the sending client (a child
 * process, as a remote mail server would be) and the rest of the machine (the database).
 *
 *   npx tsx bench/inbound-mail.ts            # PostgreSQL server (GUICHET_BENCH_PG_URL)
 *   npx tsx bench/inbound-mail.ts --pglite   # the embedded database
 *
 * Environment: BENCH_MESSAGES (default 2000), BENCH_CONNECTIONS (default 20).
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const WARM_UP = 20;

if (process.argv[2] === '--client') {
  await sendAll(Number(process.argv[3]));
} else {
  await listen();
}

/** The sending side, in a child process: warm-up, then the measured messages; reports its CPU. */
async function sendAll(port: number): Promise<void> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: CONNECTIONS,
    maxMessages: Infinity,
  });
  const body =
    'Bonjour,\n\nLe lampadaire devant le 3 rue Haute ne fonctionne plus depuis lundi. Pouvez-vous envoyer ' +
    'quelqu’un ?\n\nMerci,\nCamille Martin\n\nLe 2 déc. 2026 à 10:02, Mairie de Villebelle a écrit :\n> Bonjour\n';
  const sendOne = (i: number) =>
    transport.sendMail({
      from: `Citoyen ${i} <citoyen${i}@example.org>`,
      to: 'villebelle@guichet.localhost',
      subject: `Lampadaire en panne ${i}`,
      text: body,
    });
  // Warm-up (caches, prepared statements, JIT), not counted.
  for (let i = 0; i < WARM_UP; i++) await sendOne(-1 - i);
  process.send!({ event: 'warm' });
  await new Promise((resolve) => process.once('message', resolve));
  const cpuBefore = process.cpuUsage();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < MESSAGES) await sendOne(next++);
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  transport.close();
  process.send!({ event: 'done', cpuMs: (cpu.user + cpu.system) / 1000 });
}

/** The machine's busy CPU time so far, in ms (Linux /proc/stat; 0 elsewhere). */
function machineBusyMs(): number {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq] = ticks.map(Number);
    return ((user! + nice! + system! + irq! + softirq!) * 1000) / 100;
  } catch {
    return 0;
  }
}

async function listen(): Promise<void> {
  const { default: pino } = await import('pino');
  const { loadConfig } = await import('../src/config.ts');
  const { openDatabase } = await import('../src/db/database.ts');
  const { seedDemo } = await import('../src/demo/seed-demo.ts');
  const { startInboundSmtp } = await import('../src/modules/inbound-mail/smtp-listener.ts');
  const { buildServices } = await import('../src/services.ts');
  const { createServerDatabase } = await import('../test/support/test-app.ts');
  const pglite = process.argv.includes('--pglite');
  const adminUrl = process.env.GUICHET_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

  const database = pglite
    ? await openDatabase({ url: undefined, dataDir: 'memory://' })
    : await (async () => {
        const { url, ownerUrl } = await createServerDatabase(adminUrl, 'guichet_bench_inbound');
        return openDatabase({ url, ownerUrl, dataDir: 'unused', poolSize: 10 });
      })();
  await seedDemo(database);
  // Statistics as a live database has them (autovacuum analyses a table as it grows).
  await database.ownerQuery('analyze');
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', MAIL_WORKER_ENABLED: 'false' });
  const logger = pino({ level: 'silent' });
  const services = buildServices(config, database, logger, { mailWorker: false });
  const server = await startInboundSmtp(services, { host: '127.0.0.1', port: 0, logger });

  const client = fork(fileURLToPath(import.meta.url), ['--client', String(server.port)], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_MESSAGES: String(MESSAGES), BENCH_CONNECTIONS: String(CONNECTIONS) },
  });
  const nextMessage = () =>
    new Promise<{ event: string; cpuMs?: number }>((resolve, reject) => {
      client.once('message', resolve as (m: unknown) => void);
      client.once('exit', (code) => reject(new Error(`sending client exited (${code})`)));
    });
  await nextMessage(); // warmed up
  const busyBefore = machineBusyMs();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  client.send('go');
  const done = await nextMessage();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const listenerMs = (cpu.user + cpu.system) / 1000;
  const clientMs = done.cpuMs ?? 0;
  const otherMs = machineBusyMs() - busyBefore - listenerMs - clientMs;
  const stored = Number(
    (await database.ownerQuery(`select count(*) as n from inbound_mails where from_address like 'citoyen%'`)).rows[0]!
      .n,
  );
  if (client.connected) client.disconnect();
  await server.close();
  await database.close();
  const perMessage = (ms: number) => (ms / MESSAGES).toFixed(2);
  console.log(
    `${pglite ? 'PGlite' : 'PostgreSQL'}: ${MESSAGES} messages over ${CONNECTIONS} SMTP connections in ${seconds.toFixed(1)} s: ` +
      `${(MESSAGES / seconds).toFixed(0)} messages/s accepted; ${stored - WARM_UP} stored (items with their acknowledgement queued)`,
  );
  console.log(
    `CPU per message: listener ${perMessage(listenerMs)} ms, sending client ${perMessage(clientMs)} ms, ` +
      `rest of the machine (the database) ${perMessage(otherMs)} ms`,
  );
  if (stored - WARM_UP !== MESSAGES) process.exitCode = 1;
}
