/**
 * What a browser test needs around it: a test SMTP server, the real server process started on
 * the demo commune, Chromium, and a watched tab with the checks every journey makes (page
 * status, browser errors, axe-core). One call to start it, one to stop it.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { axeViolations, formatViolations, launchBrowser, type TestBrowser } from './browser.ts';
import { killServer, startServer, type ServerProcess } from './server-process.ts';
import { startTestSmtp, type TestSmtp } from './smtp.ts';

export interface DemoAccount {
  email: string;
  password: string;
  role: string;
  services: string;
}

export interface E2eSession {
  smtp: TestSmtp;
  server: ServerProcess;
  browser: TestBrowser;
  /** The first tab, watched like those watchedPage() opens. */
  page: Page;
  origin: string;
  /** Script and console errors of the watched tabs not yet checked; assertAccessible empties it. */
  browserErrors: string[];
  /** A new tab whose script and console errors are recorded in browserErrors. */
  watchedPage: () => Promise<Page>;
  /** The demo agent accounts main.ts prints at first start. */
  accounts: DemoAccount[];
  /** Opens a page and asserts it answered 200. */
  goto: (pathname: string) => Promise<void>;
  /** Asserts that axe-core finds nothing on the page as it is now, and that the browser reported no error. */
  assertAccessible: (label: string) => Promise<void>;
  close: () => Promise<void>;
}

export function demoAccounts(stdout: string): DemoAccount[] {
  return [...stdout.matchAll(/^\s+(\S+@\S+) \/ (\S+)\s+\((\w+): (.*)\)\s*$/gm)].map((m) => ({
    email: m[1]!,
    password: m[2]!,
    role: m[3]!,
    services: m[4]!,
  }));
}

/** Plain text and HTML of a received mail, to look for a link in. */
export function mailText(m: { text?: string; html?: string | false }): string {
  return `${m.text ?? ''}\n${typeof m.html === 'string' ? m.html : ''}`;
}

export async function startE2eSession(
  options: { env?: Record<string, string>; timeoutMs?: number; dataDir?: string } = {},
): Promise<E2eSession> {
  const smtp = await startTestSmtp();
  let server: ServerProcess | undefined;
  let browser: TestBrowser | undefined;
  const close = async () => {
    await browser?.close();
    if (server) {
      await killServer(server, 'SIGTERM');
      rmSync(server.dataDir, { recursive: true, force: true });
    }
    await smtp.close();
  };
  try {
    server = await startServer({
      env: {
        SMTP_URL: smtp.url,
        GUICHET_DEMO: 'true',
        SESSION_SECRET: 'e2e-session-secret-e2e-session-secret-42',
        ...options.env,
      },
      timeoutMs: options.timeoutMs ?? 120_000,
      dataDir: options.dataDir,
    });
    browser = await launchBrowser();
  } catch (err) {
    await close();
    throw err;
  }
  // Script errors and console errors, among them what the Content-Security-Policy blocks (an
  // inline style or script without the nonce would show here).
  const browserErrors: string[] = [];
  const context = browser.context;
  const watchedPage = async (): Promise<Page> => {
    const p = await context.newPage();
    p.on('pageerror', (err) => browserErrors.push(`${p.url()}: ${err.message}`));
    p.on('console', (msg) => {
      // Chromium logs every 4xx document as a console error; tests check those statuses themselves.
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) {
        browserErrors.push(`${p.url()}: ${msg.text()}`);
      }
    });
    return p;
  };
  const page = await watchedPage();
  const origin = server.origin;
  return {
    smtp,
    server,
    browser,
    page,
    origin,
    browserErrors,
    watchedPage,
    accounts: demoAccounts(server.stdout()),
    goto: async (pathname) => {
      const res = await page.goto(`${origin}${pathname}`, { waitUntil: 'load' });
      assert.ok(res, `no response for ${pathname}`);
      assert.equal(res.status(), 200, `${pathname} answered ${res.status()}`);
    },
    assertAccessible: async (label) => {
      assert.deepEqual(browserErrors.splice(0), [], `browser errors up to ${label}`);
      const violations = await axeViolations(page);
      assert.equal(violations.length, 0, formatViolations(`${label} (${page.url()})`, violations));
    },
    close,
  };
}
