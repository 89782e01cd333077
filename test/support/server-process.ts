import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, PG_ADMIN_URL } from './test-app.ts';
import { TcpProxy } from './tcp-proxy.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  /** http://127.0.0.1:<port> (127.0.0.1 is one of the demo commune's host names). */
  origin: string;
  dataDir: string;
  stdout: () => string;
  stderr: () => string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Peak resident memory in kB (VmHWM), or null when /proc is not readable. */
  peakRssKb: () => number | null;
}

/** A TCP port nobody listens on at the time of the call. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function tempDataDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'guichet-ops-'));
}

/**
 * Spawns `node --import tsx src/main.ts` (or, with `compiled`, `node dist/main.js` as
 * `npm run start:prod` runs it after `npm run build`), with a clean environment: only what `env`
 * gives (plus PATH and HOME) reaches the configuration.
 */
export function spawnServer(options: {
  env?: Record<string, string>;
  port?: number;
  dataDir?: string;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** Run the compiled build (dist/main.js) instead of the TypeScript sources. */
  compiled?: boolean;
}): ServerProcess {
  const port = options.port ?? 0;
  const dataDir = options.dataDir ?? tempDataDir();
  const entry = options.compiled ? ['dist/main.js'] : ['--import', 'tsx', 'src/main.ts'];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...entry], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.tmpdir(),
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      // Links in mails are built from it: the address the tests reach the server at.
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      GUICHET_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      SESSION_SECRET: 'ops-test-secret-ops-test-secret-0123456',
      // Bursts of submissions from one address are what these tests and the benchmark do.
      FORM_RATE_LIMIT: '1000000',
      // Browser tests sign agents and citizens in many times a minute from 127.0.0.1.
      LOGIN_RATE_LIMIT: '1000',
      // Several servers run at once: no inbound SMTP listener unless a test asks for one (on a free port).
      INBOUND_SMTP_PORT: '0',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    pid: child.pid!,
    port,
    origin: `http://127.0.0.1:${port}`,
    dataDir,
    stdout: () => out,
    stderr: () => err,
    exited,
    peakRssKb: () => readPeakRss(child.pid!),
  };
}

/** Starts the server on a free port and waits until it answers /healthz. */
export async function startServer(
  options: {
    env?: Record<string, string>;
    dataDir?: string;
    timeoutMs?: number;
    nodeArgs?: string[];
    compiled?: boolean;
  } = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const server = spawnServer({ ...options, port });
  // A first start migrates and seeds the demo: about 20 s on a quiet machine, well over a minute
  // on one shared with other work.
  const deadline = Date.now() + (options.timeoutMs ?? 180_000);
  let gone = false;
  void server.exited.then(() => (gone = true));
  while (Date.now() < deadline) {
    if (gone) {
      throw new Error(
        `server exited before it was ready\n--- stdout\n${server.stdout()}\n--- stderr\n${server.stderr()}`,
      );
    }
    if (server.stdout().includes('Guichet is running')) {
      const res = await fetch(`${server.origin}/healthz`).catch(() => null);
      if (res?.status === 200) return server;
    }
    await sleep(100);
  }
  server.child.kill('SIGKILL');
  throw new Error(`server not ready in time\n--- stdout\n${server.stdout()}\n--- stderr\n${server.stderr()}`);
}

/**
 * Runs a command of src/cli (`npm run tenant:create`, `npm run job`…) as its own process with a
 * clean environment, as an operator runs it beside the server; resolves when it has exited.
 */
export function runCli(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Stops a server that may still run (test clean-up); resolves once it is gone. */
export async function killServer(server: ServerProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill(signal);
  await server.exited;
}

/** True when nothing accepts TCP connections on the port. */
export async function portClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

/**
 * Waits until the port refuses connections (a process handles SIGTERM when its event loop is
 * free: on a loaded machine, or while it parses a large file, that can take a moment).
 */
export async function waitForPortClosed(port: number, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await portClosed(port)) return true;
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
}

export function readPeakRss(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A new, migrated, empty database on the PostgreSQL server for a server process: `url` logs in
 * as the unprivileged application role, `ownerUrl` as the schema owner (direct SQL checks).
 */
export async function freshServerDatabase(): Promise<{ url: string; ownerUrl: string; drop: () => Promise<void> }> {
  const { database, url, drop } = await createTestDatabase();
  await database.close();
  if (!url) throw new Error('freshServerDatabase needs the PostgreSQL server (GUICHET_TEST_DB=postgres)');
  const owner = new URL(url);
  const admin = new URL(PG_ADMIN_URL);
  owner.username = admin.username;
  owner.password = admin.password;
  return { url, ownerUrl: owner.toString(), drop };
}

/**
 * A server process on a fresh PostgreSQL database reached through a TCP proxy the test controls
 * (to cut the database off, or hold a query at it). `close` kills the server and drops the database.
 */
export async function startServerBehindProxy(): Promise<{
  server: ServerProcess;
  proxy: TcpProxy;
  close: () => Promise<void>;
}> {
  const fresh = await freshServerDatabase();
  const target = new URL(fresh.url);
  const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
  await proxy.start();
  target.host = `127.0.0.1:${proxy.port}`;
  const server = await startServer({ env: { DATABASE_URL: target.toString(), DATABASE_OWNER_URL: fresh.ownerUrl } });
  return {
    server,
    proxy,
    close: async () => {
      await killServer(server);
      await proxy.close();
      await fresh.drop();
    },
  };
}
