import { isAdminOf, isStaffOf, type Rules } from '../../platform/policy.ts';

/**
 * Who reads the audit journal (who saw or changed what, when, through which channel).
 *
 * - Administrators: every entry of the tenant, those about no item included (exports of a
 *   citizen's data, closing days, readings of the journal itself).
 * - Supervisors: the entries about the items of their own services; they answer for how those
 *   items are handled.
 * - Agents: no. The journal shows their colleagues' work and many citizens at once.
 */
export const auditRules: Rules<'view_journal'> = {
  view_journal: (actor, tenant) =>
    isAdminOf(actor, tenant.tenantId) || (isStaffOf(actor, tenant.tenantId) && actor.role === 'supervisor'),
};
