import type { Db } from '../../db/tenant-scope.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { compareFr } from '../../platform/format.ts';

export interface CatalogueEntry {
  slug: string;
  title: string;
  kind: 'demarche' | 'information';
}

export interface ServiceWithEntries {
  slug: string;
  name: string;
  entries: CatalogueEntry[];
}

export interface PublicCatalogue {
  services: ServiceWithEntries[];
  /** Life events that at least one public entry belongs to. */
  lifeEvents: Set<string>;
}

/**
 * Every public démarche and information page of the tenant, grouped by service. Internal agent
 * sheets never leave the back office. Sorted in French order here rather than in SQL, since
 * the database collation may differ between PGlite and the server.
 */
export async function listPublicCatalogue(db: Db, tenantId: string): Promise<PublicCatalogue> {
  const rows = await inTenant(db, tenantId, (trx) =>
    trx
      .selectFrom('demarches')
      .innerJoin('services', (join) =>
        join.onRef('services.tenant_id', '=', 'demarches.tenant_id').onRef('services.id', '=', 'demarches.service_id'),
      )
      .select([
        'services.slug as serviceSlug',
        'services.name as serviceName',
        'demarches.slug as slug',
        'demarches.title as title',
        'demarches.kind as kind',
        'demarches.life_events as lifeEvents',
      ])
      .where('demarches.audience', '=', 'public')
      .where('demarches.published_at', 'is not', null)
      .execute(),
  );
  const services = new Map<string, ServiceWithEntries>();
  const lifeEvents = new Set<string>();
  for (const r of rows) {
    for (const e of r.lifeEvents) lifeEvents.add(e);
    let service = services.get(r.serviceSlug);
    if (!service) {
      service = { slug: r.serviceSlug, name: r.serviceName, entries: [] };
      services.set(r.serviceSlug, service);
    }
    // Only public rows are read, and the contact démarche is internal: this never skips a page.
    if (r.kind === 'contact') continue;
    service.entries.push({ slug: r.slug, title: r.title, kind: r.kind });
  }
  const list = [...services.values()].sort((a, b) => compareFr(a.name, b.name));
  for (const s of list) s.entries.sort((a, b) => compareFr(a.title, b.title));
  return { services: list, lifeEvents };
}
