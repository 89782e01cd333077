import type { RequestStatus, TenantContact } from '../../db/schema.ts';
import { renderMail, type MailBlock } from '../../platform/mail-template.ts';
import type { OutgoingMail } from '../../platform/mail.ts';
import { mailContactLines, mailSignature } from '../../platform/mail-sender.ts';
import { surveyMailBlocks } from '../satisfaction/survey-mail.ts';
import { trackingUrl } from './notifications.ts';
import { STATUS_LABELS } from './status.ts';

/** What each new status means for the citizen, in one plain sentence. */
const STATUS_EXPLANATIONS: Record<RequestStatus, string> = {
  recue: 'Nous avons bien reçu votre demande.',
  en_cours: 'Un agent s’occupe de votre demande.',
  en_attente_usager: 'Nous avons besoin de vous pour continuer. Lisez le message ci-dessous.',
  traitee: 'Votre demande est traitée.',
  refusee: 'Votre demande est refusée. Le message ci-dessous explique pourquoi.',
};

export interface StatusNotificationInput {
  to: string;
  requestId: string;
  reference: string;
  demarcheTitle: string;
  applicantName: string | null;
  status: RequestStatus;
  message: string;
  tenant: { name: string; kind?: string; contact: TenantContact };
  /** The tenant's public address, e.g. https://villebelle.example or http://localhost:3000/t/villebelle */
  baseUrl: string;
  /**
   * The request's tracking code, when it could be unsealed (requests/tracking-seal.ts): the mail
   * then carries the direct tracking link. Without it, the lookup page with the reference filled in.
   */
  trackingSecret: string | null;
  /** The satisfaction survey's link, when the request is closed (modules/satisfaction). */
  surveyUrl?: string | null;
}

/** The mail telling a citizen that their request changed status, with the link to follow it. */
export function buildStatusNotification(input: StatusNotificationInput): OutgoingMail {
  const label = STATUS_LABELS[input.status];
  const link = input.trackingSecret
    ? trackingUrl(input.baseUrl, input.reference, input.trackingSecret)
    : `${input.baseUrl}/suivi?reference=${encodeURIComponent(input.reference)}`;
  const blocks: MailBlock[] = [
    { kind: 'paragraph', text: `Votre demande ${input.reference} a changé de statut.` },
    { kind: 'value', label: 'Démarche', value: input.demarcheTitle },
    { kind: 'value', label: 'Nouveau statut', value: label },
    { kind: 'paragraph', text: STATUS_EXPLANATIONS[input.status] },
  ];
  if (input.message.trim()) {
    blocks.push({ kind: 'quote', label: 'Message de l’agent qui suit votre demande :', text: input.message.trim() });
  }
  blocks.push({ kind: 'button', label: 'Voir votre demande', url: link });
  if (!input.trackingSecret) {
    blocks.push({
      kind: 'paragraph',
      text: 'Saisissez le code de suivi reçu quand vous avez déposé la demande (il est aussi sur votre récépissé).',
    });
  }
  if (input.surveyUrl) blocks.push(...surveyMailBlocks(input.surveyUrl));
  return renderMail({
    to: input.to,
    requestId: input.requestId,
    subject: `Votre demande ${input.reference} : ${label.toLowerCase()}`,
    greeting: input.applicantName ? `Bonjour ${input.applicantName},` : 'Bonjour,',
    blocks,
    signature: mailSignature(input.tenant),
    trackingUrl: link,
    contact: mailContactLines(input.tenant.contact),
  });
}
