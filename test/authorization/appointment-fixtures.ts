import { bookAppointment, type BookingTenant } from '../../src/modules/appointments/book-appointment.ts';
import { slotKeyOf } from '../../src/modules/appointments/availability.ts';
import { findSlots } from '../../src/modules/appointments/find-slots.ts';
import { hashLinkToken } from '../../src/modules/appointments/links.ts';
import { addDays, wallTimeOf } from '../../src/modules/appointments/local-time.ts';
import { motifById, motifsOfDemarche, type MotifRow } from '../../src/modules/appointments/repository.ts';
import type { Services } from '../../src/services.ts';
import { slotIdOf } from '../../src/modules/appointments/slot-id.ts';
import { withTenantConnection } from '../../src/db/tenant-scope.ts';
import { randomString } from '../../src/platform/security/random.ts';
import type { TestContext } from '../support/test-app.ts';

/** What the route matrix needs to walk the appointment routes (modules/appointments). */
export interface AppointmentFixtures {
  /** A booked appointment's mailed link: its page, .ics, move page, cancellation. */
  apptToken: string;
  apptReference: string;
  /** Another appointment to move, and the free slot it moves to. */
  moveToken: string;
  moveSlot: string;
  /** A third, cancelled through the API. */
  apiCancelToken: string;
  /** Free slots: one for the citizen's form, one (a single-counter motif) for the API. */
  formSlot: string;
  apiSlot: string;
  /** A free slot for the agent's booking, and an appointment an agent cancels. */
  agentSlot: string;
  agentCancelReference: string;
  /** Today's appointment (inserted as is) for the check-in, with its link. */
  checkInReference: string;
  checkInToken: string;
  /** A place offered to someone of the waiting list. */
  offerToken: string;
  /** A motif whose only slot of a day is taken: the day the waiting list accepts. */
  fullMotif: string;
  fullDay: string;
  /** The administrators' settings: a counter, one of its opening periods, a closure, a démarche. */
  settingsResource: string;
  settingsPeriod: string;
  settingsClosure: string;
  settingsDemarche: string;
}

/** The first motif of a démarche of the tenant, by the démarche's slug (tests and benchmarks). */
export async function firstMotifOf(services: Services, tenantId: string, slug: string): Promise<MotifRow> {
  return withTenantConnection(services.db, tenantId, async (c) => {
    const d = await c.selectFrom('demarches').select('id').where('slug', '=', slug).executeTakeFirstOrThrow();
    return (await motifsOfDemarche(c, d.id))[0]!;
  });
}

export async function appointmentFixtures(ctx: TestContext): Promise<AppointmentFixtures> {
  const q = ctx.database.ownerQuery;
  const tenantId = ctx.tenantId;
  const [tenantRow] = (await q('select id, name, kind, contact from tenants where id = $1', [tenantId]))
    .rows as unknown as BookingTenant[];
  const tenant = tenantRow!;
  const motifOf = async (slug: string) => {
    const { rows } = await q(
      `select m.id from appointment_motifs m join demarches d on d.tenant_id = m.tenant_id and d.id = m.demarche_id
        where m.tenant_id = $1 and d.slug = $2 order by m.position limit 1`,
      [tenantId, slug],
    );
    return withTenantConnection(ctx.services.db, tenantId, async (c) => (await motifById(c, String(rows[0]!.id)))!);
  };
  const today = wallTimeOf(new Date()).day;
  const freeSlotIds = async (slug: string) => {
    const motif = await motifOf(slug);
    const slots = await findSlots(ctx.services, tenantId, {
      motif,
      siteId: null,
      from: addDays(today, 2),
      to: addDays(today, 30),
    });
    return slots.map((s) => slotIdOf({ motifId: motif.id, siteId: s.siteId, start: s.start }));
  };
  const cni = await freeSlotIds('carte-identite');
  const pacs = await freeSlotIds('pacs');
  const person = (n: string) => ({
    givenName: 'Matrice',
    familyName: n,
    email: `matrice.${n}@example.org`,
    phone: null,
    smsReminders: false,
    channel: 'web' as const,
    baseUrl: 'http://localhost',
  });
  const appt = await bookAppointment(ctx.services, tenant, { slotId: cni[0]!, ...person('page') });
  const toMove = await bookAppointment(ctx.services, tenant, { slotId: cni[2]!, ...person('deplace') });
  const toCancel = await bookAppointment(ctx.services, tenant, { slotId: cni[4]!, ...person('api') });
  const byAgent = await bookAppointment(ctx.services, tenant, { slotId: cni[14]!, ...person('agent') });

  // Today's appointment, written directly: the check-in needs one today, whatever the hour.
  const [res] = (
    await q(
      `select r.id as resource_id, r.site_id, m.id as motif_id, m.demarche_id from appointment_motif_resources mr
         join appointment_resources r on r.tenant_id = mr.tenant_id and r.id = mr.resource_id
         join appointment_motifs m on m.tenant_id = mr.tenant_id and m.id = mr.motif_id
        where mr.tenant_id = $1 and m.id = $2 limit 1`,
      [tenantId, (await motifOf('passeport')).id],
    )
  ).rows as { resource_id: string; site_id: string; motif_id: string; demarche_id: string }[];
  const start = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 60_000);
  const checkIn = (
    await q(
      `insert into appointments (tenant_id, reference, motif_id, demarche_id, site_id, resource_id, starts_at, ends_at,
         busy_until, slot_key, given_name, family_name, email, channel)
       values ($1, 'RDV-MATR1X', $2, $3, $4, $5, $6, $7, $7, $8, 'Matrice', 'Arrivée', 'matrice.arrivee@example.org', 'web')
       returning id`,
      [
        tenantId,
        res!.motif_id,
        res!.demarche_id,
        res!.site_id,
        res!.resource_id,
        start.toISOString(),
        new Date(start.getTime() + 60_000).toISOString(),
        slotKeyOf(res!.motif_id, start),
      ],
    )
  ).rows[0]!.id as string;
  const checkInToken = randomString(32, 'base64url');
  await q('insert into appointment_links (tenant_id, token_hash, appointment_id) values ($1, $2, $3)', [
    tenantId,
    hashLinkToken(checkInToken),
    checkIn,
  ]);

  // A motif with a single slot on Mondays, taken: that Monday is full.
  const [{ id: demarcheId }] = (await q("select id from demarches where tenant_id = $1 and slug = 'pacs'", [tenantId]))
    .rows as unknown as [{ id: string }];
  const [{ id: siteId }] = (
    await q("select id from appointment_sites where tenant_id = $1 and kind = 'mairie'", [tenantId])
  ).rows as unknown as [{ id: string }];
  const [{ id: resourceId }] = (
    await q(
      "insert into appointment_resources (tenant_id, site_id, name) values ($1, $2, 'Bureau matrice') returning id",
      [tenantId, siteId],
    )
  ).rows as unknown as [{ id: string }];
  await q(
    "insert into appointment_opening_periods (tenant_id, resource_id, weekday, opens_at, closes_at) values ($1, $2, 1, '09:00', '09:30')",
    [tenantId, resourceId],
  );
  const [{ id: fullMotif }] = (
    await q(
      "insert into appointment_motifs (tenant_id, demarche_id, name, duration_minutes, position) values ($1, $2, 'Matrice', 30, 99) returning id",
      [tenantId, demarcheId],
    )
  ).rows as unknown as [{ id: string }];
  await q('insert into appointment_motif_resources (tenant_id, motif_id, resource_id) values ($1, $2, $3)', [
    tenantId,
    fullMotif,
    resourceId,
  ]);
  const full = await withTenantConnection(ctx.services.db, tenantId, async (c) => (await motifById(c, fullMotif))!);
  const [only] = await findSlots(ctx.services, tenantId, {
    motif: full,
    siteId: null,
    from: addDays(today, 2),
    to: addDays(today, 30),
  });
  await bookAppointment(ctx.services, tenant, {
    slotId: slotIdOf({ motifId: fullMotif, siteId, start: only!.start }),
    ...person('complet'),
  });

  // Someone waiting, offered a free place.
  const [{ id: waitlistId }] = (
    await q(
      `insert into appointment_waitlist (tenant_id, motif_id, day, given_name, family_name, email)
       values ($1, $2, $3, 'Matrice', 'Attente', 'matrice.attente@example.org') returning id`,
      [tenantId, (await motifOf('carte-identite')).id, addDays(today, 2)],
    )
  ).rows as unknown as [{ id: string }];
  const offerToken = randomString(32, 'base64url');
  const offered = cni[6]!.split('.');
  const offerStart = `${offered[2]!.slice(0, 4)}-${offered[2]!.slice(4, 6)}-${offered[2]!.slice(6, 8)}T${offered[2]!.slice(9, 11)}:${offered[2]!.slice(11, 13)}:00Z`;
  const [{ id: offerResource }] = (
    await q(
      'select resource_id as id from appointment_motif_resources mr join appointment_resources r on r.tenant_id = mr.tenant_id and r.id = mr.resource_id where mr.tenant_id = $1 and mr.motif_id = $2 and r.site_id = $3 limit 1',
      [tenantId, offered[0], offered[1]],
    )
  ).rows as unknown as [{ id: string }];
  await q(
    'insert into appointment_offers (tenant_id, waitlist_id, resource_id, starts_at, token_hash) values ($1, $2, $3, $4, $5)',
    [tenantId, waitlistId, offerResource, offerStart, hashLinkToken(offerToken)],
  );

  const [{ id: settingsPeriod }] = (
    await q(
      "insert into appointment_opening_periods (tenant_id, resource_id, weekday, opens_at, closes_at) values ($1, $2, 7, '10:00', '11:00') returning id",
      [tenantId, resourceId],
    )
  ).rows as unknown as [{ id: string }];
  const [{ id: settingsClosure }] = (
    await q(
      "insert into appointment_closures (tenant_id, starts_at, ends_at, label) values ($1, '2099-01-01T00:00:00Z', '2099-01-02T00:00:00Z', 'Matrice') returning id",
      [tenantId],
    )
  ).rows as unknown as [{ id: string }];

  return {
    settingsResource: resourceId,
    settingsPeriod,
    settingsClosure,
    settingsDemarche: demarcheId,
    apptToken: appt.manageToken,
    apptReference: appt.appointment.reference,
    moveToken: toMove.manageToken,
    moveSlot: cni[8]!,
    apiCancelToken: toCancel.manageToken,
    formSlot: cni[10]!,
    apiSlot: pacs[1]!,
    agentSlot: cni[12]!,
    agentCancelReference: byAgent.appointment.reference,
    checkInReference: 'RDV-MATR1X',
    checkInToken,
    offerToken,
    fullMotif,
    fullDay: wallTimeOf(only!.start).day,
  };
}
