import type { TenantContact } from '../../db/schema.ts';
import { inTenant, type Db } from '../../db/tenant-scope.ts';
import type { AgentActor } from '../../platform/policy.ts';
import type { FieldError, FormResult } from '../../platform/web/form.ts';
import { can } from '../authorization.ts';
import { assignRequest } from '../requests/assign-request.ts';
import { changeRequestStatus } from '../requests/change-request-status.ts';
import { requestResource, type RequestAction } from '../requests/policy.ts';
import { isStale } from '../requests/revision.ts';
import { transferRequest } from '../requests/transfer-request.ts';
import { addRequestTag } from './tag-request.ts';

/** At most this many items in one bulk action (two pages of the list). */
export const BULK_MAX_ITEMS = 100;

export type BulkAction =
  | { kind: 'prendre' }
  | { kind: 'attribuer'; agentId: string }
  | { kind: 'transferer'; serviceId: string; reason: string }
  | { kind: 'etiqueter'; label: string }
  | { kind: 'statut'; status: string; message: string };

/** Why an item was left untouched; each has its sentence in the summary (views/bulk-summary.ts). */
export const SKIP_REASONS = ['modifiee', 'introuvable', 'interdite', 'agent', 'service', 'statut', 'refusee'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface BulkOutcome {
  done: string[];
  /** Items the action left as they were (already so): not an error. */
  unchanged: string[];
  skipped: { reference: string; reason: SkipReason }[];
}

/** The request's rule each bulk action goes through, as on the item's own page. */
const ACTION_RULE: Record<BulkAction['kind'], RequestAction | 'tag_request'> = {
  prendre: 'take',
  attribuer: 'assign',
  transferer: 'transfer',
  etiqueter: 'tag_request',
  statut: 'change_status',
};

function reasonOf(errors: readonly FieldError[]): SkipReason {
  if (isStale(errors)) return 'modifiee';
  const field = errors[0]?.field;
  if (field === 'agent') return 'agent';
  if (field === 'service') return 'service';
  if (field === 'statut') return 'statut';
  return 'refusee';
}

/**
 * Applies one action to several items of the inbox (« Pour la sélection »): each item in its own
 * transaction, through the same policy and use case as the action on its page, with the revision
 * it had when the list was shown. An item that changed since, that the agent may not act on, or
 * that the use case refuses is left untouched and listed with the reason; the others are done.
 * The caller kicks the mail worker afterwards (transfers and status changes queue mail).
 */
export async function applyBulkAction(
  db: Db,
  input: {
    tenant: { id: string; name: string; kind?: string; contact: TenantContact };
    actor: AgentActor;
    agentName: string;
    items: { reference: string; revision: number }[];
    action: BulkAction;
    baseUrl: string;
    sessionSecret: string;
    /** SURVEY_LINK_DAYS (closing items invites to the satisfaction survey). */
    surveyLinkDays: number;
    /** The tenant's inbound address (mails about an item carry its reply address). */
    inboundAddress: string;
    now: Date;
  },
): Promise<BulkOutcome> {
  const outcome: BulkOutcome = { done: [], unchanged: [], skipped: [] };
  const { tenant, actor, action } = input;
  for (const item of input.items.slice(0, BULK_MAX_ITEMS)) {
    const result = await inTenant(db, tenant.id, async (trx): Promise<FormResult<boolean> | SkipReason> => {
      const row = await trx
        .selectFrom('requests')
        .select(['id', 'service_id', 'citizen_id', 'assigned_agent_id'])
        .where('reference', '=', item.reference)
        .executeTakeFirst();
      if (!row) return 'introuvable';
      const resource = requestResource(tenant.id, row);
      if (!can(actor, 'view', resource)) return 'introuvable';
      if (!can(actor, ACTION_RULE[action.kind], resource)) return 'interdite';
      const common = { tenantId: tenant.id, requestId: row.id, agentId: actor.agentId, agentName: input.agentName };
      switch (action.kind) {
        case 'prendre':
        case 'attribuer': {
          const assigneeId = action.kind === 'prendre' ? actor.agentId : action.agentId;
          if (row.assigned_agent_id === assigneeId) return { ok: true, value: false };
          const r = await assignRequest(trx, { ...common, assigneeId, revision: item.revision });
          return r.ok ? { ok: true, value: true } : r;
        }
        case 'transferer': {
          const r = await transferRequest(trx, {
            ...common,
            serviceId: action.serviceId,
            reason: action.reason,
            revision: item.revision,
            baseUrl: input.baseUrl,
            now: input.now,
          });
          return r.ok ? { ok: true, value: true } : r;
        }
        case 'etiqueter': {
          const r = await addRequestTag(trx, { ...common, label: action.label, revision: item.revision });
          return r.ok ? { ok: true, value: r.value.changed } : r;
        }
        case 'statut': {
          const r = await changeRequestStatus(trx, {
            tenant,
            requestId: row.id,
            agentId: actor.agentId,
            to: action.status,
            message: action.message,
            revision: item.revision,
            baseUrl: input.baseUrl,
            sessionSecret: input.sessionSecret,
            surveyLinkDays: input.surveyLinkDays,
            inboundAddress: input.inboundAddress,
            now: input.now,
          });
          return r.ok ? { ok: true, value: true } : r;
        }
      }
    });
    if (typeof result === 'string') outcome.skipped.push({ reference: item.reference, reason: result });
    else if (!result.ok) outcome.skipped.push({ reference: item.reference, reason: reasonOf(result.errors) });
    else if (result.value) outcome.done.push(item.reference);
    else outcome.unchanged.push(item.reference);
  }
  return outcome;
}
