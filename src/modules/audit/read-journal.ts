import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { agentActor } from '../agents/policy.ts';
import type { SessionAgent } from '../agents/sessions.ts';
import { can } from '../authorization.ts';
import { logPersonalDataAccess } from '../privacy/access-log.ts';
import { requestScope } from '../requests/policy.ts';
import {
  listJournalAgents,
  listJournalEntries,
  type JournalCursor,
  type JournalEntry,
  type JournalFilter,
} from './repository.ts';

/** Entries on one screen of the journal. */
export const JOURNAL_PAGE_SIZE = 50;
/** A download holds at most this many entries: beyond, narrow the filters (period, agent). */
export const JOURNAL_EXPORT_MAX_ROWS = 10_000;

export interface JournalPage {
  entries: JournalEntry[];
  /** The entry the next page starts after; null on the last page. */
  next: JournalEntry | null;
  agents: { id: string; name: string }[];
  /** Whether the reader sees every service (an administrator) or only theirs. */
  allServices: boolean;
}

/**
 * The journal as `agent` may read it: supervisors the entries about their services' items,
 * administrators everything. The reading itself is written to the access log (the journal shows
 * citizens' names and references), in the same transaction: shown and logged, or neither.
 * A download (`mode` 'export') returns up to JOURNAL_EXPORT_MAX_ROWS entries and no next page.
 */
export async function readJournal(
  trx: Tx,
  input: {
    tenantId: string;
    agent: SessionAgent;
    filter: JournalFilter;
    cursor: JournalCursor | null;
    mode: 'page' | 'export';
    ip: string;
    now: Date;
  },
): Promise<JournalPage> {
  const actor = agentActor(input.tenantId, input.agent);
  if (!can(actor, 'view_journal', { kind: 'tenant', tenantId: input.tenantId }))
    throw new AppError('forbidden', 'Le journal est réservé aux responsables de service et aux administrateurs.');
  // The same scope as the inbox: the entries about the items the reader may open.
  const scope = requestScope(actor);
  const limit = input.mode === 'export' ? JOURNAL_EXPORT_MAX_ROWS : JOURNAL_PAGE_SIZE + 1;
  // The reading is logged first: it is then the newest entry, shown on the first page.
  await logPersonalDataAccess(trx, {
    tenantId: input.tenantId,
    actor: { kind: 'agent', id: input.agent.id, label: input.agent.name },
    action: input.mode === 'export' ? 'export_journal' : 'view_journal',
    ip: input.ip,
    channel: 'web',
    now: input.now,
  });
  const found = await listJournalEntries(trx, {
    scope,
    filter: input.filter,
    cursor: input.mode === 'export' ? null : input.cursor,
    limit,
  });
  const more = input.mode === 'page' && found.length > JOURNAL_PAGE_SIZE;
  const entries = more ? found.slice(0, JOURNAL_PAGE_SIZE) : found;
  return {
    entries,
    next: more ? (entries[entries.length - 1] ?? null) : null,
    agents: await listJournalAgents(trx),
    allServices: scope === null,
  };
}
