import { sql } from 'kysely';
import type { RequestStatus } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { sortFr } from '../../platform/format.ts';
import { INBOX_VIEWS, type InboxSort, type InboxView } from '../inbox/inbox-query.ts';

export const PAGE_SIZE = 50;

export { INBOX_VIEWS, type InboxView } from '../inbox/inbox-query.ts';

export interface RequestListFilters {
  /** null: every service of the tenant (admins). */
  serviceIds: string[] | null;
  /** The agent looking: "mine", unread and mentions are theirs. */
  agentId: string;
  view: InboxView;
  status: RequestStatus | null;
  serviceId: string | null;
  demarcheId?: string | null;
  channel?: string | null;
  /** true: filed under an identity FranceConnect verified; false: not; null: either. */
  identityVerified?: boolean | null;
  /** 'me', 'none', or an agent's id. */
  assignee?: { kind: 'me' } | { kind: 'none' } | { kind: 'agent'; id: string } | null;
  /** Due strictly before this day ('YYYY-MM-DD'). */
  dueBefore?: string | null;
  /** Due on or before this day. */
  dueUntil?: string | null;
  /** Only items whose clock runs (open, not waiting for the citizen): for the late / due soon filters. */
  dueRunningOnly?: boolean;
  /** Items carrying every one of these tags. */
  tagIds?: string[];
  /** 'echeance': nearest due date first; 'activite': latest citizen message first; 'depot': newest first. */
  sort: InboxSort;
  /** The last day ('YYYY-MM-DD') counted as "due soon". */
  soonUntil: string;
  /** Supervisors and administrators: the « Escaladées » view is counted (others do not have it). */
  leadViews?: boolean;
  page: number;
  /** Items per page: PAGE_SIZE on screen, more for an export. */
  pageSize?: number;
}

export interface RequestListItem {
  id: string;
  reference: string;
  /** The item's revision when listed: a bulk action on an item changed since is not applied. */
  revision: number;
  status: RequestStatus;
  channel: string;
  /** 'franceconnect' when filed under an identity FranceConnect verified. */
  identity_source: 'franceconnect' | null;
  demarche_title: string;
  applicant_name: string | null;
  submitted_at: Date;
  due_on: string;
  service_name: string;
  assignee_name: string | null;
  /** The citizen wrote since this agent last opened the item (or the agent never opened it). */
  unread: boolean;
  /** This agent has opened the item before. */
  opened: boolean;
  /** This agent was mentioned in a note since they last opened the item. */
  mentioned: boolean;
  /** Raised to the service's supervisors and not dealt with yet. */
  escalated: boolean;
}

export async function listServices(trx: Tx, serviceIds: string[] | null) {
  let q = trx.selectFrom('services').select(['id', 'slug', 'name']);
  if (serviceIds !== null) {
    if (serviceIds.length === 0) return [];
    q = q.where('id', 'in', serviceIds);
  }
  return sortFr(await q.execute(), (s) => s.name);
}

const NO_COUNTS = Object.fromEntries(INBOX_VIEWS.map((v) => [v, 0])) as Record<InboxView, number>;

/** The items a list's filters keep, with this agent's read marker joined: what counts and pages share. */
function filteredRequests(trx: Tx, filters: Omit<RequestListFilters, 'view' | 'page' | 'pageSize' | 'sort'>) {
  let base = trx
    .selectFrom('requests as r')
    .innerJoin('demarches as d', (j) => j.onRef('d.tenant_id', '=', 'r.tenant_id').onRef('d.id', '=', 'r.demarche_id'))
    .innerJoin('services as s', (j) => j.onRef('s.tenant_id', '=', 'r.tenant_id').onRef('s.id', '=', 'r.service_id'))
    .leftJoin('request_reads as seen', (j) =>
      j
        .onRef('seen.tenant_id', '=', 'r.tenant_id')
        .onRef('seen.request_id', '=', 'r.id')
        .on('seen.agent_id', '=', filters.agentId),
    )
    .leftJoin('request_mentions as mention', (j) =>
      j
        .onRef('mention.tenant_id', '=', 'r.tenant_id')
        .onRef('mention.request_id', '=', 'r.id')
        .on('mention.agent_id', '=', filters.agentId),
    );
  if (filters.serviceIds !== null) base = base.where('r.service_id', 'in', filters.serviceIds);
  if (filters.serviceId) base = base.where('r.service_id', '=', filters.serviceId);
  if (filters.status) base = base.where('r.status', '=', filters.status);
  if (filters.demarcheId) base = base.where('r.demarche_id', '=', filters.demarcheId);
  if (filters.channel) base = base.where('r.channel', '=', filters.channel);
  if (filters.identityVerified === true) base = base.where('r.identity_source', 'is not', null);
  if (filters.identityVerified === false) base = base.where('r.identity_source', 'is', null);
  const assignee = filters.assignee;
  if (assignee?.kind === 'me') base = base.where('r.assigned_agent_id', '=', filters.agentId);
  if (assignee?.kind === 'none') base = base.where('r.assigned_agent_id', 'is', null);
  if (assignee?.kind === 'agent') base = base.where('r.assigned_agent_id', '=', assignee.id);
  if (filters.dueBefore) base = base.where('r.due_on', '<', filters.dueBefore);
  if (filters.dueUntil) base = base.where('r.due_on', '<=', filters.dueUntil);
  if (filters.dueRunningOnly) {
    base = base.where('r.closed_at', 'is', null).where('r.status', '<>', 'en_attente_usager');
  }
  for (const tagId of filters.tagIds ?? []) {
    base = base.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('request_tags as rt')
          .select('rt.tag_id')
          .whereRef('rt.tenant_id', '=', 'r.tenant_id')
          .whereRef('rt.request_id', '=', 'r.id')
          .where('rt.tag_id', '=', tagId),
      ),
    );
  }
  return base;
}

const MENTIONED = sql<boolean>`coalesce(mention.mentioned_at > coalesce(seen.read_at, '-infinity'::timestamptz), false)`;
/**
 * The same as a filter. Without the outer `coalesce` the condition is strict in `mention`, so
 * PostgreSQL turns the left join into an inner one and starts from the agent's few mentions
 * instead of every request of the services (80 ms at 1,000,000 requests, docs/performance.md).
 */
const IS_MENTIONED = sql<boolean>`mention.mentioned_at > coalesce(seen.read_at, '-infinity'::timestamptz)`;

/**
 * Counting stops here for the views that hold closed items (« toutes »): past it the page says
 * « plus de 10 000 ». A count of every request of a large commune reads hundreds of thousands of
 * rows on each page view (docs/performance.md, the workspace at 1,000,000 requests); nobody pages
 * through 10,000 items, they filter or search.
 */
export const COUNT_CAP = 10_000;

/**
 * One page of an inbox view, with the number of items in every view (same services and
 * filters), in three statements: the open views counted exactly from the index of open items
 * (requests_open_inbox), the view of all items counted up to COUNT_CAP, then the page.
 */
export async function listRequests(
  trx: Tx,
  filters: RequestListFilters,
): Promise<{ items: RequestListItem[]; total: number; counts: Record<InboxView, number> }> {
  if (filters.serviceIds !== null && filters.serviceIds.length === 0) {
    return { items: [], total: 0, counts: { ...NO_COUNTS } };
  }
  const base = filteredRequests(trx, filters);
  const open = sql<boolean>`r.closed_at is null`;
  const inView: Record<InboxView, ReturnType<typeof sql<boolean>>> = {
    ouvertes: open,
    mes: sql<boolean>`r.closed_at is null and r.assigned_agent_id = ${filters.agentId}`,
    // Closed or not: a colleague may ask about a closed item.
    mentions: IS_MENTIONED,
    'non-attribuees': sql<boolean>`r.closed_at is null and r.assigned_agent_id is null`,
    attente: sql<boolean>`r.closed_at is null and r.status = 'en_attente_usager'`,
    // The clock stops while the service waits for the citizen.
    echeance: sql<boolean>`r.closed_at is null and r.status <> 'en_attente_usager' and r.due_on <= ${filters.soonUntil}`,
    // Ever escalated, whether a supervisor has dealt with it since or not: a set read once from
    // the partial index of `escalated` events (request_events_escalated), not a probe per item.
    escaladees: sql<boolean>`r.closed_at is null and r.id in (select e.request_id from request_events e where e.kind = 'escalated')`,
    toutes: sql<boolean>`true`,
  };
  // The open views are counted among open items only (an index-only scan of the partial index of
  // open items); the mentions, open or closed, are few, and so are the escalated items (counted
  // for supervisors and administrators only, from the index of their events); « toutes » is
  // counted up to COUNT_CAP.
  const openViews = INBOX_VIEWS.filter((v) => v !== 'toutes' && v !== 'mentions' && v !== 'escaladees');
  const openRow = await base
    .where(open)
    .select(openViews.map((v) => sql<number>`(count(*) filter (where ${inView[v]}))::int`.as(v)))
    .executeTakeFirstOrThrow();
  const mentionRow = await base
    .where(inView.mentions)
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  const escalatedRow = filters.leadViews
    ? await base
        .where(inView.escaladees)
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow()
    : { n: 0 };
  const allRow = await trx
    .selectFrom(
      base
        .select(sql<number>`1`.as('one'))
        .limit(COUNT_CAP)
        .as('capped'),
    )
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  const counts = {
    ...(Object.fromEntries(openViews.map((v) => [v, Number(openRow[v] ?? 0)])) as Record<InboxView, number>),
    mentions: Number(mentionRow.n),
    escaladees: Number(escalatedRow.n),
    toutes: Number(allRow.n),
  };
  let q = base
    .leftJoin('agents as assignee', (j) =>
      j.onRef('assignee.tenant_id', '=', 'r.tenant_id').onRef('assignee.id', '=', 'r.assigned_agent_id'),
    )
    .where(inView[filters.view])
    .select([
      'r.id',
      'r.reference',
      'r.revision',
      'r.status',
      'r.channel',
      'r.identity_source',
      'd.title as demarche_title',
      'r.applicant_name',
      'r.submitted_at',
      'r.due_on',
      's.name as service_name',
      'assignee.display_name as assignee_name',
      sql<boolean>`coalesce(r.citizen_activity_at > coalesce(seen.read_at, '-infinity'::timestamptz), false)`.as(
        'unread',
      ),
      sql<boolean>`seen.read_at is not null`.as('opened'),
      MENTIONED.as('mentioned'),
      sql<boolean>`r.escalated_at is not null`.as('escalated'),
    ]);
  q =
    filters.sort === 'activite'
      ? q.orderBy(sql`r.citizen_activity_at desc nulls last`).orderBy('r.submitted_at', 'desc')
      : filters.sort === 'depot'
        ? q.orderBy('r.submitted_at', 'desc')
        : q.orderBy('r.due_on').orderBy('r.submitted_at');
  const pageSize = filters.pageSize ?? PAGE_SIZE;
  const items =
    pageSize === 0
      ? []
      : await q
          .orderBy('r.reference')
          .limit(pageSize)
          .offset((filters.page - 1) * pageSize)
          .execute();
  return { items, total: counts[filters.view], counts };
}

/** The number of items of one view under some filters (a saved view's count in the menu). */
export async function countRequests(
  trx: Tx,
  filters: Omit<RequestListFilters, 'page' | 'pageSize' | 'sort'>,
): Promise<number> {
  if (filters.serviceIds !== null && filters.serviceIds.length === 0) return 0;
  const { counts } = await listRequests(trx, { ...filters, sort: 'echeance', page: 1, pageSize: 0 });
  return counts[filters.view];
}

export async function findRequestByReference(trx: Tx, reference: string) {
  return trx
    .selectFrom('requests as r')
    .innerJoin('demarches as d', (j) => j.onRef('d.tenant_id', '=', 'r.tenant_id').onRef('d.id', '=', 'r.demarche_id'))
    .innerJoin('services as s', (j) => j.onRef('s.tenant_id', '=', 'r.tenant_id').onRef('s.id', '=', 'r.service_id'))
    .leftJoin('agents as assignee', (j) =>
      j.onRef('assignee.tenant_id', '=', 'r.tenant_id').onRef('assignee.id', '=', 'r.assigned_agent_id'),
    )
    .leftJoin('agents as filer', (j) =>
      j.onRef('filer.tenant_id', '=', 'r.tenant_id').onRef('filer.id', '=', 'r.filed_by_agent_id'),
    )
    .select([
      'r.revision',
      'r.assigned_agent_id',
      'assignee.display_name as assignee_name',
      'filer.display_name as filed_by_name',
      'r.id',
      'r.reference',
      'r.status',
      'r.service_id',
      'r.channel',
      'r.data',
      'r.applicant_name',
      'r.applicant_email',
      'r.applicant_phone',
      'r.person_id',
      'r.submitted_at',
      'r.due_on',
      'r.closed_at',
      'r.escalated_at',
      'd.title as demarche_title',
      'd.form as demarche_form',
      's.name as service_name',
    ])
    .where('r.reference', '=', reference)
    .executeTakeFirst();
}
export type RequestDetailRow = NonNullable<Awaited<ReturnType<typeof findRequestByReference>>>;

/**
 * A request's timeline. An event written by an inbound mail carries what the agent needs beside
 * the new words: the quoted history (folded on the page), and for a reply that came from another
 * address than the item's citizen, that address and the item it answered.
 */
export async function listEvents(trx: Tx, requestId: string) {
  return trx
    .selectFrom('request_events as e')
    .leftJoin('agents as a', (j) => j.onRef('a.tenant_id', '=', 'e.tenant_id').onRef('a.id', '=', 'e.author_agent_id'))
    .leftJoin('inbound_mails as im', (j) =>
      j.onRef('im.tenant_id', '=', 'e.tenant_id').onRef('im.event_id', '=', 'e.id'),
    )
    .leftJoin('requests as answered', (j) =>
      j.onRef('answered.tenant_id', '=', 'im.tenant_id').onRef('answered.id', '=', 'im.related_request_id'),
    )
    .select([
      'e.id',
      'e.kind',
      'e.status_from',
      'e.status_to',
      'e.body',
      'e.author_kind',
      'e.visible_to_citizen',
      'e.created_at',
      'a.display_name as agent_name',
      'im.quoted_text as mail_quoted',
      'im.from_address as mail_from',
      'im.from_other_address as mail_from_other',
      'answered.reference as mail_answers_reference',
    ])
    .where('e.request_id', '=', requestId)
    .orderBy('e.created_at')
    .execute();
}
export type EventRow = Awaited<ReturnType<typeof listEvents>>[number];

export async function listDocuments(trx: Tx, requestId: string) {
  return trx
    .selectFrom('request_documents')
    .select(['id', 'event_id', 'field_name', 'filename', 'mime_type', 'size_bytes', 'created_at'])
    .where('request_id', '=', requestId)
    .orderBy('created_at')
    .orderBy('filename')
    .execute();
}
export type DocumentRow = Awaited<ReturnType<typeof listDocuments>>[number];

export async function findDocument(trx: Tx, requestId: string, documentId: string) {
  return trx
    .selectFrom('request_documents')
    .select(['filename', 'mime_type', 'content'])
    .where('request_id', '=', requestId)
    .where('id', '=', documentId)
    .executeTakeFirst();
}

/**
 * The other agents who opened the item since `since` (request_reads), latest first: the page
 * says who else may be working on it.
 */
export async function listRecentReaders(trx: Tx, requestId: string, exceptAgentId: string, since: Date) {
  return trx
    .selectFrom('request_reads as rr')
    .innerJoin('agents as a', (j) => j.onRef('a.tenant_id', '=', 'rr.tenant_id').onRef('a.id', '=', 'rr.agent_id'))
    .select(['a.display_name as name', 'rr.read_at'])
    .where('rr.request_id', '=', requestId)
    .where('rr.agent_id', '<>', exceptAgentId)
    .where('rr.read_at', '>', since)
    .orderBy('rr.read_at', 'desc')
    .execute();
}

/**
 * The last delivery failure recorded for an address (« adresse en échec »: a bounce said it
 * cannot receive mail), or undefined.
 */
export async function findFailedAddress(trx: Tx, address: string) {
  return trx
    .selectFrom('mail_failed_addresses')
    .select(['failed_at', 'status', 'diagnostic'])
    .where('address', '=', address)
    .orderBy('failed_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Open items raised to supervisors in these services (null: all), the oldest escalation first. */
export async function listEscalatedItems(trx: Tx, serviceIds: string[] | null, limit = 10) {
  if (serviceIds !== null && serviceIds.length === 0) return [];
  let q = trx
    .selectFrom('requests as r')
    .innerJoin('demarches as d', (j) => j.onRef('d.tenant_id', '=', 'r.tenant_id').onRef('d.id', '=', 'r.demarche_id'))
    .select(['r.reference', 'd.title as demarche_title', 'r.escalated_at'])
    .where('r.escalated_at', 'is not', null)
    .where('r.closed_at', 'is', null);
  if (serviceIds !== null) q = q.where('r.service_id', 'in', serviceIds);
  return q.orderBy('r.escalated_at').limit(limit).execute();
}
export type EscalatedItem = Awaited<ReturnType<typeof listEscalatedItems>>[number];
