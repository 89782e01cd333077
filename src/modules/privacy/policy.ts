import { coversService, isAccountOwner, isAdminOf, isStaffOf, type Rules } from '../../platform/policy.ts';

/**
 * Who may act on personal data rights (RGPD).
 *
 * - A citizen exports their own data and asks for their own erasure; nobody does it for them.
 * - Any agent of the tenant opens the list of erasure requests (it shows only those they may
 *   decide); an erasure request is decided by the agents of the services whose requests keep
 *   the data, or by an admin.
 * - A citizen withdraws their own consents, and downloads the files attached to their own
 *   requests from their space (a request filed without an account is not in anybody's space).
 * - The register of processing activities is kept by the tenant's administrators (who pass it
 *   to the data protection officer); they also declare who the data protection officer is.
 */
export const privacyRules: Rules<
  | 'export_own_data'
  | 'request_erasure'
  | 'list_erasures'
  | 'decide_erasure'
  | 'view_register'
  | 'withdraw_consent'
  | 'download_own_document'
  | 'manage_privacy_settings'
> = {
  export_own_data: (actor, account) => isAccountOwner(actor, account.tenantId, account.citizenId),
  request_erasure: (actor, account) => isAccountOwner(actor, account.tenantId, account.citizenId),
  withdraw_consent: (actor, account) => isAccountOwner(actor, account.tenantId, account.citizenId),
  download_own_document: (actor, request) =>
    request.citizenId !== null && isAccountOwner(actor, request.tenantId, request.citizenId),
  manage_privacy_settings: (actor, tenant) => isAdminOf(actor, tenant.tenantId),
  list_erasures: (actor, tenant) => isStaffOf(actor, tenant.tenantId),
  decide_erasure: (actor, erasure) => {
    if (isAdminOf(actor, erasure.tenantId)) return true;
    return isStaffOf(actor, erasure.tenantId) && erasure.serviceIds.some((s) => coversService(actor, s));
  },
  view_register: (actor, tenant) => isAdminOf(actor, tenant.tenantId),
};
