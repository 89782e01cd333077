import type { AgentRole } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { sortFr } from '../../platform/format.ts';

export const ROLE_LABELS: Record<AgentRole, string> = {
  agent: 'Agent',
  supervisor: 'Responsable de service',
  admin: 'Administrateur',
};

export async function listAgents(trx: Tx) {
  const agents = await trx
    .selectFrom('agents')
    .select(['id', 'email', 'display_name', 'role', 'active', 'totp_enabled_at', 'password_hash', 'last_login_at'])
    .execute()
    .then((rows) => sortFr(rows, (a) => a.display_name));
  const links = await trx
    .selectFrom('agent_services as x')
    .innerJoin('services as s', (j) => j.onRef('s.tenant_id', '=', 'x.tenant_id').onRef('s.id', '=', 'x.service_id'))
    .select(['x.agent_id', 's.id', 's.name'])
    .execute()
    .then((rows) => sortFr(rows, (l) => l.name));
  return agents.map(({ password_hash, ...a }) => ({
    ...a,
    // Invited and not yet accepted: no password, no session ever opened.
    pending: password_hash === '' && a.last_login_at === null,
    services: links.filter((l) => l.agent_id === a.id).map((l) => ({ id: l.id, name: l.name })),
  }));
}
export type AgentListItem = Awaited<ReturnType<typeof listAgents>>[number];
