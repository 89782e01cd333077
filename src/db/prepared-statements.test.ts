import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { PG_ADMIN_URL, TEST_DB } from '../../test/support/test-app.ts';
import { MAX_PREPARED_PER_CONNECTION, prepareStatements } from './prepared-statements.ts';

describe(
  'prepared statements on the PostgreSQL server',
  { skip: TEST_DB !== 'postgres' && 'PGlite clients share one backend: statements are not prepared there' },
  () => {
    let pool: pg.Pool;
    before(() => {
      pool = new pg.Pool({ connectionString: PG_ADMIN_URL, max: 1 });
      pool.on('connect', (client) => prepareStatements(client));
    });
    after(async () => pool.end());

    const prepared = async (client: pg.PoolClient) =>
      (await client.query<{ name: string; statement: string }>('select name, statement from pg_prepared_statements'))
        .rows;

    test('a parameterised query is prepared once per connection and gives the same results', async () => {
      const client = await pool.connect();
      try {
        const text = 'select $1::int + 1 as n';
        for (const n of [1, 2, 3]) assert.equal((await client.query(text, [n])).rows[0].n, n + 1);
        const named = (await prepared(client)).filter((s) => s.statement === text);
        assert.equal(named.length, 1);
        assert.match(named[0]!.name, /^g_/);
        // Without parameters (e.g. `begin; select set_config(…)`), the simple protocol is kept:
        // several statements in one text still work and nothing is prepared.
        await client.query('select 1; select 2');
        assert.equal((await prepared(client)).filter((s) => s.statement.includes('select 2')).length, 0);
        // Errors come back as before, and the connection stays usable.
        await assert.rejects(client.query('select $1::int / 0', [1]), /division by zero/);
        assert.equal((await client.query('select $1::text as t', ['ok'])).rows[0].t, 'ok');
      } finally {
        client.release();
      }
    });

    test('a connection prepares a bounded number of texts, and runs the others unnamed', async () => {
      const client = await pool.connect();
      try {
        for (let i = 0; i < MAX_PREPARED_PER_CONNECTION + 20; i++) {
          assert.equal((await client.query(`select $1::int + ${i} as n`, [1])).rows[0].n, 1 + i);
        }
        const count = (await prepared(client)).filter((s) => s.name.startsWith('g_')).length;
        assert.ok(count <= MAX_PREPARED_PER_CONNECTION, `${count} statements prepared`);
      } finally {
        client.release();
      }
    });
  },
);
