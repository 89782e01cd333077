import { TZDate } from '@date-fns/tz';
import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import type { InlineAttachment } from '../../db/schema.ts';
import { APPOINTMENT_TIME_ZONE } from './local-time.ts';

/**
 * The appointment as an iCalendar file (RFC 5545, ical-generator), attached to its mails:
 *
 * - the appointment's own UID (`<id>@<domain>`), the same in every mail about it, and a SEQUENCE
 *   bumped at each move, so that a calendar updates its event instead of adding a second one;
 * - start and end in Europe/Paris (`DTSTART;TZID=Europe/Paris`, with the VTIMEZONE), DTSTAMP in UTC;
 * - `METHOD:PUBLISH` for the citizen (an event to add, no answer expected), `METHOD:REQUEST` for
 *   the agent who serves it (an invitation with organiser and attendee, which agenda software
 *   files as a meeting), `METHOD:CANCEL` once cancelled.
 */
export interface CalendarAppointment {
  id: string;
  sequence: number;
  start: Date;
  end: Date;
  summary: string;
  location: string;
  description: string;
  /** The page to manage it (citizen) or to open it (agent). */
  url?: string;
  cancelled?: boolean;
}

export interface CalendarParties {
  /** The tenant's sender: the organiser of a REQUEST. */
  organizer: { name: string; email: string };
  /** The agent invited (REQUEST). */
  attendee: { name: string; email: string };
}

export function appointmentUid(appointmentId: string, domain: string): string {
  return `${appointmentId}@${domain}`;
}

export function appointmentCalendar(
  appointment: CalendarAppointment,
  domain: string,
  method: 'PUBLISH' | 'REQUEST' | 'CANCEL',
  parties?: CalendarParties,
): string {
  const calendar = ical({
    prodId: { company: 'Guichet', product: 'Rendez-vous', language: 'FR' },
    method: ICalCalendarMethod[method],
    // No calendar-wide zone (DTSTAMP stays UTC); the generator writes the events' VTIMEZONE.
    timezone: { name: null, generator: getVtimezoneComponent },
  });
  const event = calendar.createEvent({
    id: appointmentUid(appointment.id, domain),
    sequence: appointment.sequence,
    start: new TZDate(appointment.start.getTime(), APPOINTMENT_TIME_ZONE),
    end: new TZDate(appointment.end.getTime(), APPOINTMENT_TIME_ZONE),
    timezone: APPOINTMENT_TIME_ZONE,
    stamp: new Date(),
    summary: appointment.summary,
    location: appointment.location,
    description: appointment.description,
    status: appointment.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    ...(appointment.url ? { url: appointment.url } : {}),
  });
  if (method !== 'PUBLISH' && parties) {
    event.organizer(parties.organizer);
    event.createAttendee({
      name: parties.attendee.name,
      email: parties.attendee.email,
      role: ICalAttendeeRole.REQ,
      status: ICalAttendeeStatus.NEEDSACTION,
      rsvp: false,
    });
  }
  return calendar.toString();
}

/** The file as a mail attachment: `rendez-vous.ics`, with the method in its content type. */
export function calendarAttachment(content: string, method: 'PUBLISH' | 'REQUEST' | 'CANCEL'): InlineAttachment {
  return {
    filename: method === 'CANCEL' ? 'annulation.ics' : 'rendez-vous.ics',
    contentType: `text/calendar; charset=utf-8; method=${method}`,
    content,
  };
}
