import { sql, type AliasedRawBuilder } from 'kysely';

/**
 * A row's values as the select list of an `insert … select` (`$1 as "col", …`), for statements
 * that write several rows in one round trip (a data-modifying `with`, an insert guarded by a
 * condition). The server types each parameter from its target column, as for `values`. Keys
 * whose value is undefined are left to the column's default.
 */
export function rowSelection<Row extends object>(
  row: Row,
): { columns: (keyof Row & string)[]; selection: AliasedRawBuilder<unknown, string>[] } {
  const entries = Object.entries(row).filter(([, value]) => value !== undefined);
  return {
    columns: entries.map(([column]) => column as keyof Row & string),
    selection: entries.map(([column, value]) => sql`${value}`.as(column)),
  };
}
