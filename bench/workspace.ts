/**
 * The agents' workspace at volume (issue 8): a generated database of 1,000,000 requests, 300,000
 * citizens and 5,000,000 timeline events over 20 tenants on the PostgreSQL server, then the
 * workspace's pages measured through HTTP, as a logged-in agent of one service and as an
 * administrator.
 *
 *   npx tsx bench/workspace.ts --generate [--requests 1000000]   # (re)creates guichet_bench_workspace
 *   npx tsx bench/workspace.ts --measure                          # measures what is there
 *   BENCH_ONLY=w npm run bench                                    # both, 20,000 requests unless
 *                                                                 # BENCH_WORKSPACE_REQUESTS says
 *
 * The two steps are separate: generating a million requests takes a while, measuring again after
 * a change does not. `--measure` opens the database as the application does, so migrations added
 * since the generation (indexes) are applied to the generated data first.
 *
 * Environment: GUICHET_BENCH_PG_URL (an admin connection, a superuser; default
 * postgres://postgres@127.0.0.1:5432/postgres), BENCH_WORKSPACE_DB (the database, default
 * guichet_bench_workspace), BENCH_ROUNDS (default 3: every measurement is
 * repeated and the median of the rounds reported, the machine being shared), BENCH_SAMPLES
 * (requests per scenario and round, default 60), BENCH_WARMUP (requests before each scenario,
 * not counted, default 10), BENCH_SCENARIOS (a regular expression: only the scenarios whose
 * label matches it, e.g. `search|citizen`). Figures: docs/performance.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { inTenant } from '../src/db/tenant-scope.ts';
import { buildServices } from '../src/services.ts';
import { insertAgent, loginAgent } from '../test/support/factories.ts';
import { createServerDatabase } from '../test/support/test-app.ts';
import { generateWorkspaceData, volumeFor } from './workspace-data.ts';

const ADMIN_URL = process.env.GUICHET_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = process.env.BENCH_WORKSPACE_DB ?? 'guichet_bench_workspace';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 60);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 10);
const ONLY = process.env.BENCH_SCENARIOS ? new RegExp(process.env.BENCH_SCENARIOS, 'i') : null;
const PASSWORD = 'sapin-radis-olive-11';
const TARGETS = { inboxP95: 50, searchP95: 100, requestP95: 50, timelineP95: 50 };

const { values: args } = parseArgs({
  options: {
    generate: { type: 'boolean', default: false },
    measure: { type: 'boolean', default: false },
    requests: { type: 'string', default: '1000000' },
  },
});
if (!args.generate && !args.measure) {
  console.error('Usage: npx tsx bench/workspace.ts [--generate [--requests N]] [--measure]');
  process.exit(2);
}

function urlsOf(name: string): { url: string; ownerUrl: string } {
  const owner = new URL(ADMIN_URL);
  owner.pathname = `/${name}`;
  const app = new URL(owner);
  app.username = 'guichet_app';
  app.password = '';
  return { url: app.toString(), ownerUrl: owner.toString() };
}

const out: string[] = [];
const log = (line: string) => {
  console.log(line);
  out.push(line);
};

async function generate(requests: number): Promise<void> {
  const volume = volumeFor(requests);
  log(`## Generation: ${volume.requests} requests, ${volume.people} people, ${volume.tenants} tenants`);
  const started = performance.now();
  const { url, ownerUrl } = await createServerDatabase(ADMIN_URL, DB_NAME);
  const database = await openDatabase({ url, ownerUrl, dataDir: 'unused', poolSize: 2 });
  try {
    await generateWorkspaceData(database, volume, log);
  } finally {
    await database.close();
  }
  log(`  total: ${((performance.now() - started) / 60000).toFixed(1)} min`);
}

interface Sample {
  label: string;
  actor: string;
  times: number[];
  note: string;
}

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
};
const median = (xs: number[]) => percentile(xs, 0.5);

async function measure(): Promise<void> {
  const { url, ownerUrl } = urlsOf(DB_NAME);
  const database = await openDatabase({ url, ownerUrl, dataDir: 'unused', poolSize: 10 });
  const q = database.ownerQuery;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    MAIL_WORKER_ENABLED: 'false',
    JOBS_ENABLED: 'false',
    LOGIN_DELAY_BASE_MS: '0',
    LOGIN_RATE_LIMIT: '1000',
    INBOUND_SMTP_PORT: '0',
  });
  const services = buildServices(config, database, pino({ level: 'silent' }), { mailWorker: false });
  const routes: string[] = [];
  const app = await createApp(services, {
    logger: false,
    onRoute: (route) => routes.push(`${String(route.method)} ${route.url}`),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  try {
    const tenant = (await q(`select id from tenants where slug = 'villebelle'`)).rows[0];
    if (!tenant) throw new Error(`no generated data in ${DB_NAME}: run with --generate first`);
    const tenantId = String(tenant.id);
    const counts = (
      await q(
        `select (select count(*) from requests)::int as requests, (select count(*) from people)::int as people,
                      (select count(*) from citizens)::int as citizens, (select count(*) from request_events)::int as events,
                      (select count(*) from tenants)::int as tenants,
                      (select count(*) from requests where tenant_id = $1)::int as villebelle,
                      (select count(*) from requests where tenant_id = $1 and closed_at is null)::int as villebelle_open`,
        [tenantId],
      )
    ).rows[0]!;
    // The agent works in Villebelle's busiest service: the worst case of a one-service inbox.
    const busiest = (
      await q(
        `select s.id, s.slug, s.name, count(*)::int as open from requests r
           join services s on s.tenant_id = r.tenant_id and s.id = r.service_id
          where r.tenant_id = $1 and r.closed_at is null group by s.id, s.slug, s.name order by open desc limit 1`,
        [tenantId],
      )
    ).rows[0] as { id: string; slug: string; name: string; open: number };
    await q(`delete from agents where tenant_id = $1 and email like 'bench.measure.%'`, [tenantId]);
    await insertAgent(database, tenantId, {
      email: 'bench.measure.agent@villebelle.example',
      password: PASSWORD,
      serviceSlugs: [busiest.slug],
    });
    await insertAgent(database, tenantId, {
      email: 'bench.measure.admin@villebelle.example',
      password: PASSWORD,
      role: 'admin',
    });
    const actors = {
      [`agent (${busiest.name})`]: await loginAgent(app, 'bench.measure.agent@villebelle.example', PASSWORD),
      administrator: await loginAgent(app, 'bench.measure.admin@villebelle.example', PASSWORD),
    };
    const [agentCookie, adminCookie] = Object.values(actors) as [string, string];

    // Inputs drawn from the data: requests and people of the agent's service.
    const inService = (
      await q(
        `select r.reference, r.applicant_email, r.applicant_phone, r.applicant_name, r.person_id from requests r
          where r.tenant_id = $1 and r.service_id = $2 and r.person_id is not null
          order by md5(r.id::text) limit 200`,
        [tenantId, busiest.id],
      )
    ).rows as {
      reference: string;
      applicant_email: string;
      applicant_phone: string | null;
      applicant_name: string;
      person_id: string;
    }[];
    const busiestPerson = (
      await q(
        `select person_id, count(*)::int as n from requests where tenant_id = $1 and person_id is not null
          group by person_id order by n desc limit 1`,
        [tenantId],
      )
    ).rows[0] as { person_id: string; n: number };
    const withPhone = inService.find((r) => r.applicant_phone)!;
    const searches: Record<string, string> = {
      'full name': inService[0]!.applicant_name,
      'family name': inService[1]!.applicant_name.split(' ').slice(1).join(' '),
      'name with a typo': inService[2]!.applicant_name
        .split(' ')
        .slice(1)
        .join(' ')
        .replace(/[aeiou](?=[^aeiou]*$)/, ''),
      'reference, typed loosely': inService[3]!.reference.replaceAll('-', ' ').toLowerCase(),
      email: inService[4]!.applicant_email,
      'phone, +33': `+33 ${withPhone.applicant_phone!.slice(1).replace(/(\d)(\d\d)(\d\d)(\d\d)(\d\d)/, '$1 $2 $3 $4 $5')}`,
      'common word': 'lampadaire',
      phrase: 'acte de naissance',
      'word in notes': 'technique',
      'word with a typo': 'pasport',
      'no result': 'zzqxwv',
    };

    const timelineRoute = routes.find((r) => /^GET \/agent\/usagers\/:[A-Za-z]+$/.test(r));
    const base = `${origin}/t/villebelle`;
    const get = async (p: string, cookie: string): Promise<{ ms: number; status: number; body: string }> => {
      const t0 = performance.now();
      const res = await fetch(`${base}${p}`, { headers: { cookie, accept: 'text/html' }, redirect: 'manual' });
      const body = await res.text();
      return { ms: performance.now() - t0, status: res.status, body };
    };

    /** `inputs` cycled over SAMPLES requests after a warm-up pass; each must answer 200. */
    async function scenario(label: string, actor: string, paths: string[], cookie: string): Promise<Sample | null> {
      if (ONLY && !ONLY.test(label)) return null;
      let body = '';
      // Warm-up, not counted: the code paths' first runs (V8, prepared statements, pages in cache).
      for (let i = 0; i < WARMUP; i++) ({ body } = await get(paths[i % paths.length]!, cookie));
      const times: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const r = await get(paths[i % paths.length]!, cookie);
        if (r.status !== 200) throw new Error(`${paths[i % paths.length]}: ${r.status} ${r.body.slice(0, 300)}`);
        times.push(r.ms);
        body = r.body;
      }
      const found = /Demandes \(([^)]*)\)/.exec(body)?.[1];
      return { label, actor, times, note: found ? `${found} results` : '' };
    }

    /** The SQL of a citizen's timeline (their requests and those requests' events), as the app role. */
    async function timelineSql(label: string, personIds: string[]): Promise<Sample | null> {
      if (ONLY && !ONLY.test(label)) return null;
      const run = (personId: string) =>
        inTenant(services.db, tenantId, async (trx) => {
          const items = await trx
            .selectFrom('requests as r')
            .innerJoin('demarches as d', (j) =>
              j.onRef('d.tenant_id', '=', 'r.tenant_id').onRef('d.id', '=', 'r.demarche_id'),
            )
            .select(['r.id', 'r.reference', 'r.status', 'r.submitted_at', 'r.due_on', 'd.title'])
            .where('r.person_id', '=', personId)
            .orderBy('r.submitted_at', 'desc')
            .execute();
          const events = await trx
            .selectFrom('request_events as e')
            .select(['e.request_id', 'e.kind', 'e.body', 'e.author_kind', 'e.created_at'])
            .where(
              'e.request_id',
              'in',
              items.map((i) => i.id),
            )
            .orderBy('e.created_at', 'desc')
            .limit(200)
            .execute();
          return items.length + events.length;
        });
      for (const p of personIds.slice(0, 5)) await run(p);
      const times: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const t0 = performance.now();
        await run(personIds[i % personIds.length]!);
        times.push(performance.now() - t0);
      }
      return { label, actor: 'SQL (app role, tenant transaction)', times, note: '' };
    }

    const rounds: Sample[][] = [];
    for (let round = 0; round < ROUNDS; round++) {
      console.log(`round ${round + 1}/${ROUNDS}…`);
      const measured: (Sample | null)[] = [];
      const samples = { push: (s: Sample | null) => measured.push(s) };
      const inboxPath = `/agent/demandes?service=${busiest.id}&tri=echeance`;
      samples.push(await scenario('inbox, service filter, by due date', 'agent', [inboxPath], agentCookie));
      samples.push(await scenario('inbox, service filter, by due date', 'administrator', [inboxPath], adminCookie));
      samples.push(
        await scenario('inbox, every service, by due date', 'administrator', ['/agent/demandes'], adminCookie),
      );
      samples.push(await scenario('inbox, all items', 'administrator', ['/agent/demandes?vue=toutes'], adminCookie));
      for (const [label, text] of Object.entries(searches)) {
        const p = `/agent/recherche?q=${encodeURIComponent(text)}`;
        samples.push(await scenario(`search: ${label} (« ${text} »)`, 'agent', [p], agentCookie));
        samples.push(await scenario(`search: ${label} (« ${text} »)`, 'administrator', [p], adminCookie));
      }
      const pages = inService.map((r) => `/agent/demandes/${encodeURIComponent(r.reference)}`);
      samples.push(await scenario('request page', 'agent', pages, agentCookie));
      const people = inService.map((r) => r.person_id);
      if (timelineRoute) {
        samples.push(
          await scenario(
            'citizen record',
            'agent',
            people.map((id) => `/agent/usagers/${id}`),
            agentCookie,
          ),
        );
        samples.push(
          await scenario(
            'citizen record, busiest citizen',
            'administrator',
            [`/agent/usagers/${busiestPerson.person_id}`],
            adminCookie,
          ),
        );
      } else {
        samples.push(await timelineSql('citizen timeline (SQL)', people));
        samples.push(
          await timelineSql(`citizen timeline (SQL), busiest citizen (${busiestPerson.n} requests)`, [
            busiestPerson.person_id,
          ]),
        );
      }
      rounds.push(measured.filter((s): s is Sample => s !== null));
    }

    const sizes = (
      await q(`select pg_size_pretty(pg_database_size(current_database())) as db,
                      c.relname as name, pg_size_pretty(pg_relation_size(c.oid)) as heap,
                      pg_size_pretty(pg_indexes_size(c.oid)) as indexes,
                      pg_size_pretty(pg_total_relation_size(c.oid)) as total
                 from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = 'public' and c.relkind = 'r' order by pg_total_relation_size(c.oid) desc limit 6`)
    ).rows as { db: string; name: string; heap: string; indexes: string; total: string }[];

    const cpu = os.cpus()[0]?.model ?? 'unknown';
    log(`## Measurement (${new Date().toISOString()})`);
    log(
      `Machine: ${os.cpus().length} CPUs (${cpu}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB; load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' / ')}`,
    );
    log(
      `Data: ${counts.tenants} tenants, ${counts.requests} requests, ${counts.people} people (${counts.citizens} with an account), ` +
        `${counts.events} events; Villebelle ${counts.villebelle} requests (${counts.villebelle_open} open), ` +
        `the agent's service « ${busiest.name} » ${busiest.open} open.`,
    );
    log(
      `${ROUNDS} rounds of ${SAMPLES} requests per line, one at a time, over HTTP on 127.0.0.1 (keep-alive); median of the rounds.`,
    );
    log('');
    log('| scenario | actor | p50 (ms) | p95 (ms) | p95 of each round | |');
    log('| --- | --- | ---: | ---: | --- | --- |');
    const target = (label: string) =>
      label.startsWith('inbox, service')
        ? TARGETS.inboxP95
        : label.startsWith('search')
          ? TARGETS.searchP95
          : label.startsWith('request page')
            ? TARGETS.requestP95
            : label.startsWith('citizen')
              ? TARGETS.timelineP95
              : null;
    for (const [i, s] of rounds[0]!.entries()) {
      const p50 = median(rounds.map((r) => percentile(r[i]!.times, 0.5)));
      const p95s = rounds.map((r) => percentile(r[i]!.times, 0.95));
      const p95 = median(p95s);
      const limit = target(s.label);
      const verdict = limit === null ? '' : p95 < limit ? `< ${limit}: met` : `< ${limit}: MISSED`;
      log(
        `| ${s.label} | ${s.actor} | ${p50.toFixed(1)} | ${p95.toFixed(1)} | ${p95s.map((x) => x.toFixed(0)).join(', ')} | ${[verdict, s.note].filter(Boolean).join('; ')} |`,
      );
    }
    log('');
    log(`Database size: ${sizes[0]?.db}`);
    log('');
    log('| table | heap | indexes | total |');
    log('| --- | ---: | ---: | ---: |');
    for (const s of sizes) log(`| ${s.name} | ${s.heap} | ${s.indexes} | ${s.total} |`);
    if (!timelineRoute) log('\n(no /agent/usagers/:id route yet: the citizen timeline is measured as SQL)');
    await sql`select 1`.execute(services.db);
  } finally {
    await app.close();
    services.dailyJobs.stop();
    await services.jobs.stop();
    await services.mail.stop();
    await database.close();
  }
}

if (args.generate) await generate(Number(args.requests));
if (args.measure) await measure();
const outDir = path.resolve(import.meta.dirname, '..', '.bench');
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, 'workspace.md'), `${out.join('\n')}\n`);
console.log('(also written to .bench/workspace.md)');
// pg's pool may keep the loop alive a moment after close.
void pg;
process.exit(process.exitCode ?? 0);
