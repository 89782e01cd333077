import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { inTenant, withTenantConnection } from '../../db/tenant-scope.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { createCommuneTenant, createTenant, defaultReferencePrefix, findCommune } from './create-tenant.ts';

describe(`tenant isolation (${TEST_DB})`, () => {
  let ctx: TestContext;
  let tenantA: string;
  let tenantB: string;

  before(async () => {
    ctx = await createTestContext({ seed: false });
    tenantA = await createTenant(ctx.database.ownerQuery, {
      name: 'Commune A',
      slug: 'commune-a',
      hosts: ['a.localhost'],
    });
    tenantB = await createCommuneTenant(ctx.database.ownerQuery, '35238', { hosts: ['rennes.localhost'] });
    for (const t of [tenantA, tenantB]) {
      await ctx.database.ownerQuery(
        `insert into services (tenant_id, slug, name) values ($1, 'etat-civil', 'État civil')`,
        [t],
      );
    }
  });
  after(async () => ctx.close());

  test('the application role cannot bypass row-level security', async () => {
    const r = await sql<{ rolsuper: boolean; rolbypassrls: boolean; u: string }>`
      select rolsuper, rolbypassrls, current_user as u from pg_roles where rolname = current_user`.execute(
      ctx.services.db,
    );
    assert.equal(r.rows[0]?.u, 'guichet_app');
    assert.equal(r.rows[0]?.rolsuper, false);
    assert.equal(r.rows[0]?.rolbypassrls, false);
  });

  test('a tenant created from an INSEE code carries official data', async () => {
    const row = (await ctx.database.ownerQuery('select * from tenants where id = $1', [tenantB])).rows[0]!;
    assert.equal(row.name, 'Rennes');
    assert.equal(row.departement_name, 'Ille-et-Vilaine');
    assert.equal(row.region_name, 'Bretagne');
    assert.ok(Number(row.population) > 200_000);
    assert.equal(row.reference_prefix, 'RE');
    assert.equal(findCommune('99999'), null);
    assert.equal(defaultReferencePrefix('Saint-Malo'), 'SM');
  });

  test('without a tenant scope no row is visible', async () => {
    const rows = await ctx.services.db.selectFrom('services').selectAll().execute();
    assert.equal(rows.length, 0);
  });

  test("under tenant B's scope, direct SQL sees none of tenant A's rows", async () => {
    const rows = await inTenant(
      ctx.services.db,
      tenantB,
      async (trx) => (await sql<{ tenant_id: string }>`select tenant_id from services`.execute(trx)).rows,
    );
    assert.ok(rows.length > 0);
    assert.ok(rows.every((r) => r.tenant_id === tenantB));
    const explicit = await inTenant(
      ctx.services.db,
      tenantB,
      async (trx) => (await sql`select * from services where tenant_id = ${tenantA}`.execute(trx)).rows,
    );
    assert.equal(explicit.length, 0);
  });

  test('a connection scoped without a transaction sees its tenant only, and nothing once the scope ends', async () => {
    const tenantsSeen = async (tenantId: string) =>
      withTenantConnection(ctx.services.db, tenantId, async (conn) =>
        (await sql<{ tenant_id: string }>`select tenant_id from services`.execute(conn)).rows.map((r) => r.tenant_id),
      );
    // Alternate tenants on the pool's connections (PGlite has only one): each scope must see its
    // own tenant, whatever the connection was last used for.
    for (const tenantId of [tenantA, tenantB, tenantB, tenantA, tenantB]) {
      const seen = await tenantsSeen(tenantId);
      assert.ok(seen.length > 0);
      assert.deepEqual([...new Set(seen)], [tenantId]);
    }
    // Outside any scope, the connection's session setting has been cleared.
    const outside = await ctx.services.db.selectFrom('services').selectAll().execute();
    assert.equal(outside.length, 0);
    const setting = await sql<{ v: string | null }>`select current_setting('guichet.tenant_id', true) as v`.execute(
      ctx.services.db,
    );
    assert.ok(!setting.rows[0]?.v);
    // A transaction for another tenant after a connection scope sees that tenant only.
    await tenantsSeen(tenantA);
    const afterwards = await inTenant(ctx.services.db, tenantB, async (trx) =>
      (await trx.selectFrom('services').select('tenant_id').execute()).map((r) => r.tenant_id),
    );
    assert.deepEqual([...new Set(afterwards)], [tenantB]);
    assert.equal((await ctx.services.db.selectFrom('services').selectAll().execute()).length, 0);
    // A failed statement does not leave the scope behind.
    await assert.rejects(
      withTenantConnection(ctx.services.db, tenantA, (conn) => sql`select * from no_such_table`.execute(conn)),
    );
    assert.equal((await ctx.services.db.selectFrom('services').selectAll().execute()).length, 0);
    // Rows of another tenant can be neither written nor seen through a scoped connection.
    await assert.rejects(
      withTenantConnection(ctx.services.db, tenantB, (conn) =>
        conn
          .insertInto('services')
          .values({ tenant_id: tenantA, slug: 'intrus2', name: 'Intrus', email: null })
          .execute(),
      ),
      /row-level security/,
    );
    const explicit = await withTenantConnection(ctx.services.db, tenantB, async (conn) =>
      conn.selectFrom('services').selectAll().where('tenant_id', '=', tenantA).execute(),
    );
    assert.equal(explicit.length, 0);
  });

  test("under tenant B's scope, tenant A's rows can be neither inserted nor changed", async () => {
    await assert.rejects(
      inTenant(ctx.services.db, tenantB, (trx) =>
        trx
          .insertInto('services')
          .values({ tenant_id: tenantA, slug: 'intrus', name: 'Intrus', email: null })
          .execute(),
      ),
      /row-level security/,
    );
    const updated = await inTenant(ctx.services.db, tenantB, (trx) =>
      trx.updateTable('services').set({ name: 'Piraté' }).where('tenant_id', '=', tenantA).executeTakeFirst(),
    );
    assert.equal(Number(updated.numUpdatedRows), 0);
    const deleted = await inTenant(ctx.services.db, tenantB, (trx) =>
      trx.deleteFrom('services').where('tenant_id', '=', tenantA).executeTakeFirst(),
    );
    assert.equal(Number(deleted.numDeletedRows), 0);
    const check = await ctx.database.ownerQuery('select name from services where tenant_id = $1', [tenantA]);
    assert.equal(check.rows[0]?.name, 'État civil');
  });

  test('the application role cannot create tenants nor reset its role to escape', async () => {
    await assert.rejects(
      sql`insert into tenants (slug, name, reference_prefix) values ('x-y', 'X', 'XY')`.execute(ctx.services.db),
    );
    if (TEST_DB === 'postgres') {
      // On the server the application logs in as guichet_app itself: no role to escape to.
      await assert.rejects(sql`set role postgres`.execute(ctx.services.db));
      await sql`reset role`.execute(ctx.services.db);
      const r = await sql<{ u: string }>`select current_user as u`.execute(ctx.services.db);
      assert.equal(r.rows[0]?.u, 'guichet_app');
    }
  });

  test('a tenant is resolved from its host name and from its slug', async () => {
    assert.equal((await ctx.services.tenants.byHost('rennes.localhost:3000'))?.id, tenantB);
    assert.equal((await ctx.services.tenants.bySlug('commune-a'))?.id, tenantA);
    assert.equal(await ctx.services.tenants.byHost('inconnu.localhost'), null);
  });
});
