import type { ComplaintDecision, ComplaintLevel } from '../../db/schema.ts';
import { formatDateFr } from '../../platform/format.ts';
import { mailContactLines, mailSignature } from '../../platform/mail-sender.ts';
import { renderMail } from '../../platform/mail-template.ts';
import type { OutgoingMail } from '../../platform/mail.ts';
import type { Tenant } from '../../platform/tenant.ts';
import { DECISION_LABELS, LEVEL_TO } from './labels.ts';

interface Common {
  tenant: Tenant;
  to: string;
  name: string | null;
  reference: string;
  subject: string;
  requestId?: string | null;
}

function greeting(name: string | null): string {
  return name ? `Bonjour ${name},` : 'Bonjour,';
}

/** The acknowledgement, sent when the complaint is recorded: its number and the date of the answer. */
export function acknowledgementMail(input: Common & { dueOn: string; days: number }): OutgoingMail {
  return renderMail({
    to: input.to,
    subject: `Réclamation ${input.reference} bien reçue – ${input.tenant.name}`,
    requestId: input.requestId ?? undefined,
    greeting: greeting(input.name),
    blocks: [
      {
        kind: 'paragraph',
        text: `Nous avons bien reçu votre réclamation « ${input.subject} ». Merci de nous l’avoir signalé.`,
      },
      { kind: 'value', label: 'Numéro de votre réclamation', value: input.reference },
      {
        kind: 'paragraph',
        text: `Nous vous répondrons au plus tard le ${formatDateFr(input.dueOn)} (${input.days} jours). Si la réponse ne vous convient pas, vous pourrez demander que votre réclamation soit réexaminée par la direction, puis par le médiateur.`,
      },
      { kind: 'paragraph', text: 'Pour nous écrire à ce sujet, rappelez ce numéro.' },
    ],
    signature: mailSignature(input.tenant),
    contact: mailContactLines(input.tenant.contact),
  });
}

/** The complaint goes up a level: who looks at it now and by when. */
export function escalationMail(input: Common & { level: ComplaintLevel; dueOn: string }): OutgoingMail {
  return renderMail({
    to: input.to,
    subject: `Réclamation ${input.reference} transmise ${LEVEL_TO[input.level]} – ${input.tenant.name}`,
    requestId: input.requestId ?? undefined,
    greeting: greeting(input.name),
    blocks: [
      {
        kind: 'paragraph',
        text: `Votre réclamation « ${input.subject} » est transmise ${LEVEL_TO[input.level]}, qui la réexamine.`,
      },
      { kind: 'value', label: 'Numéro de votre réclamation', value: input.reference },
      { kind: 'paragraph', text: `Nous vous répondrons au plus tard le ${formatDateFr(input.dueOn)}.` },
    ],
    signature: mailSignature(input.tenant),
    contact: mailContactLines(input.tenant.contact),
  });
}

/** The answer: the decision and its reasons. */
export function decisionMail(
  input: Common & { decision: ComplaintDecision; answer: string; level: ComplaintLevel },
): OutgoingMail {
  return renderMail({
    to: input.to,
    subject: `Réponse à votre réclamation ${input.reference} – ${input.tenant.name}`,
    requestId: input.requestId ?? undefined,
    greeting: greeting(input.name),
    blocks: [
      { kind: 'paragraph', text: `Voici notre réponse à votre réclamation « ${input.subject} ».` },
      { kind: 'value', label: 'Notre décision', value: `réclamation ${DECISION_LABELS[input.decision].toLowerCase()}` },
      { kind: 'quote', label: 'Notre réponse :', text: input.answer },
      {
        kind: 'paragraph',
        text:
          input.level === 'mediateur'
            ? 'Cette réponse est celle du médiateur : elle termine l’examen de votre réclamation par la commune.'
            : `Si cette réponse ne vous convient pas, vous pouvez demander que votre réclamation soit réexaminée ${input.level === 'service' ? 'par la direction' : 'par le médiateur'} : répondez à ce courriel en rappelant son numéro.`,
      },
    ],
    signature: mailSignature(input.tenant),
    contact: mailContactLines(input.tenant.contact),
  });
}
