import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { loadConfig } from '../../src/config.ts';
import { createTenant } from '../../src/modules/tenants/create-tenant.ts';
import { checkRequestHost, tenantBaseUrl } from '../../src/platform/web/public-url.ts';
import { cookiesFrom, csrfFrom, insertAgent, insertCitizen, insertRequest, loginAgent } from '../support/factories.ts';
import { createTestContext, TEST_DB, type TestContext } from '../support/test-app.ts';

/**
 * Links in mails and OpenID Connect redirect URIs are built from PUBLIC_BASE_URL and the tenant's
 * configured host names, never from the request's Host header: a hostile Host is refused (400),
 * or, where the request is served, the mail only links to the configured addresses.
 */

const PUBLIC_BASE_URL = 'https://guichet.example.org';
const VILLEBELLE_HOST = 'villebelle.example.org';
/** The two configured addresses of Villebelle's pages. */
const BY_PREFIX = `${PUBLIC_BASE_URL}/t/villebelle`;
const BY_HOST = `https://${VILLEBELLE_HOST}`;
const PASSWORD = 'lavande-moulin-piano-27';

interface Door {
  label: string;
  /** '' (by host name) or '/t/villebelle' */
  base: string;
  headers: Record<string, string>;
}

/** Ways in that must be refused with a 400, whatever the route. */
const HOSTILE: Door[] = [
  { label: 'Host: evil.example', base: '', headers: { host: 'evil.example' } },
  { label: 'Host: evil.example on /t/villebelle', base: '/t/villebelle', headers: { host: 'evil.example' } },
  { label: 'Host: localhost:3000@evil.example', base: '', headers: { host: 'localhost:3000@evil.example' } },
  {
    label: 'Host: localhost:3000@evil.example on /t/villebelle',
    base: '/t/villebelle',
    headers: { host: 'localhost:3000@evil.example' },
  },
  { label: `Host: ${VILLEBELLE_HOST}@evil.example`, base: '', headers: { host: `${VILLEBELLE_HOST}@evil.example` } },
  { label: 'Host with a path', base: '', headers: { host: `${VILLEBELLE_HOST}/evil` } },
  { label: 'Host with another port', base: '', headers: { host: `${VILLEBELLE_HOST}:8443` } },
  {
    label: "another tenant's host on /t/villebelle",
    base: '/t/villebelle',
    headers: { host: 'autreville.example.org' },
  },
];

/** Ways in that are served: the mail must still link only to the configured address. */
const SERVED: (Door & { origin: string })[] = [
  {
    label: 'the platform host on /t/villebelle',
    base: '/t/villebelle',
    headers: { host: 'guichet.example.org' },
    origin: BY_PREFIX,
  },
  {
    label: 'localhost (development and tests) on /t/villebelle',
    base: '/t/villebelle',
    headers: {},
    origin: BY_PREFIX,
  },
  { label: "the tenant's host", base: '', headers: { host: VILLEBELLE_HOST }, origin: BY_HOST },
  {
    label: 'X-Forwarded-Host: evil.example, trust proxy off',
    base: '',
    headers: { host: VILLEBELLE_HOST, 'x-forwarded-host': 'evil.example' },
    origin: BY_HOST,
  },
  {
    label: 'X-Forwarded-Host: evil.example on /t/villebelle, trust proxy off',
    base: '/t/villebelle',
    headers: { 'x-forwarded-host': 'evil.example' },
    origin: BY_PREFIX,
  },
  {
    label: "the tenant's host with its default port and a final dot",
    base: '',
    headers: { host: `${VILLEBELLE_HOST.toUpperCase()}.:443` },
    origin: BY_HOST,
  },
];

interface MailRow {
  id: string;
  to_address: string;
  text_body: string;
  html_body: string | null;
}

function linksOf(mail: MailRow): string[] {
  return [...`${mail.text_body}\n${mail.html_body ?? ''}`.matchAll(/https?:\/\/[^\s"'<>]+/g)].map((m) => m[0]);
}

describe(`links in mails do not follow the Host header (${TEST_DB})`, () => {
  let ctx: TestContext;
  let address = 0;
  const seen = new Set<string>();

  /** Each request from its own client address: the forms under test are rate-limited per address. */
  const inject = (options: InjectOptions) => {
    address += 1;
    return ctx.app.inject({
      ...options,
      remoteAddress: `10.77.${Math.floor(address / 250) % 250}.${(address % 250) + 1}`,
    });
  };

  /** The mails queued since the last call. */
  async function newMails(): Promise<MailRow[]> {
    // On PGlite the owner's queries share the one connection with the mail worker.
    await ctx.services.mail.flush();
    const r = await ctx.database.ownerQuery(`select id, to_address, text_body, html_body from mail_outbox`);
    const rows = (r.rows as unknown as MailRow[]).filter((row) => !seen.has(row.id));
    for (const row of rows) seen.add(row.id);
    return rows;
  }

  /** A form's CSRF pair, read through the platform's own address. */
  async function csrfPair(path: string, cookie = ''): Promise<{ cookie: string; csrf: string }> {
    const page = await inject({ method: 'GET', url: `/t/villebelle${path}`, headers: cookie ? { cookie } : {} });
    assert.equal(page.statusCode, 200, path);
    const csrfCookie = cookiesFrom(page.headers['set-cookie']).guichet_csrf;
    const cookies = [cookie, csrfCookie ? `guichet_csrf=${csrfCookie}` : ''].filter(Boolean).join('; ');
    return { cookie: cookies, csrf: csrfFrom(page.body) };
  }

  function postForm(door: Door, path: string, pair: { cookie: string; csrf: string }, fields: Record<string, string>) {
    return inject({
      method: 'POST',
      url: `${door.base}${path}`,
      headers: { ...door.headers, cookie: pair.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: pair.csrf, ...fields }).toString(),
    });
  }

  /**
   * Sends the triggering request through every door: hostile ones get a 400 and queue nothing;
   * served ones queue a mail whose every link is on the door's configured address, with `path`.
   */
  async function checkDoors(
    trigger: (door: Door, round: number) => Promise<{ statusCode: number; body: string }>,
    path: string,
    success = 303,
  ): Promise<void> {
    let round = 0;
    await newMails();
    for (const door of HOSTILE) {
      const res = await trigger(door, ++round);
      assert.equal(res.statusCode, 400, `${door.label}: ${res.body.slice(0, 300)}`);
      assert.deepEqual(await newMails(), [], `${door.label}: no mail`);
    }
    for (const door of SERVED) {
      const res = await trigger(door, ++round);
      assert.equal(res.statusCode, success, `${door.label}: ${res.body.slice(0, 300)}`);
      const mails = await newMails();
      assert.equal(mails.length, 1, `${door.label}: one mail`);
      const links = linksOf(mails[0]!);
      assert.ok(
        links.some((l) => l.startsWith(`${door.origin}${path}`)),
        `${door.label}: a link to ${door.origin}${path} in\n${mails[0]!.text_body}`,
      );
      for (const link of links) {
        assert.ok(link.startsWith(`${door.origin}/`), `${door.label}: ${link} is not on ${door.origin}`);
      }
    }
  }

  before(async () => {
    ctx = await createTestContext({ env: { PUBLIC_BASE_URL, FORM_RATE_LIMIT: '1000', LOGIN_RATE_LIMIT: '1000' } });
    await ctx.database.ownerQuery(`insert into tenant_hosts (host, tenant_id) values ($1, $2)`, [
      VILLEBELLE_HOST,
      ctx.tenantId,
    ]);
    await createTenant(ctx.database.ownerQuery, {
      name: 'Autreville',
      slug: 'autreville',
      hosts: ['autreville.example.org'],
    });
  });
  after(async () => ctx?.close());

  test('the refusal is a plain French page, or JSON under /api/', async () => {
    const page = await inject({ method: 'GET', url: '/t/villebelle/contact', headers: { host: 'evil.example' } });
    assert.equal(page.statusCode, 400);
    assert.match(page.headers['content-type'] as string, /^text\/html/);
    assert.match(page.body, /Ce site n’est pas servi à cette adresse/);
    assert.doesNotMatch(page.body, /evil\.example/);
    const api = await inject({
      method: 'GET',
      url: '/api/v1/services',
      headers: { host: 'localhost:3000@evil.example' },
    });
    assert.equal(api.statusCode, 400);
    assert.equal((api.json() as { error: { code: string } }).error.code, 'invalid_host');
    // Platform routes (load balancer probes) do not depend on the host.
    const health = await inject({ method: 'GET', url: '/healthz', headers: { host: 'evil.example' } });
    assert.equal(health.statusCode, 200);
  });

  test('citizen password reset', async () => {
    await insertCitizen(ctx.database, ctx.tenantId, 'lea.reset@example.org', 'Léa');
    const pair = await csrfPair('/mot-de-passe-oublie');
    await checkDoors(
      (door) => postForm(door, '/mot-de-passe-oublie', pair, { email: 'lea.reset@example.org' }),
      '/mot-de-passe/nouveau?jeton=',
    );
  });

  test('citizen email confirmation at registration', async () => {
    const pair = await csrfPair('/inscription');
    await checkDoors(
      (door, round) =>
        postForm(door, '/inscription', pair, {
          email: `nouvelle.${round}@example.org`,
          password: PASSWORD,
          confirmation: PASSWORD,
        }),
      '/inscription/confirmer?jeton=',
    );
  });

  test('agent password reset', async () => {
    await insertAgent(ctx.database, ctx.tenantId, { email: 'oubli@villebelle.example', password: PASSWORD });
    const pair = await csrfPair('/agent/mot-de-passe-oublie');
    await checkDoors(
      (door) => postForm(door, '/agent/mot-de-passe-oublie', pair, { email: 'oubli@villebelle.example' }),
      '/agent/mot-de-passe/nouveau?jeton=',
    );
  });

  test('agent invitation', async () => {
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'chef@villebelle.example',
      password: PASSWORD,
      role: 'admin',
    });
    const session = await loginAgent(ctx.app, 'chef@villebelle.example', PASSWORD);
    const pair = await csrfPair('/agent/admin/agents', session);
    const service = await ctx.database.ownerQuery(
      `select id from services where tenant_id = $1 and slug = 'etat-civil'`,
      [ctx.tenantId],
    );
    await checkDoors(
      (door, round) =>
        postForm(door, '/agent/admin/agents/inviter', pair, {
          email: `invite.${round}@villebelle.example`,
          name: 'Inès Invitée',
          role: 'agent',
          services: String(service.rows[0]!.id),
        }),
      '/agent/invitation?jeton=',
    );
  });

  test('tracking link in the submission mail (portal form)', async () => {
    const pair = await csrfPair('/demarches/signaler-probleme-voirie/demande');
    await checkDoors(
      (door) =>
        postForm(door, '/demarches/signaler-probleme-voirie/demande', pair, {
          categorie: 'chaussee',
          lieu__street: '3 rue Haute',
          lieu__postal_code: '00000',
          lieu__city: 'Villebelle',
          description: 'Nid-de-poule',
          applicant_given_name: 'Ada',
          applicant_family_name: 'Lovelace',
          applicant_email: 'ada@example.org',
        }),
      '/suivi/',
    );
  });

  test('tracking link in the submission mail and the response (API)', async () => {
    const trackingUrls: string[] = [];
    await checkDoors(
      async (door) => {
        const res = await inject({
          method: 'POST',
          url: `${door.base}/api/v1/demarches/signaler-probleme-voirie/requests`,
          headers: door.headers,
          payload: {
            answers: {
              categorie: 'chaussee',
              lieu: { street: '3 rue Haute', postalCode: '00000', city: 'Villebelle' },
              description: 'Nid-de-poule',
              applicant_given_name: 'Ada',
              applicant_family_name: 'Lovelace',
              applicant_email: 'ada@example.org',
            },
          },
        });
        if (res.statusCode === 201) trackingUrls.push((res.json() as { trackingUrl: string }).trackingUrl);
        return res;
      },
      '/suivi/',
      201,
    );
    assert.equal(trackingUrls.length, SERVED.length);
    SERVED.forEach((door, i) => assert.ok(trackingUrls[i]!.startsWith(`${door.origin}/suivi/`), trackingUrls[i]));
  });

  test('status change mail', async () => {
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'voirie@villebelle.example',
      password: PASSWORD,
      serviceSlugs: ['voirie-proprete'],
    });
    const session = await loginAgent(ctx.app, 'voirie@villebelle.example', PASSWORD);
    const references: string[] = [];
    for (let i = 0; i < HOSTILE.length + SERVED.length; i++) {
      const r = await insertRequest(ctx.database, ctx.tenantId, {
        demarcheSlug: 'signaler-probleme-voirie',
        applicantEmail: `suivi.${i}@example.org`,
      });
      references.push(r.reference);
    }
    await checkDoors(async (door, round) => {
      const reference = references[round - 1]!;
      const pair = await csrfPair(`/agent/demandes/${reference}`, session);
      return postForm(door, `/agent/demandes/${reference}/statut`, pair, { statut: 'en_cours', message: '' });
    }, '/suivi');
  });
});

describe(`OpenID Connect redirect URIs and trust proxy (${TEST_DB})`, () => {
  let ctx: TestContext;

  before(async () => {
    ctx = await createTestContext({
      env: {
        PUBLIC_BASE_URL,
        TRUST_PROXY: 'true',
        FRANCECONNECT_ISSUER: 'http://127.0.0.1:9',
        FRANCECONNECT_CLIENT_ID: 'guichet-test',
        FRANCECONNECT_CLIENT_SECRET: 'test-client-secret-0123456789abcdef',
      },
    });
    await ctx.database.ownerQuery(`insert into tenant_hosts (host, tenant_id) values ($1, $2)`, [
      VILLEBELLE_HOST,
      ctx.tenantId,
    ]);
  });
  after(async () => ctx?.close());

  test('behind a trusted proxy, X-Forwarded-Host is checked like Host', async () => {
    const hostile = await ctx.app.inject({
      method: 'GET',
      url: '/t/villebelle/contact',
      headers: { 'x-forwarded-host': 'evil.example' },
    });
    assert.equal(hostile.statusCode, 400);
    const served = await ctx.app.inject({
      method: 'GET',
      url: '/accessibilite',
      headers: { host: 'internal.lan:3000', 'x-forwarded-host': VILLEBELLE_HOST },
    });
    assert.equal(served.statusCode, 200);
    assert.match(served.body, new RegExp(`href="${BY_HOST}/"`));
  });

  test('the redirect URIs given to the provider are on the configured address', () => {
    // The provider's discovery cannot be reached here; the URIs come from the same function.
    assert.equal(tenantBaseUrl(ctx.config, { slug: 'villebelle' }), BY_PREFIX);
    assert.equal(tenantBaseUrl(ctx.config, { host: VILLEBELLE_HOST }), BY_HOST);
  });
});

describe('checkRequestHost (unit)', () => {
  const prod = { env: 'production' as const, publicBaseUrl: 'https://guichet.example.org' };
  const dev = { env: 'development' as const, publicBaseUrl: 'http://localhost:3000' };

  test('refuses malformed hosts and other ports', () => {
    for (const value of [
      '',
      'localhost:3000@evil.example',
      'evil.example/path',
      'evil.example?x',
      'evil.example#x',
      'a..b',
      '-a.example',
      'guichet.example.org:8443',
      'guichet.example.org:99999',
      'guichet.example.org:',
      'guichet.example.org, evil.example',
      'localhost:3000',
      'x'.repeat(300),
    ]) {
      assert.equal(checkRequestHost(prod, value), null, value);
    }
  });

  test('accepts host names, the platform port, and loopback outside production', () => {
    assert.deepEqual(checkRequestHost(prod, 'Guichet.Example.org'), {
      name: 'guichet.example.org',
      port: null,
      platform: true,
    });
    assert.deepEqual(checkRequestHost(prod, 'villebelle.fr.:443'), {
      name: 'villebelle.fr',
      port: 443,
      platform: false,
    });
    assert.deepEqual(checkRequestHost(dev, 'localhost:80'), { name: 'localhost', port: 80, platform: true });
    assert.deepEqual(checkRequestHost(dev, '127.0.0.1:4321'), { name: '127.0.0.1', port: 4321, platform: true });
    assert.deepEqual(checkRequestHost(dev, 'villebelle.localhost:3000'), {
      name: 'villebelle.localhost',
      port: 3000,
      platform: false,
    });
    assert.equal(checkRequestHost(dev, 'villebelle.localhost:3001'), null);
  });
});

describe('PUBLIC_BASE_URL (unit)', () => {
  test('defaults to localhost on PORT outside production, and is required in production', () => {
    assert.equal(loadConfig({ PORT: '4100' }).publicBaseUrl, 'http://localhost:4100');
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) }),
      /PUBLIC_BASE_URL: is required in production/,
    );
    assert.equal(loadConfig({ PUBLIC_BASE_URL: 'https://guichet.example.org/' }).publicBaseUrl, PUBLIC_BASE_URL);
  });

  test('must be an http(s) origin: no path, credentials, query or other scheme', () => {
    for (const value of [
      'https://guichet.example.org/guichet',
      'https://user:pass@guichet.example.org',
      'https://guichet.example.org?x=1',
      'ftp://guichet.example.org',
      'guichet.example.org',
    ]) {
      assert.throws(() => loadConfig({ PUBLIC_BASE_URL: value }), /PUBLIC_BASE_URL/, value);
    }
  });
});
