/**
 * `npm run bench:security`: what security costs.
 * 1. argon2id hashes per second with the parameters of src/modules/agents/password.ts, one at a
 *    time (one core) and as many at once as the machine has cores.
 * 2. The session check in process, on the PostgreSQL server: p50/p99 of findSessionAgent and
 *    findCitizenSession, each in its own tenant transaction (the database lookup, which a cache
 *    miss costs); then checkAgentSession and checkCitizenSession as routes call them, through the
 *    session cache (src/platform/session-cache.ts): hits, and misses (entries never trusted).
 *    Then how long a revocation committed by another connection takes to reach this process
 *    (commit sent → notification handed to the cache).
 * 3. Over HTTP with autocannon: the same page anonymous and with a citizen session cookie (the
 *    citizen module resolves the session on every page); the p99 difference is the session's cost.
 *
 * Environment: GUICHET_BENCH_PG_URL (admin connection, default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_DURATION (seconds per HTTP scenario, default 10), BENCH_CONNECTIONS (default 10).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServerDatabase } from '../test/support/test-app.ts';
import os from 'node:os';
import argon2 from 'argon2';
import autocannon from 'autocannon';
import { openDatabase } from '../src/db/database.ts';
import { inTenant } from '../src/db/tenant-scope.ts';
import { seedDemo } from '../src/demo/seed-demo.ts';
import { hashPassword } from '../src/modules/agents/password.ts';
import pg from 'pg';
import { checkAgentSession, createSession, findSessionAgent } from '../src/modules/agents/sessions.ts';
import { checkCitizenSession, findCitizenSession } from '../src/modules/citizens/sessions.ts';
import { AUTH_CHANNEL, SessionCache } from '../src/platform/session-cache.ts';
import { killServer, startServer, type ServerProcess } from '../test/support/server-process.ts';

const ADMIN_URL = process.env.GUICHET_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const DB_NAME = 'guichet_bench_security';
const PAGE = '/demarches';
const CORES = os.cpus().length;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function hashesPerSecond(concurrency: number, seconds: number): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let count = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      await hashPassword(`mot-de-passe-${count}-${Math.random()}`);
      count++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return count / ((performance.now() - started) / 1000);
}

async function timeCalls(n: number, fn: () => Promise<unknown>): Promise<{ p50: number; p99: number; mean: number }> {
  for (let i = 0; i < 200; i++) await fn(); // warm-up: pool, plans, JIT
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), mean: times.reduce((a, b) => a + b, 0) / n };
}

function prepareDatabase(): Promise<{ url: string; ownerUrl: string }> {
  return createServerDatabase(ADMIN_URL, DB_NAME);
}

async function cannon(origin: string, headers: Record<string, string>) {
  const opts = { url: `${origin}/t/villebelle${PAGE}`, connections: CONNECTIONS, headers };
  await autocannon({ ...opts, duration: 3 }); // warm-up
  const r = await autocannon({ ...opts, duration: DURATION });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

const fmt = (n: number, d = 2) => n.toFixed(d);

async function main() {
  const lines: string[] = [];
  const out = (s: string) => {
    console.log(s);
    lines.push(s);
  };
  out(
    `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${CORES} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  out(`argon2id: memoryCost 19456 KiB, timeCost 2, parallelism 1 (src/modules/agents/password.ts)`);
  const one = await hashesPerSecond(1, 5);
  const all = await hashesPerSecond(CORES, 5);
  out(`- one at a time: ${fmt(one, 1)} hashes/s (${fmt(1000 / one, 1)} ms each)`);
  out(`- ${CORES} at once: ${fmt(all, 1)} hashes/s`);
  // Sanity: the hash really uses the documented parameters.
  const sample = await hashPassword('x');
  const params = /^\$argon2id\$v=19\$([^$]+)\$/.exec(sample)?.[1]?.split(',').sort().join(',');
  if (params !== 'm=19456,p=1,t=2' || !(await argon2.verify(sample, 'x'))) {
    throw new Error(`unexpected hash parameters: ${sample}`);
  }

  const { url, ownerUrl } = await prepareDatabase();
  const database = await openDatabase({ url, ownerUrl, dataDir: 'unused', poolSize: 10 });
  const { tenantId } = await seedDemo(database);
  const agent = await database.ownerQuery(`select id from agents where tenant_id = $1 limit 1`, [tenantId]);
  const agentId = String(agent.rows[0]!.id);
  const now = () => new Date();
  const agentToken = await inTenant(database.db, tenantId, (trx) => createSession(trx, tenantId, agentId, now()));
  const citizen = await database.ownerQuery(
    `insert into citizens (tenant_id, email, email_verified_at, password_hash, given_name, family_name)
     values ($1, 'bench@example.org', now(), $2, 'Léa', 'BANC') returning id`,
    [tenantId, await hashPassword('banc-essai-mot-de-passe-42')],
  );
  const citizenToken = randomBytes(32).toString('base64url');
  await database.ownerQuery(
    `insert into citizen_sessions (tenant_id, id, citizen_id, method, expires_at)
     values ($1, $2, $3, 'password', now() + interval '12 hours')`,
    [tenantId, createHash('sha256').update(citizenToken).digest('hex'), citizen.rows[0]!.id],
  );

  out(
    `Load average at the start: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}`,
  );
  out(`Session check in process (PostgreSQL server, one tenant transaction per call, 5,000 calls):`);
  const empty = await timeCalls(5000, () => inTenant(database.db, tenantId, async () => null));
  const a = await timeCalls(5000, async () => {
    const s = await inTenant(database.db, tenantId, (trx) => findSessionAgent(trx, agentToken, now()));
    if (!s) throw new Error('agent session not found');
  });
  const c = await timeCalls(5000, async () => {
    const s = await inTenant(database.db, tenantId, (trx) => findCitizenSession(trx, citizenToken, now()));
    if (!s) throw new Error('citizen session not found');
  });
  out(`- empty tenant transaction: p50 ${fmt(empty.p50)} ms, p99 ${fmt(empty.p99)} ms`);
  out(`- findSessionAgent (database): p50 ${fmt(a.p50)} ms, p99 ${fmt(a.p99)} ms`);
  out(`- findCitizenSession (database): p50 ${fmt(c.p50)} ms, p99 ${fmt(c.p99)} ms`);

  // As routes call them: through the session cache of this process.
  const clock = { now };
  const cached = { db: database.db, clock, sessionCache: new SessionCache(database.notifications) };
  await cached.sessionCache.whenListening();
  const hitAgent = await timeCalls(5000, async () => {
    if (!(await checkAgentSession(cached, tenantId, agentToken))) throw new Error('agent session not found');
  });
  const hitCitizen = await timeCalls(5000, async () => {
    if (!(await checkCitizenSession(cached, tenantId, citizenToken))) throw new Error('citizen session not found');
  });
  const stats = cached.sessionCache.stats();
  if (stats.misses > 2) throw new Error(`expected cache hits, got ${stats.misses} misses`);
  // Entries never trusted: every check is a miss (the database lookup plus the cache's own work).
  const missing = { db: database.db, clock, sessionCache: new SessionCache(database.notifications, { maxAgeMs: 0 }) };
  await missing.sessionCache.whenListening();
  const missAgent = await timeCalls(5000, async () => {
    if (!(await checkAgentSession(missing, tenantId, agentToken))) throw new Error('agent session not found');
  });
  const missCitizen = await timeCalls(5000, async () => {
    if (!(await checkCitizenSession(missing, tenantId, citizenToken))) throw new Error('citizen session not found');
  });
  out(`Session check through the session cache (checkAgentSession, checkCitizenSession as routes call them):`);
  out(`- agent, hit: p50 ${fmt(hitAgent.p50, 3)} ms, p99 ${fmt(hitAgent.p99, 3)} ms`);
  out(`- citizen, hit: p50 ${fmt(hitCitizen.p50, 3)} ms, p99 ${fmt(hitCitizen.p99, 3)} ms`);
  out(`- agent, miss: p50 ${fmt(missAgent.p50)} ms, p99 ${fmt(missAgent.p99)} ms`);
  out(`- citizen, miss: p50 ${fmt(missCitizen.p50)} ms, p99 ${fmt(missCitizen.p99)} ms`);

  // A revocation made by another process: commit sent on a connection of its own → notification
  // handed to this process's subscribers (what evicts the cached session).
  const other = new pg.Client({ connectionString: url });
  await other.connect();
  let delivered: (() => void) | null = null;
  const stop = database.notifications.subscribe(AUTH_CHANNEL, {
    notify: () => delivered?.(),
    listening: () => {},
    lost: () => {},
  });
  await database.notifications.sync();
  const citizenSessionId = createHash('sha256').update(citizenToken).digest('hex');
  await other.query(`select set_config('guichet.tenant_id', $1, false)`, [tenantId]);
  const delays: number[] = [];
  const commits: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const arrived = new Promise<void>((resolve) => (delivered = resolve));
    const t = performance.now();
    // Autocommit: the statement and its commit in one round trip.
    await other.query(`update citizen_sessions set user_agent = $1 where id = $2`, [`bench ${i}`, citizenSessionId]);
    commits.push(performance.now() - t);
    await arrived;
    delays.push(performance.now() - t);
  }
  stop();
  await other.end();
  delays.sort((x, y) => x - y);
  commits.sort((x, y) => x - y);
  out(
    `- a change committed by another connection reaches this process: p50 ${fmt(percentile(delays, 50), 3)} ms, p99 ${fmt(percentile(delays, 99), 3)} ms after it is sent; its commit returns after p50 ${fmt(percentile(commits, 50), 3)} ms, p99 ${fmt(percentile(commits, 99), 3)} ms (1,000 changes)`,
  );
  await cached.sessionCache.close();
  await missing.sessionCache.close();
  await database.close();

  let server: ServerProcess | null = null;
  try {
    server = await startServer({ env: { DATABASE_URL: url, DATABASE_OWNER_URL: ownerUrl, GUICHET_DEMO: 'false' } });
    const anon = await cannon(server.origin, {});
    const signed = await cannon(server.origin, { cookie: `guichet_citoyen=${citizenToken}` });
    out(`HTTP, GET /t/villebelle${PAGE}, autocannon ${CONNECTIONS} connections × ${DURATION} s:`);
    out(`- anonymous: ${fmt(anon.rps, 0)} req/s, p50 ${anon.p50} ms, p99 ${anon.p99} ms (non-2xx ${anon.non2xx})`);
    out(
      `- with a citizen session: ${fmt(signed.rps, 0)} req/s, p50 ${signed.p50} ms, p99 ${signed.p99} ms (non-2xx ${signed.non2xx})`,
    );
    out(
      `- p99 difference: ${signed.p99 - anon.p99} ms; session check alone in process, p99: ${fmt(hitCitizen.p99, 3)} ms from the cache, ${fmt(c.p99)} ms from the database (target < 1 ms)`,
    );
  } finally {
    if (server) await killServer(server);
  }
  console.log(`\n${lines.join('\n')}`);
}

await main();
