import { createHash } from 'node:crypto';
import type { Db, Tx } from '../../db/tenant-scope.ts';
import { randomString } from '../../platform/security/random.ts';

/**
 * The links mailed to manage an appointment (decision 39): 32 random bytes, only their SHA-256
 * stored. Reading the page or the .ics does not spend a link; cancelling or moving does, and a
 * move mails a new one. Each mail carries its own link, so a reminder never revives a used one.
 */

export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A token can only be 43 base64url characters: anything else is refused before any query. */
export function isLinkToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

export async function issueManageLink(trx: Tx, tenantId: string, appointmentId: string): Promise<string> {
  const token = randomString(32, 'base64url');
  await trx
    .insertInto('appointment_links')
    .values({ tenant_id: tenantId, token_hash: hashLinkToken(token), appointment_id: appointmentId })
    .execute();
  return token;
}

export interface ManageLink {
  appointmentId: string;
  usedAt: Date | null;
  usedFor: 'cancel' | 'move' | null;
}

export async function findManageLink(conn: Db | Tx, token: string): Promise<ManageLink | null> {
  if (!isLinkToken(token)) return null;
  const row = await conn
    .selectFrom('appointment_links')
    .select(['appointment_id', 'used_at', 'used_for'])
    .where('token_hash', '=', hashLinkToken(token))
    .executeTakeFirst();
  return row ? { appointmentId: row.appointment_id, usedAt: row.used_at, usedFor: row.used_for } : null;
}

/**
 * Spends the link, once: true for the first caller only (two clicks at once race on the row).
 * Every other link of the appointment is spent with it, so an older mail cannot undo a move.
 */
export async function spendManageLink(
  trx: Tx,
  token: string,
  appointmentId: string,
  usedFor: 'cancel' | 'move',
  now: Date,
): Promise<boolean> {
  const spent = await trx
    .updateTable('appointment_links')
    .set({ used_at: now, used_for: usedFor })
    .where('token_hash', '=', hashLinkToken(token))
    .where('used_at', 'is', null)
    .returning('token_hash')
    .executeTakeFirst();
  if (!spent) return false;
  await trx
    .updateTable('appointment_links')
    .set({ used_at: now })
    .where('appointment_id', '=', appointmentId)
    .where('used_at', 'is', null)
    .execute();
  return true;
}
