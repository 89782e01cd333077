import { sql } from 'kysely';
import { inTenant, type Db } from '../../db/tenant-scope.ts';
import { parisDay } from '../../platform/format.ts';
import type { Job } from '../../platform/jobs/daily.ts';
import { computeResults, computeSiteResults, publishResults } from './compute-results.ts';
import type { ResultsSources } from './sources.ts';

/** Computes and publishes one tenant's results on `now`'s day; returns the scopes written. */
export async function refreshTenantResults(
  db: Db,
  tenantId: string,
  now: Date,
  sources: ResultsSources = {},
): Promise<number> {
  return inTenant(db, tenantId, async (trx) => {
    const today = parisDay(now);
    const documents = [
      ...(await computeResults(trx, { today, now, sources })),
      ...(await computeSiteResults(trx, { today, now, sources })),
    ];
    await publishResults(trx, tenantId, documents, now);
    // The ballot-stuffing counters are per day: yesterday's is the last one that matters.
    const yesterday = parisDay(new Date(now.getTime() - 2 * 86_400_000));
    await trx.deleteFrom('survey_rate_counts').where('day', '<', yesterday).execute();
    return documents.length;
  });
}

/** The daily job `results`: « Nos résultats » of every tenant, computed once a day. */
export function resultsJobs(db: Db, sources: ResultsSources = {}): Job[] {
  return [
    {
      name: 'results',
      description: 'Compute the published results (« Nos résultats ») of every collectivité.',
      run: async (now) => {
        const tenants = await sql<{ id: string }>`select guichet_tenant_ids() as id`.execute(db);
        let scopes = 0;
        for (const { id } of tenants.rows) scopes += await refreshTenantResults(db, id, now, sources);
        return { tenants: tenants.rows.length, scopes };
      },
    },
  ];
}
