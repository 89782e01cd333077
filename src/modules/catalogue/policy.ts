import { isAdminOf, type Rules } from '../../platform/policy.ts';

/**
 * Who may change what citizens see of the catalogue.
 *
 * - Only the tenant's administrators publish démarches « à vérifier »: a published page speaks
 *   for the commune, and the model catalogue's pages must be read and adapted first.
 */
export const catalogueRules: Rules<'publish_demarches'> = {
  publish_demarches: (actor, tenant) => isAdminOf(actor, tenant.tenantId),
};
