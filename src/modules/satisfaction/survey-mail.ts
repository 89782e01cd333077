import type { MailBlock } from '../../platform/mail-template.ts';

/**
 * The survey's invitation inside a mail the citizen receives anyway (the status change that
 * closes a request, the summary of a call or a visit): a heading, one sentence, the link. No
 * mail of its own: one message, not two.
 */
export function surveyMailBlocks(url: string): MailBlock[] {
  return [
    { kind: 'heading', text: 'Votre avis nous aide' },
    {
      kind: 'paragraph',
      text: 'Trois questions, une minute : dites-nous si vous êtes satisfait. Vous pouvez répondre sans donner votre nom.',
    },
    { kind: 'button', label: 'Donner mon avis', url },
  ];
}

/** The text message when the citizen has no mail address: who, what, the link. */
export function surveySmsText(who: string, reference: string, url: string): string {
  return `${who} : votre demande ${reference} est terminée. Votre avis en 1 minute : ${url}`;
}

/** The text message after a visit at the counter, to a booked citizen who chose text messages. */
export function visitSurveySmsText(who: string, url: string): string {
  return `${who} : merci de votre visite. Votre avis en 1 minute : ${url}`;
}
