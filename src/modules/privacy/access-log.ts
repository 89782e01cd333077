import { sql } from 'kysely';
import type { AccessLogAction, AuditChannel } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';

export interface AccessLogEntry {
  tenantId: string;
  actor: { kind: 'agent' | 'citizen' | 'system'; id: string | null; label: string };
  action: AccessLogAction;
  /** The request looked at, if any: its applicant's account is found from it. */
  requestId?: string | null;
  /** The citizen whose data it is, when known without a request (export). */
  citizenId?: string | null;
  /** The citizen record looked at or merged, if any. */
  personId?: string | null;
  ip?: string | null;
  /**
   * How the access was made. When absent, the database sets it from the actor (migration
   * 20261203135000): a background job for the system, the tracking page for the holder of a
   * tracking code, a page of the site otherwise.
   */
  channel?: AuditChannel;
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
      person_id: entry.personId ?? null,
      ip: entry.ip ? entry.ip.slice(0, 64) : null,
      channel: entry.channel,
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

/** Accesses to one request (the export of a request opened with its tracking code). */
export async function listAccessLogForRequest(trx: Tx, requestId: string, limit = 500): Promise<AccessLogRow[]> {
  const rows = await trx
    .selectFrom('personal_data_access_log')
    .select(['at', 'actor_kind', 'actor_label', 'action', 'request_reference'])
    .where('request_id', '=', requestId)
    .orderBy('at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, at: new Date(r.at) }));
}

/** The label of a signed-in citizen's own entries: the log speaks to them. */
export const SELF_LABEL = 'Vous';
/** The label of entries made with a request's reference and tracking code, without an account. */
export const TRACKING_CODE_LABEL = 'Le demandeur, avec le code de suivi';

export const ACCESS_ACTION_LABELS: Record<AccessLogAction, string> = {
  view_request: 'a consulté la demande',
  download_document: 'a téléchargé un document de la demande',
  export: 'a téléchargé vos données',
  erasure: 'a traité une demande d’effacement',
  withdraw_consent: 'a retiré un accord donné pour la demande',
  link_request: 'a rattaché à son compte la demande',
  view_person: 'a consulté votre fiche usager',
  merge_people: 'a fusionné deux fiches usager vous concernant',
  unmerge_people: 'a annulé la fusion de deux fiches usager vous concernant',
  view_journal: 'a consulté le journal des accès et des modifications',
  export_journal: 'a téléchargé le journal des accès et des modifications',
};

const OWN_ACTION_LABELS: Record<AccessLogAction, string> = {
  view_request: 'Vous avez consulté la demande',
  download_document: 'Vous avez téléchargé un document de la demande',
  export: 'Vous avez téléchargé vos données',
  erasure: 'Vous avez demandé l’effacement de vos données',
  withdraw_consent: 'Vous avez retiré un accord',
  link_request: 'Vous avez rattaché à votre espace la demande',
  view_person: 'Vous avez consulté votre fiche usager',
  merge_people: 'Deux fiches usager vous concernant ont été fusionnées',
  unmerge_people: 'La fusion de deux fiches usager vous concernant a été annulée',
  view_journal: 'Vous avez consulté le journal',
  export_journal: 'Vous avez téléchargé le journal',
};

/** One entry as the citizen reads it, in the page and in the exports. */
export function accessLogSentence(
  e: Pick<AccessLogRow, 'actor_kind' | 'actor_label' | 'action' | 'request_reference'>,
): string {
  const ref = e.request_reference ? ` ${e.request_reference}` : '';
  if (e.actor_kind === 'citizen' && e.actor_label === SELF_LABEL) {
    if (e.action === 'export' && ref) return `Vous avez téléchargé les données de la demande${ref}`;
    if (e.action === 'withdraw_consent' && ref) return `Vous avez retiré un accord donné pour la demande${ref}`;
    return `${OWN_ACTION_LABELS[e.action]}${ref}`;
  }
  const who = e.actor_kind === 'agent' ? `${e.actor_label} (agent de la mairie)` : e.actor_label;
  if (e.action === 'export' && ref) return `${who} a téléchargé les données de la demande${ref}`;
  return `${who} ${ACCESS_ACTION_LABELS[e.action]}${ref}`;
}
