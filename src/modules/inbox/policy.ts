import { coversService, isAdminOf, isStaffOf, type Rules } from '../../platform/policy.ts';

/**
 * Who may do what with the inbox's own tools.
 *
 * - Tags: any agent who works on an item (its service's agents, admins) puts tags on it or takes
 *   them off, creating a new tag by typing it; only administrators rename and delete the
 *   tenant's tags (a tag belongs to everyone).
 * - Saved views: every agent saves their own; only their owner renames or deletes a view, even
 *   one shared with a service (the service's agents use it, they do not change it).
 */
export const inboxRules: Rules<'tag_request' | 'manage_tags' | 'save_inbox_views' | 'manage_saved_view'> = {
  tag_request: (actor, request) => isStaffOf(actor, request.tenantId) && coversService(actor, request.serviceId),
  manage_tags: (actor, tenant) => isAdminOf(actor, tenant.tenantId),
  save_inbox_views: (actor, tenant) => isStaffOf(actor, tenant.tenantId),
  manage_saved_view: (actor, view) => isStaffOf(actor, view.tenantId) && actor.agentId === view.ownerAgentId,
};
