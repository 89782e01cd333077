import { z } from 'zod';
import { formatCharactersFr } from '../../platform/format.ts';
import { hidden, text } from '../../platform/web/form.ts';
import { MESSAGE_MAX_LENGTH } from './add-citizen-message.ts';

/**
 * The tracking page's form: a message and documents (the documents are checked by the upload
 * gate and the use case). The message may be empty when documents come with it: only the use
 * case knows, so the bound here is the only rule; a textarea sends line breaks as two characters,
 * hence the loose bound, the use case applying the exact one with the same words.
 */
export const trackingMessageForm = z.object({
  cle: hidden(100),
  message: text({
    max: 2 * MESSAGE_MAX_LENGTH,
    required: false,
    tooLong: `Votre message doit faire au plus ${formatCharactersFr(MESSAGE_MAX_LENGTH)}.`,
  }),
});
