import type { Tx } from '../../db/tenant-scope.ts';

export interface MyDocument {
  id: string;
  filename: string;
  sizeBytes: number;
  addedAt: Date;
  requestReference: string;
  demarcheTitle: string;
}

/** The files attached to a citizen's requests (at filing or with a later message), newest request first. */
export async function listMyDocuments(trx: Tx, citizenId: string): Promise<MyDocument[]> {
  const rows = await trx
    .selectFrom('request_documents as f')
    .innerJoin('requests as r', (j) => j.onRef('r.tenant_id', '=', 'f.tenant_id').onRef('r.id', '=', 'f.request_id'))
    .innerJoin('demarches as d', (j) => j.onRef('d.tenant_id', '=', 'r.tenant_id').onRef('d.id', '=', 'r.demarche_id'))
    .select(['f.id', 'f.filename', 'f.size_bytes', 'f.created_at', 'r.reference', 'd.title'])
    .where('r.citizen_id', '=', citizenId)
    .orderBy('r.submitted_at', 'desc')
    .orderBy('f.created_at')
    .orderBy('f.filename')
    .limit(1000)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    filename: r.filename,
    sizeBytes: r.size_bytes,
    addedAt: new Date(r.created_at),
    requestReference: r.reference,
    demarcheTitle: r.title,
  }));
}

/**
 * A document with what the policy needs to decide who may download it: the request it belongs
 * to (its service and owner). The route asks `can(actor, 'download_own_document', …)`.
 */
export async function findDocumentForDownload(trx: Tx, documentId: string) {
  return trx
    .selectFrom('request_documents as f')
    .innerJoin('requests as r', (j) => j.onRef('r.tenant_id', '=', 'f.tenant_id').onRef('r.id', '=', 'f.request_id'))
    .select(['f.filename', 'f.mime_type', 'f.content', 'r.id as request_id', 'r.service_id', 'r.citizen_id'])
    .where('f.id', '=', documentId)
    .executeTakeFirst();
}
