import { sql } from 'kysely';
import type { Db, Tx } from '../../db/tenant-scope.ts';
import { sortFr } from '../../platform/format.ts';

/** A rule with the name of its service, as the administrators' page and the router read it. */
export async function listRoutingRules(db: Db | Tx) {
  return db
    .selectFrom('routing_rules as r')
    .innerJoin('services as s', (j) => j.onRef('s.tenant_id', '=', 'r.tenant_id').onRef('s.id', '=', 'r.service_id'))
    .select([
      'r.id',
      'r.position',
      'r.name',
      'r.active',
      'r.demarche_ids',
      'r.themes',
      'r.keywords',
      'r.places',
      'r.channels',
      'r.service_id',
      's.name as service_name',
    ])
    .orderBy('r.position')
    .execute();
}
export type RoutingRuleRow = Awaited<ReturnType<typeof listRoutingRules>>[number];

export async function findRoutingRule(trx: Tx, id: string) {
  return trx.selectFrom('routing_rules').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The services whose new items go to their agents in turn. */
export async function listAutoAssignServiceIds(db: Db | Tx): Promise<string[]> {
  return (await db.selectFrom('services').select('id').where('auto_assign', '=', true).execute()).map((s) => s.id);
}

/** Every service, with its round-robin setting and how many agents could receive items. */
export async function listServicesForRouting(trx: Tx) {
  const rows = await trx
    .selectFrom('services as s')
    .select([
      's.id',
      's.name',
      's.auto_assign',
      (eb) =>
        eb
          .selectFrom('agent_services as x')
          .innerJoin('agents as a', (j) => j.onRef('a.tenant_id', '=', 'x.tenant_id').onRef('a.id', '=', 'x.agent_id'))
          .select(sql<number>`count(*)::int`.as('n'))
          .whereRef('x.service_id', '=', 's.id')
          .where('a.active', '=', true)
          .as('agent_count'),
    ])
    .execute();
  return sortFr(rows, (s) => s.name);
}

/** The démarches a rule may name, contact démarches (email, phone, counter) included. */
export async function listRoutableDemarches(trx: Tx) {
  const rows = await trx
    .selectFrom('demarches')
    .select(['id', 'title', 'slug', 'kind'])
    .where('kind', 'in', ['demarche', 'contact'])
    .execute();
  return sortFr(rows, (d) => d.title);
}

/** What routing needs to know of a démarche: its service and its themes. */
export async function findDemarcheForRouting(trx: Tx, id: string) {
  return trx
    .selectFrom('demarches')
    .select(['id', 'title', 'service_id', 'life_events'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Absences not over by `today`, with the agent's name and services, the soonest first. */
export async function listCurrentAbsences(trx: Tx, today: string) {
  return trx
    .selectFrom('agent_absences as ab')
    .innerJoin('agents as a', (j) => j.onRef('a.tenant_id', '=', 'ab.tenant_id').onRef('a.id', '=', 'ab.agent_id'))
    .select((eb) => [
      'ab.id',
      'ab.agent_id',
      'ab.starts_on',
      'ab.ends_on',
      'ab.reason',
      'a.display_name',
      eb
        .selectFrom('agent_services as x')
        .select(sql<string[]>`coalesce(array_agg(x.service_id), '{}')`.as('ids'))
        .whereRef('x.agent_id', '=', 'a.id')
        .as('service_ids'),
    ])
    .where('ab.ends_on', '>=', today)
    .orderBy('ab.starts_on')
    .orderBy('a.display_name')
    .execute();
}

export async function findAbsence(trx: Tx, id: string) {
  return trx.selectFrom('agent_absences').select(['id', 'agent_id']).where('id', '=', id).executeTakeFirst();
}

/** Active agents with their services: whom absences may be declared for. */
export async function listAgentsWithServices(trx: Tx) {
  const rows = await trx
    .selectFrom('agents as a')
    .select((eb) => [
      'a.id',
      'a.display_name',
      eb
        .selectFrom('agent_services as x')
        .select(sql<string[]>`coalesce(array_agg(x.service_id), '{}')`.as('ids'))
        .whereRef('x.agent_id', '=', 'a.id')
        .as('service_ids'),
    ])
    .where('a.active', '=', true)
    .execute();
  return sortFr(rows, (a) => a.display_name);
}
