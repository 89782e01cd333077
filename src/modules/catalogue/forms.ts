import { z } from 'zod';
import { text } from '../../platform/web/form.ts';

/** The longest search kept; a longer query is cut rather than refused (a search never fails). */
export const SEARCH_MAX = 200;

/**
 * The search box (`GET /recherche?q=`): the first value of `q`, trimmed and cut to SEARCH_MAX
 * characters; anything that is not text (a forged query) counts as an empty search.
 */
export const searchQuery = z.object({
  q: z.preprocess(
    (v) => {
      const first: unknown = Array.isArray(v) ? v[0] : v;
      return typeof first === 'string' ? first.trim().slice(0, SEARCH_MAX) : '';
    },
    text({ max: SEARCH_MAX, required: false }),
  ),
});
