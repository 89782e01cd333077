import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loginAgent } from '../support/factories.ts';
import { insertAgent } from '../support/factories.ts';
import { createTestContext, TEST_DB, type TestContext } from '../support/test-app.ts';

const BASE = '/t/villebelle';
const ROOT = path.resolve(import.meta.dirname, '..', '..');

function directives(csp: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of csp.split(';')) {
    const [name, ...rest] = part.trim().split(/\s+/);
    if (name) out.set(name, rest.join(' '));
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const p = path.join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|js)$/.test(entry) && !entry.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

describe(`security headers (${TEST_DB})`, () => {
  let ctx: TestContext;

  before(async () => {
    ctx = await createTestContext();
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'entete@villebelle.example',
      password: 'lavande-moulin-piano-27',
      serviceSlugs: ['etat-civil'],
    });
  });
  after(async () => ctx.close());

  test('a page gets a strict CSP whose nonce is on the one inline style, and the usual headers', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: `${BASE}/` });
    assert.equal(res.statusCode, 200);
    const csp = String(res.headers['content-security-policy']);
    const d = directives(csp);
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    assert.ok(nonce && nonce.length >= 22, `no nonce in ${csp}`);
    assert.equal(d.get('default-src'), "'self'");
    assert.equal(d.get('script-src'), `'self' 'nonce-${nonce}'`);
    assert.equal(d.get('style-src'), `'self' 'nonce-${nonce}'`);
    assert.equal(d.get('img-src'), "'self' data:");
    assert.equal(d.get('form-action'), "'self'");
    assert.equal(d.get('frame-ancestors'), "'none'");
    assert.equal(d.get('base-uri'), "'self'");
    assert.equal(d.get('object-src'), "'none'");
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    // The tenant's colour is an inline style: it must carry this response's nonce.
    assert.match(res.body, new RegExp(`<style nonce="${nonce.replace(/[+/]/g, '\\$&')}">`));
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['x-frame-options'], 'DENY');
    assert.equal(res.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(res.headers['referrer-policy'], 'strict-origin-when-cross-origin');
    assert.match(String(res.headers['permissions-policy']), /camera=\(\)/);
    assert.match(String(res.headers['permissions-policy']), /geolocation=\(\)/);
    assert.equal(res.headers['strict-transport-security'], undefined, 'HSTS only in production');
    assert.equal(res.headers['cache-control'], undefined, 'a public page may be cached');
  });

  test('each response gets its own nonce, also on pages kept rendered (a démarche page)', async () => {
    for (const path of ['/demarches', '/demarches/carte-identite']) {
      const nonces = new Set<string>();
      for (let i = 0; i < 5; i++) {
        const res = await ctx.app.inject({ method: 'GET', url: `${BASE}${path}` });
        const nonce = /'nonce-([^']+)'/.exec(String(res.headers['content-security-policy']))![1]!;
        nonces.add(nonce);
        // The inline style carries this response's nonce, not the one of the page first rendered.
        const styles = [...res.body.matchAll(/<style nonce="([^"]*)">/g)].map((m) => m[1]);
        assert.deepEqual(styles, [nonce], path);
      }
      assert.equal(nonces.size, 5, path);
    }
  });

  test('pages whose URL holds a tracking code send no Referer and are not cached', async () => {
    for (const u of [
      `${BASE}/suivi/VB-2026-ABCDE?cle=un-code-secret`,
      `${BASE}/demandes/VB-2026-ABCDE/confirmation?cle=un-code-secret`,
      `${BASE}/suivi?reference=VB-2026-ABCDE&cle=un-code-secret`,
    ]) {
      const res = await ctx.app.inject({ method: 'GET', url: u });
      assert.equal(res.headers['referrer-policy'], 'no-referrer', u);
      assert.match(String(res.headers['cache-control']), /no-store/, u);
      assert.ok(res.headers['content-security-policy'], u);
    }
  });

  test('links mailed with a token (reset, verification, invitation) send no Referer either', async () => {
    for (const u of [
      `${BASE}/mot-de-passe/nouveau?jeton=un-jeton-secret`,
      `${BASE}/inscription/confirmer?jeton=un-jeton-secret`,
      `${BASE}/agent/invitation?jeton=un-jeton-secret`,
    ]) {
      const res = await ctx.app.inject({ method: 'GET', url: u });
      assert.equal(res.headers['referrer-policy'], 'no-referrer', u);
    }
  });

  test('agent pages and any page seen with a session are not cached', async () => {
    const login = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/connexion` });
    assert.match(String(login.headers['cache-control']), /no-store/);
    const cookie = await loginAgent(ctx.app, 'entete@villebelle.example', 'lavande-moulin-piano-27');
    const list = await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/demandes`, headers: { cookie } });
    assert.equal(list.statusCode, 200);
    assert.match(String(list.headers['cache-control']), /no-store/);
    const home = await ctx.app.inject({ method: 'GET', url: `${BASE}/`, headers: { cookie } });
    assert.match(String(home.headers['cache-control']), /no-store/);
  });

  test('error pages, the API, its docs page and static files keep working, with the headers', async () => {
    const missing = await ctx.app.inject({ method: 'GET', url: `${BASE}/nulle-part` });
    assert.equal(missing.statusCode, 404);
    assert.ok(missing.headers['content-security-policy']);
    const nonce = /'nonce-([^']+)'/.exec(String(missing.headers['content-security-policy']))![1]!;
    assert.ok(missing.body.includes(`<style nonce="${nonce}">`));

    const docs = await ctx.app.inject({ method: 'GET', url: `${BASE}/api/docs` });
    assert.equal(docs.statusCode, 200);
    assert.ok(docs.headers['content-security-policy']);
    assert.doesNotMatch(docs.body, /<script(?![^>]*\bsrc=)|\son[a-z]+="|\sstyle="/i);

    const api = await ctx.app.inject({ method: 'GET', url: `${BASE}/api/v1/demarches` });
    assert.equal(api.statusCode, 200);
    assert.equal(api.headers['x-content-type-options'], 'nosniff');

    const css = await ctx.app.inject({ method: 'GET', url: '/static/guichet.css' });
    assert.equal(css.statusCode, 200);
    assert.match(String(css.headers['cache-control']), /max-age=86400/);
    assert.equal(css.headers['x-content-type-options'], 'nosniff');
    const js = await ctx.app.inject({ method: 'GET', url: '/static/form.js' });
    assert.equal(js.statusCode, 200);
  });

  test('rendered pages have no inline script, event handler or style attribute', async () => {
    const form = await ctx.app.inject({ method: 'GET', url: `${BASE}/demarches` });
    const slug = /href="\/t\/villebelle\/demarches\/([a-z0-9-]+)"/.exec(form.body)?.[1];
    const pages = ['/', '/demarches', '/suivi', '/contact', '/agent/connexion', '/plan-du-site', '/recherche?q=carte'];
    if (slug) pages.push(`/demarches/${slug}`);
    for (const p of pages) {
      const res = await ctx.app.inject({ method: 'GET', url: `${BASE}${p}` });
      assert.ok(res.statusCode < 400, `${p} answered ${res.statusCode}`);
      assert.doesNotMatch(res.body, /<script(?![^>]*\bsrc=)/i, `inline script on ${p}`);
      assert.doesNotMatch(res.body, /\son[a-z]+\s*=\s*["']/i, `event handler on ${p}`);
      assert.doesNotMatch(res.body, /\sstyle\s*=\s*["']/i, `style attribute on ${p}`);
      assert.doesNotMatch(res.body, /javascript:/i, `javascript: URL on ${p}`);
    }
  });

  test('no source file writes an inline script, event handler or style attribute', () => {
    const offenders: string[] = [];
    // Mails are not pages served under our CSP: mail clients drop <style>, so their HTML part
    // carries inline style attributes (and only those: scripts are still refused there).
    const mailTemplate = path.join(ROOT, 'src', 'platform', 'mail-template.ts');
    for (const file of sourceFiles(path.join(ROOT, 'src'))) {
      const text = readFileSync(file, 'utf8');
      const mail = file === mailTemplate;
      const lines = text.split('\n');
      lines.forEach((line, i) => {
        if (
          /<script(?![^>]*\bsrc=)[^>]*>/i.test(line) ||
          /<[a-z][^>]*\son(?:click|load|error|submit|change|input|focus|blur|mouse\w+|key\w+)\s*=/i.test(line) ||
          (!mail && /<[a-z][^>]*\sstyle\s*=\s*["']/i.test(line)) ||
          /href\s*=\s*["']javascript:/i.test(line)
        ) {
          offenders.push(`${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
        }
      });
    }
    assert.deepEqual(offenders, []);
  });
});

describe(`security headers in production (${TEST_DB})`, () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext({ env: { NODE_ENV: 'production', PUBLIC_BASE_URL: 'http://localhost' } });
  });
  after(async () => ctx.close());

  test('HSTS is sent in production', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: `${BASE}/` });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['strict-transport-security']), /^max-age=\d{8,}; includeSubDomains$/);
  });
});

describe(`form-action with an OpenID Connect provider configured (${TEST_DB})`, () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext({
      env: {
        FRANCECONNECT_ISSUER: 'https://fcp.integ01.dev-franceconnect.fr/api/v2',
        FRANCECONNECT_CLIENT_ID: 'client-de-test',
        FRANCECONNECT_CLIENT_SECRET: 'secret-de-test-secret-de-test-0123',
      },
    });
  });
  after(async () => ctx.close());

  test("the provider's origin (not its path) may receive form posts and their redirects", async () => {
    const res = await ctx.app.inject({ method: 'GET', url: `${BASE}/` });
    const formAction = directives(String(res.headers['content-security-policy'])).get('form-action');
    assert.equal(formAction, "'self' https://fcp.integ01.dev-franceconnect.fr");
  });
});
