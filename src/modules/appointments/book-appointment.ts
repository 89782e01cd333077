import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { AppointmentChannel, TenantContact } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { inTenant, withTenantConnection } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import type { Services } from '../../services.ts';
import { findOrCreatePerson } from '../people/find-or-create-person.ts';
import { CODE_ALPHABET } from '../requests/reference.ts';
import { loadAppointment, type AppointmentDetails } from './appointment-details.ts';
import { slotKeyOf } from './availability.ts';
import { issueManageLink } from './links.ts';
import { queueAppointmentMessages } from './messages.ts';
import { scheduleReminders } from './reminders.ts';
import { motifById } from './repository.ts';
import { nextFreeSlots, resolveSlot } from './resolve-slot.ts';

/**
 * Books one place (decision 39). The slot is checked against the opening periods, then the
 * appointment is inserted with `on conflict do nothing`, resource by resource and seat by seat:
 * the exclusion constraints decide, so of concurrent bookings of the last place exactly one gets
 * it, whatever the process or instance; the others wait for it to commit and are refused with
 * `slot_full` and the next free slots. In the same transaction: the citizen record (found or
 * created), the single-use link, the mails and SMS (outboxes) and the reminders (job queue).
 */
export interface BookingInput {
  slotId: string;
  givenName: string;
  familyName: string;
  email: string | null;
  /** E.164 */
  phone: string | null;
  smsReminders: boolean;
  channel: AppointmentChannel;
  /** The signed-in citizen, whose record it goes to. */
  citizenId?: string | null;
  /** A record an agent booked from. */
  personId?: string | null;
  /** The agent booking for a caller. */
  agent?: { id: string } | null;
  /** The noted call it was booked from. */
  requestId?: string | null;
  /** The tenant's site, for the links in the messages. */
  baseUrl: string;
}

export interface BookingTenant {
  id: string;
  name: string;
  kind: string;
  contact: TenantContact;
}

export interface BookingResult {
  appointment: AppointmentDetails;
  manageToken: string;
}

/** `RDV-` and six characters a person can read over the phone (requests/reference.ts). */
export function newAppointmentReference(): string {
  let code = '';
  for (let i = 0; i < 6; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `RDV-${code}`;
}

/** The refusal of a full slot, with the next free ones (`details.next_slots`). */
export async function slotFullError(
  services: Services,
  tenantId: string,
  motifId: string,
  after: Date,
): Promise<AppError> {
  const motif = await withTenantConnection(services.db, tenantId, (c) => motifById(c, motifId));
  const next = motif ? await nextFreeSlots(services, tenantId, motif, after) : [];
  return new AppError(
    'slot_full',
    next.length > 0
      ? 'Ce créneau vient d’être réservé par quelqu’un d’autre. Voici les prochains créneaux libres.'
      : 'Ce créneau vient d’être réservé par quelqu’un d’autre, et il n’y a plus de créneau libre pour le moment.',
    { next_slots: next },
  );
}

/** A live appointment of this person for this démarche that overlaps [start, end). */
async function personOverlap(trx: Tx, personId: string, demarcheId: string, start: Date, end: Date): Promise<boolean> {
  const row = await trx
    .selectFrom('appointments')
    .select('id')
    .where('person_id', '=', personId)
    .where('demarche_id', '=', demarcheId)
    .where('status', '<>', 'cancelled')
    .where('starts_at', '<', end)
    .where('ends_at', '>', start)
    .executeTakeFirst();
  return row !== undefined;
}

const OVERLAP_MESSAGE =
  'Vous avez déjà un rendez-vous pour cette démarche à ce moment-là. Pour changer d’horaire, déplacez le rendez-vous existant.';

export async function bookAppointment(
  services: Services,
  tenant: BookingTenant,
  input: BookingInput,
): Promise<BookingResult> {
  if (!input.email && input.channel !== 'phone' && input.channel !== 'counter')
    throw new AppError('email_required', 'Indiquez une adresse électronique pour recevoir la confirmation.');
  if (!input.email && !input.phone)
    throw new AppError('email_required', 'Indiquez une adresse électronique ou un numéro de téléphone.');
  let motifId: string | null = null;
  let start: Date | null = null;
  try {
    return await inTenant(services.db, tenant.id, async (trx) => {
      const { motif, slot, ref } = await resolveSlot(services, tenant.id, input.slotId, trx);
      motifId = motif.id;
      start = ref.start;
      if (slot.remaining <= 0) throw new AppError('slot_full', 'Ce créneau est complet.');
      const personId =
        input.personId ??
        (await findOrCreatePerson(
          trx,
          tenant.id,
          input.citizenId
            ? { kind: 'account', citizenId: input.citizenId }
            : {
                kind: 'contact',
                name: `${input.givenName} ${input.familyName}`,
                givenName: input.givenName,
                familyName: input.familyName,
                email: input.email,
                phone: input.phone,
              },
        ));
      if (await personOverlap(trx, personId, motif.demarcheId, slot.start, slot.end))
        throw new AppError('appointment_overlap', OVERLAP_MESSAGE);
      const busyUntil = new Date(slot.end.getTime() + motif.bufferMinutes * 60_000);
      const slotKey = slotKeyOf(motif.id, slot.start);
      let appointmentId: string | null = null;
      for (const resource of slot.resources) {
        if (resource.free <= 0) continue;
        // Seats are taken from the lowest: start where the free ones probably begin, then wrap.
        const first = motif.capacity - resource.free + 1;
        for (let i = 0; i < motif.capacity && !appointmentId; i++) {
          const seat = ((first - 1 + i) % motif.capacity) + 1;
          const row = await sql<{ id: string }>`
            insert into appointments (tenant_id, reference, motif_id, demarche_id, site_id, resource_id, person_id,
              starts_at, ends_at, busy_until, slot_key, capacity, seat, given_name, family_name, email, phone,
              sms_reminders, channel, booked_by_agent_id, request_id)
            values (${tenant.id}, ${newAppointmentReference()}, ${motif.id}, ${motif.demarcheId}, ${slot.siteId},
              ${resource.resourceId}, ${personId}, ${slot.start}, ${slot.end}, ${busyUntil}, ${slotKey},
              ${motif.capacity}, ${seat}, ${input.givenName}, ${input.familyName}, ${input.email}, ${input.phone},
              ${input.smsReminders && input.phone !== null}, ${input.channel}, ${input.agent?.id ?? null},
              ${input.requestId ?? null})
            on conflict do nothing
            returning id`.execute(trx);
          appointmentId = row.rows[0]?.id ?? null;
        }
        if (appointmentId) break;
      }
      if (!appointmentId) {
        // Someone else's booking of this person, committed meanwhile, or the slot filled up.
        if (await personOverlap(trx, personId, motif.demarcheId, slot.start, slot.end))
          throw new AppError('appointment_overlap', OVERLAP_MESSAGE);
        throw new AppError('slot_full', 'Ce créneau est complet.');
      }
      const appointment = (await loadAppointment(trx, { id: appointmentId }))!;
      const manageToken = await issueManageLink(trx, tenant.id, appointmentId);
      await queueAppointmentMessages(trx, appointment, 'booked', {
        tenant,
        baseUrl: input.baseUrl,
        mailFrom: services.config.mailFrom,
        manageToken,
        agent: await servingAgent(trx, appointment, input.agent?.id ?? null),
      });
      await scheduleReminders(trx, tenant.id, appointment, input.baseUrl, services.clock.now());
      return { appointment, manageToken };
    });
  } catch (err) {
    if (err instanceof AppError && err.code === 'slot_full' && motifId && start)
      throw await slotFullError(services, tenant.id, motifId, start);
    throw err;
  } finally {
    services.mail.kick();
  }
}

/**
 * Who gets the agenda invitation: the agent the resource is (an agent's own agenda), else the
 * agent who booked it for a caller; none for a citizen's own booking at a counter.
 */
export async function servingAgent(
  trx: Tx,
  appointment: AppointmentDetails,
  bookingAgentId: string | null,
): Promise<{ name: string; email: string } | null> {
  const agentId = appointment.resource.agentId ?? bookingAgentId;
  if (!agentId) return null;
  const agent = await trx
    .selectFrom('agents')
    .select(['display_name', 'email'])
    .where('id', '=', agentId)
    .where('active', '=', true)
    .executeTakeFirst();
  return agent ? { name: agent.display_name, email: agent.email } : null;
}
