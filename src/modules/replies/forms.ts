import { z } from 'zod';
import { formatCharactersFr } from '../../platform/format.ts';
import { hidden, text } from '../../platform/web/form.ts';

export const TITLE_MAX = 120;
export const BODY_MAX = 5000;
export const SIGNATURE_MAX = 500;

/** A reply template, created or edited. `service` is a service id, or '' for all services. */
export const replyTemplateForm = z.object({
  titre: text({
    max: TITLE_MAX,
    required: 'Donnez un titre au modèle, par exemple « Pièce manquante ».',
    tooLong: `Le titre est trop long : ${formatCharactersFr(TITLE_MAX)} au plus.`,
  }),
  service: hidden(100),
  texte: text({
    // Line breaks come as two characters from a textarea: the use case applies the exact bound.
    max: 2 * BODY_MAX,
    required: 'Écrivez le texte du modèle.',
    trim: false,
    tooLong: `Le texte est trop long : ${formatCharactersFr(BODY_MAX)} au plus.`,
  }),
});

export type ReplyTemplateValues = { titre: string; service: string; texte: string };

export const signatureForm = z.object({
  signature: text({
    max: 2 * SIGNATURE_MAX,
    required: false,
    trim: false,
    tooLong: `La signature est trop longue : ${formatCharactersFr(SIGNATURE_MAX)} au plus.`,
  }),
});
