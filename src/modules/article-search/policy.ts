import { isAdminOf, isStaffOf, type Rules } from '../../platform/policy.ts';

/**
 * Who uses the knowledge base's search beyond the public portal.
 *
 * - Every agent of the tenant searches the articles, internal sheets included: they answer
 *   citizens at the desk and on the phone.
 * - The « Recherches sans réponse » list tells editors which articles are missing: supervisors
 *   and administrators, who decide what gets written.
 * - Synonyms change every search of the commune: the same editors.
 */
export const articleSearchRules: Rules<'search_knowledge' | 'view_search_analytics' | 'manage_search_synonyms'> = {
  search_knowledge: (actor, tenant) => isStaffOf(actor, tenant.tenantId),
  view_search_analytics: (actor, tenant) =>
    isAdminOf(actor, tenant.tenantId) || (isStaffOf(actor, tenant.tenantId) && actor.role === 'supervisor'),
  manage_search_synonyms: (actor, tenant) =>
    isAdminOf(actor, tenant.tenantId) || (isStaffOf(actor, tenant.tenantId) && actor.role === 'supervisor'),
};
