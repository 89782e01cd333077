import { z } from 'zod';
import { text } from '../../platform/web/form.ts';

/** The longest query searched: a few words, an address, a reference; beyond that, a paste by mistake. */
export const QUERY_MAX_LENGTH = 200;

/** The agents' search box (GET /agent/recherche?q=…&page=…). */
export const searchForm = z.object({
  q: text({
    max: QUERY_MAX_LENGTH,
    required: false,
    tooLong: `Cette recherche est trop longue : ${QUERY_MAX_LENGTH} caractères au plus.`,
  }),
  page: z.preprocess(
    (v) => (Array.isArray(v) ? v[0] : v),
    z
      .string()
      .optional()
      .transform((v) => {
        const n = Number(v ?? '1');
        return Number.isInteger(n) && n >= 1 && n <= 1000 ? n : 1;
      }),
  ),
});
