import { isAdminOf, type Rules } from '../../platform/policy.ts';

/**
 * Who may change how the collectivité presents itself.
 *
 * - Only the tenant's administrators change its contact details, the sender of its mail and its
 *   colour: they speak for the mairie on every page and in every mail, and a wrong sender
 *   address can send every mail to the citizens' spam folders.
 */
export const tenantRules: Rules<'manage_commune_settings'> = {
  manage_commune_settings: (actor, tenant) => isAdminOf(actor, tenant.tenantId),
};
