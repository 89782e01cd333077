import type { Tx } from '../../db/tenant-scope.ts';
import { parseSearchQuery } from './query.ts';
import { searchCitizens, searchRequests, type CitizenHit, type RequestHit } from './repository.ts';

/** Shorter queries match too much to be useful (and a single letter is a slip of the finger). */
export const QUERY_MIN_LENGTH = 2;

export type SearchOutcome =
  | { kind: 'empty' }
  | { kind: 'too_short' }
  | { kind: 'results'; citizens: CitizenHit[]; requests: RequestHit[]; total: number; more: boolean };

/**
 * The agents' search over requests, their timeline messages and citizens, within the services the
 * agent works for (`serviceIds`, null for an administrator: all). Runs in the tenant's transaction,
 * so row-level security bounds it to the tenant whatever the query says.
 */
export async function searchWorkspace(
  trx: Tx,
  input: { typed: string; serviceIds: string[] | null; page: number },
): Promise<SearchOutcome> {
  const query = parseSearchQuery(input.typed);
  if (query.text === '') return { kind: 'empty' };
  if (query.text.length < QUERY_MIN_LENGTH) return { kind: 'too_short' };
  const [citizens, found] = [
    input.page === 1 ? await searchCitizens(trx, { query, serviceIds: input.serviceIds }) : [],
    await searchRequests(trx, { query, serviceIds: input.serviceIds, page: input.page }),
  ];
  return { kind: 'results', citizens, requests: found.hits, total: found.total, more: found.more };
}
