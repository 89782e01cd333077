import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.ts';

export interface ClosingDay {
  /** 'YYYY-MM-DD' */
  day: string;
  label: string;
}

/** The tenant's closing days of one year, in calendar order. */
export async function listClosingDays(trx: Tx, year: number): Promise<ClosingDay[]> {
  const rows = await trx
    .selectFrom('tenant_closing_days')
    .select([sql<string>`day::text`.as('day'), 'label'])
    .where('day', '>=', `${year}-01-01`)
    .where('day', '<=', `${year}-12-31`)
    .orderBy('day')
    .execute();
  return rows;
}
