import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { agentActor } from '../../src/modules/agents/policy.ts';
import { requestResource, requestScope } from '../../src/modules/requests/policy.ts';
import { allActions, can } from '../../src/modules/authorization.ts';
import { type Actor, type AgentActor } from '../../src/platform/policy.ts';
import { sampleResource } from './sample-resources.ts';

/** The rules themselves, without HTTP: who may do what, and who may not. */

const T = 'tenant-villebelle';
const OTHER = 'tenant-autreville';
const X = 'service-etat-civil';
const Y = 'service-voirie';

const anonymous: Actor = { kind: 'anonymous' };
const operator: Actor = { kind: 'operator' };
const citizenA: Actor = { kind: 'citizen', tenantId: T, citizenId: 'a' };
const citizenB: Actor = { kind: 'citizen', tenantId: T, citizenId: 'b' };
const citizenAElsewhere: Actor = { kind: 'citizen', tenantId: OTHER, citizenId: 'a' };
const agent = (role: AgentActor['role'], serviceIds: string[], tenantId = T): AgentActor => ({
  kind: 'agent',
  tenantId,
  agentId: `${role}-${serviceIds.join('-')}`,
  role,
  serviceIds,
});
const agentX = agent('agent', [X]);
const agentY = agent('agent', [Y]);
const supervisorX = agent('supervisor', [X]);
const admin = agent('admin', []);
const otherAdmin = agent('admin', [], OTHER);

const requestOfA = { kind: 'request', tenantId: T, serviceId: X, citizenId: 'a' } as const;
const anonymousRequest = { kind: 'request', tenantId: T, serviceId: X, citizenId: null } as const;
const tenant = { kind: 'tenant', tenantId: T } as const;
const accountA = { kind: 'citizen_account', tenantId: T, citizenId: 'a' } as const;

describe('authorisation rules', () => {
  test('requests: staff of the request’s service and admins; never another service or tenant', () => {
    for (const action of [
      'view',
      'change_status',
      'add_note',
      'download_document',
      'reply',
      'take',
      'transfer',
    ] as const) {
      assert.equal(can(agentX, action, requestOfA), true, `agent X ${action}`);
      assert.equal(can(supervisorX, action, requestOfA), true, `supervisor X ${action}`);
      assert.equal(can(admin, action, requestOfA), true, `admin ${action}`);
      assert.equal(can(agentY, action, requestOfA), false, `agent Y ${action}`);
      assert.equal(can(otherAdmin, action, requestOfA), false, `other tenant's admin ${action}`);
      assert.equal(can(agent('agent', [X], OTHER), action, requestOfA), false, 'same service id, other tenant');
      const nobodies: Actor[] = [anonymous, operator, citizenA, citizenB];
      for (const nobody of nobodies) {
        const allowed: boolean = can(nobody, action, requestOfA);
        assert.equal(allowed, false, `${nobody.kind} ${action}`);
      }
    }
  });

  test('requests: a supervisor of the service or an admin gives an item to someone else; an agent does not', () => {
    assert.equal(can(supervisorX, 'assign', requestOfA), true);
    assert.equal(can(admin, 'assign', requestOfA), true);
    for (const other of [agentX, agentY, agent('supervisor', [Y]), otherAdmin, citizenA, anonymous, operator]) {
      assert.equal(can(other, 'assign', requestOfA), false, `${other.kind} assigns`);
    }
  });

  test('requests: only the owner sees it in a citizen space', () => {
    assert.equal(can(citizenA, 'view_as_citizen', requestOfA), true);
    assert.equal(can(citizenB, 'view_as_citizen', requestOfA), false);
    assert.equal(can(citizenAElsewhere, 'view_as_citizen', requestOfA), false);
    assert.equal(can(citizenA, 'view_as_citizen', anonymousRequest), false, 'a request filed without account');
    assert.equal(can(admin, 'view_as_citizen', requestOfA), false, 'staff use their own pages');
  });

  test('request lists: any staff of the tenant, scoped to their services (admins: all)', () => {
    assert.equal(can(agentY, 'list_requests', tenant), true);
    assert.equal(can(otherAdmin, 'list_requests', tenant), false);
    assert.equal(can(citizenA, 'list_requests', tenant), false);
    assert.deepEqual(requestScope(agentX), [X]);
    assert.deepEqual(requestScope(supervisorX), [X]);
    assert.equal(requestScope(admin), null);
  });

  test("catalogue: only the tenant's admins publish démarches « à vérifier »", () => {
    assert.equal(can(admin, 'publish_demarches', tenant), true);
    for (const other of [agentX, supervisorX, otherAdmin, citizenA, anonymous, operator]) {
      assert.equal(can(other, 'publish_demarches', tenant), false, `${other.kind} publishes démarches`);
    }
  });

  test('agent accounts: admins manage; supervisors supervise the agents of their services', () => {
    assert.equal(can(admin, 'manage_agents', tenant), true);
    for (const other of [agentX, supervisorX, otherAdmin, citizenA, anonymous, operator]) {
      assert.equal(can(other, 'manage_agents', tenant), false, `${other.kind} manages agents`);
    }
    const accountX = { kind: 'agent_account', tenantId: T, agentId: 'x', serviceIds: [X] } as const;
    const accountY = { kind: 'agent_account', tenantId: T, agentId: 'y', serviceIds: [Y] } as const;
    assert.equal(can(supervisorX, 'supervise_agent', accountX), true);
    assert.equal(can(supervisorX, 'supervise_agent', accountY), false);
    assert.equal(can(agentX, 'supervise_agent', accountX), false, 'a plain agent supervises nobody');
    assert.equal(can(admin, 'supervise_agent', accountY), true);
    assert.equal(can(otherAdmin, 'supervise_agent', accountY), false);
  });

  test('personal data: own export and erasure; erasure decided by the services concerned; register for admins', () => {
    assert.equal(can(citizenA, 'export_own_data', accountA), true);
    assert.equal(can(citizenA, 'request_erasure', accountA), true);
    for (const other of [citizenB, citizenAElsewhere, admin, agentX, operator, anonymous]) {
      assert.equal(can(other, 'export_own_data', accountA), false, `${other.kind} exports A's data`);
      assert.equal(can(other, 'request_erasure', accountA), false, `${other.kind} erases A`);
    }
    const erasureX = { kind: 'erasure_request', tenantId: T, serviceIds: [X] } as const;
    const erasureNoService = { kind: 'erasure_request', tenantId: T, serviceIds: [] } as const;
    assert.equal(can(agentX, 'decide_erasure', erasureX), true);
    assert.equal(can(supervisorX, 'decide_erasure', erasureX), true);
    assert.equal(can(agentY, 'decide_erasure', erasureX), false);
    assert.equal(can(admin, 'decide_erasure', erasureNoService), true, 'admins decide what no service claims');
    assert.equal(can(agentX, 'decide_erasure', erasureNoService), false);
    assert.equal(can(otherAdmin, 'decide_erasure', erasureX), false);
    assert.equal(can(agentY, 'list_erasures', tenant), true);
    assert.equal(can(citizenA, 'list_erasures', tenant), false);
    assert.equal(can(admin, 'view_register', tenant), true);
    for (const other of [agentX, supervisorX, otherAdmin, operator]) {
      assert.equal(can(other, 'view_register', tenant), false, `${other.kind} reads the register`);
    }
  });

  test('personal data: own consents and documents; the DPO settings for admins', () => {
    assert.equal(can(citizenA, 'withdraw_consent', accountA), true);
    assert.equal(can(citizenA, 'download_own_document', requestOfA), true);
    for (const other of [citizenB, citizenAElsewhere, admin, agentX, operator, anonymous]) {
      assert.equal(can(other, 'withdraw_consent', accountA), false, `${other.kind} withdraws A's consent`);
      assert.equal(can(other, 'download_own_document', requestOfA), false, `${other.kind} downloads from A's space`);
    }
    assert.equal(can(citizenA, 'download_own_document', anonymousRequest), false, 'a request filed without account');
    assert.equal(can(admin, 'manage_privacy_settings', tenant), true);
    for (const other of [agentX, supervisorX, otherAdmin, citizenA, anonymous, operator]) {
      assert.equal(can(other, 'manage_privacy_settings', tenant), false, `${other.kind} sets the DPO`);
    }
  });

  test('commune settings (contact details, mail sender, colour): the tenant’s administrators only', () => {
    assert.equal(can(admin, 'manage_commune_settings', tenant), true);
    for (const other of [agentX, supervisorX, otherAdmin, citizenA, anonymous, operator]) {
      assert.equal(can(other, 'manage_commune_settings', tenant), false, `${other.kind} changes the settings`);
    }
  });

  test('IMAP mailbox (its password opens the mairie’s mail): the tenant’s administrators only', () => {
    assert.equal(can(admin, 'manage_mailbox', tenant), true);
    for (const other of [agentX, supervisorX, otherAdmin, citizenA, anonymous, operator]) {
      assert.equal(can(other, 'manage_mailbox', tenant), false, `${other.kind} sets the mailbox`);
    }
  });

  test('citizen space: the owner only', () => {
    assert.equal(can(citizenA, 'view_own_space', accountA), true);
    assert.equal(can(citizenA, 'manage_own_account', accountA), true);
    for (const other of [citizenB, citizenAElsewhere, admin, operator, anonymous]) {
      assert.equal(can(other, 'view_own_space', accountA), false);
      assert.equal(can(other, 'manage_own_account', accountA), false);
    }
  });

  test('citizen records: an item in the agent’s services or none; supervisors and admins every record; merges need both', () => {
    const ofX = { kind: 'person', tenantId: T, serviceIds: [X] } as const;
    const ofXAndY = { kind: 'person', tenantId: T, serviceIds: [X, Y] } as const;
    const empty = { kind: 'person', tenantId: T, serviceIds: [] } as const;
    assert.equal(can(agentX, 'view_person', ofX), true);
    assert.equal(can(agentY, 'view_person', ofX), false, 'no item of theirs');
    assert.equal(can(agentY, 'view_person', ofXAndY), true, 'one item is enough');
    assert.equal(can(agentY, 'view_person', empty), true, 'a record without items yet');
    assert.equal(can(agent('supervisor', [Y]), 'view_person', ofX), true, 'supervisors see every record');
    assert.equal(can(admin, 'edit_person', ofX), true);
    assert.equal(can(otherAdmin, 'view_person', ofX), false);
    assert.equal(can(citizenA, 'view_person', ofX), false);
    assert.equal(can(agentY, 'list_people', tenant), true);
    assert.equal(can(citizenA, 'create_person', tenant), false);
    const pair = (kept: typeof ofX | typeof empty, merged: typeof ofX | typeof empty) =>
      ({ kind: 'person_pair', tenantId: T, kept, merged }) as const;
    assert.equal(can(agentX, 'merge_people', pair(ofX, empty)), true);
    assert.equal(can(agentY, 'merge_people', pair(empty, ofX)), false, 'both must be visible');
    assert.equal(can(supervisorX, 'merge_people', pair(ofX, ofX)), true);
  });

  test('journal and deadline report: supervisors and admins; closing days: admins only', () => {
    for (const action of ['view_journal', 'view_deadline_report'] as const) {
      assert.equal(can(supervisorX, action, tenant), true, `supervisor ${action}`);
      assert.equal(can(admin, action, tenant), true, `admin ${action}`);
      assert.equal(can(agentX, action, tenant), false, `agent ${action}`);
      assert.equal(can(otherAdmin, action, tenant), false, `other tenant's admin ${action}`);
      assert.equal(can(citizenA, action, tenant), false, `citizen ${action}`);
    }
    assert.equal(can(admin, 'manage_closing_days', tenant), true);
    assert.equal(can(supervisorX, 'manage_closing_days', tenant), false);
    assert.equal(can(agentX, 'manage_closing_days', tenant), false);
    assert.equal(can(otherAdmin, 'manage_closing_days', tenant), false);
  });

  test('knowledge base: every agent reads and proposes; supervisors of the article’s services and admins publish', () => {
    for (const action of ['read_knowledge', 'write_articles'] as const) {
      for (const who of [agentX, agentY, supervisorX, admin]) assert.equal(can(who, action, tenant), true, action);
      assert.equal(can(otherAdmin, action, tenant), false, `other tenant's admin ${action}`);
      assert.equal(can(citizenA, action, tenant), false, `citizen ${action}`);
    }
    const ofX = { kind: 'article', tenantId: T, serviceIds: [X] } as const;
    const movingToY = { kind: 'article', tenantId: T, serviceIds: [X, Y] } as const;
    for (const action of ['publish_article', 'unpublish_article', 'set_article_owner', 'link_articles'] as const) {
      assert.equal(can(admin, action, ofX), true, `admin ${action}`);
      assert.equal(can(admin, action, movingToY), true, `admin ${action}, any service`);
      assert.equal(can(supervisorX, action, ofX), true, `supervisor of the service ${action}`);
      assert.equal(can(supervisorX, action, movingToY), false, `supervisor of one of two services ${action}`);
      assert.equal(can(agent('supervisor', [Y]), action, ofX), false, `supervisor of another service ${action}`);
      assert.equal(can(agentX, action, ofX), false, `agent ${action}`);
      assert.equal(can(otherAdmin, action, ofX), false, `other tenant's admin ${action}`);
      assert.equal(can(citizenA, action, ofX), false, `citizen ${action}`);
    }
  });

  test('anonymous visitors and the operator are granted nothing, whatever the action', () => {
    assert.ok(allActions().length >= 15);
    for (const action of allActions()) {
      assert.equal(can(anonymous, action, sampleResource(action, T)), false, `anonymous ${action}`);
      assert.equal(can(operator, action, sampleResource(action, T)), false, `operator ${action}`);
    }
  });

  test('resources and actors are built from rows and sessions', () => {
    assert.deepEqual(requestResource(T, { service_id: X, citizen_id: null }), anonymousRequest);
    assert.deepEqual(agentActor(T, { id: 'id', role: 'supervisor', serviceIds: [X] }), {
      kind: 'agent',
      tenantId: T,
      agentId: 'id',
      role: 'supervisor',
      serviceIds: [X],
    });
  });
  test('assistant: every agent of the tenant uses the workspace’s assistant; only admins change its settings', () => {
    for (const a of [agentX, agentY, supervisorX, admin]) assert.equal(can(a, 'use_agent_assistant', tenant), true);
    for (const a of [anonymous, operator, citizenA, otherAdmin])
      assert.equal(can(a, 'use_agent_assistant', tenant), false);
    assert.equal(can(admin, 'manage_assistant_settings', tenant), true);
    for (const a of [agentX, supervisorX, otherAdmin, citizenA, anonymous, operator]) {
      assert.equal(can(a, 'manage_assistant_settings', tenant), false);
    }
  });

  test('appointments: every agent of the tenant books and changes them; only administrators manage the settings', () => {
    const staff: Actor[] = [agentX, agentY, supervisorX, admin];
    const others: Actor[] = [otherAdmin, citizenA, anonymous, operator];
    const notAdmins: Actor[] = [agentX, supervisorX, otherAdmin, citizenA, anonymous, operator];
    for (const action of ['view_appointments', 'book_appointment_for_caller', 'change_appointment'] as const) {
      for (const who of staff) assert.equal(can(who, action, tenant), true, `${who.kind} ${action}`);
      for (const who of others) assert.equal(can(who, action, tenant), false, `${who.kind} ${action}`);
    }
    assert.equal(can(admin, 'manage_appointment_settings', tenant), true);
    for (const who of notAdmins) assert.equal(can(who, 'manage_appointment_settings', tenant), false, `${who.kind}`);
  });

  test('consultations: administrators and supervisors build them and read their results; agents do not', () => {
    for (const a of [supervisorX, admin]) assert.equal(can(a, 'manage_consultations', tenant), true);
    for (const a of [agentX, agentY, otherAdmin, citizenA, anonymous, operator])
      assert.equal(can(a, 'manage_consultations', tenant), false);
  });

  test('satisfaction and results: admins set up tablets; supervisors read their services’ results; agents note missed calls of theirs', () => {
    assert.equal(can(admin, 'manage_survey_kiosks', tenant), true);
    for (const a of [agentX, supervisorX, otherAdmin, citizenA, anonymous, operator])
      assert.equal(can(a, 'manage_survey_kiosks', tenant), false);
    const scopeX = { kind: 'service_scope', tenantId: T, serviceId: X } as const;
    const scopeY = { kind: 'service_scope', tenantId: T, serviceId: Y } as const;
    const everything = { kind: 'service_scope', tenantId: T, serviceId: null } as const;
    assert.equal(can(supervisorX, 'view_results_dashboard', scopeX), true);
    assert.equal(can(supervisorX, 'view_results_dashboard', scopeY), false);
    assert.equal(can(supervisorX, 'view_results_dashboard', everything), false);
    assert.equal(can(admin, 'view_results_dashboard', everything), true);
    for (const a of [agentX, otherAdmin, citizenA, anonymous, operator])
      assert.equal(can(a, 'view_results_dashboard', scopeX), false);
    assert.equal(can(agentX, 'record_missed_calls', scopeX), true);
    assert.equal(can(agentX, 'record_missed_calls', scopeY), false);
    assert.equal(can(agentX, 'record_missed_calls', everything), false);
    assert.equal(can(admin, 'record_missed_calls', everything), true);
    for (const a of [otherAdmin, citizenA, anonymous, operator])
      assert.equal(can(a, 'record_missed_calls', scopeX), false);
  });
});
