import { formatDateFr } from '../../platform/format.ts';
import { renderMail } from '../../platform/mail-template.ts';
import { mailContactLines, mailSignature } from '../../platform/mail-sender.ts';
import type { Tenant } from '../tenants/tenant.ts';

/** Tracking link given to the citizen: the reference and the secret code, no account needed. */
export function trackingUrl(baseUrl: string, reference: string, secret: string): string {
  return `${baseUrl}/suivi/${encodeURIComponent(reference)}?cle=${encodeURIComponent(secret)}`;
}

/**
 * The link a later message gives: the direct tracking link when the code could be unsealed
 * (tracking-seal.ts), else the lookup page with the reference filled in.
 */
export function trackingOrLookupUrl(baseUrl: string, reference: string, secret: string | null): string {
  return secret
    ? trackingUrl(baseUrl, reference, secret)
    : `${baseUrl}/suivi?reference=${encodeURIComponent(reference)}`;
}

/** The mail sent when a request is filed: reference, code, committed date, tracking link. */
export function submissionMail(input: {
  tenant: Tenant;
  reference: string;
  secret: string;
  demarcheTitle: string;
  applicantName: string;
  dueOn: string;
  delayDays: number;
  baseUrl: string;
}): { subject: string; text: string; html: string } {
  const link = trackingUrl(input.baseUrl, input.reference, input.secret);
  const mail = renderMail({
    to: '',
    subject: `Demande ${input.reference} bien reçue – ${input.tenant.name}`,
    greeting: input.applicantName ? `Bonjour ${input.applicantName},` : 'Bonjour,',
    blocks: [
      { kind: 'paragraph', text: `Nous avons bien reçu votre demande « ${input.demarcheTitle} ».` },
      { kind: 'value', label: 'Votre numéro de demande', value: input.reference },
      { kind: 'value', label: 'Votre code de suivi', value: input.secret },
      { kind: 'paragraph', text: 'Gardez-les : ils vous permettent de suivre votre demande.' },
      {
        kind: 'paragraph',
        text: `Nous nous engageons à vous répondre au plus tard le ${formatDateFr(input.dueOn)} (${input.delayDays} jours ouvrés).`,
      },
      {
        kind: 'paragraph',
        text: 'Sur votre page de suivi, vous pouvez ajouter un message ou un document et télécharger votre récépissé.',
      },
      { kind: 'button', label: 'Suivre votre demande', url: link },
      { kind: 'paragraph', text: 'Vous recevrez un courriel à chaque étape.' },
    ],
    signature: mailSignature(input.tenant),
    trackingUrl: link,
    contact: mailContactLines(input.tenant.contact),
  });
  return { subject: mail.subject, text: mail.text, html: mail.html! };
}
