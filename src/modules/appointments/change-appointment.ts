import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import type { Services } from '../../services.ts';
import { loadAppointment, type AppointmentDetails } from './appointment-details.ts';
import { slotKeyOf } from './availability.ts';
import { servingAgent, slotFullError, type BookingTenant } from './book-appointment.ts';
import { findManageLink, issueManageLink, spendManageLink } from './links.ts';
import { queueAppointmentMessages } from './messages.ts';
import { scheduleReminders } from './reminders.ts';
import { resolveSlot } from './resolve-slot.ts';
import { offerFreedSlot } from './waitlist.ts';

/**
 * Cancelling and moving an appointment: by the citizen through their single-use link (until the
 * motif's cancellation deadline, never once it started), or by an agent (until it starts). Both
 * mail the citizen (and the serving agent) with the updated .ics (same UID, SEQUENCE + 1), and
 * offer the freed place to the waiting list.
 */

export type ChangeActor = { kind: 'citizen'; token: string } | { kind: 'agent'; agentId: string } | { kind: 'api' };

async function checkChangeable(
  trx: Tx,
  services: Services,
  appointmentId: string,
  actor: ChangeActor,
  usedFor: 'cancel' | 'move',
): Promise<AppointmentDetails> {
  if (actor.kind === 'citizen') {
    const link = await findManageLink(trx, actor.token);
    if (!link || link.appointmentId !== appointmentId)
      throw new AppError('appointment_not_found', 'Ce lien ne correspond à aucun rendez-vous.');
    if (link.usedAt)
      throw new AppError(
        'link_already_used',
        'Ce lien a déjà servi. Utilisez le lien du dernier courriel reçu, ou appelez la mairie.',
      );
  }
  const a = await loadAppointment(trx, { id: appointmentId });
  if (!a) throw new AppError('appointment_not_found', 'Ce rendez-vous n’existe pas.');
  if (a.status === 'cancelled') throw new AppError('link_already_used', 'Ce rendez-vous est déjà annulé.');
  const now = services.clock.now().getTime();
  if (a.status !== 'booked' || now >= a.start.getTime())
    throw new AppError(
      'appointment_started',
      'Ce rendez-vous a déjà commencé ou est passé : il ne peut plus être changé.',
    );
  if (actor.kind !== 'agent' && now > a.start.getTime() - a.motif.cancelUntilMinutes * 60_000)
    throw new AppError(
      'cancel_deadline_passed',
      `Ce rendez-vous ne peut plus être ${usedFor === 'cancel' ? 'annulé' : 'déplacé'} en ligne. Appelez la mairie.`,
    );
  if (actor.kind === 'citizen' && !(await spendManageLink(trx, actor.token, a.id, usedFor, services.clock.now())))
    throw new AppError('link_already_used', 'Ce lien a déjà servi.');
  return a;
}

export async function cancelAppointment(
  services: Services,
  tenant: BookingTenant,
  input: { appointmentId: string; actor: ChangeActor; baseUrl: string },
): Promise<AppointmentDetails> {
  try {
    return await inTenant(services.db, tenant.id, async (trx) => {
      const before = await checkChangeable(trx, services, input.appointmentId, input.actor, 'cancel');
      await trx
        .updateTable('appointments')
        .set((eb) => ({
          status: 'cancelled',
          status_changed_at: services.clock.now(),
          cancelled_at: services.clock.now(),
          cancelled_by: input.actor.kind === 'agent' ? 'agent' : 'citizen',
          ics_sequence: eb('ics_sequence', '+', 1),
          updated_at: services.clock.now(),
        }))
        .where('id', '=', before.id)
        .execute();
      const a = (await loadAppointment(trx, { id: before.id }))!;
      await queueAppointmentMessages(trx, a, 'cancelled', {
        tenant,
        baseUrl: input.baseUrl,
        mailFrom: services.config.mailFrom,
        manageToken: null,
        agent: await servingAgent(trx, a, a.bookedByAgentId),
      });
      await offerFreedSlot(
        services,
        trx,
        tenant,
        { motifId: a.motif.id, siteId: a.site.id, start: a.start },
        input.baseUrl,
      );
      return a;
    });
  } finally {
    services.mail.kick();
  }
}

export async function moveAppointment(
  services: Services,
  tenant: BookingTenant,
  input: { appointmentId: string; actor: ChangeActor; slotId: string; baseUrl: string },
): Promise<{ appointment: AppointmentDetails; manageToken: string }> {
  let motifId: string | null = null;
  let start: Date | null = null;
  try {
    return await inTenant(services.db, tenant.id, async (trx) => {
      const before = await checkChangeable(trx, services, input.appointmentId, input.actor, 'move');
      const { motif, slot } = await resolveSlot(services, tenant.id, input.slotId, trx);
      if (motif.id !== before.motif.id)
        throw new AppError('slot_not_found', 'Ce créneau n’est pas pour ce motif. Choisissez-en un dans la liste.');
      motifId = motif.id;
      start = slot.start;
      const busyUntil = new Date(slot.end.getTime() + motif.bufferMinutes * 60_000);
      let moved = false;
      for (const resource of slot.resources) {
        if (resource.free <= 0) continue;
        for (let seat = 1; seat <= motif.capacity && !moved; seat++) {
          // An update cannot skip a conflict like an insert: each try runs under a savepoint.
          await sql`savepoint appointment_move`.execute(trx);
          try {
            await trx
              .updateTable('appointments')
              .set((eb) => ({
                site_id: slot.siteId,
                resource_id: resource.resourceId,
                starts_at: slot.start,
                ends_at: slot.end,
                busy_until: busyUntil,
                slot_key: slotKeyOf(motif.id, slot.start),
                seat,
                ics_sequence: eb('ics_sequence', '+', 1),
                moves: eb('moves', '+', 1),
                updated_at: services.clock.now(),
              }))
              .where('id', '=', before.id)
              .execute();
            await sql`release savepoint appointment_move`.execute(trx);
            moved = true;
          } catch (err) {
            const e = err as { code?: string; constraint?: string };
            if (e.code !== '23P01') throw err;
            if (e.constraint === 'appointments_one_per_person')
              throw new AppError(
                'appointment_overlap',
                'Vous avez déjà un autre rendez-vous pour cette démarche à ce moment-là.',
              );
            await sql`rollback to savepoint appointment_move`.execute(trx);
          }
        }
        if (moved) break;
      }
      if (!moved) throw new AppError('slot_full', 'Ce créneau est complet.');
      const a = (await loadAppointment(trx, { id: before.id }))!;
      const manageToken = await issueManageLink(trx, tenant.id, a.id);
      await queueAppointmentMessages(trx, a, 'moved', {
        tenant,
        baseUrl: input.baseUrl,
        mailFrom: services.config.mailFrom,
        manageToken,
        agent: await servingAgent(trx, a, a.bookedByAgentId),
      });
      await scheduleReminders(trx, tenant.id, a, input.baseUrl, services.clock.now());
      await offerFreedSlot(
        services,
        trx,
        tenant,
        { motifId: a.motif.id, siteId: before.site.id, start: before.start },
        input.baseUrl,
      );
      return { appointment: a, manageToken };
    });
  } catch (err) {
    if (err instanceof AppError && err.code === 'slot_full' && motifId && start)
      throw await slotFullError(services, tenant.id, motifId, start);
    throw err;
  } finally {
    services.mail.kick();
  }
}
