import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.ts';
import { parisDay } from '../../platform/format.ts';
import { afterLastEvent } from './repository.ts';

/**
 * Round-robin: gives a new item of a service that assigns in turn to the service's next available
 * agent, the one whose last automatic assignment (in this service) is the oldest, or who never
 * had one. Skips deactivated agents, invited agents who have not set a password yet, and agents
 * absent on the day. Nobody available: the item stays in the service's queue.
 *
 * Safe under concurrency: the service's row is locked (FOR NO KEY UPDATE, which does not block
 * the foreign-key checks of items being inserted) until the transaction ends, so two items of
 * one service are given one after the other, and the second sees the first one's choice. Two
 * items at once never go to the same agent while another is free.
 */
export async function assignNextAgent(
  trx: Tx,
  input: { tenantId: string; requestId: string; serviceId: string; now: Date },
): Promise<{ id: string; name: string; email: string } | null> {
  const service = await trx
    .selectFrom('services')
    .select(['id', 'name', 'auto_assign'])
    .where('id', '=', input.serviceId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  // Read again under the lock: the setting may have changed since the routing plan was cached.
  if (!service?.auto_assign) return null;
  const today = parisDay(input.now);
  const next = await trx
    .selectFrom('agent_services as x')
    .innerJoin('agents as a', (j) => j.onRef('a.tenant_id', '=', 'x.tenant_id').onRef('a.id', '=', 'x.agent_id'))
    .select(['a.id', 'a.display_name', 'a.email'])
    .where('x.service_id', '=', service.id)
    .where('a.active', '=', true)
    .where('a.password_hash', '<>', '')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('agent_absences as ab')
            .select('ab.id')
            .whereRef('ab.agent_id', '=', 'a.id')
            .where('ab.starts_on', '<=', today)
            .where('ab.ends_on', '>=', today),
        ),
      ),
    )
    .orderBy(sql`x.last_auto_assigned_at asc nulls first`)
    .orderBy('a.display_name')
    .orderBy('a.id')
    .limit(1)
    .executeTakeFirst();
  if (!next) return null;
  // In lock order, not clock order: a transaction that read the clock earlier but got the lock
  // later still goes after the one before it, or the same agent would be chosen twice.
  await trx
    .updateTable('agent_services')
    .set({
      last_auto_assigned_at: sql<Date>`greatest(${input.now}::timestamptz, (select max(y.last_auto_assigned_at) from agent_services y where y.service_id = ${service.id}) + interval '1 millisecond')`,
    })
    .where('agent_id', '=', next.id)
    .where('service_id', '=', service.id)
    .execute();
  await trx.updateTable('requests').set({ assigned_agent_id: next.id }).where('id', '=', input.requestId).execute();
  await trx
    .insertInto('request_events')
    .values({
      tenant_id: input.tenantId,
      request_id: input.requestId,
      kind: 'assigned',
      body: `Attribuée automatiquement à ${next.display_name} (tour de rôle du service ${service.name}).`,
      author_kind: 'system',
      author_agent_id: null,
      visible_to_citizen: false,
      created_at: afterLastEvent(input.requestId),
    })
    .execute();
  return { id: next.id, name: next.display_name, email: next.email };
}
