import type { Tx } from '../../db/tenant-scope.ts';
import { formatDateFr } from '../../platform/format.ts';
import { mailContactLines, mailSignature } from '../../platform/mail-sender.ts';
import { renderMail } from '../../platform/mail-template.ts';
import { queueMail } from '../../platform/mail.ts';
import { queueSms } from '../../platform/sms/outbox.ts';
import { SMS_MAX_SEGMENTS, smsLength, toGsmFriendly } from '../../platform/sms/segments.ts';
import type { TenantContact } from '../../db/schema.ts';
import { inviteToSurvey, type SurveyLink } from '../satisfaction/invite-to-survey.ts';
import { surveyMailBlocks, visitSurveySmsText } from '../satisfaction/survey-mail.ts';

/** What a visit's survey link is made of: the tenant's secret and address, SURVEY_LINK_DAYS. */
export interface VisitSurveyContext {
  sessionSecret: string;
  /** The tenant's public address (platform/web/public-url.ts). */
  baseUrl: string;
  linkDays: number;
}

/**
 * The survey of one visit at the counter, once the ticket is « seen »: an invitation bound to the
 * ticket, its site and démarche (so that « Nos résultats » of the site publishes its
 * satisfaction). A booked citizen receives the link by mail, or by text message when they chose
 * reminders by SMS and gave no address; anyone else is shown its QR code by the agent
 * (counter page). Null when the ticket was already invited and answered.
 */
export async function inviteAfterVisit(
  trx: Tx,
  input: { tenantId: string; ticketId: string; now: Date; survey: VisitSurveyContext },
): Promise<SurveyLink | null> {
  const ticket = await trx
    .selectFrom('counter_tickets as t')
    .innerJoin('appointment_sites as s', (j) =>
      j.onRef('s.tenant_id', '=', 't.tenant_id').onRef('s.id', '=', 't.site_id'),
    )
    .leftJoin('demarches as d', (j) => j.onRef('d.tenant_id', '=', 't.tenant_id').onRef('d.id', '=', 't.demarche_id'))
    .leftJoin('appointments as a', (j) =>
      j.onRef('a.tenant_id', '=', 't.tenant_id').onRef('a.id', '=', 't.appointment_id'),
    )
    .select([
      't.id',
      't.site_id',
      't.demarche_id',
      'd.service_id',
      's.name as site_name',
      'a.id as appointment_id',
      'a.given_name',
      'a.family_name',
      'a.email',
      'a.phone',
      'a.sms_reminders',
    ])
    .where('t.id', '=', input.ticketId)
    .executeTakeFirst();
  if (!ticket) return null;
  const link = await inviteToSurvey(trx, {
    tenantId: input.tenantId,
    sessionSecret: input.survey.sessionSecret,
    baseUrl: input.survey.baseUrl,
    linkDays: input.survey.linkDays,
    now: input.now,
    interaction: 'visit',
    channel: 'guichet',
    ticketId: ticket.id,
    siteId: ticket.site_id,
    demarcheId: ticket.demarche_id,
    serviceId: ticket.service_id,
  });
  if (!link || !ticket.appointment_id) return link;
  const tenant = (await trx
    .selectFrom('tenants')
    .select(['id', 'name', 'kind', 'contact'])
    .where('id', '=', input.tenantId)
    .executeTakeFirstOrThrow()) as { id: string; name: string; kind: string; contact: TenantContact };
  if (ticket.email) {
    await queueMail(
      trx,
      input.tenantId,
      renderMail({
        to: ticket.email,
        subject: `Merci de votre visite – ${tenant.name}`,
        greeting: `Bonjour ${ticket.given_name} ${ticket.family_name},`,
        blocks: [
          {
            kind: 'paragraph',
            text: `Merci d’être venu le ${formatDateFr(input.now)} à l’accueil : ${ticket.site_name}.`,
          },
          ...surveyMailBlocks(link.url),
        ],
        signature: mailSignature(tenant),
        contact: mailContactLines(tenant.contact),
      }),
    );
  } else if (ticket.phone && ticket.sms_reminders) {
    const text = toGsmFriendly(visitSurveySmsText(mailSignature(tenant), link.url));
    if (smsLength(text).segments <= SMS_MAX_SEGMENTS)
      await queueSms(trx, input.tenantId, {
        requestId: null,
        appointmentId: ticket.appointment_id,
        to: ticket.phone,
        text,
        purpose: 'survey',
      });
  }
  return link;
}
