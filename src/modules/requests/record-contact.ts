import { itemReplyAddress } from '../inbound-mail/inbound-address.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import type { FormResult, FieldError } from '../../platform/web/form.ts';
import { ensureContactDemarche } from '../catalogue/contact-demarche.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { queueMail } from '../../platform/mail.ts';
import { contactMail } from './contact-mail.ts';
import { openItem } from './open-item.ts';
import { chooseRoute, recordRoute, type RoutingPlan } from './route-item.ts';
import { inviteToSurvey } from '../satisfaction/invite-to-survey.ts';
import { normaliseMobile } from '../../platform/sms/phone.ts';
import { queueSurveySms } from './sms-notice.ts';

/** What came of a phone call or a counter visit. */
export const CONTACT_OUTCOMES = {
  repondu: 'Répondu sur le moment',
  'a-traiter': 'Demande à traiter',
  'rendez-vous': 'Rendez-vous à fixer',
  oriente: 'Orienté vers un partenaire',
} as const;
export type ContactOutcome = keyof typeof CONTACT_OUTCOMES;

export const CONTACT_CHANNELS = { telephone: 'Appel téléphonique', guichet: 'Visite à l’accueil' } as const;
export type ContactChannelChoice = keyof typeof CONTACT_CHANNELS;

export interface RecordContactInput {
  tenant: Pick<Tenant, 'id' | 'inseeCode' | 'referencePrefix' | 'name' | 'kind' | 'contact'>;
  /** The portal's address, for the tracking link of the mail to the person. */
  baseUrl: string;
  /** The tenant's inbound address: the person's answer by mail comes back onto the item. */
  inboundAddress: string;
  sessionSecret: string;
  /** SURVEY_LINK_DAYS: the person is invited to the satisfaction survey (mail, QR code at the counter). */
  surveyLinkDays: number;
  agent: { id: string; name: string };
  /** The services this agent works for (null: all of them, an administrator). */
  agentServiceIds: string[] | null;
  channel: ContactChannelChoice;
  /** The citizen record chosen by the agent; null: found or created from the name, phone and email. */
  personId: string | null;
  name: string;
  phone: string | null;
  email: string | null;
  subject: string;
  /** The service the agent chose; null: the one the routing rules give. */
  serviceId: string | null;
  /** The tenant's routing (route-item.ts), used when the agent chose no service. */
  routing: RoutingPlan;
  outcome: ContactOutcome;
  partner: string;
  notes: string;
  now: Date;
}

/**
 * A phone call or a counter visit, noted by the agent who took it: an item of the inbox on the
 * channel's contact démarche, so that the person's request is followed like any other. Answered on
 * the spot or referred to a partner: the item is closed at once (it still counts, and is found).
 * To be dealt with, or an appointment to set: it stays open, in the hands of the agent who took the
 * call. What was said goes in an internal note. A person who gave an address receives the item's
 * number, tracking link and what was decided (contact-mail.ts).
 */
export async function recordContact(trx: Tx, input: RecordContactInput): Promise<FormResult<{ reference: string }>> {
  const errors: FieldError[] = [];
  const services = await trx.selectFrom('services').select(['id']).execute();
  const allowed =
    input.serviceId === null ||
    services.some(
      (s) => s.id === input.serviceId && (input.agentServiceIds === null || input.agentServiceIds.includes(s.id)),
    );
  if (!allowed) errors.push({ field: 'service', message: 'Choisissez un de vos services.' });
  if (input.outcome === 'oriente' && input.partner.trim() === '') {
    errors.push({ field: 'partenaire', message: 'Indiquez vers qui vous avez orienté la personne.' });
  }
  if (errors.length > 0) return { ok: false, errors };

  const closed = input.outcome === 'repondu' || input.outcome === 'oriente';
  const demarche = await ensureContactDemarche(trx, input.tenant.id, input.channel);
  // No service chosen: the routing rules decide, as for any other channel.
  const route =
    input.serviceId === null
      ? chooseRoute(input.routing, {
          demarcheId: demarche.id,
          themes: [],
          channel: input.channel,
          text: `${input.subject}\n${input.notes}`,
          addresses: [],
          defaultServiceId: demarche.serviceId,
        })
      : null;
  const serviceId = route?.serviceId ?? input.serviceId ?? demarche.serviceId;
  // The agent who took the call keeps an open item, unless it went to a service not theirs.
  const keeps = !closed && (input.agentServiceIds === null || input.agentServiceIds.includes(serviceId));
  // One millisecond apart: the timeline shows them in this order.
  let order = 0;
  const agentEvent = (kind: 'submitted' | 'internal_note' | 'status_changed', body: string, visible: boolean) => ({
    kind,
    status_from: kind === 'status_changed' ? ('recue' as const) : null,
    status_to: kind === 'submitted' ? ('recue' as const) : kind === 'status_changed' ? ('traitee' as const) : null,
    body,
    author_kind: 'agent' as const,
    author_agent_id: input.agent.id,
    visible_to_citizen: visible,
    created_at: new Date(input.now.getTime() + order++),
  });
  const item = await openItem(trx, {
    tenant: input.tenant,
    sessionSecret: input.sessionSecret,
    demarche,
    serviceId,
    channel: input.channel,
    data: {
      objet: input.subject,
      suite: CONTACT_OUTCOMES[input.outcome],
      ...(input.outcome === 'oriente' ? { partenaire: input.partner.trim() } : {}),
    },
    applicant: { name: input.name, email: input.email, phone: input.phone },
    ...(input.personId ? { personId: input.personId } : {}),
    now: input.now,
    status: closed ? 'traitee' : input.outcome === 'rendez-vous' ? 'en_cours' : 'recue',
    closed,
    assignedAgentId: keeps ? input.agent.id : null,
    firstEvent: agentEvent('submitted', `${CONTACT_CHANNELS[input.channel]} : ${input.subject}`, true),
  });
  const event = (kind: 'internal_note' | 'status_changed', body: string, visible: boolean) =>
    trx
      .insertInto('request_events')
      .values({ tenant_id: input.tenant.id, request_id: item.id, ...agentEvent(kind, body, visible) })
      .execute();
  if (input.notes.trim()) await event('internal_note', input.notes.trim(), false);
  if (closed) {
    await event(
      'status_changed',
      input.outcome === 'oriente'
        ? `Vous avez été orienté vers ${input.partner.trim()}.`
        : 'Votre question a reçu une réponse lors de votre contact avec la mairie.',
      true,
    );
  }
  // The survey about this call or visit: by mail when an address was given; for a call answered
  // on the spot with only a mobile number, by text message; by the QR code the agent shows at
  // the counter (modules/satisfaction) otherwise.
  const survey = await inviteToSurvey(trx, {
    tenantId: input.tenant.id,
    sessionSecret: input.sessionSecret,
    baseUrl: input.baseUrl,
    linkDays: input.surveyLinkDays,
    now: input.now,
    interaction: 'contact',
    channel: input.channel,
    requestId: item.id,
    serviceId,
    demarcheId: demarche.id,
  });
  if (input.email) {
    await queueMail(trx, input.tenant.id, {
      replyTo: itemReplyAddress(input.inboundAddress, input.sessionSecret, {
        tenantId: input.tenant.id,
        reference: item.reference,
      }),
      ...contactMail({
        tenant: input.tenant,
        to: input.email,
        requestId: item.id,
        reference: item.reference,
        secret: item.secret,
        channel: input.channel,
        outcome: input.outcome,
        subject: input.subject,
        partner: input.partner.trim(),
        name: input.name,
        dueOn: item.dueOn,
        contactedOn: input.now,
        baseUrl: input.baseUrl,
        surveyUrl: survey?.url ?? null,
      }),
    });
  }
  const mobile = input.email ? null : normaliseMobile(input.phone);
  if (survey && mobile && closed && input.channel === 'telephone') {
    await queueSurveySms(trx, {
      tenantId: input.tenant.id,
      tenant: input.tenant,
      requestId: item.id,
      reference: item.reference,
      mobile,
      url: survey.url,
    });
  }
  if (route) {
    // Round-robin only for an open item nobody has in hand.
    const autoAssign = route.autoAssign && !closed && !keeps;
    await recordRoute(trx, {
      tenantId: input.tenant.id,
      requestId: item.id,
      route: { ...route, autoAssign },
      now: input.now,
    });
  }
  return { ok: true, value: { reference: item.reference } };
}
