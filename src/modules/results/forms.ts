import { z } from 'zod';
import { text } from '../../platform/web/form.ts';
import { day } from '../audit/forms.ts';

/** Missed calls of a day: the day, how many, the service called (empty: the switchboard). */
export const missedCallsForm = z.object({
  jour: day('Jour').refine((v) => v !== null, { error: 'Indiquez le jour, par exemple 03/12/2026.' }),
  appels: text({
    max: 20,
    required: 'Indiquez le nombre d’appels sans réponse, par exemple 4.',
    tooLong: 'Indiquez un nombre d’appels entre 1 et 100 000.',
    pattern: { regex: /^[1-9]\d{0,5}$/, message: 'Indiquez un nombre entier d’appels, par exemple 4.' },
  }).refine((v) => Number(v) <= 100_000, { error: 'Indiquez un nombre d’appels entre 1 et 100 000.' }),
  service: z.preprocess((v) => (Array.isArray(v) ? v[0] : (v ?? '')), z.string().max(60)),
});
