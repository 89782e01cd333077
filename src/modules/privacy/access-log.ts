import { sql } from 'kysely';
import type { AccessLogAction } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';

export interface AccessLogEntry {
  tenantId: string;
  actor: { kind: 'agent' | 'citizen' | 'system'; id: string | null; label: string };
  action: AccessLogAction;
  /** The request looked at, if any: its applicant's account is found from it. */
  requestId?: string | null;
  /** The citizen whose data it is, when known without a request (export). */
  citizenId?: string | null;
  ip?: string | null;
  now?: Date;
}

/**
 * Appends one entry to the personal data access log, in the caller's transaction: the access
 * and its trace commit together. The table accepts nothing but inserts (see the migration).
 */
export async function logPersonalDataAccess(trx: Tx, entry: AccessLogEntry): Promise<void> {
  const requestId = entry.requestId ?? null;
  const request = requestId
    ? await trx
        .selectFrom('requests')
        .select(['reference', 'citizen_id'])
        .where('id', '=', requestId)
        .executeTakeFirst()
    : undefined;
  await trx
    .insertInto('personal_data_access_log')
    .values({
      tenant_id: entry.tenantId,
      at: entry.now ?? sql<Date>`now()`,
      actor_kind: entry.actor.kind,
      actor_id: entry.actor.id,
      actor_label: entry.actor.label.slice(0, 200),
      action: entry.action,
      citizen_id: entry.citizenId ?? request?.citizen_id ?? null,
      request_id: requestId,
      request_reference: request?.reference ?? null,
      ip: entry.ip ? entry.ip.slice(0, 64) : null,
    })
    .execute();
}

export interface AccessLogRow {
  at: Date;
  actor_kind: 'agent' | 'citizen' | 'system';
  actor_label: string;
  action: AccessLogAction;
  request_reference: string | null;
}

/** What the citizen may read about accesses to their data: on their account or their requests. */
export async function listAccessLogForCitizen(trx: Tx, citizenId: string, limit = 500): Promise<AccessLogRow[]> {
  const rows = await trx
    .selectFrom('personal_data_access_log')
    .select(['at', 'actor_kind', 'actor_label', 'action', 'request_reference'])
    .where((eb) =>
      eb.or([
        eb('citizen_id', '=', citizenId),
        eb('request_id', 'in', eb.selectFrom('requests').select('id').where('citizen_id', '=', citizenId)),
      ]),
    )
    .orderBy('at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, at: new Date(r.at) }));
}

export const ACCESS_ACTION_LABELS: Record<AccessLogAction, string> = {
  view_request: 'a consulté la demande',
  download_document: 'a téléchargé un document de la demande',
  export: 'a téléchargé vos données',
  erasure: 'a traité une demande d’effacement',
};
