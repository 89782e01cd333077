import type { Db } from '../../db/tenant-scope.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { parisDay } from '../../platform/format.ts';
import { newAppointmentReference } from '../appointments/book-appointment.ts';
import { slotKeyOf } from '../appointments/availability.ts';
import { callNext } from './call-next.ts';
import { checkInAppointment } from './check-in-appointment.ts';
import { finishService } from './finish-service.ts';
import { issueWalkInTicket } from './issue-walk-in-ticket.ts';
import { startService } from './start-service.ts';

const MINUTE = 60_000;

/**
 * The demo's morning at the mairie's counters (the workday demo of `npm start`), so that a
 * newcomer opening « Guichet » sees a working day: a walk-in already served at Guichet 1, a
 * booked citizen checked in and being served, people waiting with their tickets, and an
 * appointment later today to check in (Camille Martin). Made through the counter's own use cases,
 * at times just before `now`; nothing when the mairie has tickets already.
 */
export async function seedDemoCounter(db: Db, tenantId: string, now: Date): Promise<void> {
  await inTenant(db, tenantId, async (trx) => {
    const site = await trx.selectFrom('appointment_sites').select('id').where('kind', '=', 'mairie').executeTakeFirst();
    if (!site) return;
    const already = await trx
      .selectFrom('counter_tickets')
      .select('id')
      .where('site_id', '=', site.id)
      .executeTakeFirst();
    if (already) return;
    const counters = await trx
      .selectFrom('appointment_resources')
      .select(['id', 'name'])
      .where('site_id', '=', site.id)
      .where('kind', '=', 'counter')
      .orderBy('position')
      .execute();
    const motifs = await trx
      .selectFrom('appointment_motifs as m')
      .innerJoin('demarches as d', (j) =>
        j.onRef('d.tenant_id', '=', 'm.tenant_id').onRef('d.id', '=', 'm.demarche_id'),
      )
      .select(['m.id', 'm.demarche_id', 'm.duration_minutes', 'd.slug'])
      .where('d.slug', 'in', ['carte-identite', 'passeport'])
      .execute();
    const agent = await trx.selectFrom('agents').select('id').orderBy('created_at').executeTakeFirst();
    const [first, second] = counters;
    const cni = motifs.find((m) => m.slug === 'carte-identite');
    const passport = motifs.find((m) => m.slug === 'passeport');
    if (!first || !second || !cni || !passport || !agent) return;
    const at = (minutes: number) => new Date(now.getTime() + minutes * MINUTE);
    const ago = (minutes: number) => at(-minutes);
    const today = parisDay(now);
    // Just after midnight the morning would fall on yesterday: no demo day then.
    if (parisDay(ago(60)) !== today) return;

    // Two appointments of today at Guichet 2: one whose time has just come, one later (or earlier
    // when the day is nearly over: it must stay today to be checked in).
    const roundedNow = Math.floor(now.getTime() / (5 * MINUTE)) * 5 * MINUTE;
    const appointment = async (start: Date, givenName: string, familyName: string) => {
      const end = new Date(start.getTime() + passport.duration_minutes * MINUTE);
      const { reference } = await trx
        .insertInto('appointments')
        .values({
          tenant_id: tenantId,
          reference: newAppointmentReference(),
          motif_id: passport.id,
          demarche_id: passport.demarche_id,
          site_id: site.id,
          resource_id: second.id,
          starts_at: start,
          ends_at: end,
          busy_until: end,
          slot_key: slotKeyOf(passport.id, start),
          given_name: givenName,
          family_name: familyName,
          email: `${givenName.toLowerCase()}.${familyName.toLowerCase()}@example.org`,
          channel: 'web',
          created_at: ago(3 * 24 * 60),
        })
        .returning('reference')
        .executeTakeFirstOrThrow();
      return reference;
    };
    const dueStart = new Date(roundedNow - 5 * MINUTE);
    const laterStart =
      parisDay(new Date(roundedNow + 40 * MINUTE)) === today
        ? new Date(roundedNow + 40 * MINUTE)
        : new Date(roundedNow - 40 * MINUTE);
    const due = await appointment(dueStart, 'Paul', 'Lemoine');
    await appointment(laterStart, 'Camille', 'Martin');

    const walkIn = (demarcheId: string | null, minutesAgo: number, name: string) =>
      issueWalkInTicket(trx, { tenantId, siteId: site.id, demarcheId, name, agentId: agent.id, now: ago(minutesAgo) });
    const served = await walkIn(cni.demarche_id, 45, 'Mme Roux');
    await callNext(trx, { tenantId, counterId: first.id, agentId: agent.id, now: ago(38), survey: null });
    await startService(trx, { counterId: first.id, ticketId: served.id, agentId: agent.id, now: ago(37) });
    await finishService(trx, {
      tenantId,
      counterId: first.id,
      ticketId: served.id,
      agentId: agent.id,
      now: ago(22),
      survey: null,
    });
    await checkInAppointment(trx, { tenantId, reference: due, siteId: site.id, agentId: agent.id, now: ago(8) });
    await walkIn(passport.demarche_id, 14, '');
    await walkIn(null, 9, 'M. Petit');
    await walkIn(cni.demarche_id, 3, '');
    // Guichet 2 calls the booked citizen whose time has come: on the screen, being served.
    const called = await callNext(trx, {
      tenantId,
      counterId: second.id,
      agentId: agent.id,
      now: ago(2),
      survey: null,
    });
    if (called) await startService(trx, { counterId: second.id, ticketId: called.id, agentId: agent.id, now: ago(1) });
  });
}
