import type { TenantContact } from '../../db/schema.ts';
import { renderMail, type MailBlock } from '../../platform/mail-template.ts';
import type { OutgoingMail } from '../../platform/mail.ts';
import { mailContactLines, mailSignature } from '../../platform/mail-sender.ts';
import { trackingUrl } from './notifications.ts';

/** The mail carrying an agent's answer to the citizen, status unchanged, with the link to reply. */
export function buildReplyNotification(input: {
  to: string;
  requestId: string;
  reference: string;
  demarcheTitle: string;
  applicantName: string | null;
  message: string;
  tenant: { name: string; kind?: string; contact: TenantContact };
  baseUrl: string;
  trackingSecret: string | null;
}): OutgoingMail {
  const link = input.trackingSecret
    ? trackingUrl(input.baseUrl, input.reference, input.trackingSecret)
    : `${input.baseUrl}/suivi?reference=${encodeURIComponent(input.reference)}`;
  const blocks: MailBlock[] = [
    { kind: 'paragraph', text: `Un agent vous répond au sujet de votre demande ${input.reference}.` },
    { kind: 'value', label: 'Démarche', value: input.demarcheTitle },
    { kind: 'quote', label: 'Message de l’agent qui suit votre demande :', text: input.message },
    { kind: 'button', label: 'Voir votre demande et répondre', url: link },
  ];
  if (!input.trackingSecret) {
    blocks.push({
      kind: 'paragraph',
      text: 'Saisissez le code de suivi reçu quand vous avez déposé la demande (il est aussi sur votre récépissé).',
    });
  }
  return renderMail({
    to: input.to,
    requestId: input.requestId,
    subject: `Votre demande ${input.reference} : réponse de ${mailSignature(input.tenant)}`,
    greeting: input.applicantName ? `Bonjour ${input.applicantName},` : 'Bonjour,',
    blocks,
    signature: mailSignature(input.tenant),
    trackingUrl: link,
    contact: mailContactLines(input.tenant.contact),
  });
}
