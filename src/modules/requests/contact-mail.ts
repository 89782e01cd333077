import { formatDateFr } from '../../platform/format.ts';
import { mailContactLines, mailSignature } from '../../platform/mail-sender.ts';
import { renderMail, type MailBlock } from '../../platform/mail-template.ts';
import type { OutgoingMail } from '../../platform/mail.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { surveyMailBlocks } from '../satisfaction/survey-mail.ts';
import { trackingUrl } from './notifications.ts';

/**
 * What a person who called or came to the counter receives when they gave an address: the number
 * of their item, its tracking code and link (to add a message or a document, and to follow it),
 * and what was decided — to be dealt with by a date, an appointment to set, answered, or referred
 * to a partner (named, so they know where to go next). Nothing of the agent's notes.
 */
export function contactMail(input: {
  tenant: Pick<Tenant, 'name' | 'kind' | 'contact'>;
  to: string;
  requestId: string;
  reference: string;
  secret: string;
  channel: 'telephone' | 'guichet';
  outcome: 'repondu' | 'a-traiter' | 'rendez-vous' | 'oriente';
  subject: string;
  partner: string;
  name: string;
  dueOn: string;
  contactedOn: Date;
  baseUrl: string;
  /** The satisfaction survey's link about this call or visit (modules/satisfaction). */
  surveyUrl?: string | null;
}): OutgoingMail {
  const link = trackingUrl(input.baseUrl, input.reference, input.secret);
  const when = formatDateFr(input.contactedOn);
  const how = input.channel === 'telephone' ? `de votre appel du ${when}` : `de votre visite à l’accueil du ${when}`;
  const open = input.outcome === 'a-traiter' || input.outcome === 'rendez-vous';
  const outcome: MailBlock[] =
    input.outcome === 'a-traiter'
      ? [
          { kind: 'paragraph', text: `Suite ${how}, votre demande « ${input.subject} » est enregistrée.` },
          {
            kind: 'paragraph',
            text: `Nous nous engageons à vous répondre au plus tard le ${formatDateFr(input.dueOn)}.`,
          },
        ]
      : input.outcome === 'rendez-vous'
        ? [
            { kind: 'paragraph', text: `Suite ${how}, votre demande « ${input.subject} » est enregistrée.` },
            { kind: 'paragraph', text: 'Nous vous recontacterons pour fixer un rendez-vous.' },
          ]
        : input.outcome === 'oriente'
          ? [
              { kind: 'paragraph', text: `Suite ${how} au sujet de « ${input.subject} » :` },
              { kind: 'value', label: 'Nous vous avons orienté vers', value: input.partner },
            ]
          : [
              {
                kind: 'paragraph',
                text: `Suite ${how} au sujet de « ${input.subject} », votre question a reçu une réponse.`,
              },
            ];
  return renderMail({
    to: input.to,
    requestId: input.requestId,
    subject: open
      ? `Demande ${input.reference} enregistrée – ${input.tenant.name}`
      : `Votre contact ${input.reference} avec la mairie – ${input.tenant.name}`,
    greeting: input.name ? `Bonjour ${input.name},` : 'Bonjour,',
    blocks: [
      ...outcome,
      { kind: 'value', label: 'Votre numéro', value: input.reference },
      { kind: 'value', label: 'Votre code de suivi', value: input.secret },
      {
        kind: 'paragraph',
        text: open
          ? 'Sur votre page de suivi, vous pouvez ajouter un message ou un document.'
          : 'Une autre question sur ce sujet ? Écrivez-nous depuis votre page de suivi.',
      },
      { kind: 'button', label: 'Voir votre suivi', url: link },
      ...(input.surveyUrl ? surveyMailBlocks(input.surveyUrl) : []),
    ],
    signature: mailSignature(input.tenant),
    trackingUrl: link,
    contact: mailContactLines(input.tenant.contact),
  });
}
