import { sql } from 'kysely';
import type { RequestStatus } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { sortFr } from '../../platform/format.ts';

export const PAGE_SIZE = 50;

/** The inbox's views: each a question an agent asks at the start of the day. */
export const INBOX_VIEWS = ['ouvertes', 'mes', 'non-attribuees', 'attente', 'echeance', 'toutes'] as const;
export type InboxView = (typeof INBOX_VIEWS)[number];

export interface RequestListFilters {
  /** null: every service of the tenant (admins). */
  serviceIds: string[] | null;
  /** The agent looking: "mine" and unread are theirs. */
  agentId: string;
  view: InboxView;
  status: RequestStatus | null;
  serviceId: string | null;
  /** 'echeance': nearest due date first; 'activite': latest citizen message first. */
  sort: 'echeance' | 'activite';
  /** The last day ('YYYY-MM-DD') counted as "due soon". */
  soonUntil: string;
  page: number;
  /** Items per page: PAGE_SIZE on screen, more for an export. */
  pageSize?: number;
}

export interface RequestListItem {
  reference: string;
  status: RequestStatus;
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
}

export async function listServices(trx: Tx, serviceIds: string[] | null) {
  let q = trx.selectFrom('services').select(['id', 'slug', 'name']);
  if (serviceIds !== null) {
    if (serviceIds.length === 0) return [];
    q = q.where('id', 'in', serviceIds);
  }
  return sortFr(await q.execute(), (s) => s.name);
}

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
  const none = { ouvertes: 0, mes: 0, 'non-attribuees': 0, attente: 0, echeance: 0, toutes: 0 };
  if (filters.serviceIds !== null && filters.serviceIds.length === 0) return { items: [], total: 0, counts: none };
  let scoped = trx.selectFrom('requests as r');
  if (filters.serviceIds !== null) scoped = scoped.where('r.service_id', 'in', filters.serviceIds);
  if (filters.serviceId) scoped = scoped.where('r.service_id', '=', filters.serviceId);
  if (filters.status) scoped = scoped.where('r.status', '=', filters.status);
  const base = scoped
    .innerJoin('demarches as d', (j) => j.onRef('d.tenant_id', '=', 'r.tenant_id').onRef('d.id', '=', 'r.demarche_id'))
    .innerJoin('services as s', (j) => j.onRef('s.tenant_id', '=', 'r.tenant_id').onRef('s.id', '=', 'r.service_id'));
  const open = sql<boolean>`r.closed_at is null`;
  const inView: Record<InboxView, ReturnType<typeof sql<boolean>>> = {
    ouvertes: open,
    mes: sql<boolean>`r.closed_at is null and r.assigned_agent_id = ${filters.agentId}`,
    'non-attribuees': sql<boolean>`r.closed_at is null and r.assigned_agent_id is null`,
    attente: sql<boolean>`r.closed_at is null and r.status = 'en_attente_usager'`,
    // The clock stops while the service waits for the citizen.
    echeance: sql<boolean>`r.closed_at is null and r.status <> 'en_attente_usager' and r.due_on <= ${filters.soonUntil}`,
    toutes: sql<boolean>`true`,
  };
  const openViews = INBOX_VIEWS.filter((v) => v !== 'toutes');
  // Every column these filters read is in the partial index of open items: an index-only scan.
  const openRow = await scoped
    .where(open)
    .select(openViews.map((v) => sql<number>`(count(*) filter (where ${inView[v]}))::int`.as(v)))
    .executeTakeFirstOrThrow();
  const allRow = await trx
    .selectFrom(
      scoped
        .select(sql<number>`1`.as('one'))
        .limit(COUNT_CAP)
        .as('capped'),
    )
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  const counts = {
    ...(Object.fromEntries(openViews.map((v) => [v, Number(openRow[v] ?? 0)])) as Record<InboxView, number>),
    toutes: Number(allRow.n),
  };
  let q = base
    .leftJoin('agents as assignee', (j) =>
      j.onRef('assignee.tenant_id', '=', 'r.tenant_id').onRef('assignee.id', '=', 'r.assigned_agent_id'),
    )
    .leftJoin('request_reads as seen', (j) =>
      j
        .onRef('seen.tenant_id', '=', 'r.tenant_id')
        .onRef('seen.request_id', '=', 'r.id')
        .on('seen.agent_id', '=', filters.agentId),
    )
    .where(inView[filters.view])
    .select([
      'r.reference',
      'r.status',
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
    ]);
  q =
    filters.sort === 'activite'
      ? q.orderBy(sql`r.citizen_activity_at desc nulls last`).orderBy('r.submitted_at', 'desc')
      : q.orderBy('r.due_on').orderBy('r.submitted_at');
  const pageSize = filters.pageSize ?? PAGE_SIZE;
  const items = await q
    .orderBy('r.reference')
    .limit(pageSize)
    .offset((filters.page - 1) * pageSize)
    .execute();
  return { items, total: counts[filters.view], counts };
}

export async function findRequestByReference(trx: Tx, reference: string) {
  return trx
    .selectFrom('requests as r')
    .innerJoin('demarches as d', (j) => j.onRef('d.tenant_id', '=', 'r.tenant_id').onRef('d.id', '=', 'r.demarche_id'))
    .innerJoin('services as s', (j) => j.onRef('s.tenant_id', '=', 'r.tenant_id').onRef('s.id', '=', 'r.service_id'))
    .leftJoin('agents as assignee', (j) =>
      j.onRef('assignee.tenant_id', '=', 'r.tenant_id').onRef('assignee.id', '=', 'r.assigned_agent_id'),
    )
    .select([
      'r.revision',
      'r.assigned_agent_id',
      'assignee.display_name as assignee_name',
      'r.id',
      'r.reference',
      'r.status',
      'r.service_id',
      'r.channel',
      'r.data',
      'r.applicant_name',
      'r.applicant_email',
      'r.applicant_phone',
      'r.submitted_at',
      'r.due_on',
      'r.closed_at',
      'd.title as demarche_title',
      'd.form as demarche_form',
      's.name as service_name',
    ])
    .where('r.reference', '=', reference)
    .executeTakeFirst();
}
export type RequestDetailRow = NonNullable<Awaited<ReturnType<typeof findRequestByReference>>>;

export async function listEvents(trx: Tx, requestId: string) {
  return trx
    .selectFrom('request_events as e')
    .leftJoin('agents as a', (j) => j.onRef('a.tenant_id', '=', 'e.tenant_id').onRef('a.id', '=', 'e.author_agent_id'))
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
