import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { parisDay } from '../../platform/format.ts';
import { finishCurrentService, type FinishInput } from './finish-service.ts';
import { counterById, ticketCode } from './repository.ts';

export type CallNextInput = FinishInput;

/**
 * « Appeler le suivant » at a counter: ends the service of the person there (« seen »), then calls
 * the next waiting ticket of the site that this counter serves, and puts it on the screen.
 *
 * Order: booked citizens whose appointment time has come (by that time), then walk-ins (by
 * arrival), then booked citizens who came early. A counter serves a ticket whose démarche it
 * serves by appointment at this site, or whose démarche no counter of the site is assigned to.
 *
 * Two counters pressing at the same moment never call the same person: the ticket is taken with
 * `for update skip locked`, so the second transaction passes over the row the first holds and takes
 * the next one (and the one-person-per-counter index refuses a double call at one counter).
 * Returns null when nobody is waiting.
 */
export async function callNext(trx: Tx, input: CallNextInput): Promise<{ id: string; code: string } | null> {
  const counter = await counterById(trx, input.counterId);
  if (!counter) throw new AppError('not_found', 'Ce guichet n’existe pas ou n’est plus ouvert.');
  await finishCurrentService(trx, input);
  // Some active counter of the site serves the ticket's démarche by appointment (this one, if asked).
  const servedBy = (thisCounter: boolean) => sql`exists (
      select 1 from appointment_motifs m
      join appointment_motif_resources mr on mr.tenant_id = m.tenant_id and mr.motif_id = m.id
      join appointment_resources r on r.tenant_id = mr.tenant_id and r.id = mr.resource_id
      where m.tenant_id = w.tenant_id and m.demarche_id = w.demarche_id and m.active
        and r.active and r.kind = 'counter' and r.site_id = w.site_id
        ${thisCounter ? sql`and r.id = ${input.counterId}` : sql``})`;
  const called = await sql<{ id: string; letter: string; number: number; appointment_id: string | null }>`
    update counter_tickets t set
      status = 'called', called_at = ${input.now}, last_called_at = ${input.now}, calls = 1,
      counter_resource_id = ${input.counterId}, called_by_agent_id = ${input.agentId}
    where t.tenant_id = ${input.tenantId} and t.id = (
      select w.id from counter_tickets w
      where w.site_id = ${counter.siteId} and w.day = ${parisDay(input.now)} and w.status = 'waiting'
        and (w.demarche_id is null or not ${servedBy(false)} or ${servedBy(true)})
      order by case when w.appointment_id is null then 1 when w.wait_from <= ${input.now} then 0 else 2 end,
        w.wait_from, w.number
      limit 1
      for update skip locked)
    returning t.id, t.letter, t.number, t.appointment_id`.execute(trx);
  const ticket = called.rows[0];
  if (!ticket) return null;
  if (ticket.appointment_id)
    await trx
      .updateTable('appointments')
      .set({ called_at: input.now, counter_resource_id: input.counterId, updated_at: input.now })
      .where('id', '=', ticket.appointment_id)
      .execute();
  return { id: ticket.id, code: ticketCode(ticket.letter, ticket.number) };
}
