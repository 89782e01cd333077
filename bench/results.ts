/**
 * « Nos résultats » at volume (issue 12, benchmark): one commune with N requests over two years
 * (default 1,000,000) and M survey answers (default 200,000) on the PostgreSQL server, then
 *
 * - the daily computation (`results` job, every scope of the commune) timed end to end, target
 *   < 60 s; and, in the same run, the baseline it replaces per page view: computing the figures
 *   when the page is asked for;
 * - the published page through HTTP (the application in process, listening on 127.0.0.1, one
 *   request at a time, keep-alive), target p95 < 50 ms, read from the precomputed document.
 *
 *   npx tsx bench/results.ts [--requests 1000000] [--answers 200000] [--keep]
 *
 * Environment: GUICHET_BENCH_PG_URL (an admin connection; default
 * postgres://postgres@127.0.0.1:5432/postgres), BENCH_RESULTS_DB (default guichet_bench_results,
 * dropped and created again), BENCH_SAMPLES (page requests per address, after 50 of warm-up, default 200),
 * BENCH_ROUNDS (daily computations, default 3). Figures: docs/performance.md.
 */
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { inTenant } from '../src/db/tenant-scope.ts';
import { seedDemo } from '../src/demo/seed-demo.ts';
import { parisDay } from '../src/platform/format.ts';
import { computeResults } from '../src/modules/results/compute-results.ts';
import { resultsJobs } from '../src/modules/results/jobs.ts';
import { moduleResultsSources } from '../src/modules/results/module-sources.ts';
import { buildServices } from '../src/services.ts';
import { createServerDatabase } from '../test/support/test-app.ts';

const ADMIN_URL = process.env.GUICHET_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = process.env.BENCH_RESULTS_DB ?? 'guichet_bench_results';
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TARGETS = { pageP95Ms: 50, dailyJobS: 60 };

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '1000000' },
    answers: { type: 'string', default: '200000' },
    keep: { type: 'boolean', default: false },
  },
});
const REQUESTS = Number(args.requests);
const ANSWERS = Number(args.answers);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const log = (msg: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

/**
 * Requests, their deadline breaches, survey answers and missed calls, in SQL over
 * generate_series (never row by row), spread over the 24 months the job reads. The demo's
 * services and démarches are used, so every scope of the page has figures.
 */
async function generate(
  q: (text: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>,
  tenantId: string,
) {
  const t0 = performance.now();
  // Requests: 24 months back from now; 88 % closed after 0 to 40 days, due 10 to 30 days after filing.
  await q(
    `with d as (select id, service_id, row_number() over (order by slug) - 1 as n, count(*) over () as total from demarches where tenant_id = $1)
     insert into requests (tenant_id, reference, demarche_id, service_id, status, channel, data, applicant_name,
                           tracking_secret_hash, submitted_at, due_on, updated_at, closed_at)
     select $1, 'VB-BENCH-' || g, d.id, d.service_id,
            case when g % 100 < 88 then 'traitee' else 'en_cours' end,
            (array['en-ligne','en-ligne','en-ligne','courriel','telephone','telephone','guichet','courrier'])[1 + g % 8],
            '{}'::jsonb, 'Usager ' || g, 'bench', s.at, (s.at + ((10 + g % 21) || ' days')::interval)::date, s.at,
            case when g % 100 < 88 then s.at + (((g * 7919) % 41) || ' days')::interval + interval '2 hours' end
       from generate_series(1::bigint, $2::bigint) g
       cross join lateral (select now() - ((g * 104729::bigint) % (730 * 86400) || ' seconds')::interval as at) s
       join d on d.n = g % d.total`,
    [tenantId, REQUESTS],
  );
  log(`requests: ${REQUESTS.toLocaleString('en')} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const t1 = performance.now();
  // One closed request in twenty was recorded past its due date at some point.
  await q(
    `insert into deadline_breaches (tenant_id, request_id, due_on, detected_at, kind)
     select tenant_id, id, due_on, (due_on + 1)::timestamptz, 'closed_late' from requests
      where tenant_id = $1 and closed_at is not null and hashtext(id::text) % 20 = 0`,
    [tenantId],
  );
  log(`deadline breaches in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  const t2 = performance.now();
  await q(
    `with d as (select id, service_id, row_number() over (order by slug) - 1 as n, count(*) over () as total from demarches where tenant_id = $1)
     insert into survey_answers (tenant_id, answered_on, interaction, channel, service_id, demarche_id, satisfaction, simple, clear, online_score, comment)
     select $1, (now() - ((g * 7907) % 730 || ' days')::interval)::date,
            (array['request','request','contact','assistant','kiosk'])[1 + g % 5],
            (array['en-ligne','courriel','telephone','guichet','assistant'])[1 + g % 5],
            d.service_id, d.id, 1 + (g * 31) % 5,
            case when g % 3 > 0 then 1 + (g * 17) % 4 end, case when g % 4 > 0 then 1 + (g * 13) % 4 end,
            case when g % 5 = 0 then (g * 11) % 11 end, case when g % 10 = 0 then 'Un commentaire' else '' end
       from generate_series(1::bigint, $2::bigint) g
       join d on d.n = g % d.total`,
    [tenantId, ANSWERS],
  );
  log(`survey answers: ${ANSWERS.toLocaleString('en')} in ${((performance.now() - t2) / 1000).toFixed(1)} s`);
  await q(
    `insert into missed_calls (tenant_id, day, service_id, calls)
     select $1, day::date, s.id, 1 + (extract(doy from day)::int * 7) % 12
       from generate_series(now() - interval '730 days', now(), interval '1 day') day
       cross join services s where s.tenant_id = $1`,
    [tenantId],
  );
  await q('analyze');
}

async function main(): Promise<void> {
  const load = os.loadavg().map((l) => l.toFixed(1));
  log(`load average ${load.join(' ')} on ${os.cpus().length} cores`);
  const { url, ownerUrl } = await createServerDatabase(ADMIN_URL, DB_NAME);
  const database = await openDatabase({ url, ownerUrl, dataDir: 'unused', poolSize: 10 });
  const q = database.ownerQuery;
  const tenantId = (await seedDemo(database)).tenantId;
  await generate(q, tenantId);

  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    MAIL_WORKER_ENABLED: 'false',
    JOBS_ENABLED: 'false',
    INBOUND_SMTP_PORT: '0',
  });
  const services = buildServices(config, database, pino({ level: 'silent' }), { mailWorker: false });
  const job = resultsJobs(database.db, moduleResultsSources)[0]!;

  // The daily computation, every tenant (here: the one commune and its services).
  const jobSeconds: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    const summary = await job.run(new Date());
    jobSeconds.push((performance.now() - t) / 1000);
    log(`daily job round ${i + 1}: ${jobSeconds.at(-1)!.toFixed(1)} s ${JSON.stringify(summary)}`);
  }
  // Baseline: the same figures computed when the page is asked for (the commune's document only).
  const baseline: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await inTenant(database.db, tenantId, (trx) =>
      computeResults(trx, { today: parisDay(new Date()), now: new Date(), sources: moduleResultsSources }),
    );
    baseline.push(performance.now() - t);
  }

  const app = await createApp(services, { logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const service = (
    await q(
      `select s.slug from published_results p join services s on 'service:' || s.id::text = p.scope where p.tenant_id = $1 limit 1`,
      [tenantId],
    )
  ).rows[0]!.slug as string;
  const pages: Record<string, string> = {
    '« Nos résultats » (commune)': '/t/villebelle/resultats',
    [`« Nos résultats » (service ${service})`]: `/t/villebelle/resultats/services/${service}`,
    'open data JSON': '/t/villebelle/resultats/donnees.json',
  };
  // Reference in the same run: a route that reads nothing (the machine's floor).
  pages['reference: /healthz'] = '/healthz';
  // Every address warmed up first, so that none is measured while the JIT is still compiling.
  for (const path of Object.values(pages))
    for (let i = 0; i < 50; i++) await (await fetch(`${origin}${path}`)).arrayBuffer();
  const rows: string[] = [];
  for (const [label, path] of Object.entries(pages)) {
    const times: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const t = performance.now();
      const res = await fetch(`${origin}${path}`);
      await res.arrayBuffer();
      times.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    }
    times.sort((a, b) => a - b);
    rows.push(`| ${label} | ${percentile(times, 50).toFixed(1)} ms | ${percentile(times, 95).toFixed(1)} ms |`);
  }
  await app.close();

  const counts = (
    await q(
      `select (select count(*) from requests)::int as requests, (select count(*) from survey_answers)::int as answers,
              (select count(*) from published_results)::int as scopes`,
    )
  ).rows[0] as { requests: number; answers: number; scopes: number };
  const jobMedian = median(jobSeconds);
  const baseMedian = median(baseline);
  console.log(`
Volume: ${counts.requests.toLocaleString('en')} requests, ${counts.answers.toLocaleString('en')} survey answers, ${counts.scopes} published scopes.
Load average at start: ${load.join(' ')} (${os.cpus().length} cores).

| daily job \`results\` (all scopes) | rounds | median | target |
| --- | --- | --- | --- |
| computed and published | ${jobSeconds.map((s) => `${s.toFixed(1)} s`).join(', ')} | ${jobMedian.toFixed(1)} s | < ${TARGETS.dailyJobS} s |

| page (${SAMPLES} requests each) | p50 | p95 |
| --- | --- | --- |
${rows.join('\n')}
| baseline: the commune's figures computed on request | ${baseMedian.toFixed(0)} ms (median of 3) | |
`);
  await database.close();
  if (!args.keep) {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${DB_NAME} with (force)`);
    await admin.end();
  }
}

await main();
