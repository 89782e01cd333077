import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { inTenant } from '../../db/tenant-scope.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { createTenant } from '../tenants/create-tenant.ts';
import {
  CITIZEN_SESSION_ABSOLUTE_MS,
  CITIZEN_SESSION_IDLE_MS,
  citizenSessionIdFor,
  closeCitizenSession,
  findCitizenSession,
  openCitizenSession,
} from './sessions.ts';

describe(`citizen sessions (${TEST_DB})`, () => {
  let ctx: TestContext;
  let tenantB: string;
  let citizenId: string;
  const t0 = new Date('2026-12-01T09:00:00Z');
  const later = (ms: number) => new Date(t0.getTime() + ms);

  before(async () => {
    ctx = await createTestContext();
    tenantB = await createTenant(ctx.database.ownerQuery, {
      name: 'Autreville',
      slug: 'autreville',
      hosts: ['autreville.localhost'],
    });
    const r = await ctx.database.ownerQuery(
      `insert into citizens (tenant_id, email, email_verified_at, given_name, family_name, birthdate, preferences)
       values ($1, 'session@example.org', now(), 'Camille', 'MARTIN', '1990-04-02', '{"channel":"sms"}') returning id`,
      [ctx.tenantId],
    );
    citizenId = String(r.rows[0]!.id);
  });
  after(async () => ctx.close());

  const open = (now = t0, extra: { idToken?: string } = {}) =>
    inTenant(ctx.services.db, ctx.tenantId, (trx) =>
      openCitizenSession(trx, {
        tenantId: ctx.tenantId,
        citizenId,
        method: extra.idToken ? 'franceconnect' : 'password',
        idToken: extra.idToken ?? null,
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0',
        ip: '203.0.113.7',
        now,
      }),
    );
  const find = (token: string, now: Date, tenantId = ctx.tenantId) =>
    inTenant(ctx.services.db, tenantId, (trx) => findCitizenSession(trx, token, now));

  test('a session stores only the hash of a fresh token and finds the citizen back', async () => {
    const a = await open();
    const b = await open();
    assert.notEqual(a, b);
    assert.match(a, /^[\w-]{43}$/);
    const rows = await ctx.database.ownerQuery(
      `select id, method, ip, user_agent from citizen_sessions where citizen_id = $1`,
      [citizenId],
    );
    const ids = rows.rows.map((r) => r.id);
    assert.ok(ids.includes(citizenSessionIdFor(a)));
    assert.ok(!ids.includes(a), 'the raw token is never stored');
    const login = await ctx.database.ownerQuery(`select last_login_at from citizens where id = $1`, [citizenId]);
    assert.equal(new Date(login.rows[0]!.last_login_at as string).toISOString(), t0.toISOString());

    const session = await find(a, later(1000));
    assert.ok(session);
    assert.equal(session.citizenId, citizenId);
    assert.equal(session.method, 'password');
    assert.equal(session.idToken, null);
    assert.equal(session.citizen.email, 'session@example.org');
    assert.equal(session.citizen.emailVerified, true);
    assert.equal(session.citizen.familyName, 'MARTIN');
    assert.equal(session.citizen.birthdate, '1990-04-02');
    assert.deepEqual(session.citizen.preferences, { channel: 'sms' });
  });

  test('the FranceConnect ID token is kept for logout', async () => {
    const token = await open(t0, { idToken: 'eyJ.header.sig' });
    const session = await find(token, t0);
    assert.equal(session?.method, 'franceconnect');
    assert.equal(session?.idToken, 'eyJ.header.sig');
  });

  test('an idle session is refused and deleted; activity keeps it alive', async () => {
    const token = await open();
    assert.ok(await find(token, later(CITIZEN_SESSION_IDLE_MS - 1000)));
    // Seen just now: still valid one idle period after the first use.
    assert.ok(await find(token, later(CITIZEN_SESSION_IDLE_MS + 30 * 60 * 1000)));
    assert.equal(await find(token, later(3 * CITIZEN_SESSION_IDLE_MS)), null);
    const left = await ctx.database.ownerQuery(`select 1 from citizen_sessions where id = $1`, [
      citizenSessionIdFor(token),
    ]);
    assert.equal(left.rows.length, 0);
  });

  test('a session past its absolute lifetime is refused even when active', async () => {
    const token = await open();
    for (let t = 0; t < CITIZEN_SESSION_ABSOLUTE_MS; t += CITIZEN_SESSION_IDLE_MS / 2) {
      assert.ok(await find(token, later(t)), `still valid at ${t}`);
    }
    assert.equal(await find(token, later(CITIZEN_SESSION_ABSOLUTE_MS)), null);
  });

  test('a closed session is refused', async () => {
    const token = await open();
    await inTenant(ctx.services.db, ctx.tenantId, (trx) => closeCitizenSession(trx, token));
    assert.equal(await find(token, t0), null);
  });

  test("another tenant's scope does not find the session", async () => {
    const token = await open();
    assert.equal(await find(token, t0, tenantB), null);
    assert.ok(await find(token, t0));
  });

  test('malformed tokens are refused', async () => {
    for (const bad of ['', 'abc', 'x'.repeat(44), "' or 1=1 --", 'é'.repeat(43), 'a'.repeat(10_000)]) {
      assert.equal(await find(bad, t0), null);
    }
  });
});
