import type { RequestStatus, TenantContact } from '../../db/schema.ts';
import type { OutgoingMail } from '../../platform/mail.ts';
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
  tenant: { name: string; contact: TenantContact };
  /** The tenant's public address, e.g. https://villebelle.example or http://localhost:3000/t/villebelle */
  baseUrl: string;
}

/**
 * The mail telling a citizen that their request changed status. Plain text only: it reads the
 * same in every mail client and screen reader. There is no direct link to the request because
 * only the hash of its tracking code is kept: the citizen enters the reference and the code.
 */
export function buildStatusNotification(input: StatusNotificationInput): OutgoingMail {
  const label = STATUS_LABELS[input.status];
  const c = input.tenant.contact;
  const contactLines = [
    c.phone ? `Téléphone : ${c.phone}` : null,
    c.email ? `Courriel : ${c.email}` : null,
    c.postalAddress ? `Adresse : ${c.postalAddress}` : c.address ? `Adresse : ${c.address}` : null,
  ].filter((l): l is string => l !== null);
  const lines = [
    input.applicantName ? `Bonjour ${input.applicantName},` : 'Bonjour,',
    '',
    `Votre demande ${input.reference} a changé de statut.`,
    `Démarche : ${input.demarcheTitle}`,
    `Nouveau statut : ${label}.`,
    STATUS_EXPLANATIONS[input.status],
    '',
    ...(input.message.trim() ? ['Message de l’agent qui suit votre demande :', input.message.trim(), ''] : []),
    'Pour suivre votre demande, ouvrez cette page :',
    `${input.baseUrl}/suivi`,
    `Saisissez la référence ${input.reference} et le code reçu quand vous avez déposé la demande.`,
    '',
    ...(contactLines.length > 0 ? [`Une question ? Contactez ${input.tenant.name} :`, ...contactLines, ''] : []),
    'Ce message est envoyé automatiquement. Merci de ne pas y répondre.',
    input.tenant.name,
  ];
  return {
    to: input.to,
    subject: `Votre demande ${input.reference} : ${label.toLowerCase()}`,
    text: lines.join('\n'),
    requestId: input.requestId,
  };
}
