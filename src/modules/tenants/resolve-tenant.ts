import { sql } from 'kysely';
import type { Db } from '../../db/tenant-scope.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { TtlCache } from '../../platform/cache.ts';
import { systemClock, type Clock } from '../../platform/clock.ts';
import type { Tenant } from './tenant.ts';

const TTL_MS = 30_000;

/**
 * Finds the tenant of a request from its host name or its `/t/<slug>` prefix. Results are
 * cached briefly: every page needs the tenant and it changes rarely.
 */
export class TenantResolver {
  private readonly cache: TtlCache<Tenant | null>;

  constructor(
    private readonly db: Db,
    clock: Clock = systemClock,
  ) {
    this.cache = new TtlCache({ ttlMs: TTL_MS, max: 1000, clock });
  }

  async byHost(host: string): Promise<Tenant | null> {
    const name = host.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
    return this.cached(`h:${name}`, async () => {
      const r = await sql<{ id: string | null }>`select guichet_resolve_host(${name}) as id`.execute(this.db);
      return r.rows[0]?.id ?? null;
    });
  }

  async bySlug(slug: string): Promise<Tenant | null> {
    return this.cached(`s:${slug.toLowerCase()}`, async () => {
      const r = await sql<{ id: string | null }>`select guichet_resolve_slug(${slug}) as id`.execute(this.db);
      return r.rows[0]?.id ?? null;
    });
  }

  clear(): void {
    this.cache.clear();
  }

  private cached(key: string, findId: () => Promise<string | null>): Promise<Tenant | null> {
    return this.cache.getOrLoad(key, async () => {
      const id = await findId();
      return id ? loadTenant(this.db, id) : null;
    });
  }
}

export async function loadTenant(db: Db, id: string): Promise<Tenant | null> {
  const row = await inTenant(db, id, (trx) =>
    trx.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst(),
  );
  if (!row) return null;
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    kind: row.kind,
    inseeCode: row.insee_code,
    departementName: row.departement_name,
    regionName: row.region_name,
    population: row.population,
    referencePrefix: row.reference_prefix,
    contact: row.contact,
    theme: row.theme,
    dpo: row.dpo ?? {},
    inboundAddress: row.inbound_address,
    siret: row.siret,
  };
}
