import { z } from 'zod';
import { text } from '../../platform/web/form.ts';
import { day } from '../audit/forms.ts';

/** A closing day to add: the date and why the town hall is closed. */
export const closingDayForm = z.object({
  jour: day('Date').refine((v) => v !== null, { error: 'Indiquez la date de fermeture, par exemple 15/05/2026.' }),
  libelle: text({
    max: 100,
    required: 'Indiquez pourquoi la mairie est fermée, par exemple « Pont de l’Ascension ».',
    tooLong: 'Le motif doit faire au plus 100 caractères.',
  }),
});

export type ClosingDayValues = { jour: string; libelle: string };

/** The period of the deadline report: both days included, or the last twelve months. */
export const periodForm = z
  .object({
    du: day('Du'),
    au: day('Au'),
  })
  .superRefine((v, ctx) => {
    if (v.du && v.au && v.du > v.au)
      ctx.addIssue({ code: 'custom', path: ['au'], message: 'Au : choisissez une date après celle de début.' });
  });
