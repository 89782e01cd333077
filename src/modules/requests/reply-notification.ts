import type { TenantContact } from '../../db/schema.ts';
import { renderMail, type MailBlock } from '../../platform/mail-template.ts';
import type { OutgoingMail } from '../../platform/mail.ts';
import { mailContactLines, mailSignature } from '../../platform/mail-sender.ts';
import { trackingOrLookupUrl } from './notifications.ts';

/** The files the agent attached to the reply, and whether they go with the mail (else: a link). */
export interface ReplyAttachments {
  filenames: string[];
  attached: boolean;
}

/**
 * « Re: <their subject> [REF] »: the subject of an answer to an item that came by email, so that
 * the citizen's mail client files it with their message (and the reference threads their reply).
 * Earlier « Re: », « TR: »… and a reference already there are not repeated.
 */
export function threadSubject(theirSubject: string, reference: string): string {
  const base = theirSubject
    .replace(/^(\s*(re|tr|fw|fwd|aw|réf|ref)\s*(\[\d+\])?\s*:\s*)+/i, '')
    .split(`[${reference}]`)
    .join('')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
  return base && base !== '(sans objet)' ? `Re: ${base} [${reference}]` : `Re: votre message [${reference}]`;
}

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
  /** The subject instead of the usual one (an answer in an email thread: `threadSubject`). */
  subject?: string;
  attachments?: ReplyAttachments;
}): OutgoingMail {
  const link = trackingOrLookupUrl(input.baseUrl, input.reference, input.trackingSecret);
  const blocks: MailBlock[] = [
    { kind: 'paragraph', text: `Un agent vous répond au sujet de votre demande ${input.reference}.` },
    { kind: 'value', label: 'Démarche', value: input.demarcheTitle },
    { kind: 'quote', label: 'Message de l’agent qui suit votre demande :', text: input.message },
  ];
  const files = input.attachments?.filenames ?? [];
  if (files.length > 0) {
    blocks.push(
      input.attachments?.attached
        ? {
            kind: 'paragraph',
            text: files.length > 1 ? 'Les documents joints à ce courriel :' : 'Le document joint à ce courriel :',
          }
        : {
            kind: 'paragraph',
            text: `${files.length > 1 ? 'Les documents sont trop lourds' : 'Le document est trop lourd'} pour être joint${files.length > 1 ? 's' : ''} à ce courriel : téléchargez-${files.length > 1 ? 'les' : 'le'} sur la page de votre demande.`,
          },
      { kind: 'list', items: files },
    );
  }
  blocks.push({ kind: 'button', label: 'Voir votre demande et répondre', url: link });
  if (!input.trackingSecret) {
    blocks.push({
      kind: 'paragraph',
      text: 'Saisissez le code de suivi reçu quand vous avez déposé la demande (il est aussi sur votre récépissé).',
    });
  }
  return renderMail({
    to: input.to,
    requestId: input.requestId,
    subject: input.subject ?? `Votre demande ${input.reference} : réponse de ${mailSignature(input.tenant)}`,
    greeting: input.applicantName ? `Bonjour ${input.applicantName},` : 'Bonjour,',
    blocks,
    signature: mailSignature(input.tenant),
    trackingUrl: link,
    contact: mailContactLines(input.tenant.contact),
  });
}
