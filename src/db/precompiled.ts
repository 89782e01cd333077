import type { CompiledQuery, Compilable } from 'kysely';
import type { Db } from './tenant-scope.ts';

const SLOT = '\u0000guichet-slot:';

/**
 * A query of the hot paths, built and compiled by Kysely once, then run with new values: building
 * and compiling the query tree costs more than sending it on short queries. `build` receives a
 * `slot(name)` function to stand for each value; the values given at each run take their places.
 * The SQL stays parameterised (with prepared statements, the server plans it once too).
 *
 *     const byReference = precompiled<{ reference: string }>()((db, slot) =>
 *       db.selectFrom('requests').selectAll().where('reference', '=', slot('reference')));
 *     const rows = await byReference(conn, { reference });
 */
export function precompiled<Params extends Record<string, unknown>>() {
  return <Row>(
    build: (db: Db, slot: <K extends keyof Params & string>(name: K) => Params[K]) => Compilable<Row>,
  ): ((db: Db, params: Params) => Promise<Row[]>) => compile(build);
}

function compile<Params extends Record<string, unknown>, Row>(
  build: (db: Db, slot: <K extends keyof Params & string>(name: K) => Params[K]) => Compilable<Row>,
): (db: Db, params: Params) => Promise<Row[]> {
  let compiled: { query: CompiledQuery<Row>; slots: [number, keyof Params][] } | undefined;
  return async (db, params) => {
    if (!compiled) {
      const query = build(db, (name) => `${SLOT}${name}` as never).compile();
      const slots = query.parameters.flatMap((value, index): [number, keyof Params][] =>
        typeof value === 'string' && value.startsWith(SLOT) ? [[index, value.slice(SLOT.length)]] : [],
      );
      for (const name of Object.keys(params)) {
        if (!slots.some(([, slot]) => slot === name)) throw new Error(`precompiled query: no slot for ${name}`);
      }
      compiled = { query, slots };
    }
    const parameters = [...compiled.query.parameters];
    for (const [index, name] of compiled.slots) parameters[index] = params[name];
    const result = await db.executeQuery<Row>({ ...compiled.query, parameters });
    return result.rows;
  };
}
