import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { formatDateTimeFr, parisDay } from '../../platform/format.ts';
import { APPOINTMENT_LETTER, issueTicket } from './issue-ticket.ts';
import { ticketCode } from './repository.ts';

export interface CheckInInput {
  tenantId: string;
  /** RDV-XXXXXX, as typed, read from the QR code, or found by name. */
  reference: string;
  /** The site where the person is, when known (the agent's page): another site's appointment is refused. */
  siteId: string | null;
  agentId: string | null;
  now: Date;
}

export interface CheckedIn {
  ticketId: string;
  code: string;
  reference: string;
  siteId: string;
  name: string;
  start: Date;
  /** Minutes past the appointment's start at arrival (0 when on time or early). */
  lateMinutes: number;
}

/**
 * Records the arrival of a booked citizen (by the reference, typed or read from the QR code of the
 * confirmation) and gives them a ticket of the appointments' line (« R004 »). Their waiting time
 * counts from their appointment's start if they came early, else from their arrival (the time they
 * signalled it themselves with their link, when they did: modules/appointments' check-in).
 *
 * Refused: an unknown reference, a cancelled or already served appointment, another day's, another
 * site's, one by phone, and a second check-in (the ticket already given is said).
 */
export async function checkInAppointment(trx: Tx, input: CheckInInput): Promise<CheckedIn> {
  const reference = input.reference.trim().toUpperCase();
  const a = await trx
    .selectFrom('appointments as a')
    .innerJoin('appointment_motifs as m', (j) =>
      j.onRef('m.tenant_id', '=', 'a.tenant_id').onRef('m.id', '=', 'a.motif_id'),
    )
    .innerJoin('appointment_sites as s', (j) =>
      j.onRef('s.tenant_id', '=', 'a.tenant_id').onRef('s.id', '=', 'a.site_id'),
    )
    .select([
      'a.id',
      'a.reference',
      'a.status',
      'a.starts_at',
      'a.checked_in_at',
      'a.site_id',
      'a.demarche_id',
      'a.given_name',
      'a.family_name',
      'm.mode',
      's.name as site_name',
    ])
    .where('a.reference', '=', reference)
    .forUpdate('a')
    .executeTakeFirst();
  if (!a) throw new AppError('appointment_not_found', `Aucun rendez-vous n’a la référence ${reference}.`);
  const ticket = await trx
    .selectFrom('counter_tickets')
    .select(['letter', 'number'])
    .where('appointment_id', '=', a.id)
    .executeTakeFirst();
  if (ticket)
    throw new AppError(
      'already_checked_in',
      `L’arrivée est déjà enregistrée : ticket ${ticketCode(ticket.letter, ticket.number)}.`,
    );
  if (a.status === 'cancelled') throw new AppError('appointment_not_booked', 'Ce rendez-vous a été annulé.');
  if (a.status === 'seen') throw new AppError('appointment_not_booked', 'Ce rendez-vous a déjà eu lieu.');
  if (a.mode === 'phone')
    throw new AppError('appointment_not_booked', 'Ce rendez-vous a lieu par téléphone : la mairie appelle l’usager.');
  const today = parisDay(input.now);
  if (parisDay(a.starts_at) !== today)
    throw new AppError('appointment_not_today', `Ce rendez-vous est prévu le ${formatDateTimeFr(a.starts_at)}.`);
  if (input.siteId !== null && input.siteId !== a.site_id)
    throw new AppError('appointment_other_site', `Ce rendez-vous a lieu à un autre endroit : ${a.site_name}.`);
  const start = a.starts_at.getTime();
  // Arrived already signalled (the appointment's link at a kiosk, through the API): that time counts.
  const arrival = a.checked_in_at && a.checked_in_at.getTime() <= input.now.getTime() ? a.checked_in_at : input.now;
  const issued = await issueTicket(trx, {
    tenantId: input.tenantId,
    siteId: a.site_id,
    day: today,
    letter: APPOINTMENT_LETTER,
    demarcheId: a.demarche_id,
    appointmentId: a.id,
    name: '',
    issuedAt: input.now,
    waitFrom: new Date(Math.max(start, arrival.getTime())),
    agentId: input.agentId,
  });
  await trx
    .updateTable('appointments')
    .set({
      checked_in_at: arrival,
      updated_at: input.now,
      // Marked absent or excused, and came after all: the appointment is on again.
      ...(a.status !== 'booked' ? { status: 'booked' as const, status_changed_at: input.now } : {}),
    })
    .where('id', '=', a.id)
    .execute();
  return {
    ticketId: issued.id,
    code: issued.code,
    reference: a.reference,
    siteId: a.site_id,
    name: `${a.given_name} ${a.family_name}`,
    start: a.starts_at,
    lateMinutes: Math.max(0, Math.floor((arrival.getTime() - start) / 60_000)),
  };
}
