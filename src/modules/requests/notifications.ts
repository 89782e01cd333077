import { formatDateFr } from '../../platform/format.ts';
import type { Tenant } from '../tenants/tenant.ts';

/** Tracking link given to the citizen: the reference and the secret code, no account needed. */
export function trackingUrl(baseUrl: string, reference: string, secret: string): string {
  return `${baseUrl}/suivi/${encodeURIComponent(reference)}?cle=${encodeURIComponent(secret)}`;
}

function contactLines(tenant: Tenant): string {
  const c = tenant.contact;
  return [
    c.phone ? `Téléphone : ${c.phone}` : null,
    c.address ? `Accueil : ${c.address}${c.postalCode ? `, ${c.postalCode}` : ''}${c.city ? ` ${c.city}` : ''}` : null,
  ]
    .filter(Boolean)
    .join('\n');
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
}): { subject: string; text: string } {
  const link = trackingUrl(input.baseUrl, input.reference, input.secret);
  const text = `Bonjour ${input.applicantName},

Nous avons bien reçu votre demande « ${input.demarcheTitle} ».

Votre numéro de demande : ${input.reference}
Votre code de suivi : ${input.secret}
Gardez-les : ils vous permettent de suivre votre demande.

Nous nous engageons à vous répondre au plus tard le ${formatDateFr(input.dueOn)} (${input.delayDays} jours ouvrés).

Pour suivre votre demande, ajouter un message ou un document, et télécharger votre récépissé :
${link}

Vous recevrez un courriel à chaque étape.

${input.tenant.name}
${contactLines(input.tenant)}

Ce message est envoyé automatiquement. Pour nous écrire, utilisez le lien ci-dessus.`;
  return { subject: `Demande ${input.reference} bien reçue – ${input.tenant.name}`, text };
}
