/**
 * The in-process session cache (src/platform/session-cache.ts, decision 7): a session served
 * from it is refused at once when it is revoked — by this process, by another instance of the
 * application on the same database, or by plain SQL — and keeps its idle and absolute timeouts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { CompiledQuery } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { createApp } from '../../src/app.ts';
import type { Services } from '../../src/services.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { inTenant } from '../../src/db/tenant-scope.ts';
import {
  createSession,
  SESSION_ABSOLUTE_MS,
  SESSION_IDLE_MS,
  sessionIdFor,
} from '../../src/modules/agents/sessions.ts';
import {
  CITIZEN_SESSION_IDLE_MS,
  citizenSessionIdFor,
  openCitizenSession,
} from '../../src/modules/citizens/sessions.ts';
import { createTenant } from '../../src/modules/tenants/create-tenant.ts';
import { buildServices } from '../../src/services.ts';
import { cookiesFrom, csrfFrom, ensureDemarche, insertAgent, insertRequest } from '../support/factories.ts';
import { createTestContext, PG_ADMIN_URL, TEST_DB, type TestContext } from '../support/test-app.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'lavande-moulin-piano-27';
const NEW_PASSWORD = 'girafe-escalier-prune-84';

/** An application instance: the test's own, or a second one standing for another process. */
interface Instance {
  label: string;
  app: FastifyInstance;
  services: Services;
}

/** A browser on one instance: its cookies and an address of its own (forms are rate-limited per address). */
class Browser {
  cookies: Record<string, string> = {};
  private static count = 0;
  readonly ip: string;

  constructor(
    readonly on: Instance,
    cookies: Record<string, string> = {},
  ) {
    Browser.count += 1;
    this.ip = `10.66.${Math.floor(Browser.count / 250)}.${(Browser.count % 250) + 1}`;
    this.cookies = { ...cookies };
  }

  /** The same cookies on another instance (a load balancer sends the next request elsewhere). */
  to(instance: Instance): Browser {
    return new Browser(instance, this.cookies);
  }

  private header(): string {
    return Object.entries(this.cookies)
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
  }

  private keep(res: LightMyRequestResponse): LightMyRequestResponse {
    for (const [k, v] of Object.entries(cookiesFrom(res.headers['set-cookie']))) {
      if (v === '') delete this.cookies[k];
      else this.cookies[k] = v;
    }
    return res;
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    return this.keep(
      await this.on.app.inject({ method: 'GET', url, remoteAddress: this.ip, headers: { cookie: this.header() } }),
    );
  }

  /** Loads `page` for its CSRF token, then posts `fields` to `action`. */
  async submit(page: string, action: string, fields: Record<string, string | string[]>) {
    const form = await this.get(page);
    assert.equal(form.statusCode, 200, `GET ${page} answered ${form.statusCode}`);
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ _csrf: csrfFrom(form.body), ...fields }))
      for (const x of [v].flat()) params.append(k, x);
    return this.keep(
      await this.on.app.inject({
        method: 'POST',
        url: action,
        remoteAddress: this.ip,
        headers: { cookie: this.header(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: params.toString(),
      }),
    );
  }
}

describe(`session cache and revocation (${TEST_DB})`, () => {
  let ctx: TestContext;
  let a: Instance;
  /** Another instance on the same database (PostgreSQL server only: PGlite belongs to one process). */
  let b: Instance | null = null;
  let bDatabase: DatabaseHandle | null = null;
  let appUrl = '';
  const clock = { offset: 0, now: () => new Date(Date.now() + clock.offset) };
  let counter = 0;

  const cache = (instance: Instance = a) => instance.services.sessionCache;

  /** A GET that must be answered from the session cache. */
  async function getFromCache(browser: Browser, url: string): Promise<LightMyRequestResponse> {
    const before = cache(browser.on).stats().hits;
    const res = await browser.get(url);
    assert.equal(cache(browser.on).stats().hits, before + 1, `GET ${url} on ${browser.on.label} was not a cache hit`);
    return res;
  }

  /**
   * Loads `url` twice: the second time comes from the cache (so a later refusal is the cache's
   * doing). First waits for the notifications of the set-up (a lookup that crosses one is not
   * stored, and the listening connection repeats this process's own a moment after the commit).
   */
  async function warm(browser: Browser, url: string): Promise<void> {
    await cache(browser.on).sync();
    assert.equal((await browser.get(url)).statusCode, 200);
    assert.equal((await getFromCache(browser, url)).statusCode, 200);
  }

  async function newCitizen(): Promise<string> {
    counter += 1;
    const r = await ctx.database.ownerQuery(
      `insert into citizens (tenant_id, email, email_verified_at, given_name, family_name)
       values ($1, $2, now(), 'Camille', 'MARTIN') returning id`,
      [ctx.tenantId, `cache-${counter}@example.org`],
    );
    return String(r.rows[0]!.id);
  }

  /** A citizen's browser signed in on `instance` (the session is opened as the login does). */
  async function citizenBrowser(citizenId: string, instance: Instance = a): Promise<Browser> {
    const token = await inTenant(ctx.services.db, ctx.tenantId, (trx) =>
      openCitizenSession(trx, {
        tenantId: ctx.tenantId,
        citizenId,
        method: 'password',
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0',
        now: clock.now(),
      }),
    );
    return new Browser(instance, { guichet_citoyen: token });
  }

  async function newAgent(options: { role?: 'agent' | 'admin'; serviceSlugs?: string[] } = {}) {
    counter += 1;
    const email = `agent-cache-${counter}@villebelle.example`;
    const id = await insertAgent(ctx.database, ctx.tenantId, {
      email,
      password: PASSWORD,
      role: options.role ?? 'agent',
      serviceSlugs: options.serviceSlugs ?? ['etat-civil'],
    });
    return { id, email };
  }

  /** An agent's browser with a fully signed-in session (the second factor is not what is tested here). */
  async function agentBrowser(agentId: string, instance: Instance = a): Promise<Browser> {
    const token = await inTenant(ctx.services.db, ctx.tenantId, (trx) =>
      createSession(trx, ctx.tenantId, agentId, clock.now()),
    );
    return new Browser(instance, { guichet_agent: token });
  }

  /**
   * Runs SQL as the application role in the tenant's scope, on a connection of its own: on the
   * server, a client outside the application's pools (as another process would); on PGlite,
   * its single session.
   */
  async function appSql(text: string, params: unknown[], end: 'commit' | 'rollback' = 'commit'): Promise<void> {
    if (TEST_DB === 'postgres') {
      const client = new pg.Client({ connectionString: appUrl });
      await client.connect();
      try {
        await client.query('begin');
        await client.query(`select set_config('guichet.tenant_id', $1, true)`, [ctx.tenantId]);
        await client.query(text, params);
        await client.query(end);
      } finally {
        await client.end();
      }
      return;
    }
    await ctx.services.db.connection().execute(async (conn) => {
      await conn.executeQuery(CompiledQuery.raw('begin'));
      await conn.executeQuery(CompiledQuery.raw(`select set_config('guichet.tenant_id', $1, true)`, [ctx.tenantId]));
      await conn.executeQuery(CompiledQuery.raw(text, params));
      await conn.executeQuery(CompiledQuery.raw(end));
    });
  }

  /** Where a revocation is made from, and how the first instance learns of it. */
  const origins = () => [
    { label: 'this instance', instance: () => a },
    ...(TEST_DB === 'postgres' ? [{ label: 'another instance', instance: () => b! }] : []),
  ];

  /**
   * After a change made elsewhere, the first instance has applied every notification committed
   * so far: one round trip on its listening connection. A change made by the instance itself
   * needs no wait (its notification arrives before its COMMIT returns) and gets none.
   */
  async function settled(origin: Instance): Promise<void> {
    if (origin !== a) await cache(a).sync();
  }

  before(async () => {
    ctx = await createTestContext({ clock });
    a = { label: 'A', app: ctx.app, services: ctx.services };
    await ensureDemarche(ctx.database, ctx.tenantId, { slug: 'cache-etat-civil', serviceSlug: 'etat-civil' });
    await ensureDemarche(ctx.database, ctx.tenantId, { slug: 'cache-urbanisme', serviceSlug: 'urbanisme' });
    await createTenant(ctx.database.ownerQuery, { name: 'Cacheville', slug: 'cacheville', hosts: [] });
    if (TEST_DB === 'postgres') {
      const name = String((await ctx.database.ownerQuery('select current_database() as d')).rows[0]!.d);
      const owner = new URL(PG_ADMIN_URL);
      owner.pathname = `/${name}`;
      const app = new URL(owner);
      app.username = 'guichet_app';
      app.password = '';
      appUrl = app.toString();
      bDatabase = await openDatabase({
        url: appUrl,
        ownerUrl: owner.toString(),
        dataDir: 'unused',
        poolSize: 3,
        migrate: false,
      });
      const services = buildServices(ctx.config, bDatabase, pino({ level: 'silent' }), { clock });
      const bApp = await createApp(services, { logger: false });
      await bApp.ready();
      b = { label: 'B', app: bApp, services };
      await services.sessionCache.whenListening();
    }
    await cache(a).whenListening();
  });

  after(async () => {
    if (b) {
      await b.app.close();
      await b.services.sessionCache.close();
      await bDatabase?.close();
    }
    await cache(a).close();
    await ctx.close();
  });

  for (const origin of origins()) {
    test(`"Mes sessions": a device revoked from ${origin.label} is refused at once`, async () => {
      const citizenId = await newCitizen();
      const laptop = await citizenBrowser(citizenId, origin.instance());
      const phone = await citizenBrowser(citizenId);
      await warm(phone, `${BASE}/mon-espace`);
      const phoneSession = citizenSessionIdFor(phone.cookies.guichet_citoyen!);
      const res = await laptop.submit(`${BASE}/mon-espace/sessions`, `${BASE}/mon-espace/sessions/revoquer`, {
        session: phoneSession,
      });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, `${BASE}/mon-espace/sessions?revoque=1`);
      await settled(origin.instance());
      const after = await phone.get(`${BASE}/mon-espace`);
      assert.equal(after.statusCode, 303);
      assert.match(String(after.headers.location), /\/connexion/);
    });

    test(`citizen logout on ${origin.label}: the old cookie is refused at once`, async () => {
      const citizenId = await newCitizen();
      const browser = await citizenBrowser(citizenId);
      await warm(browser, `${BASE}/mon-espace`);
      const token = browser.cookies.guichet_citoyen!;
      const elsewhere = browser.to(origin.instance());
      const out = await elsewhere.submit(`${BASE}/mon-espace`, `${BASE}/deconnexion`, {});
      assert.equal(out.statusCode, 303);
      await settled(origin.instance());
      // Someone who copied the cookie before the logout.
      const replay = new Browser(a, { guichet_citoyen: token });
      assert.equal((await replay.get(`${BASE}/mon-espace`)).statusCode, 303);
    });

    test(`agent deactivated by an administrator on ${origin.label}: refused at once`, async () => {
      const agent = await newAgent();
      const browser = await agentBrowser(agent.id);
      await warm(browser, `${BASE}/agent/demandes`);
      const admin = await agentBrowser((await newAgent({ role: 'admin' })).id, origin.instance());
      const res = await admin.submit(
        `${BASE}/agent/admin/agents`,
        `${BASE}/agent/admin/agents/${agent.id}/desactiver`,
        {},
      );
      assert.equal(res.statusCode, 303);
      await settled(origin.instance());
      const after = await browser.get(`${BASE}/agent/demandes`);
      assert.equal(after.statusCode, 303);
      assert.match(String(after.headers.location), /\/agent\/connexion/);
    });

    test(`agent password reset on ${origin.label}: every session of the agent is refused at once`, async () => {
      const agent = await newAgent();
      const desk = await agentBrowser(agent.id);
      const laptop = await agentBrowser(agent.id);
      await warm(desk, `${BASE}/agent/demandes`);
      await warm(laptop, `${BASE}/agent/demandes`);
      const someone = new Browser(origin.instance());
      const asked = await someone.submit(`${BASE}/agent/mot-de-passe-oublie`, `${BASE}/agent/mot-de-passe-oublie`, {
        email: agent.email,
      });
      assert.equal(asked.statusCode, 303);
      const mail = await ctx.database.ownerQuery(
        `select text_body from mail_outbox where to_address = $1 order by created_at desc limit 1`,
        [agent.email],
      );
      const token = /\/agent\/mot-de-passe\/nouveau\?jeton=([\w-]{43})/.exec(String(mail.rows[0]?.text_body))?.[1];
      assert.ok(token, 'a reset link was mailed');
      // A password change alone (the sessions are closed in the same transaction) is enough.
      const reset = await someone.submit(
        `${BASE}/agent/mot-de-passe/nouveau?jeton=${token}`,
        `${BASE}/agent/mot-de-passe/nouveau`,
        { jeton: token, password: NEW_PASSWORD, confirmation: NEW_PASSWORD },
      );
      assert.ok(reset.statusCode < 400, `reset answered ${reset.statusCode}`);
      await settled(origin.instance());
      assert.equal((await desk.get(`${BASE}/agent/demandes`)).statusCode, 303);
      assert.equal((await laptop.get(`${BASE}/agent/demandes`)).statusCode, 303);
    });

    test(`services changed by an administrator on ${origin.label}: the agent's scope changes at once`, async () => {
      const agent = await newAgent({ serviceSlugs: ['etat-civil'] });
      const request = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'cache-etat-civil' });
      const browser = await agentBrowser(agent.id);
      await warm(browser, `${BASE}/agent/demandes/${request.reference}`);
      const urbanisme = await ctx.database.ownerQuery(
        `select id from services where tenant_id = $1 and slug = 'urbanisme'`,
        [ctx.tenantId],
      );
      const admin = await agentBrowser((await newAgent({ role: 'admin' })).id, origin.instance());
      const res = await admin.submit(`${BASE}/agent/admin/agents`, `${BASE}/agent/admin/agents/${agent.id}/services`, {
        services: String(urbanisme.rows[0]!.id),
      });
      assert.equal(res.statusCode, 303);
      await settled(origin.instance());
      // The request of a service the agent left answers 404, like an unknown one.
      assert.equal((await browser.get(`${BASE}/agent/demandes/${request.reference}`)).statusCode, 404);
    });
  }

  test('plain SQL as the application role on another connection: a deleted session is refused', async () => {
    const citizenId = await newCitizen();
    const browser = await citizenBrowser(citizenId);
    await warm(browser, `${BASE}/mon-espace`);
    await appSql(`delete from citizen_sessions where id = $1`, [citizenSessionIdFor(browser.cookies.guichet_citoyen!)]);
    await cache(a).sync();
    assert.equal((await browser.get(`${BASE}/mon-espace`)).statusCode, 303);

    const agent = await newAgent();
    const agentTab = await agentBrowser(agent.id);
    await warm(agentTab, `${BASE}/agent/demandes`);
    // A role change, which no page makes yet: the admin pages open at once.
    assert.equal((await agentTab.get(`${BASE}/agent/admin/agents`)).statusCode, 403);
    await appSql(`update agents set role = 'admin' where id = $1`, [agent.id]);
    await cache(a).sync();
    assert.equal((await agentTab.get(`${BASE}/agent/admin/agents`)).statusCode, 200);
    await appSql(`update agents set active = false where id = $1`, [agent.id]);
    await cache(a).sync();
    assert.equal((await agentTab.get(`${BASE}/agent/demandes`)).statusCode, 303);
  });

  test('a revocation that is rolled back evicts nothing', async () => {
    const citizenId = await newCitizen();
    const browser = await citizenBrowser(citizenId);
    await warm(browser, `${BASE}/mon-espace`);
    await appSql(
      `delete from citizen_sessions where id = $1`,
      [citizenSessionIdFor(browser.cookies.guichet_citoyen!)],
      'rollback',
    );
    await cache(a).sync();
    assert.equal((await getFromCache(browser, `${BASE}/mon-espace`)).statusCode, 200);
  });

  test('the once-a-minute activity write evicts nothing and is written in the background', async () => {
    const citizenId = await newCitizen();
    const browser = await citizenBrowser(citizenId);
    await warm(browser, `${BASE}/mon-espace`);
    const id = citizenSessionIdFor(browser.cookies.guichet_citoyen!);
    clock.offset = 5 * 60 * 1000;
    try {
      // Five minutes later: still from the cache; the activity is written after the answer.
      assert.equal((await getFromCache(browser, `${BASE}/mon-espace`)).statusCode, 200);
      await cache(a).settle();
      await cache(a).sync();
      const row = await ctx.database.ownerQuery(`select last_seen_at from citizen_sessions where id = $1`, [id]);
      const seen = new Date(row.rows[0]!.last_seen_at as string).getTime();
      assert.ok(Math.abs(seen - clock.now().getTime()) < 5000, 'last_seen_at written with the request time');
      assert.equal((await getFromCache(browser, `${BASE}/mon-espace`)).statusCode, 200);
    } finally {
      clock.offset = 0;
    }
  });

  test('a cached citizen session still ends after an hour without a page', async () => {
    const citizenId = await newCitizen();
    const browser = await citizenBrowser(citizenId);
    const id = citizenSessionIdFor(browser.cookies.guichet_citoyen!);
    await warm(browser, `${BASE}/mon-espace`);
    clock.offset = CITIZEN_SESSION_IDLE_MS - 60_000;
    try {
      assert.equal((await getFromCache(browser, `${BASE}/mon-espace`)).statusCode, 200);
      await cache(a).settle();
      // Active a moment ago: still valid almost an hour after that, from the cache.
      clock.offset += CITIZEN_SESSION_IDLE_MS - 1000;
      assert.equal((await getFromCache(browser, `${BASE}/mon-espace`)).statusCode, 200);
      await cache(a).settle();
      clock.offset += CITIZEN_SESSION_IDLE_MS;
      const res = await browser.get(`${BASE}/mon-espace`);
      assert.equal(res.statusCode, 303);
      const left = await ctx.database.ownerQuery(`select 1 from citizen_sessions where id = $1`, [id]);
      assert.equal(left.rows.length, 0, 'the idle session is deleted, as without the cache');
    } finally {
      clock.offset = 0;
    }
  });

  test('a cached agent session ends after eight hours even when used, and after two idle hours', async () => {
    const agent = await newAgent();
    const busy = await agentBrowser(agent.id);
    const idle = await agentBrowser(agent.id);
    const ids = [sessionIdFor(busy.cookies.guichet_agent!), sessionIdFor(idle.cookies.guichet_agent!)];
    await warm(busy, `${BASE}/agent/demandes`);
    await warm(idle, `${BASE}/agent/demandes`);
    try {
      // A page every hour, each from the cache (the activity writes evict nothing).
      for (let t = SESSION_IDLE_MS / 2; t < SESSION_ABSOLUTE_MS; t += SESSION_IDLE_MS / 2) {
        clock.offset = t;
        const res = await getFromCache(busy, `${BASE}/agent/demandes`);
        assert.equal(res.statusCode, 200, `busy session after ${t / 60_000} min`);
        await cache(a).settle();
      }
      clock.offset = SESSION_ABSOLUTE_MS + 1000;
      assert.equal((await busy.get(`${BASE}/agent/demandes`)).statusCode, 303, 'past eight hours');
      // The other session, cached at the start and never used since, is past its idle limit.
      assert.equal((await idle.get(`${BASE}/agent/demandes`)).statusCode, 303, 'idle for two hours');
      const left = await ctx.database.ownerQuery(`select 1 from agent_sessions where id = any($1)`, [ids]);
      assert.equal(left.rows.length, 0, 'both are deleted, as without the cache');
    } finally {
      clock.offset = 0;
    }
  });

  test('unknown and malformed cookies are never cached', async () => {
    const before = cache(a).stats().entries;
    for (let i = 0; i < 50; i++) {
      const made = new Browser(a, {
        guichet_citoyen: Buffer.from(`${i}`.padStart(32, 'x')).toString('base64url').slice(0, 43).padEnd(43, 'A'),
        guichet_agent: `forged-${i}`,
      });
      assert.equal((await made.get(`${BASE}/mon-espace`)).statusCode, 303);
      assert.equal((await made.get(`${BASE}/agent/demandes`)).statusCode, 303);
    }
    assert.equal(cache(a).stats().entries, before);
  });

  test("a cookie from another tenant's host is not served from this tenant's cache", async () => {
    const citizenId = await newCitizen();
    const browser = await citizenBrowser(citizenId);
    await warm(browser, `${BASE}/mon-espace`);
    assert.equal((await browser.get('/t/cacheville/mon-espace')).statusCode, 303);
  });
});
