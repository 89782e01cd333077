import { sql } from 'kysely';
import type { RequestStatus } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { sortFr } from '../../platform/format.ts';

export const PAGE_SIZE = 50;

export interface RequestListFilters {
  /** null: every service of the tenant (admins). */
  serviceIds: string[] | null;
  status: RequestStatus | null;
  serviceId: string | null;
  page: number;
}

export interface RequestListItem {
  reference: string;
  status: RequestStatus;
  demarche_title: string;
  applicant_name: string | null;
  submitted_at: Date;
  due_on: string;
  service_name: string;
}

export async function listServices(trx: Tx, serviceIds: string[] | null) {
  let q = trx.selectFrom('services').select(['id', 'slug', 'name']);
  if (serviceIds !== null) {
    if (serviceIds.length === 0) return [];
    q = q.where('id', 'in', serviceIds);
  }
  return sortFr(await q.execute(), (s) => s.name);
}

export async function listRequests(
  trx: Tx,
  filters: RequestListFilters,
): Promise<{ items: RequestListItem[]; total: number }> {
  if (filters.serviceIds !== null && filters.serviceIds.length === 0) return { items: [], total: 0 };
  let q = trx
    .selectFrom('requests as r')
    .innerJoin('demarches as d', (j) => j.onRef('d.tenant_id', '=', 'r.tenant_id').onRef('d.id', '=', 'r.demarche_id'))
    .innerJoin('services as s', (j) => j.onRef('s.tenant_id', '=', 'r.tenant_id').onRef('s.id', '=', 'r.service_id'));
  if (filters.serviceIds !== null) q = q.where('r.service_id', 'in', filters.serviceIds);
  if (filters.serviceId) q = q.where('r.service_id', '=', filters.serviceId);
  if (filters.status) q = q.where('r.status', '=', filters.status);
  const count = await q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirst();
  const items = await q
    .select([
      'r.reference',
      'r.status',
      'd.title as demarche_title',
      'r.applicant_name',
      'r.submitted_at',
      'r.due_on',
      's.name as service_name',
    ])
    .orderBy('r.due_on')
    .orderBy('r.submitted_at')
    .orderBy('r.reference')
    .limit(PAGE_SIZE)
    .offset((filters.page - 1) * PAGE_SIZE)
    .execute();
  return { items, total: Number(count?.n ?? 0) };
}

export async function findRequestByReference(trx: Tx, reference: string) {
  return trx
    .selectFrom('requests as r')
    .innerJoin('demarches as d', (j) => j.onRef('d.tenant_id', '=', 'r.tenant_id').onRef('d.id', '=', 'r.demarche_id'))
    .innerJoin('services as s', (j) => j.onRef('s.tenant_id', '=', 'r.tenant_id').onRef('s.id', '=', 'r.service_id'))
    .select([
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
