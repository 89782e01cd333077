/**
 * `npm test`: runs every test file with Node's test runner, first on embedded PGlite, then on
 * the PostgreSQL server at GUICHET_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test)
 * when it is reachable, and says what it ran. Browser journeys (test/e2e) run once, on PGlite.
 * Arguments filter files by substring: `npm test -- tenant`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { PG_ADMIN_URL } from './support/test-app.ts';

const root = path.resolve(import.meta.dirname, '..');

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const p = path.join(dir, entry);
    if (entry === 'node_modules') continue;
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (entry.endsWith('.test.ts')) out.push(path.relative(root, p));
  }
  return out.sort();
}

const filters = process.argv.slice(2);
const all = [...findTests(path.join(root, 'src')), ...findTests(path.join(root, 'test'))].filter(
  (f) => filters.length === 0 || filters.some((x) => f.includes(x)),
);
const browser = all.filter((f) => f.startsWith(path.join('test', 'e2e')));
const nonBrowser = all.filter((f) => !browser.includes(f));

interface RunResult {
  pass: number;
  fail: number;
  ok: boolean;
}

function run(label: string, files: string[], env: Record<string, string>): RunResult {
  if (files.length === 0) return { pass: 0, fail: 0, ok: true };
  console.log(`\n=== ${label}: ${files.length} files ===`);
  const tap = path.join(mkdtempSync(path.join(os.tmpdir(), 'guichet-tap-')), 'out.tap');
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      `--test-concurrency=${process.env.TEST_CONCURRENCY ?? '2'}`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...files,
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } },
  );
  const text = readFileSync(tap, 'utf8');
  const count = (name: string) => Number(new RegExp(`^# ${name} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { pass: count('pass'), fail: count('fail'), ok: r.status === 0 };
}

async function postgresReachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

const results: string[] = [];
let ok = true;
const lite = run('PGlite (embedded)', nonBrowser, { GUICHET_TEST_DB: 'pglite' });
ok &&= lite.ok;
results.push(`PGlite: ${lite.pass} tests passed, ${lite.fail} failed`);

const unreachable = await postgresReachable();
if (unreachable === null) {
  const server = run('PostgreSQL server', nonBrowser, { GUICHET_TEST_DB: 'postgres' });
  ok &&= server.ok;
  results.push(`PostgreSQL server: ${server.pass} tests passed, ${server.fail} failed`);
} else {
  if (process.env.CI === 'true') ok = false;
  results.push(
    `PostgreSQL server: skipped: unreachable (${unreachable})${process.env.CI === 'true' ? ' – required in CI' : ''}`,
  );
}

if (browser.length > 0) {
  const b = run('Browser journeys (Chromium, PGlite)', browser, { GUICHET_TEST_DB: 'pglite' });
  ok &&= b.ok;
  results.push(`Browser: ${b.pass} tests passed, ${b.fail} failed`);
}

console.log(`\n${results.join('\n')}`);
process.exit(ok ? 0 : 1);
