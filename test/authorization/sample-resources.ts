import type { Action, Permissions } from '../../src/platform/policy.ts';

/** A resource of the kind each action applies to, in the given tenant. */
export function sampleResource<A extends Action>(action: A, tenantId: string): Permissions[A] {
  const resources = {
    request: { kind: 'request', tenantId, serviceId: 's', citizenId: 'c' },
    tenant: { kind: 'tenant', tenantId },
    agent_account: { kind: 'agent_account', tenantId, agentId: 'a', serviceIds: ['s'] },
    citizen_account: { kind: 'citizen_account', tenantId, citizenId: 'c' },
    erasure_request: { kind: 'erasure_request', tenantId, serviceIds: ['s'] },
    service_scope: { kind: 'service_scope', tenantId, serviceId: 's' },
  } as const;
  const kindOf: { [K in Action]: Permissions[K]['kind'] } = {
    view: 'request',
    change_status: 'request',
    add_note: 'request',
    reply: 'request',
    take: 'request',
    assign: 'request',
    transfer: 'request',
    escalate: 'request',
    download_document: 'request',
    view_as_citizen: 'request',
    list_requests: 'tenant',
    record_contact: 'tenant',
    manage_agents: 'tenant',
    publish_demarches: 'tenant',
    supervise_agent: 'agent_account',
    export_own_data: 'citizen_account',
    request_erasure: 'citizen_account',
    list_erasures: 'tenant',
    decide_erasure: 'erasure_request',
    view_register: 'tenant',
    withdraw_consent: 'citizen_account',
    download_own_document: 'request',
    manage_privacy_settings: 'tenant',
    manage_commune_settings: 'tenant',
    view_own_space: 'citizen_account',
    manage_own_account: 'citizen_account',
    manage_jobs: 'tenant',
    open_reply_templates: 'tenant',
    manage_reply_templates: 'service_scope',
    manage_routing: 'tenant',
    open_absences: 'tenant',
    manage_absences: 'agent_account',
  };
  return resources[kindOf[action]] as unknown as Permissions[A];
}
