import type { RequestStatus } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { sql } from 'kysely';
import { verifiedIdentity, type VerifiedIdentity } from '../requests/form-engine/present.ts';

export interface MyRequest {
  reference: string;
  demarcheTitle: string;
  status: RequestStatus;
  submittedAt: Date;
  dueOn: string;
  /** The identity it was filed under, when FranceConnect verified it. */
  identity: VerifiedIdentity | null;
}

export async function listMyRequests(trx: Tx, citizenId: string): Promise<MyRequest[]> {
  const rows = await trx
    .selectFrom('requests as r')
    .innerJoin('demarches as d', (j) => j.onRef('d.tenant_id', '=', 'r.tenant_id').onRef('d.id', '=', 'r.demarche_id'))
    .select(['r.reference', 'd.title', 'r.status', 'r.submitted_at', 'r.due_on'])
    // Only the identity's source and date, not the whole answers.
    .select(
      sql<unknown>`jsonb_build_object('source', r.data -> '_identity' -> 'source', 'verified_at', r.data -> '_identity' -> 'verified_at')`.as(
        'identity',
      ),
    )
    .where('r.citizen_id', '=', citizenId)
    .orderBy('r.submitted_at', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => ({
    reference: r.reference,
    demarcheTitle: r.title,
    status: r.status,
    submittedAt: new Date(r.submitted_at),
    dueOn: r.due_on,
    identity: verifiedIdentity({ _identity: r.identity }),
  }));
}

export interface MyMessage {
  reference: string;
  demarcheTitle: string;
  kind: 'status_changed' | 'agent_message';
  statusTo: RequestStatus | null;
  body: string;
  at: Date;
}

/** What the commune wrote to the citizen on their requests (status changes with a comment, messages). */
export async function listMyMessages(trx: Tx, citizenId: string): Promise<MyMessage[]> {
  const rows = await trx
    .selectFrom('request_events as e')
    .innerJoin('requests as r', (j) => j.onRef('r.tenant_id', '=', 'e.tenant_id').onRef('r.id', '=', 'e.request_id'))
    .innerJoin('demarches as d', (j) => j.onRef('d.tenant_id', '=', 'r.tenant_id').onRef('d.id', '=', 'r.demarche_id'))
    .select(['r.reference', 'd.title', 'e.kind', 'e.status_to', 'e.body', 'e.created_at'])
    .where('r.citizen_id', '=', citizenId)
    .where('e.visible_to_citizen', '=', true)
    .where('e.kind', 'in', ['status_changed', 'agent_message'])
    .where('e.body', '<>', '')
    .orderBy('e.created_at', 'desc')
    .limit(200)
    .execute();
  return rows.map((r) => ({
    reference: r.reference,
    demarcheTitle: r.title,
    kind: r.kind as MyMessage['kind'],
    statusTo: r.status_to,
    body: r.body,
    at: new Date(r.created_at),
  }));
}

/** A request of the citizen by its reference; another person's request reads as not found. */
export async function findMyRequestId(trx: Tx, citizenId: string, reference: string): Promise<string | null> {
  const row = await trx
    .selectFrom('requests')
    .select('id')
    .where('reference', '=', reference)
    .where('citizen_id', '=', citizenId)
    .executeTakeFirst();
  return row?.id ?? null;
}

export interface MySession {
  id: string;
  method: 'password' | 'franceconnect';
  userAgent: string | null;
  ip: string | null;
  createdAt: Date;
  lastSeenAt: Date;
}

export async function listMySessions(trx: Tx, citizenId: string, now: Date): Promise<MySession[]> {
  const rows = await trx
    .selectFrom('citizen_sessions')
    .select(['id', 'method', 'user_agent', 'ip', 'created_at', 'last_seen_at'])
    .where('citizen_id', '=', citizenId)
    .where('expires_at', '>', now)
    .orderBy('last_seen_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    method: r.method,
    userAgent: r.user_agent,
    ip: r.ip,
    createdAt: new Date(r.created_at),
    lastSeenAt: new Date(r.last_seen_at),
  }));
}

/** Ends one of the citizen's own sessions; a session id of someone else changes nothing. */
export async function revokeMySession(trx: Tx, citizenId: string, sessionId: string): Promise<boolean> {
  const result = await trx
    .deleteFrom('citizen_sessions')
    .where('citizen_id', '=', citizenId)
    .where('id', '=', sessionId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function savePreferences(
  trx: Tx,
  citizenId: string,
  preferences: Record<string, unknown>,
  now: Date,
): Promise<void> {
  await trx
    .updateTable('citizens')
    .set({ preferences: JSON.stringify(preferences), updated_at: now })
    .where('id', '=', citizenId)
    .execute();
}

/** The account an address belongs to, if any, with what registration and new links look at. */
export async function findAccountByEmail(
  trx: Tx,
  email: string,
): Promise<{ id: string; email_verified_at: Date | null; password_hash: string | null } | undefined> {
  return trx
    .selectFrom('citizens')
    .select(['id', 'email_verified_at', 'password_hash'])
    .where('email', '=', email)
    .executeTakeFirst();
}
