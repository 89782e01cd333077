import { inTenant, type Db } from '../../db/tenant-scope.ts';

/**
 * The demo commune's routing rules (`npm start`): what a town hall typically writes first, so
 * that the « Orientation des demandes » page and the `routed` events have something to show. A
 * rule whose service the commune lacks is skipped.
 */
const DEMO_RULES: { name: string; keywords: string[]; channels?: string[]; service: string }[] = [
  {
    name: 'Dépôts sauvages et encombrants',
    keywords: ['dépôt sauvage', 'dépôts sauvages', 'encombrant', 'encombrants', 'déchets'],
    service: 'environnement-dechets',
  },
  {
    name: 'Bruit et tapage',
    keywords: ['bruit', 'tapage', 'nuisances sonores'],
    service: 'police-municipale',
  },
  {
    name: 'Courriels d’état civil',
    keywords: ['acte de naissance', 'acte de mariage', 'acte de décès', 'livret de famille'],
    channels: ['courriel'],
    service: 'etat-civil',
  },
  {
    name: 'Courriels sur la voirie et l’éclairage',
    keywords: ['trottoir', 'nid de poule', 'nids de poule', 'chaussée', 'lampadaire', 'éclairage public'],
    channels: ['courriel'],
    service: 'voirie-proprete',
  },
];

export async function seedDemoRoutingRules(db: Db, tenantId: string): Promise<void> {
  await inTenant(db, tenantId, async (trx) => {
    if (await trx.selectFrom('routing_rules').select('id').limit(1).executeTakeFirst()) return;
    const services = await trx.selectFrom('services').select(['id', 'slug']).execute();
    let position = 0;
    for (const rule of DEMO_RULES) {
      const service = services.find((s) => s.slug === rule.service);
      if (!service) continue;
      await trx
        .insertInto('routing_rules')
        .values({
          tenant_id: tenantId,
          position: ++position,
          name: rule.name,
          keywords: rule.keywords,
          channels: rule.channels ?? [],
          service_id: service.id,
        })
        .execute();
    }
  });
}
