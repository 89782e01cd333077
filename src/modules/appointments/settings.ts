import type { Db, Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { HORIZON_DAYS, importClosures, parseClosures } from './import-closures.ts';
import { addDays, zonedInstant } from './local-time.ts';

/**
 * The administrators' appointment settings (`/agent/admin/rendez-vous`): sites and their
 * resources, weekly opening periods, closures (typed or imported from an iCalendar file) and
 * motifs per démarche. One function per change; each runs in the caller's tenant transaction.
 * Changing them never touches a booked appointment: only the slots offered change.
 */

export interface SettingsOverview {
  sites: {
    id: string;
    name: string;
    kind: string;
    address: string;
    resources: {
      id: string;
      name: string;
      kind: string;
      periods: { id: string; weekday: number; opensAt: string; closesAt: string }[];
    }[];
  }[];
  closures: { id: string; label: string; start: Date; end: Date; scope: string; source: string }[];
  motifs: {
    id: string;
    name: string;
    demarche: string;
    duration: number;
    buffer: number;
    capacity: number;
    mode: string;
    minLeadMinutes: number;
    maxLeadDays: number;
    cancelUntilMinutes: number;
    resources: string[];
  }[];
  demarches: { id: string; title: string }[];
}

export async function settingsOverview(conn: Db | Tx, now: Date): Promise<SettingsOverview> {
  const [sites, resources, periods, closures, motifs, motifResources, demarches] = await Promise.all([
    conn
      .selectFrom('appointment_sites')
      .select(['id', 'name', 'kind', 'address', 'postal_code', 'city'])
      .where('active', '=', true)
      .orderBy('position')
      .orderBy('name')
      .execute(),
    conn
      .selectFrom('appointment_resources')
      .select(['id', 'site_id', 'name', 'kind'])
      .where('active', '=', true)
      .orderBy('position')
      .orderBy('name')
      .execute(),
    conn
      .selectFrom('appointment_opening_periods')
      .select(['id', 'resource_id', 'weekday', 'opens_at', 'closes_at'])
      .orderBy('weekday')
      .orderBy('opens_at')
      .execute(),
    conn
      .selectFrom('appointment_closures as c')
      .leftJoin('appointment_sites as s', (j) =>
        j.onRef('s.tenant_id', '=', 'c.tenant_id').onRef('s.id', '=', 'c.site_id'),
      )
      .leftJoin('appointment_resources as r', (j) =>
        j.onRef('r.tenant_id', '=', 'c.tenant_id').onRef('r.id', '=', 'c.resource_id'),
      )
      .select(['c.id', 'c.label', 'c.starts_at', 'c.ends_at', 'c.source', 's.name as site', 'r.name as resource'])
      .where('c.ends_at', '>', now)
      .orderBy('c.starts_at')
      .limit(200)
      .execute(),
    conn
      .selectFrom('appointment_motifs as m')
      .innerJoin('demarches as d', (j) =>
        j.onRef('d.tenant_id', '=', 'm.tenant_id').onRef('d.id', '=', 'm.demarche_id'),
      )
      .select([
        'm.id',
        'm.name',
        'd.title',
        'm.duration_minutes',
        'm.buffer_minutes',
        'm.capacity',
        'm.mode',
        'm.min_lead_minutes',
        'm.max_lead_days',
        'm.cancel_until_minutes',
      ])
      .where('m.active', '=', true)
      .orderBy('d.title')
      .orderBy('m.position')
      .execute(),
    conn
      .selectFrom('appointment_motif_resources as mr')
      .innerJoin('appointment_resources as r', (j) =>
        j.onRef('r.tenant_id', '=', 'mr.tenant_id').onRef('r.id', '=', 'mr.resource_id'),
      )
      .innerJoin('appointment_sites as s', (j) =>
        j.onRef('s.tenant_id', '=', 'r.tenant_id').onRef('s.id', '=', 'r.site_id'),
      )
      .select(['mr.motif_id', 'r.name', 's.name as site'])
      .orderBy('s.position')
      .orderBy('s.name')
      .orderBy('r.position')
      .execute(),
    conn
      .selectFrom('demarches')
      .select(['id', 'title'])
      .where('published_at', 'is not', null)
      .where('kind', '=', 'demarche')
      .orderBy('title')
      .execute(),
  ]);
  return {
    sites: sites.map((s) => ({
      id: s.id,
      name: s.name,
      kind: s.kind,
      address: [s.address, `${s.postal_code} ${s.city}`.trim()].filter(Boolean).join(', '),
      resources: resources
        .filter((r) => r.site_id === s.id)
        .map((r) => ({
          id: r.id,
          name: r.name,
          kind: r.kind,
          periods: periods
            .filter((p) => p.resource_id === r.id)
            .map((p) => ({
              id: p.id,
              weekday: p.weekday,
              opensAt: p.opens_at.slice(0, 5),
              closesAt: p.closes_at.slice(0, 5),
            })),
        })),
    })),
    closures: closures.map((c) => ({
      id: c.id,
      label: c.label,
      start: c.starts_at,
      end: c.ends_at,
      scope: c.resource ?? c.site ?? 'Tous les lieux',
      source: c.source,
    })),
    motifs: motifs.map((m) => ({
      id: m.id,
      name: m.name,
      demarche: m.title,
      duration: m.duration_minutes,
      buffer: m.buffer_minutes,
      capacity: m.capacity,
      mode: m.mode,
      minLeadMinutes: m.min_lead_minutes,
      maxLeadDays: m.max_lead_days,
      cancelUntilMinutes: m.cancel_until_minutes,
      // « Guichet 1 » is in every site: named with its site, as in the form's checkboxes.
      resources: motifResources.filter((x) => x.motif_id === m.id).map((x) => `${x.site} – ${x.name}`),
    })),
    demarches,
  };
}

export async function addSite(
  trx: Tx,
  tenantId: string,
  input: {
    name: string;
    kind: 'mairie' | 'annexe' | 'france_services' | 'autre';
    address: string;
    postalCode: string;
    city: string;
    phone: string;
    openingHours: string;
    counters: number;
  },
): Promise<string> {
  const site = await trx
    .insertInto('appointment_sites')
    .values({
      tenant_id: tenantId,
      name: input.name,
      kind: input.kind,
      address: input.address,
      postal_code: input.postalCode,
      city: input.city,
      phone: input.phone,
      opening_hours: input.openingHours,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (let i = 1; i <= input.counters; i++)
    await trx
      .insertInto('appointment_resources')
      .values({ tenant_id: tenantId, site_id: site.id, name: `Guichet ${i}`, kind: 'counter', position: i })
      .execute();
  return site.id;
}

/** A weekly opening period of a resource; refused when it overlaps another of the same day. */
export async function addOpeningPeriod(
  trx: Tx,
  tenantId: string,
  input: { resourceId: string; weekdays: number[]; opensAt: string; closesAt: string },
): Promise<void> {
  const resource = await trx
    .selectFrom('appointment_resources')
    .select('id')
    .where('id', '=', input.resourceId)
    .executeTakeFirst();
  if (!resource) throw new AppError('not_found', 'Ce guichet n’existe pas.');
  const overlapping = await trx
    .selectFrom('appointment_opening_periods')
    .select('id')
    .where('resource_id', '=', input.resourceId)
    .where('weekday', 'in', input.weekdays)
    .where('opens_at', '<', input.closesAt)
    .where('closes_at', '>', input.opensAt)
    .executeTakeFirst();
  if (overlapping)
    throw new AppError('conflict', 'Ces horaires chevauchent des horaires déjà saisis pour ce guichet ce jour-là.');
  await trx
    .insertInto('appointment_opening_periods')
    .values(
      input.weekdays.map((weekday) => ({
        tenant_id: tenantId,
        resource_id: input.resourceId,
        weekday,
        opens_at: input.opensAt,
        closes_at: input.closesAt,
      })),
    )
    .execute();
}

export async function deleteOpeningPeriod(trx: Tx, periodId: string): Promise<void> {
  const row = await trx
    .deleteFrom('appointment_opening_periods')
    .where('id', '=', periodId)
    .returning('id')
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', 'Ces horaires n’existent pas.');
}

/**
 * A site the form named, checked before a closure refers to it: a stale page (or a forged id)
 * gets the form back with its error on `field`, not the database's refusal of the foreign key.
 */
async function requireSite(trx: Tx, siteId: string | null, field: string): Promise<void> {
  if (siteId === null) return;
  const site = await trx
    .selectFrom('appointment_sites')
    .select('id')
    .where('id', '=', siteId)
    .where('active', '=', true)
    .executeTakeFirst();
  if (!site)
    throw new AppError('validation_failed', 'Ce lieu n’existe pas.', [
      { field, message: 'Choisissez un lieu de la liste.' },
    ]);
}

/** Whole days closed (Europe/Paris), for every site or one. */
export async function addClosure(
  trx: Tx,
  tenantId: string,
  input: { siteId: string | null; from: string; to: string; label: string },
): Promise<void> {
  await requireSite(trx, input.siteId, 'lieu');
  await trx
    .insertInto('appointment_closures')
    .values({
      tenant_id: tenantId,
      site_id: input.siteId,
      starts_at: zonedInstant(input.from, 0)!,
      ends_at: zonedInstant(addDays(input.to, 1), 0)!,
      label: input.label,
      source: 'manual',
    })
    .execute();
}

/**
 * The closures of an iCalendar file, for every site or one. A file with nothing ahead (past events,
 * or beyond the import horizon) is refused: the page would otherwise say « importées » and show none.
 */
export async function importClosureFile(
  trx: Tx,
  tenantId: string,
  input: { siteId: string | null; content: string; today: string },
): Promise<number> {
  await requireSite(trx, input.siteId, 'lieu_import');
  const closures = parseClosures(input.content, input.today);
  if (closures.length === 0)
    throw new AppError('validation_failed', 'Ce fichier ne contient aucune fermeture à venir.', [
      {
        field: 'fichier',
        message: `Ce fichier ne contient aucune fermeture à venir : ses évènements sont passés, ou à plus de ${HORIZON_DAYS} jours. Rien n’est importé.`,
      },
    ]);
  return importClosures(trx, tenantId, { siteId: input.siteId, resourceId: null }, closures);
}

export async function deleteClosure(trx: Tx, closureId: string): Promise<void> {
  const row = await trx
    .deleteFrom('appointment_closures')
    .where('id', '=', closureId)
    .returning('id')
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', 'Cette fermeture n’existe pas.');
}

export async function addMotif(
  trx: Tx,
  tenantId: string,
  input: {
    demarcheId: string;
    name: string;
    duration: number;
    buffer: number;
    capacity: number;
    mode: 'site' | 'phone';
    minLeadMinutes: number;
    maxLeadDays: number;
    cancelUntilMinutes: number;
    documents: string[];
    resourceIds: string[];
  },
): Promise<string> {
  const demarche = await trx.selectFrom('demarches').select('id').where('id', '=', input.demarcheId).executeTakeFirst();
  if (!demarche) throw new AppError('not_found', 'Cette démarche n’existe pas.');
  const known = input.resourceIds.length
    ? await trx.selectFrom('appointment_resources').select('id').where('id', 'in', input.resourceIds).execute()
    : [];
  if (known.length === 0 || known.length !== input.resourceIds.length)
    throw new AppError('validation_failed', 'Choisissez au moins un guichet qui reçoit ce motif.', [
      { field: 'guichets', message: 'Choisissez au moins un guichet qui reçoit ce motif.' },
    ]);
  const motif = await trx
    .insertInto('appointment_motifs')
    .values({
      tenant_id: tenantId,
      demarche_id: input.demarcheId,
      name: input.name,
      duration_minutes: input.duration,
      buffer_minutes: input.buffer,
      capacity: input.capacity,
      mode: input.mode,
      min_lead_minutes: input.minLeadMinutes,
      max_lead_days: input.maxLeadDays,
      cancel_until_minutes: input.cancelUntilMinutes,
      documents: input.documents,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('appointment_motif_resources')
    .values(known.map((r) => ({ tenant_id: tenantId, motif_id: motif.id, resource_id: r.id })))
    .execute();
  return motif.id;
}
