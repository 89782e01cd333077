import type { Db } from '../../db/tenant-scope.ts';
import { inTenant } from '../../db/tenant-scope.ts';

/**
 * Villebelle's agendas for the demo and the tests: two sites (the mairie and its annexe), their
 * counters and a room, opening hours like the town hall's, and motifs for the identity card, the
 * passport, the PACS and a collective workshop (six people per session).
 */

interface SeedResource {
  name: string;
  kind: 'counter' | 'room';
  /** [ISO weekday, opens, closes] */
  hours: [number, string, string][];
}

const WEEKDAYS = [1, 2, 3, 4, 5];
const TOWN_HALL: [number, string, string][] = WEEKDAYS.flatMap((d) => [
  [d, '08:30', '12:00'] as [number, string, string],
  [d, '13:30', '17:30'] as [number, string, string],
]);

const SITES: {
  name: string;
  kind: 'mairie' | 'annexe';
  address: string;
  accessInfo: string;
  openingHours: string;
  phone: string;
  resources: SeedResource[];
}[] = [
  {
    name: 'Mairie de Villebelle',
    kind: 'mairie',
    address: '1 place de la République',
    phone: '01 00 00 00 00',
    accessInfo:
      'Entrée accessible en fauteuil roulant par la rue du Marché. Présentez-vous à l’accueil à l’heure du rendez-vous.',
    openingHours: 'Du lundi au vendredi de 8 h 30 à 12 h et de 13 h 30 à 17 h 30, le samedi de 9 h à 12 h.',
    resources: [
      { name: 'Guichet 1', kind: 'counter', hours: [...TOWN_HALL, [6, '09:00', '12:00']] },
      { name: 'Guichet 2', kind: 'counter', hours: TOWN_HALL },
      { name: 'Salle du conseil', kind: 'room', hours: [[3, '14:00', '17:00']] },
    ],
  },
  {
    name: 'Mairie annexe des Coteaux',
    kind: 'annexe',
    address: '5 avenue des Coteaux',
    phone: '01 00 00 00 20',
    accessInfo: 'Bus 3, arrêt « Les Coteaux ». Parking gratuit devant l’annexe.',
    openingHours: 'Le mardi et le jeudi de 9 h à 12 h et de 14 h à 17 h.',
    resources: [
      {
        name: 'Guichet de l’annexe',
        kind: 'counter',
        hours: [2, 4].flatMap((d) => [
          [d, '09:00', '12:00'] as [number, string, string],
          [d, '14:00', '17:00'] as [number, string, string],
        ]),
      },
    ],
  },
];

const MOTIFS: {
  demarche: string;
  name: string;
  duration: number;
  buffer: number;
  capacity?: number;
  resources: string[];
  documents?: string[];
}[] = [
  {
    demarche: 'carte-identite',
    name: 'Dépôt d’une demande de carte d’identité',
    duration: 20,
    buffer: 5,
    resources: ['Guichet 1', 'Guichet 2', 'Guichet de l’annexe'],
  },
  {
    demarche: 'passeport',
    name: 'Dépôt d’une demande de passeport',
    duration: 20,
    buffer: 5,
    resources: ['Guichet 1', 'Guichet 2', 'Guichet de l’annexe'],
  },
  { demarche: 'pacs', name: 'Enregistrement d’un PACS', duration: 45, buffer: 15, resources: ['Guichet 2'] },
  {
    demarche: 'aide-demarches-en-ligne',
    name: 'Atelier « Faire ses démarches en ligne »',
    duration: 90,
    buffer: 0,
    capacity: 6,
    resources: ['Salle du conseil'],
    documents: [
      'Votre téléphone ou votre ordinateur portable, chargé',
      'Vos identifiants (impots.gouv.fr, Ameli…) si vous en avez',
    ],
  },
];

/** Creates the demo agendas once (nothing when the tenant has sites already). */
export async function seedDemoAppointments(db: Db, tenantId: string): Promise<void> {
  await inTenant(db, tenantId, async (trx) => {
    const existing = await trx.selectFrom('appointment_sites').select('id').executeTakeFirst();
    if (existing) return;
    const resourceIds = new Map<string, string>();
    for (const [i, site] of SITES.entries()) {
      const { id: siteId } = await trx
        .insertInto('appointment_sites')
        .values({
          tenant_id: tenantId,
          name: site.name,
          kind: site.kind,
          address: site.address,
          postal_code: '00000',
          city: 'Villebelle',
          phone: site.phone,
          access_info: site.accessInfo,
          opening_hours: site.openingHours,
          position: i,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      for (const [j, r] of site.resources.entries()) {
        const { id } = await trx
          .insertInto('appointment_resources')
          .values({ tenant_id: tenantId, site_id: siteId, name: r.name, kind: r.kind, position: j })
          .returning('id')
          .executeTakeFirstOrThrow();
        resourceIds.set(r.name, id);
        await trx
          .insertInto('appointment_opening_periods')
          .values(
            r.hours.map(([weekday, opens, closes]) => ({
              tenant_id: tenantId,
              resource_id: id,
              weekday,
              opens_at: opens,
              closes_at: closes,
            })),
          )
          .execute();
      }
    }
    for (const [i, m] of MOTIFS.entries()) {
      const demarche = await trx.selectFrom('demarches').select('id').where('slug', '=', m.demarche).executeTakeFirst();
      if (!demarche) continue;
      const { id } = await trx
        .insertInto('appointment_motifs')
        .values({
          tenant_id: tenantId,
          demarche_id: demarche.id,
          name: m.name,
          duration_minutes: m.duration,
          buffer_minutes: m.buffer,
          capacity: m.capacity ?? 1,
          documents: m.documents ?? [],
          position: i,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('appointment_motif_resources')
        .values(m.resources.map((name) => ({ tenant_id: tenantId, motif_id: id, resource_id: resourceIds.get(name)! })))
        .execute();
    }
  });
}
