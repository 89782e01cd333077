import { inTenant, type Db } from '../../db/tenant-scope.ts';
import { DEFAULT_SYNONYMS } from './default-synonyms.ts';

/** Gives a tenant the default synonyms and abbreviations (new communes and the demo); terms it already has are kept. */
export async function seedSearchSynonyms(db: Db, tenantId: string): Promise<void> {
  await inTenant(db, tenantId, (trx) =>
    trx
      .insertInto('search_synonyms')
      .values(
        DEFAULT_SYNONYMS.map((s) => ({ tenant_id: tenantId, term: s.term, expansions: s.expansions, kind: s.kind })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute(),
  );
}
