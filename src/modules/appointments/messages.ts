import type { TenantContact } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { formatDateTimeFr, formatTimeFr } from '../../platform/format.ts';
import { mailContactLines, mailSignature } from '../../platform/mail-sender.ts';
import { renderMail, type MailBlock } from '../../platform/mail-template.ts';
import { messageIdDomain, queueMail } from '../../platform/mail.ts';
import { queueSms } from '../../platform/sms/outbox.ts';
import { SMS_MAX_SEGMENTS, smsLength, toGsmFriendly } from '../../platform/sms/segments.ts';
import { siteLocation, type AppointmentDetails } from './appointment-details.ts';
import { appointmentCalendar, calendarAttachment, type CalendarAppointment } from './calendar-file.ts';
import { wallTimeOf } from './local-time.ts';

/**
 * What the citizen (and the agent who serves) receive about an appointment: confirmation, move,
 * cancellation and the two reminders, by mail with the .ics, and by SMS when the citizen chose it.
 * The checklist of documents is in every one of them: coming back a second time for a missing
 * paper is the first cause of complaints at the counter.
 */

export type AppointmentMessageKind = 'booked' | 'moved' | 'cancelled' | 'reminder_48h' | 'reminder_2h';

export interface MessageContext {
  tenant: { id: string; name: string; kind: string; contact: TenantContact };
  /** The tenant's site, for links: 'https://villebelle.fr' or '<PUBLIC_BASE_URL>/t/villebelle'. */
  baseUrl: string;
  /** MAIL_FROM: the .ics UID's domain. */
  mailFrom: string;
  /** The citizen's fresh link to the appointment's page (cancel, move), when one was issued. */
  manageToken: string | null;
  /** The agent serving it, who gets a METHOD:REQUEST invitation (booked, moved, cancelled). */
  agent?: { name: string; email: string } | null;
}

export function managePath(token: string): string {
  return `/rendez-vous/gerer/${token}`;
}

export function calendarPath(token: string): string {
  return `/rendez-vous/gerer/${token}/rendez-vous.ics`;
}

const SUBJECTS: Record<AppointmentMessageKind, string> = {
  booked: 'Rendez-vous confirmé',
  moved: 'Rendez-vous déplacé',
  cancelled: 'Rendez-vous annulé',
  reminder_48h: 'Rappel : votre rendez-vous dans 2 jours',
  reminder_2h: 'Rappel : votre rendez-vous dans 2 heures',
};

function opening(kind: AppointmentMessageKind, when: string, a: AppointmentDetails): string {
  switch (kind) {
    case 'booked':
      return `Votre rendez-vous est confirmé le ${when}.`;
    case 'moved':
      return `Votre rendez-vous est déplacé au ${when}.`;
    case 'cancelled':
      return `Votre rendez-vous du ${when} est annulé.`;
    case 'reminder_48h':
    case 'reminder_2h':
      return `Nous vous rappelons votre rendez-vous le ${when}${a.motif.mode === 'phone' ? ' (par téléphone)' : ''}.`;
  }
}

export function calendarEvent(
  a: AppointmentDetails,
  ctx: Pick<MessageContext, 'tenant'>,
  url?: string,
): CalendarAppointment {
  const checklist = a.checklist.length ? `\n\nÀ apporter :\n${a.checklist.map((c) => `- ${c}`).join('\n')}` : '';
  return {
    id: a.id,
    sequence: a.icsSequence,
    start: a.start,
    end: a.end,
    summary: `${a.motif.name} – ${mailSignature(ctx.tenant)}`,
    location: a.motif.mode === 'phone' ? 'Par téléphone' : siteLocation(a.site),
    description: `Rendez-vous ${a.reference} : ${a.demarche.title}.${checklist}`,
    ...(url ? { url } : {}),
    cancelled: a.status === 'cancelled',
  };
}

/** The mail to the citizen. */
export function citizenMail(a: AppointmentDetails, kind: AppointmentMessageKind, ctx: MessageContext) {
  const when = formatDateTimeFr(a.start);
  const manageUrl = ctx.manageToken ? `${ctx.baseUrl}${managePath(ctx.manageToken)}` : null;
  const blocks: MailBlock[] = [
    { kind: 'paragraph', text: opening(kind, when, a) },
    { kind: 'value', label: 'Démarche', value: a.demarche.title },
    { kind: 'value', label: 'Motif', value: a.motif.name },
    {
      kind: 'value',
      label: 'Lieu',
      value: a.motif.mode === 'phone' ? 'par téléphone : la mairie vous appelle' : siteLocation(a.site),
    },
    { kind: 'value', label: 'Référence', value: a.reference },
  ];
  if (kind !== 'cancelled') {
    if (a.site.accessInfo && a.motif.mode === 'site') blocks.push({ kind: 'paragraph', text: a.site.accessInfo });
    if (a.checklist.length > 0) {
      blocks.push({ kind: 'heading', text: 'Ce qu’il faut apporter' });
      blocks.push({ kind: 'list', items: a.checklist });
      blocks.push({ kind: 'paragraph', text: 'Sans ces documents, nous ne pourrons pas traiter votre démarche.' });
    }
    if (manageUrl) {
      blocks.push({ kind: 'paragraph', text: `Un empêchement ? Annulez ou déplacez ce rendez-vous.` });
      blocks.push({ kind: 'button', label: 'Annuler ou déplacer', url: manageUrl });
    }
    blocks.push({ kind: 'paragraph', text: 'Le fichier joint ajoute ce rendez-vous à votre agenda.' });
  } else {
    if (a.checklist.length > 0) {
      blocks.push({ kind: 'heading', text: 'Pour un prochain rendez-vous, pensez à apporter' });
      blocks.push({ kind: 'list', items: a.checklist });
    }
    blocks.push({
      kind: 'button',
      label: 'Prendre un autre rendez-vous',
      url: `${ctx.baseUrl}/rendez-vous/${a.demarche.slug}`,
    });
  }
  const method = kind === 'cancelled' ? 'CANCEL' : 'PUBLISH';
  const ics = appointmentCalendar(calendarEvent(a, ctx, manageUrl ?? undefined), messageIdDomain(ctx.mailFrom), method);
  const mail = renderMail({
    to: a.email!,
    subject: `${SUBJECTS[kind]} le ${when} – ${ctx.tenant.name}`,
    greeting: `Bonjour ${a.givenName} ${a.familyName},`,
    blocks,
    signature: mailSignature(ctx.tenant),
    contact: [
      ...(a.site.phone ? [`Téléphone du lieu : ${a.site.phone}`] : []),
      ...mailContactLines(ctx.tenant.contact),
    ],
  });
  return { ...mail, inlineAttachments: [calendarAttachment(ics, method)] };
}

/** The invitation to the agent who serves it (METHOD:REQUEST, or CANCEL). */
export function agentMail(a: AppointmentDetails, kind: 'booked' | 'moved' | 'cancelled', ctx: MessageContext) {
  const agent = ctx.agent!;
  const when = formatDateTimeFr(a.start);
  const method = kind === 'cancelled' ? 'CANCEL' : 'REQUEST';
  const domain = messageIdDomain(ctx.mailFrom);
  const organizer = { name: mailSignature(ctx.tenant), email: `ne-pas-repondre@${domain}` };
  const ics = appointmentCalendar(calendarEvent(a, ctx), domain, method, { organizer, attendee: agent });
  const mail = renderMail({
    to: agent.email,
    subject: `${SUBJECTS[kind]} : ${a.givenName} ${a.familyName}, ${when}`,
    greeting: `Bonjour ${agent.name},`,
    blocks: [
      {
        kind: 'paragraph',
        text: `${SUBJECTS[kind]} : ${a.motif.name}, le ${when}, ${a.resource.name} (${a.site.name}).`,
      },
      { kind: 'value', label: 'Usager', value: `${a.givenName} ${a.familyName}` },
      { kind: 'value', label: 'Référence', value: a.reference },
      ...(a.checklist.length > 0
        ? ([
            { kind: 'heading', text: 'Documents demandés à l’usager' },
            { kind: 'list', items: a.checklist },
          ] as MailBlock[])
        : []),
    ],
    signature: 'Guichet',
  });
  return { ...mail, inlineAttachments: [calendarAttachment(ics, method)] };
}

/**
 * The text message: who, when, where, the reference, and as much of the checklist as fits in
 * three messages (the rest is in the mail).
 */
export function citizenSms(a: AppointmentDetails, kind: AppointmentMessageKind, ctx: MessageContext): string {
  const w = wallTimeOf(a.start);
  const day = `${w.day.slice(8, 10)}/${w.day.slice(5, 7)}`;
  const head = `${mailSignature(ctx.tenant)} : ${SUBJECTS[kind].replace('Rappel : votre', 'rappel,')} – ${a.motif.name}, le ${day} à ${formatTimeFr(a.start).replace(' h ', 'h')}, ${a.motif.mode === 'phone' ? 'par téléphone' : a.site.name}. Réf. ${a.reference}.`;
  if (kind === 'cancelled') return toGsmFriendly(head);
  const items = [...a.checklist];
  const fits = (t: string) => smsLength(toGsmFriendly(t)).segments <= SMS_MAX_SEGMENTS;
  for (let n = items.length; n >= 0; n--) {
    const list = items.slice(0, n).join(' ; ');
    const more = n < items.length ? ' (liste complète dans le courriel)' : '';
    const text = n > 0 ? `${head} À apporter : ${list}${more}` : `${head} Liste des documents dans le courriel.`;
    if (fits(text)) return toGsmFriendly(text);
  }
  return toGsmFriendly(head).slice(0, 150);
}

/**
 * Queues the messages of one event in the caller's transaction: the citizen's mail (when they
 * gave an address), their SMS (when chosen), the agent's invitation. `notAfter` for reminders:
 * never delivered once the appointment has started.
 */
export async function queueAppointmentMessages(
  trx: Tx,
  a: AppointmentDetails,
  kind: AppointmentMessageKind,
  ctx: MessageContext,
): Promise<{ mails: number; sms: number }> {
  const reminder = kind === 'reminder_48h' || kind === 'reminder_2h';
  const notAfter = reminder ? a.start : undefined;
  let mails = 0;
  let sms = 0;
  if (a.email) {
    await queueMail(trx, ctx.tenant.id, { ...citizenMail(a, kind, ctx), ...(notAfter ? { notAfter } : {}) });
    mails++;
  }
  if (a.phone && a.smsReminders) {
    await queueSms(trx, ctx.tenant.id, {
      requestId: null,
      appointmentId: a.id,
      to: a.phone,
      text: citizenSms(a, kind, ctx),
      purpose: 'appointment',
      ...(notAfter ? { notAfter } : {}),
    });
    sms++;
  }
  if (!reminder && ctx.agent) {
    await queueMail(trx, ctx.tenant.id, agentMail(a, kind, ctx));
    mails++;
  }
  return { mails, sms };
}
