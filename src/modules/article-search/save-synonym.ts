import type { Tx } from '../../db/tenant-scope.ts';
import type { FieldError } from '../../platform/web/form.ts';
import { countSynonyms, findSynonymByTerm, insertSynonym } from './repository.ts';
import { splitExpansions } from './forms.ts';

/** A tenant keeps at most this many synonym groups: each query scans them. */
export const MAX_SYNONYMS_PER_TENANT = 500;

/** Adds a synonym group for the tenant; the term must be new, the tenant under its limit. */
export async function saveSynonym(
  trx: Tx,
  input: { tenantId: string; term: string; expansions: string; kind: 'synonym' | 'abbreviation' },
): Promise<{ ok: true } | { ok: false; errors: FieldError[] }> {
  const term = input.term.replace(/\s+/g, ' ').trim();
  const expansions = splitExpansions(input.expansions).filter((e) => e.toLowerCase() !== term.toLowerCase());
  if (expansions.length === 0)
    return {
      ok: false,
      errors: [{ field: 'equivalents', message: 'Indiquez au moins un équivalent différent du mot.' }],
    };
  if (await findSynonymByTerm(trx, term))
    return {
      ok: false,
      errors: [
        { field: 'terme', message: `« ${term} » a déjà des équivalents : retirez-les d’abord pour les changer.` },
      ],
    };
  if ((await countSynonyms(trx)) >= MAX_SYNONYMS_PER_TENANT)
    return {
      ok: false,
      errors: [
        {
          field: 'terme',
          message: `La commune a déjà ${MAX_SYNONYMS_PER_TENANT} mots avec équivalents : retirez-en d’abord.`,
        },
      ],
    };
  await insertSynonym(trx, { tenantId: input.tenantId, term, expansions, kind: input.kind });
  return { ok: true };
}
