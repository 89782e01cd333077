import { isAdminOf, type Rules } from '../../platform/policy.ts';

/**
 * Who may see and act on the tenant's background jobs.
 *
 * - Only the tenant's administrators: a failed job may be a mail to a citizen, whose address and
 *   subject the error can show, and relaunching or abandoning it decides for the whole commune.
 */
export const jobRules: Rules<'manage_jobs'> = {
  manage_jobs: (actor, tenant) => isAdminOf(actor, tenant.tenantId),
};
