import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestContext, TEST_DB, type TestContext } from '../../test/support/test-app.ts';
import { precompiled } from './precompiled.ts';
import { withTenantConnection } from './tenant-scope.ts';

describe(`precompiled queries (${TEST_DB})`, () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(async () => ctx.close());

  let builds = 0;
  const bySlugAndKind = precompiled<{ slug: string; kind: 'demarche' | 'information' }>()((db, slot) =>
    (builds++, db)
      .selectFrom('demarches')
      .select(['slug', 'kind'])
      .where('slug', '=', slot('slug'))
      .where('kind', '=', slot('kind'))
      .where('audience', '=', 'public'),
  );

  test('each run takes its own values, in their places, compiled once', async () => {
    await withTenantConnection(ctx.services.db, ctx.tenantId, async (conn) => {
      assert.deepEqual(await bySlugAndKind(conn, { slug: 'carte-identite', kind: 'demarche' }), [
        { slug: 'carte-identite', kind: 'demarche' },
      ]);
      assert.deepEqual(await bySlugAndKind(conn, { slug: 'carte-identite', kind: 'information' }), []);
      // Values are parameters, never SQL.
      assert.deepEqual(await bySlugAndKind(conn, { slug: "x' or '1'='1", kind: 'demarche' }), []);
      const [passport] = await bySlugAndKind(conn, { kind: 'demarche', slug: 'passeport' });
      assert.equal(passport?.slug, 'passeport');
    });
    assert.equal(builds, 1, 'the query tree was built and compiled once for four runs');
  });

  test('a value without a slot in the query is refused', async () => {
    const noSlot = precompiled<{ slug: string }>()((db) => db.selectFrom('demarches').select('slug'));
    await withTenantConnection(ctx.services.db, ctx.tenantId, async (conn) => {
      await assert.rejects(noSlot(conn, { slug: 'passeport' }), /no slot for slug/);
    });
  });
});
