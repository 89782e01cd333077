import type { Services } from '../../services.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { queueMail } from '../../platform/mail.ts';
import type { FieldError, FormResult } from '../../platform/web/form.ts';
import { ensureContactDemarche } from '../catalogue/contact-demarche.ts';
import { acknowledgementMail } from '../inbound-mail/acknowledgement-mail.ts';
import { itemReplyAddress, tenantInboundAddress } from '../inbound-mail/inbound-address.ts';
import { wordingVersion } from '../privacy/consents.ts';
import { openItem } from '../requests/open-item.ts';
import { recordRoute, routeItem } from '../requests/route-item.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { findConversation, markHandedOff, type Conversation } from './repository.ts';

/** What the person agrees to, shown next to the checkbox and kept with the item as evidence. */
export const HANDOFF_CONSENT_WORDING =
  'J’accepte que la mairie enregistre mon nom, mes coordonnées et cette conversation pour me répondre. Ces données sont gardées le temps de traiter ma demande.';

/** The longest part of the conversation the item's first message carries. */
const MAX_TRANSCRIPT_CHARS = 20_000;

export interface HandOffInput {
  conversationId: string;
  name: string;
  email: string | null;
  phone: string | null;
  consent: boolean;
  /** The portal's absolute address, for the tracking link in the mail. */
  baseUrl: string;
}

/** The conversation as the agents read it: each question, each answer and the pages it cited. */
export function transcript(conversation: Pick<Conversation, 'messages'>): string {
  const text = conversation.messages
    .map((m) =>
      m.role === 'question'
        ? `Question : ${m.text}`
        : `Réponse de l’assistant : ${m.text}${m.citations?.length ? `\nSources : ${m.citations.map((c) => c.title).join(' ; ')}` : ''}`,
    )
    .join('\n\n');
  return text.length > MAX_TRANSCRIPT_CHARS ? `${text.slice(0, MAX_TRANSCRIPT_CHARS)}\n[…]` : text;
}

/**
 * « Parler à une personne »: the conversation becomes an item of the agents' inbox, on the
 * assistant's contact démarche, routed like every new item (route-item.ts), its first message
 * the conversation; the person gets the item's reference and tracking link by mail when they
 * gave an address. A conversation is handed off once: a second post gives the same item.
 */
export async function handOffConversation(
  services: Services,
  tenant: Tenant,
  input: HandOffInput,
): Promise<FormResult<{ reference: string; alreadyDone: boolean }> | { ok: false; notFound: true }> {
  const errors: FieldError[] = [];
  if (!input.email && !input.phone) {
    errors.push({
      field: 'email',
      message: 'Indiquez une adresse électronique ou un numéro de téléphone pour que nous puissions vous répondre.',
    });
  }
  if (!input.consent)
    errors.push({ field: 'consentement', message: 'Cochez la case pour accepter que nous gardions ces informations.' });
  const now = services.clock.now();
  return inTenant(services.db, tenant.id, async (trx) => {
    const conversation = await findConversation(trx, input.conversationId);
    if (!conversation || conversation.audience !== 'public' || conversation.messages.length === 0) {
      return { ok: false as const, notFound: true as const };
    }
    if (conversation.handedOffRequestId) {
      const done = await trx
        .selectFrom('requests')
        .select('reference')
        .where('id', '=', conversation.handedOffRequestId)
        .executeTakeFirst();
      if (done) return { ok: true as const, value: { reference: done.reference, alreadyDone: true } };
    }
    if (errors.length > 0) return { ok: false as const, errors };
    const demarche = await ensureContactDemarche(trx, tenant.id, 'assistant');
    const firstQuestion = conversation.messages.find((m) => m.role === 'question')?.text ?? '';
    const subject = firstQuestion.length > 120 ? `${firstQuestion.slice(0, 117)}…` : firstQuestion;
    const body = transcript(conversation);
    const route = await routeItem(
      services,
      tenant.id,
      {
        demarcheId: demarche.id,
        themes: [],
        channel: 'assistant',
        text: conversation.messages
          .filter((m) => m.role === 'question')
          .map((m) => m.text)
          .join('\n'),
        addresses: [],
        defaultServiceId: demarche.serviceId,
      },
      trx,
    );
    const item = await openItem(trx, {
      tenant,
      sessionSecret: services.config.sessionSecret,
      demarche,
      serviceId: route.serviceId,
      channel: 'assistant',
      data: { objet: subject },
      applicant: { name: input.name, email: input.email, phone: input.phone },
      now,
      firstEvent: {
        kind: 'submitted',
        status_from: null,
        status_to: 'recue',
        body,
        author_kind: 'citizen',
        author_agent_id: null,
        visible_to_citizen: true,
        created_at: now,
      },
    });
    await trx
      .insertInto('consents')
      .values({
        tenant_id: tenant.id,
        request_id: item.id,
        demarche_id: demarche.id,
        citizen_id: null,
        subject: 'assistant-mise-en-relation',
        wording: HANDOFF_CONSENT_WORDING,
        version: wordingVersion(HANDOFF_CONSENT_WORDING),
        method: 'form_checkbox',
        given_at: now,
        withdrawable: false,
      })
      .execute();
    await markHandedOff(trx, conversation.id, item.id);
    if (input.email) {
      const mail = acknowledgementMail({
        tenant,
        reference: item.reference,
        secret: item.secret,
        subject,
        senderName: input.name || null,
        dueOn: item.dueOn,
        delayDays: demarche.delayDays,
        baseUrl: input.baseUrl,
      });
      await queueMail(trx, tenant.id, {
        to: input.email,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        requestId: item.id,
        replyTo: itemReplyAddress(
          tenantInboundAddress(tenant, services.config.inbound.domain),
          services.config.sessionSecret,
          { tenantId: tenant.id, reference: item.reference },
        ),
      });
    }
    await recordRoute(trx, { tenantId: tenant.id, requestId: item.id, route, now });
    return { ok: true as const, value: { reference: item.reference, alreadyDone: false } };
  });
}
