import { inTenant, type Db } from '../../db/tenant-scope.ts';
import { fold } from './analyser.ts';
import { insertSearchQuery, pruneSearchQueries } from './repository.ts';

/** Characters of a query kept in the log. */
export const LOGGED_QUERY_LENGTH = 120;
/** Queries are kept this long: enough to see what is missing over a season. */
const RETENTION_DAYS = 180;

/**
 * The query as the log keeps it, or null when it must not be kept: folded and cut, and never
 * anything that looks like personal data — an email address, a phone number, a request
 * reference or tracking code, a long number (social security, bank account).
 */
export function loggableQuery(query: string): string | null {
  const text = fold(query).replace(/\s+/g, ' ').trim();
  if (text === '') return null;
  if (/[^\s@]+@[^\s@]+/.test(text)) return null;
  if (/(?:\+|00)?\d(?:[\s.-]?\d){7,}/.test(text)) return null;
  if (/\b[a-z]{1,4}-?\d{2,4}-\d{3,}\b/i.test(text)) return null;
  if (/\b(?=[a-z0-9]*\d)(?=[a-z0-9]*[a-z])[a-z0-9]{8,}\b/.test(text)) return null;
  return text.slice(0, LOGGED_QUERY_LENGTH).trim();
}

/** Records a search (in its own short transaction); about one in a hundred also prunes old ones. */
export async function logSearchQuery(
  db: Db,
  tenantId: string,
  query: string,
  outcome: { results: Array<{ score: number }>; answerable: boolean },
  audience: 'public' | 'agent',
  now: Date,
): Promise<void> {
  const text = loggableQuery(query);
  if (text === null) return;
  await inTenant(db, tenantId, async (trx) => {
    await insertSearchQuery(trx, {
      tenantId,
      query: text,
      resultCount: outcome.results.length,
      topScore: outcome.results[0]?.score ?? 0,
      answerable: outcome.answerable,
      audience,
      at: now,
    });
    if (Math.random() < 0.01) await pruneSearchQueries(trx, new Date(now.getTime() - RETENTION_DAYS * 86_400_000));
  });
}
