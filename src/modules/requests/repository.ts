import { createHash } from 'node:crypto';
import type { Tx } from '../../db/tenant-scope.ts';
import type { RequestStatus } from '../../db/schema.ts';

/** SQL of the citizen side of requests. No business rules here. */

export async function findOnlineDemarche(trx: Tx, slug: string) {
  return trx
    .selectFrom('demarches')
    .select(['id', 'service_id', 'slug', 'title', 'summary', 'delay_days', 'form', 'kind', 'audience'])
    .where('slug', '=', slug)
    .where('audience', '=', 'public')
    .executeTakeFirst();
}

export async function insertRequest(
  trx: Tx,
  row: {
    tenantId: string;
    reference: string;
    demarcheId: string;
    serviceId: string;
    channel: string;
    data: Record<string, unknown>;
    applicantName: string | null;
    applicantEmail: string | null;
    applicantPhone: string | null;
    trackingSecretHash: string;
    dueOn: string;
    citizenId?: string | null;
    identitySource?: 'franceconnect' | null;
  },
): Promise<string | null> {
  const inserted = await trx
    .insertInto('requests')
    .values({
      tenant_id: row.tenantId,
      reference: row.reference,
      demarche_id: row.demarcheId,
      service_id: row.serviceId,
      channel: row.channel,
      data: JSON.stringify(row.data),
      applicant_name: row.applicantName,
      applicant_email: row.applicantEmail,
      applicant_phone: row.applicantPhone,
      tracking_secret_hash: row.trackingSecretHash,
      due_on: row.dueOn,
      citizen_id: row.citizenId ?? null,
      identity_source: row.identitySource ?? null,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'reference']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id ?? null;
}

export async function insertEvent(
  trx: Tx,
  event: {
    tenantId: string;
    requestId: string;
    kind: 'submitted' | 'status_changed' | 'citizen_message';
    body?: string;
    statusFrom?: RequestStatus | null;
    statusTo?: RequestStatus | null;
    authorKind: 'citizen' | 'system';
  },
): Promise<string> {
  const r = await trx
    .insertInto('request_events')
    .values({
      tenant_id: event.tenantId,
      request_id: event.requestId,
      kind: event.kind,
      body: event.body ?? '',
      status_from: event.statusFrom ?? null,
      status_to: event.statusTo ?? null,
      author_kind: event.authorKind,
      author_agent_id: null,
      visible_to_citizen: true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function insertDocument(
  trx: Tx,
  doc: {
    tenantId: string;
    requestId: string;
    eventId: string | null;
    fieldName: string | null;
    filename: string;
    mimeType: string;
    content: Buffer;
  },
): Promise<void> {
  await trx
    .insertInto('request_documents')
    .values({
      tenant_id: doc.tenantId,
      request_id: doc.requestId,
      event_id: doc.eventId,
      field_name: doc.fieldName,
      filename: doc.filename,
      mime_type: doc.mimeType,
      size_bytes: doc.content.length,
      sha256: createHash('sha256').update(doc.content).digest('hex'),
      content: doc.content,
    })
    .execute();
}

export async function findRequestByReference(trx: Tx, reference: string) {
  return trx
    .selectFrom('requests')
    .innerJoin('demarches', (j) =>
      j.onRef('demarches.tenant_id', '=', 'requests.tenant_id').onRef('demarches.id', '=', 'requests.demarche_id'),
    )
    .select([
      'requests.id',
      'requests.reference',
      'requests.status',
      'requests.service_id',
      'requests.citizen_id',
      'requests.data',
      'requests.applicant_name',
      'requests.applicant_email',
      'requests.tracking_secret_hash',
      'requests.submitted_at',
      'requests.due_on',
      'requests.closed_at',
      'demarches.title as demarche_title',
      'demarches.slug as demarche_slug',
      'demarches.delay_days',
      'demarches.form',
    ])
    .where('requests.reference', '=', reference)
    .executeTakeFirst();
}

export async function listCitizenEvents(trx: Tx, requestId: string) {
  return trx
    .selectFrom('request_events')
    .select(['id', 'kind', 'status_to', 'body', 'author_kind', 'created_at'])
    .where('request_id', '=', requestId)
    .where('visible_to_citizen', '=', true)
    .orderBy('created_at')
    .execute();
}

export async function listDocuments(trx: Tx, requestId: string) {
  return trx
    .selectFrom('request_documents')
    .select(['id', 'event_id', 'field_name', 'filename', 'mime_type', 'size_bytes', 'created_at'])
    .where('request_id', '=', requestId)
    .orderBy('created_at')
    .execute();
}

export async function setStatus(trx: Tx, requestId: string, status: RequestStatus): Promise<void> {
  await trx.updateTable('requests').set({ status, updated_at: new Date() }).where('id', '=', requestId).execute();
}
