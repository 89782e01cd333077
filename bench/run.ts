/**
 * `npm run bench`: starts Guichet as a child process on a fresh PostgreSQL database
 * (`guichet_bench`, dropped and recreated) and measures four scenarios with autocannon:
 * a bare platform route (the ceiling), a démarche page, an online form submission and a
 * tracking page. Prints requests/s, latencies, the ratio to the ceiling and the server's
 * peak memory. `npm run bench -- --pglite` adds the same run on the embedded database.
 *
 * Environment: GUICHET_BENCH_PG_URL (an admin connection, default
 * postgres://postgres@127.0.0.1:5432/postgres), BENCH_DURATION (seconds, default 10),
 * BENCH_CONNECTIONS (default 20).
 *
 * Optional, only when asked: `BENCH_ONLY=w` runs the agents' workspace at volume
 * (bench/workspace.ts: generation of BENCH_WORKSPACE_REQUESTS requests, default 20,000, then the
 * measurements, then inbound mail on a copy of that database: bench/inbound-mail.ts); with other
 * letters too (`BENCH_ONLY=w,d`), the scenarios above follow.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServerDatabase } from '../test/support/test-app.ts';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { killServer, startServer, tempDataDir, type ServerProcess } from '../test/support/server-process.ts';
import {
  answersFor,
  demoForms,
  fetchFormSession,
  pickUrlencodedForm,
  submitForm,
  type FormSession,
} from './form-client.ts';

const ADMIN_URL = process.env.GUICHET_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = 3;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
// BENCH_ONLY=b,d runs only those scenarios (and always (a), the ceiling): for profiling one path.
const ONLY = process.env.BENCH_ONLY?.split(',').map((x) => x.trim());
const runs = (letter: string) => !ONLY || ONLY.includes(letter);
// The Node flags production runs with (the heap budget of `npm run start:prod`), read from
// package.json so that the benchmark measures exactly that.
const PRODUCTION_NODE_FLAGS = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }
).scripts['start:prod']!.split(' ').filter((arg) => arg.startsWith('--'));
const DB_NAME = 'guichet_bench';
const DEMARCHE_PAGE = '/demarches/carte-identite';
const TRACKED = 300;

const TARGETS = {
  pageRatio: 0.4,
  submitRps: 1000,
  trackingRps: 2000,
  p99Ms: 50,
  rssMb: 200,
};

interface ScenarioResult {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  expectedStatus: number;
  expectedCount: number;
  otherCount: number;
  errors: number;
  serverCpu: number;
  /** Server process CPU per answered request, in ms: what one core could do, free of contention. */
  serverCpuMsPerRequest: number;
  /** PostgreSQL backends' CPU per answered request (server database only), in ms. */
  dbCpuMsPerRequest: number | null;
  rssMb: number;
}

/** CPU ticks of the PostgreSQL backends serving the bench database (the app's pool). */
async function databaseTicks(): Promise<number> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const r = await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [DB_NAME]);
    return r.rows.reduce((sum, row) => {
      const { user, kernel } = cpuTicksSplit(row.pid);
      return sum + user + kernel;
    }, 0);
  } finally {
    await admin.end();
  }
}

function prepareServerDatabase(): Promise<{ url: string; ownerUrl: string }> {
  return createServerDatabase(ADMIN_URL, DB_NAME);
}

/** User and kernel (system calls: sockets to clients and to PostgreSQL) clock ticks of a process. */
function cpuTicksSplit(pid: number): { user: number; kernel: number } {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { user: Number(fields[11]), kernel: Number(fields[12]) };
  } catch {
    return { user: 0, kernel: 0 };
  }
}

function rssKb(pid: number): number {
  try {
    return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

async function measure(
  server: ServerProcess & { databaseUrl?: string },
  name: string,
  expectedStatus: number,
  options: Partial<autocannon.Options>,
): Promise<ScenarioResult> {
  const base: autocannon.Options = { url: server.origin, connections: CONNECTIONS, ...options };
  await autocannon({ ...base, duration: WARMUP });
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssKb(server.pid))), 200);
  const withDb = Boolean(server.databaseUrl);
  const db0 = withDb ? await databaseTicks() : 0;
  const split0 = cpuTicksSplit(server.pid);
  const ticks0 = split0.user + split0.kernel;
  const r = await autocannon({ ...base, duration: DURATION });
  const split1 = cpuTicksSplit(server.pid);
  const ticks1 = split1.user + split1.kernel;
  const kernelShare = (split1.kernel - split0.kernel) / Math.max(ticks1 - ticks0, 1);
  const db1 = withDb ? await databaseTicks() : 0;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, rssKb(server.pid));
  const stats = r.statusCodeStats ?? {};
  const count = (code: number) => (stats as Record<string, { count?: number }>)[String(code)]?.count ?? 0;
  const all = Object.values(stats).reduce((s, v) => s + (v.count ?? 0), 0);
  const result: ScenarioResult = {
    name,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    expectedStatus,
    expectedCount: count(expectedStatus),
    otherCount: all - count(expectedStatus),
    errors: r.errors + r.timeouts,
    // Clock ticks are 1/100 s on Linux: 100 % is one core busy for the whole run.
    serverCpu: (ticks1 - ticks0) / (DURATION * 100),
    serverCpuMsPerRequest: ((ticks1 - ticks0) * 10) / Math.max(all, 1),
    // Backends that closed during the run take their ticks with them: never report less than 0.
    dbCpuMsPerRequest: withDb ? Math.max(0, ((db1 - db0) * 10) / Math.max(all, 1)) : null,
    rssMb: peakRss / 1024,
  };
  console.log(
    `  ${name}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ` +
      `${result.expectedCount} × ${expectedStatus}, ${result.otherCount} other, ${result.errors} errors, ` +
      `server CPU ${(result.serverCpu * 100).toFixed(0)} % (${result.serverCpuMsPerRequest.toFixed(2)} ms/request, ${(kernelShare * 100).toFixed(0)} % in the kernel), ` +
      `database CPU ${result.dbCpuMsPerRequest === null ? '–' : `${result.dbCpuMsPerRequest.toFixed(2)} ms/request`}, ` +
      `RSS ${result.rssMb.toFixed(0)} MB`,
  );
  return result;
}

async function runSuite(
  label: string,
  env: Record<string, string>,
): Promise<{ results: ScenarioResult[]; peakMb: number }> {
  console.log(`\n== ${label} ==`);
  const server = await startServer({
    env: {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      // One client (the benchmark) from one address: the per-address limit on tracking
      // lookups would otherwise answer 429 after 30 requests.
      TRACKING_RATE_LIMIT: '1000000000',
      // The web tier as deployed beside `npm run worker`: it queues mail in the outbox (that is
      // what (c) measures), the worker process sends it. BENCH_MAIL_IN_PROCESS=true sends from
      // the web process instead, as `npm start` alone does.
      MAIL_WORKER_ENABLED: process.env.BENCH_MAIL_IN_PROCESS === 'true' ? 'true' : 'false',
      JOBS_ENABLED: 'false',
      GUICHET_DEMO_FRANCECONNECT: 'false',
      ...env,
    },
    dataDir: tempDataDir(),
    timeoutMs: 120_000,
    // e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=.bench/prof" to profile the server.
    nodeArgs: [
      ...(process.env.BENCH_SOURCE === 'true' ? [] : PRODUCTION_NODE_FLAGS),
      ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    ],
    // What production runs (`npm run build`, then `npm run start:prod`); BENCH_SOURCE=true runs
    // the TypeScript sources through tsx instead, as `npm start` does.
    compiled: process.env.BENCH_SOURCE !== 'true',
  });
  const target = Object.assign(server, { databaseUrl: env.DATABASE_URL });
  try {
    const forms = await demoForms();
    const form = pickUrlencodedForm(forms, ['signaler-probleme-voirie', 'encombrants', 'reclamation']);
    if (!form) throw new Error('no online form can be sent without a file');
    const formPath = `/demarches/${form.slug}/demande`;
    const sessions: FormSession[] = [];
    for (let i = 0; i < CONNECTIONS; i++) sessions.push(await fetchFormSession(`${server.origin}${formPath}`));

    // References to track, created through the form as a citizen would.
    const tracked: string[] = [];
    for (let i = 0; i < TRACKED; i++) {
      const r = await submitForm(
        server.origin,
        form.slug,
        sessions[i % sessions.length]!,
        answersFor(form.definition, i)!,
      );
      if (r.status !== 303 || !r.reference || !r.secret)
        throw new Error(`submission refused (${r.status}): ${r.body?.slice(0, 1000)}`);
      tracked.push(`/suivi/${encodeURIComponent(r.reference)}?cle=${encodeURIComponent(r.secret)}`);
    }
    console.log(`  form: ${form.slug}; ${TRACKED} requests created for tracking`);

    const results: ScenarioResult[] = [];
    results.push(await measure(target, '(a) GET /healthz', 200, { url: `${server.origin}/healthz` }));
    if (runs('b'))
      results.push(
        await measure(target, `(b) GET ${DEMARCHE_PAGE}`, 200, {
          url: `${server.origin}${DEMARCHE_PAGE}`,
          headers: { accept: 'text/html' },
        }),
      );
    let n = 1_000_000;
    if (runs('c'))
      results.push(
        await measure(target, `(c) POST ${formPath}`, 303, {
          requests: [
            {
              method: 'POST',
              path: formPath,
              setupRequest: (req) => {
                const i = n++;
                const session = sessions[i % sessions.length]!;
                return {
                  ...req,
                  headers: {
                    'content-type': 'application/x-www-form-urlencoded',
                    cookie: session.cookie,
                    accept: 'text/html',
                  },
                  body: new URLSearchParams([['_csrf', session.token], ...answersFor(form.definition, i)!]).toString(),
                };
              },
            },
          ],
        }),
      );
    let t = 0;
    if (runs('d'))
      results.push(
        await measure(target, '(d) GET /suivi/<reference>?cle=…', 200, {
          requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: tracked[t++ % tracked.length]! }) }],
        }),
      );
    return { results, peakMb: (server.peakRssKb() ?? 0) / 1024 };
  } finally {
    await killServer(server, 'SIGTERM');
  }
}

function table(label: string, suite: { results: ScenarioResult[]; peakMb: number }): string {
  const ceiling = suite.results[0]!.rps;
  const lines = [
    `### ${label}`,
    '',
    '| Scenario | Requests/s | p50 (ms) | p99 (ms) | Ratio to (a) | Expected status | Other statuses / errors | Server CPU | Node CPU ms/req | DB CPU ms/req |',
    '| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |',
    ...suite.results.map(
      (r, i) =>
        `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${i === 0 ? '–' : `${((r.rps / ceiling) * 100).toFixed(0)} %`} | ` +
        `${r.expectedCount} × ${r.expectedStatus} | ${r.otherCount} / ${r.errors} | ${(r.serverCpu * 100).toFixed(0)} % | ` +
        `${r.serverCpuMsPerRequest.toFixed(2)} | ${r.dbCpuMsPerRequest === null ? '–' : r.dbCpuMsPerRequest.toFixed(2)} |`,
    ),
    '',
    `Server peak resident memory (VmHWM): ${suite.peakMb.toFixed(0)} MB.`,
    '',
  ];
  return lines.join('\n');
}

function verdicts(suite: { results: ScenarioResult[]; peakMb: number }): string {
  const find = (letter: string) => suite.results.find((r) => r.name.startsWith(`(${letter})`));
  const [a, b, c, d] = [find('a')!, find('b'), find('c'), find('d')];
  const check = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const worstP99 = Math.max(...[b, c, d].map((r) => r?.p99 ?? 0));
  return [
    b &&
      `- (b) ≥ ${TARGETS.pageRatio * 100} % of (a): ${((b.rps / a.rps) * 100).toFixed(0)} % – ${check(b.rps / a.rps >= TARGETS.pageRatio)}`,
    c &&
      `- (c) ≥ ${TARGETS.submitRps} submissions/s: ${c.rps.toFixed(0)} – ${check(c.rps >= TARGETS.submitRps && c.otherCount === 0)}`,
    d &&
      `- (d) ≥ ${TARGETS.trackingRps} req/s: ${d.rps.toFixed(0)} – ${check(d.rps >= TARGETS.trackingRps && d.otherCount === 0)}`,
    `- p99 < ${TARGETS.p99Ms} ms (worst of b–d): ${worstP99} ms – ${check(worstP99 < TARGETS.p99Ms)}`,
    `- RSS < ${TARGETS.rssMb} MB: ${suite.peakMb.toFixed(0)} MB – ${check(suite.peakMb < TARGETS.rssMb)}`,
    '',
  ]
    .filter((line) => typeof line === 'string')
    .join('\n');
}

const cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
const pgVersion = (await admin.query<{ v: string }>('select version() as v')).rows[0]!.v.split(' ')
  .slice(0, 2)
  .join(' ');
await admin.end();

const loadAtStart = os.loadavg()[0]!;
const header = [
  `Date: ${new Date().toISOString()}`,
  `Machine: ${os.cpus().length} CPUs (${cpu}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB RAM, Node ${process.version}, PostgreSQL ${pgVersion}`,
  `Load: autocannon, ${CONNECTIONS} connections, ${WARMUP} s warm-up then ${DURATION} s per scenario, on the same machine as the server and the database.`,
  '',
].join('\n');
console.log(header);

if (ONLY?.includes('w')) {
  execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/workspace.ts',
      '--generate',
      '--requests',
      process.env.BENCH_WORKSPACE_REQUESTS ?? '20000',
      '--measure',
    ],
    { stdio: 'inherit' },
  );
  execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/inbound-mail.ts',
      '--database',
      process.env.BENCH_WORKSPACE_DB ?? 'guichet_bench_workspace',
    ],
    { stdio: 'inherit' },
  );
  if (ONLY.every((letter) => letter === 'w')) process.exit(0);
}
if (process.env.BENCH_SOURCE !== 'true') execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
const reports: string[] = [header];
const urls = await prepareServerDatabase();
const server = await runSuite('PostgreSQL server', { DATABASE_URL: urls.url, DATABASE_OWNER_URL: urls.ownerUrl });
reports.push(table('PostgreSQL server', server), verdicts(server));
if (process.argv.includes('--pglite')) {
  const lite = await runSuite('PGlite (embedded)', {});
  reports.push(table('PGlite (embedded)', lite), verdicts(lite));
}

reports.push(
  `Load average (1 min) at start and end: ${loadAtStart.toFixed(1)} / ${os.loadavg()[0]!.toFixed(1)} ` +
    `(anything above 0 is other work competing for the ${os.cpus().length} cores).`,
  '',
);
const text = reports.join('\n');
console.log(`\n${text}`);
const outDir = path.resolve(import.meta.dirname, '..', '.bench');
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, 'last.md'), text);
console.log(`(also written to .bench/last.md)`);
