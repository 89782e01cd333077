import { sql, type AliasedRawBuilder } from 'kysely';

/**
 * A row as the select list of an `insert … select` (`$1 as "col", …`), for statements that write
 * several rows in one round trip (a data-modifying `with`, an insert guarded by a condition), and
 * that are precompiled (`precompiledByShape`): the row's columns are the statement's shape, its
 * values fill the slots named `${prefix}${column}`. The server types each parameter from its
 * target column, as for `values`. Keys whose value is undefined are left to the column's default.
 */
export function slottedRow<Row extends object>(
  row: Row,
  prefix: string,
): { columns: (keyof Row & string)[]; values: Record<string, unknown> } {
  const entries = Object.entries(row).filter(([, value]) => value !== undefined);
  return {
    columns: entries.map(([column]) => column as keyof Row & string),
    values: Object.fromEntries(entries.map(([column, value]) => [`${prefix}${column}`, value])),
  };
}

/** The select list of a slotted row's columns, in a precompiled statement's builder. */
export function slotSelection(
  columns: readonly string[],
  prefix: string,
  slot: (name: string) => unknown,
): AliasedRawBuilder<unknown, string>[] {
  return columns.map((column) => sql`${slot(`${prefix}${column}`)}`.as(column));
}
