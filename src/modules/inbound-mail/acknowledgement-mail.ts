import { formatDateFr } from '../../platform/format.ts';
import { mailContactLines, mailSignature } from '../../platform/mail-sender.ts';
import { renderMail } from '../../platform/mail-template.ts';
import { trackingUrl } from '../requests/notifications.ts';
import type { Tenant } from '../tenants/tenant.ts';

/**
 * The acknowledgement of a message that opened an item: its reference in the subject (a reply
 * keeping it is threaded), the tracking code and link (the page shows the message), the date we
 * commit to.
 */
export function acknowledgementMail(input: {
  tenant: Tenant;
  reference: string;
  secret: string;
  subject: string;
  senderName: string | null;
  dueOn: string;
  delayDays: number;
  baseUrl: string;
}): { subject: string; text: string; html: string } {
  const link = trackingUrl(input.baseUrl, input.reference, input.secret);
  const mail = renderMail({
    to: '',
    subject: `Message ${input.reference} bien reçu – ${input.tenant.name}`,
    greeting: input.senderName ? `Bonjour ${input.senderName},` : 'Bonjour,',
    blocks: [
      {
        kind: 'paragraph',
        text: input.subject
          ? `Nous avons bien reçu votre message « ${input.subject} ».`
          : 'Nous avons bien reçu votre message.',
      },
      { kind: 'value', label: 'Votre numéro de message', value: input.reference },
      { kind: 'value', label: 'Votre code de suivi', value: input.secret },
      {
        kind: 'paragraph',
        text: `Un agent vous répondra au plus tard le ${formatDateFr(input.dueOn)} (${input.delayDays} jours ouvrés).`,
      },
      { kind: 'button', label: 'Voir votre message', url: link },
      {
        kind: 'paragraph',
        text: 'Pour compléter votre message, répondez à ce courriel sans changer son objet.',
      },
    ],
    signature: mailSignature(input.tenant),
    trackingUrl: link,
    contact: mailContactLines(input.tenant.contact),
  });
  return { subject: mail.subject, text: mail.text, html: mail.html! };
}
