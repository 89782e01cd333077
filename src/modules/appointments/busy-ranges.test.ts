import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestContext, type TestContext } from '../../../test/support/test-app.ts';
import { firstMotifOf } from '../../../test/authorization/appointment-fixtures.ts';
import { withTenantConnection } from '../../db/tenant-scope.ts';
import { computeSlots } from './availability.ts';
import { closedDayTest, findSlots } from './find-slots.ts';
import { cachedTenantCalendar } from '../requests/tenant-calendar.ts';
import { wallTimeOf, zonedInstant } from './local-time.ts';
import { closuresBetween, resourcesOfMotif, type MotifRow } from './repository.ts';

/**
 * The slot search (keys built only when an appointment overlaps, issue 11) gives the same slots as
 * the computation from the appointments read apart, whatever their keys: the motif's own, another
 * motif's, or the motif's with another instant. Against the real
 * database (PGlite, then the PostgreSQL server). Monday 1 March 2027, 7:00 in Villebelle.
 */
const NOW = new Date('2027-03-01T06:00:00Z');
let ctx: TestContext;
let motif: MotifRow;
let resource: string;
/** Four slots of the counter on Wednesday 3 March 2027. */
let starts: string[];

before(async () => {
  ctx = await createTestContext({ clock: { now: () => new Date(NOW) } });
  motif = await firstMotifOf(ctx.services, ctx.tenantId, 'carte-identite');
  const resources = await withTenantConnection(ctx.services.db, ctx.tenantId, (c) =>
    resourcesOfMotif(c, motif.id, null),
  );
  resource = resources[0]!.id;
  const site = resources[0]!.siteId;
  const insert = (n: number, start: string, key: string, status = 'booked') =>
    ctx.database.ownerQuery(
      `insert into appointments (tenant_id, reference, motif_id, demarche_id, site_id, resource_id, starts_at, ends_at,
         busy_until, slot_key, given_name, family_name, email, channel, status)
       values ($1, $2, $3, $4, $5, $6, $7::timestamptz, $7::timestamptz + interval '20 minutes',
         $7::timestamptz + interval '25 minutes', $8, 'Camille', 'Martin', 'camille@example.org', 'web', $9)`,
      [ctx.tenantId, `RDV-TST00${n}`, motif.id, motif.demarcheId, site, resource, start, key, status],
    );
  const wednesday = await findSlots(ctx.services, ctx.tenantId, {
    motif,
    siteId: null,
    from: '2027-03-03',
    to: '2027-03-03',
  });
  starts = wednesday
    .filter((s) => s.resources.some((r) => r.resourceId === resource))
    .map((s) => s.start.toISOString())
    .slice(0, 4);
  assert.equal(starts.length, 4);
  const fiveLater = new Date(Date.parse(starts[2]!) + 5 * 60_000).toISOString();
  await insert(1, starts[0]!, `${motif.id}@${starts[0]}`);
  await insert(2, starts[1]!, `another-motif@${starts[1]}`);
  await insert(3, starts[2]!, `${motif.id}@${fiveLater}`);
  await insert(4, starts[3]!, `${motif.id}@${starts[3]}`, 'cancelled');
});
after(() => ctx?.close());

test('the search finds the same slots as with the appointments read one by one', async () => {
  const from = '2027-03-01';
  const to = '2027-03-12';
  const found = await findSlots(ctx.services, ctx.tenantId, { motif, siteId: null, from, to, includeFull: true });
  const calendar = await cachedTenantCalendar(ctx.services, ctx.tenantId);
  const rangeStart = zonedInstant(from, 0)!;
  const rangeEnd = zonedInstant('2027-03-13', 0)!;
  // Read apart from the tenant connection: PGlite has one connection.
  const { rows } = await ctx.database.ownerQuery(
    `select resource_id, starts_at, busy_until, slot_key from appointments
      where tenant_id = $1 and status <> 'cancelled' and starts_at >= $2 and starts_at < $3`,
    [ctx.tenantId, new Date(rangeStart.getTime() - 86_400_000), rangeEnd],
  );
  const expected = await withTenantConnection(ctx.services.db, ctx.tenantId, async (c) => {
    const resources = await resourcesOfMotif(c, motif.id, null);
    return computeSlots({
      motif,
      resources,
      closures: await closuresBetween(c, rangeStart, rangeEnd),
      busy: rows.map((r) => ({
        resourceId: r.resource_id as string,
        start: new Date(r.starts_at as string).getTime(),
        busyUntil: new Date(r.busy_until as string).getTime(),
        slotKey: r.slot_key as string,
      })),
      isClosedDay: closedDayTest(calendar),
      from,
      to,
      now: NOW,
      today: wallTimeOf(NOW).day,
    });
  });
  assert.deepEqual(found, expected);
  // On the counter: one seat taken in its own slot, none where another slot overlaps, all once cancelled.
  const at = (iso: string) =>
    found.find((s) => s.start.toISOString() === iso)!.resources.find((r) => r.resourceId === resource)!.free;
  assert.deepEqual(starts.map(at), [motif.capacity - 1, 0, 0, motif.capacity]);
});
