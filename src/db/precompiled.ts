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

/**
 * As `precompiled`, for a statement whose text depends on a shape as well as on values (which
 * columns a row sets, e.g. an event with or without an author): one compiled statement per shape,
 * keyed by `keyOf(shape)` (a handful in practice; at most MAX_SHAPES are kept).
 */
export function precompiledByShape<Params extends Record<string, unknown>, Shape>() {
  return <Row>(
    keyOf: (shape: Shape) => string,
    build: (db: Db, slot: <K extends keyof Params & string>(name: K) => Params[K], shape: Shape) => Compilable<Row>,
  ): ((db: Db, shape: Shape, params: Params) => Promise<Row[]>) => {
    const byShape = new Map<string, (db: Db, params: Params) => Promise<Row[]>>();
    return (db, shape, params) => {
      const key = keyOf(shape);
      let run = byShape.get(key);
      if (!run) {
        if (byShape.size >= MAX_SHAPES) byShape.clear();
        run = compile<Params, Row>((builder, slot) => build(builder, slot, shape));
        byShape.set(key, run);
      }
      return run(db, params);
    };
  };
}

const MAX_SHAPES = 32;

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
    for (const [index, name] of compiled.slots) {
      if (!(name in params)) throw new Error(`precompiled query: no value for ${String(name)}`);
      parameters[index] = params[name];
    }
    const result = await db.executeQuery<Row>({ ...compiled.query, parameters });
    return result.rows;
  };
}
