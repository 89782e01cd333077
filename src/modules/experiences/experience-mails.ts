import { mailContactLines, mailSignature } from '../../platform/mail-sender.ts';
import { renderMail } from '../../platform/mail-template.ts';
import type { OutgoingMail } from '../../platform/mail.ts';
import type { Tenant } from '../../platform/tenant.ts';

/** Told to the citizen who left an address: their experience is published with the answer. */
export function answeredMail(input: {
  tenant: Tenant;
  to: string;
  title: string;
  answer: string;
  signature: string;
  pageUrl: string;
}): OutgoingMail {
  return renderMail({
    to: input.to,
    subject: `Réponse à votre expérience – ${input.tenant.name}`,
    greeting: 'Bonjour,',
    blocks: [
      {
        kind: 'paragraph',
        text: `Merci d’avoir partagé votre expérience « ${input.title} ». Elle est publiée avec notre réponse.`,
      },
      { kind: 'quote', label: `Réponse de ${input.signature} :`, text: input.answer },
      { kind: 'button', label: 'Voir les expériences publiées', url: input.pageUrl },
    ],
    signature: mailSignature(input.tenant),
    contact: mailContactLines(input.tenant.contact),
  });
}

/** Told to the citizen who left an address: their experience is not published, and why. */
export function rejectedMail(input: { tenant: Tenant; to: string; title: string; reason: string }): OutgoingMail {
  return renderMail({
    to: input.to,
    subject: `Votre expérience n’est pas publiée – ${input.tenant.name}`,
    greeting: 'Bonjour,',
    blocks: [
      {
        kind: 'paragraph',
        text: `Merci d’avoir partagé votre expérience « ${input.title} ». Nous ne pouvons pas la publier.`,
      },
      { kind: 'quote', label: 'Pourquoi :', text: input.reason },
      {
        kind: 'paragraph',
        text: 'Si vous attendez une réponse sur votre situation, écrivez-nous par la page « Nous contacter » : un agent vous répondra.',
      },
    ],
    signature: mailSignature(input.tenant),
    contact: mailContactLines(input.tenant.contact),
  });
}
