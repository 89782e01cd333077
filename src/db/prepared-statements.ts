import { createHash } from 'node:crypto';
import type pg from 'pg';

/** Bound on the statements one connection keeps prepared (query texts built from lists vary). */
export const MAX_PREPARED_PER_CONNECTION = 500;

/**
 * Makes a PostgreSQL server connection prepare the parameterised statements it runs: the first
 * run of a query text parses and plans it under a name, later runs on the same connection only
 * bind and execute. Planning is most of the database's work on our short, indexed queries
 * (about 0.3 ms to plan the tracking page's query, 0.15 ms to run it), so this is the largest
 * saving available on the hot paths.
 *
 * - Only queries with parameters are prepared: statements without any (`begin`, the tenant
 *   setting written by the driver, several statements in one text) keep the simple protocol.
 * - Each connection prepares at most MAX_PREPARED_PER_CONNECTION texts; beyond that, queries
 *   run unnamed as before, so a query built from variable lists cannot grow memory unbounded.
 * - Row-level security still applies: the policies call `guichet_current_tenant()`, evaluated
 *   at each execution, so a plan never holds a tenant.
 * - Not for PGlite, whose clients share one backend (a recreated client would prepare a name
 *   the backend already has).
 */
export function prepareStatements(client: pg.PoolClient): void {
  const names = new Map<string, string>();
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((config: unknown, values?: unknown, callback?: unknown) => {
    if (typeof config === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined) {
      let name = names.get(config);
      if (!name && names.size < MAX_PREPARED_PER_CONNECTION) {
        name = `g_${createHash('sha1').update(config).digest('base64url')}`;
        names.set(config, name);
      }
      if (name) return query({ name, text: config, values });
    }
    return callback === undefined ? query(config, values) : query(config, values, callback);
  }) as typeof client.query;
}
