import { sql } from 'kysely';
import type { AuditChannel, TenantAuditAction } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';

export interface TenantChange {
  tenantId: string;
  actor: { kind: 'agent' | 'system'; id: string | null; label: string };
  action: TenantAuditAction;
  /** What changed, in words, as the journal shows it. */
  detail: string;
  channel: AuditChannel;
  ip?: string | null;
  now?: Date;
}

/**
 * Appends a change of the tenant's settings to its audit log, in the caller's transaction: the
 * change and its trace commit together. The table takes nothing but inserts (decision 22).
 */
export async function recordTenantChange(trx: Tx, change: TenantChange): Promise<void> {
  await trx
    .insertInto('tenant_audit_log')
    .values({
      tenant_id: change.tenantId,
      at: change.now ?? sql<Date>`now()`,
      actor_kind: change.actor.kind,
      actor_id: change.actor.id,
      actor_label: change.actor.label.slice(0, 200),
      action: change.action,
      detail: change.detail.slice(0, 500),
      channel: change.channel,
      ip: change.ip ? change.ip.slice(0, 64) : null,
    })
    .execute();
}
