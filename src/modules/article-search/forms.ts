import { z } from 'zod';
import { text } from '../../platform/web/form.ts';
import { MAX_EXPANSIONS_PER_TERM } from './search-index.ts';

export { MAX_EXPANSIONS_PER_TERM };

/** Splits what was typed in « Ce qu'il veut dire aussi »: one per line, or separated by ; or ,. */
export function splitExpansions(value: string): string[] {
  return [
    ...new Set(
      value
        .split(/[\n;,]+/)
        .map((s) => s.replace(/\s+/g, ' ').trim())
        .filter((s) => s.length > 0),
    ),
  ];
}

/** A synonym or abbreviation to add: the term, what it also means, its kind. */
export const synonymForm = z
  .object({
    terme: text({
      max: 80,
      required: 'Indiquez le mot ou l’abréviation, par exemple « CNI ».',
      tooLong: 'Le mot doit faire au plus 80 caractères.',
    }),
    equivalents: text({
      max: 2000,
      required: 'Indiquez au moins un équivalent, par exemple « carte d’identité ».',
      tooLong: 'Les équivalents doivent faire au plus 2 000 caractères.',
    }),
    type: z.preprocess(
      (v) => (Array.isArray(v) ? v[0] : v),
      z.enum(['synonym', 'abbreviation'], { error: 'Choisissez « synonyme » ou « abréviation ».' }),
    ),
  })
  .superRefine((v, ctx) => {
    const list = splitExpansions(v.equivalents);
    if (list.length > MAX_EXPANSIONS_PER_TERM)
      ctx.addIssue({
        code: 'custom',
        path: ['equivalents'],
        message: `Indiquez au plus ${MAX_EXPANSIONS_PER_TERM} équivalents pour un mot.`,
      });
    if (list.some((s) => s.length > 80))
      ctx.addIssue({
        code: 'custom',
        path: ['equivalents'],
        message: 'Chaque équivalent doit faire au plus 80 caractères.',
      });
  });

export type SynonymValues = { terme: string; equivalents: string; type: string };
