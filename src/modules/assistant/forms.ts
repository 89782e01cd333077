import { z } from 'zod';
import { checkbox, email, hidden, text } from '../../platform/web/form.ts';

/**
 * The question as the page posts it. Only its presence is checked here: length and content are
 * the use case's (answer-question.ts, `checkQuestion`), so the page, the widget and the API
 * refuse the same questions with the same words.
 */
export const questionForm = z.object({
  question: text({ max: 100_000, required: 'Écrivez votre question.' }),
  conversation: hidden(64),
});

export const handOffForm = z.object({
  nom: text({ max: 200, required: 'Indiquez votre nom.' }),
  email: email({ required: false }),
  telephone: text({
    max: 30,
    required: false,
    pattern: {
      regex: /^\+?[\d\s.()-]{6,30}$/,
      message: 'Indiquez un numéro de téléphone, par exemple 06 12 34 56 78.',
    },
  }),
  consentement: checkbox(),
});

export const assistantSettingsForm = z.object({
  donnees_personnelles: checkbox(),
});
