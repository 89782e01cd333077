import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestContext, PG_ADMIN_URL, TEST_DB, type TestContext } from '../../test/support/test-app.ts';
import { TcpProxy } from '../../test/support/tcp-proxy.ts';
import { ServerNotifications } from '../db/notifications.ts';
import { inTenant } from '../db/tenant-scope.ts';
import {
  checkCitizenSession,
  citizenSessionIdFor,
  findCitizenSession,
  openCitizenSession,
} from '../modules/citizens/sessions.ts';
import { SESSION_CACHE_MAX_AGE_MS, SessionCache } from './session-cache.ts';

describe(`session cache (${TEST_DB})`, () => {
  let ctx: TestContext;
  let citizenId: string;
  const caches: SessionCache[] = [];

  before(async () => {
    ctx = await createTestContext();
    const r = await ctx.database.ownerQuery(
      `insert into citizens (tenant_id, email, email_verified_at, given_name) values ($1, 'lru@example.org', now(), 'Lou')
       returning id`,
      [ctx.tenantId],
    );
    citizenId = String(r.rows[0]!.id);
  });
  after(async () => {
    for (const c of caches) await c.close();
    await ctx.close();
  });

  /** A cache of this process's database, with its own limits; `services` checks citizen sessions through it. */
  async function cacheWith(options: ConstructorParameters<typeof SessionCache>[1] = {}) {
    const sessionCache = new SessionCache(ctx.database.notifications, options);
    caches.push(sessionCache);
    await sessionCache.whenListening();
    const services = { db: ctx.services.db, clock: ctx.services.clock, sessionCache };
    return { sessionCache, check: (token: string) => checkCitizenSession(services, ctx.tenantId, token) };
  }

  const open = () =>
    inTenant(ctx.services.db, ctx.tenantId, (trx) =>
      openCitizenSession(trx, { tenantId: ctx.tenantId, citizenId, method: 'password', now: new Date() }),
    );

  test('the cache is bounded: the least recently used session goes first', async () => {
    const { sessionCache, check } = await cacheWith({ maxEntries: 3 });
    const tokens = [await open(), await open(), await open(), await open()];
    for (const t of tokens.slice(0, 3)) assert.ok(await check(t));
    assert.equal(sessionCache.stats().entries, 3);
    // The first one is used again: the second is now the least recently used.
    assert.ok(await check(tokens[0]!));
    assert.equal(sessionCache.stats().hits, 1);
    assert.ok(await check(tokens[3]!));
    assert.equal(sessionCache.stats().entries, 3);
    const hits = sessionCache.stats().hits;
    assert.ok(await check(tokens[0]!));
    assert.ok(await check(tokens[2]!));
    assert.ok(await check(tokens[3]!));
    assert.equal(sessionCache.stats().hits, hits + 3, 'the three most recent are kept');
    const misses = sessionCache.stats().misses;
    assert.ok(await check(tokens[1]!), 'the evicted one is still valid, from the database');
    assert.equal(sessionCache.stats().misses, misses + 1);
    assert.equal(sessionCache.stats().entries, 3);
  });

  test('a flood of made-up cookies stores nothing and pushes no session out', async () => {
    const { sessionCache, check } = await cacheWith({ maxEntries: 2 });
    const real = await open();
    assert.ok(await check(real));
    for (let i = 0; i < 200; i++) {
      assert.equal(await check(Buffer.alloc(32, i).toString('base64url')), null);
    }
    assert.equal(sessionCache.stats().entries, 1);
    const hits = sessionCache.stats().hits;
    assert.ok(await check(real));
    assert.equal(sessionCache.stats().hits, hits + 1);
  });

  test('an entry is trusted for SESSION_CACHE_MAX_AGE_MS at most', async () => {
    let monotonic = 0;
    const { sessionCache, check } = await cacheWith({ monotonicNow: () => monotonic });
    const token = await open();
    assert.ok(await check(token));
    monotonic += SESSION_CACHE_MAX_AGE_MS - 1;
    assert.ok(await check(token));
    assert.deepEqual([sessionCache.stats().hits, sessionCache.stats().misses], [1, 1]);
    monotonic += 1;
    assert.ok(await check(token));
    assert.deepEqual([sessionCache.stats().hits, sessionCache.stats().misses], [1, 2], 'asked the database again');
  });

  test('a lookup that crossed a revocation is not stored', async () => {
    const { sessionCache } = await cacheWith();
    const token = await open();
    const id = citizenSessionIdFor(token);
    const now = new Date();
    const read = await sessionCache.check({
      kind: 'citizen',
      tenantId: ctx.tenantId,
      sessionId: id,
      now,
      load: async () => {
        // The row is read, then revoked and notified before the lookup returns.
        const session = await inTenant(ctx.services.db, ctx.tenantId, (trx) => findCitizenSession(trx, token, now));
        await ctx.database.ownerQuery(`delete from citizen_sessions where id = $1`, [id]);
        await sessionCache.sync();
        assert.ok(session);
        return {
          value: session,
          subjectId: citizenId,
          expiresAt: new Date(now.getTime() + 3_600_000),
          lastSeenAt: now,
          idleMs: 3_600_000,
        };
      },
      touch: async () => {},
    });
    assert.ok(read, 'the lookup answers what it read');
    assert.equal(sessionCache.stats().entries, 0, 'but it is not cached');
  });

  test('the payloads of the triggers drop what they name, and only that', async () => {
    const { sessionCache, check } = await cacheWith();
    const [t1, t2] = [await open(), await open()];
    const other = await ctx.database.ownerQuery(
      `insert into citizens (tenant_id, email) values ($1, 'autre-lru@example.org') returning id`,
      [ctx.tenantId],
    );
    const t3 = await inTenant(ctx.services.db, ctx.tenantId, (trx) =>
      openCitizenSession(trx, {
        tenantId: ctx.tenantId,
        citizenId: String(other.rows[0]!.id),
        method: 'password',
        now: new Date(),
      }),
    );
    for (const t of [t1, t2, t3]) await check(t);
    assert.equal(sessionCache.stats().entries, 3);
    // One session of the first citizen is touched by an update other than its activity.
    await ctx.database.ownerQuery(`update citizen_sessions set user_agent = 'changé' where id = $1`, [
      citizenSessionIdFor(t1),
    ]);
    assert.equal(sessionCache.stats().entries, 2);
    // A change to the citizen drops all of theirs, not the other citizen's.
    await ctx.database.ownerQuery(`update citizens set preferences = '{"channel":"courrier"}' where id = $1`, [
      citizenId,
    ]);
    assert.equal(sessionCache.stats().entries, 1);
    // The listening connection repeats this process's notifications a moment later; a lookup
    // that crosses one is not stored.
    await sessionCache.sync();
    const session = await check(t2);
    assert.deepEqual(session?.citizen.preferences, { channel: 'courrier' }, 'reloaded with the change');
    // The login bookkeeping does not.
    await ctx.database.ownerQuery(`update citizens set last_login_at = now() where id = $1`, [citizenId]);
    assert.equal(sessionCache.stats().entries, 2);
    await ctx.database.ownerQuery(`truncate citizen_sessions`);
    assert.equal(sessionCache.stats().entries, 0);
  });

  test(
    'listener connection lost: everything is dropped, nothing is cached until it listens again',
    { skip: TEST_DB !== 'postgres' && 'PGlite runs in the process: there is no connection to lose' },
    async () => {
      const name = String((await ctx.database.ownerQuery('select current_database() as d')).rows[0]!.d);
      const admin = new URL(PG_ADMIN_URL);
      const proxy = new TcpProxy(admin.hostname, Number(admin.port || 5432));
      await proxy.start();
      const listenUrl = new URL(admin);
      listenUrl.pathname = `/${name}`;
      listenUrl.port = String(proxy.port);
      // Only a listening connection, behind the proxy: the database stays reachable for the lookups.
      const notifications = new ServerNotifications(listenUrl.toString());
      try {
        const sessionCache = new SessionCache(notifications);
        caches.push(sessionCache);
        await sessionCache.whenListening();
        const services = { db: ctx.services.db, clock: ctx.services.clock, sessionCache };
        const check = (token: string) => checkCitizenSession(services, ctx.tenantId, token);
        const [kept, revoked] = [await open(), await open()];
        await check(kept);
        await check(revoked);
        assert.equal(sessionCache.stats().entries, 2);

        await proxy.cut();
        const deadline = Date.now() + 5000;
        while (sessionCache.listening && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        assert.equal(sessionCache.listening, false, 'the loss is noticed');
        assert.equal(sessionCache.stats().entries, 0, 'everything is dropped');

        // Deaf: every check asks the database, and a revocation is seen at once.
        const misses = sessionCache.stats().misses;
        assert.ok(await check(kept));
        assert.ok(await check(kept));
        assert.equal(sessionCache.stats().misses, misses + 2);
        assert.equal(sessionCache.stats().entries, 0);
        await ctx.database.ownerQuery(`delete from citizen_sessions where id = $1`, [citizenSessionIdFor(revoked)]);
        assert.equal(await check(revoked), null);

        await proxy.restore();
        await sessionCache.whenListening();
        assert.ok(await check(kept));
        const hits = sessionCache.stats().hits;
        assert.ok(await check(kept));
        assert.equal(sessionCache.stats().hits, hits + 1, 'cached again once listening');
      } finally {
        await notifications.close();
        await proxy.close();
      }
    },
  );
});
