/**
 * Appointments at volume (issue 11, decision 39): the free-slot search of a démarche across 5
 * sites and 60 days with 100,000 booked appointments, and bookings per second under contention
 * on one slot and spread over many.
 *
 *   npm run bench:appointments                          (PostgreSQL server, GUICHET_TEST_PG_URL)
 *   GUICHET_TEST_DB=pglite npm run bench:appointments   (the embedded database)
 *
 * BENCH_APPOINTMENTS (default 100000) sets the volume, BENCH_RUNS (default 100) the measured
 * searches. Three variants are measured interleaved in one loop after a warm-up, so that the
 * machine's load weighs on each alike: the search (`findSlots`: one statement, then the
 * computation); the same search with its inputs read as before, in three statements
 * (`resourcesOfMotif`, `closuresBetween`, `busyBetween`); and the floor, reading the inputs
 * without computing a slot (`slotInputs`). The statements one search sends are counted at the
 * driver. Figures and the command are in docs/performance.md.
 */
process.env.GUICHET_TEST_DB ??= 'postgres';
import os from 'node:os';
import pg from 'pg';
/** Statements sent to the database while `counting` (both databases go through the pg client). */
let sent = 0;
let counting = false;
/** The last statement counted, for BENCH_EXPLAIN. */
let last: { text: string; values: unknown[] } | null = null;
const clientQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  if (counting) {
    sent++;
    // The server's connections send { name, text, values } (db/prepared-statements.ts).
    const [config, values] = args as [string | { text: string; values?: unknown[] }, unknown[] | undefined];
    last =
      typeof config === 'string'
        ? { text: config, values: values ?? [] }
        : { text: config.text, values: config.values ?? [] };
  }
  return (clientQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pg.Client.prototype.query;
const { createTestContext, TEST_DB } = await import('../test/support/test-app.ts');
const { withTenantConnection } = await import('../src/db/tenant-scope.ts');
import type { BookingTenant } from '../src/modules/appointments/book-appointment.ts';
const { bookAppointment } = await import('../src/modules/appointments/book-appointment.ts');
const { firstMotifOf } = await import('../test/authorization/appointment-fixtures.ts');
const { closedDayTest, findSlots } = await import('../src/modules/appointments/find-slots.ts');
const { computeSlots } = await import('../src/modules/appointments/availability.ts');
const { cachedTenantCalendar } = await import('../src/modules/requests/tenant-calendar.ts');
const { addDays, wallTimeOf, zonedInstant } = await import('../src/modules/appointments/local-time.ts');
const { busyBetween, closuresBetween, resourcesOfMotif, slotInputs } =
  await import('../src/modules/appointments/repository.ts');
const { slotIdOf } = await import('../src/modules/appointments/slot-id.ts');
const { AppError } = await import('../src/platform/errors.ts');

const VOLUME = Number(process.env.BENCH_APPOINTMENTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 100);
/** Monday 1 March 2027, 7:00 in Paris. */
const NOW = new Date('2027-03-01T06:00:00Z');
const clock = { now: () => new Date(NOW) };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;
const fmt = (n: number) => n.toFixed(1);

const ctx = await createTestContext({ clock, env: { APPOINTMENT_RATE_LIMIT: '100000' } });
const q = ctx.database.ownerQuery;
const tenantId = ctx.tenantId;
try {
  // Three more sites (5 in all), two counters each, open like the town hall, serving the identity card.
  const cni = await firstMotifOf(ctx.services, tenantId, 'carte-identite');
  for (const name of ['France services du Centre', 'Mairie annexe du Port', 'Mairie annexe des Prés']) {
    const site = (
      await q("insert into appointment_sites (tenant_id, name, kind) values ($1, $2, 'annexe') returning id", [
        tenantId,
        name,
      ])
    ).rows[0]!.id as string;
    for (const counter of ['Guichet A', 'Guichet B']) {
      const resource = (
        await q('insert into appointment_resources (tenant_id, site_id, name) values ($1, $2, $3) returning id', [
          tenantId,
          site,
          counter,
        ])
      ).rows[0]!.id as string;
      await q(
        `insert into appointment_opening_periods (tenant_id, resource_id, weekday, opens_at, closes_at)
         select $1, $2, d, t.o::time, t.c::time from generate_series(1, 5) d,
           (values ('08:30', '12:00'), ('13:30', '17:30')) t(o, c)`,
        [tenantId, resource],
      );
      await q('insert into appointment_motif_resources (tenant_id, motif_id, resource_id) values ($1, $2, $3)', [
        tenantId,
        cni.id,
        resource,
      ]);
    }
  }
  const resources = (
    await q(
      'select r.id, r.site_id from appointment_motif_resources mr join appointment_resources r on r.tenant_id = mr.tenant_id and r.id = mr.resource_id where mr.tenant_id = $1 and mr.motif_id = $2',
      [tenantId, cni.id],
    )
  ).rows as { id: string; site_id: string }[];
  const sites = new Set(resources.map((r) => r.site_id));

  // The volume: every resource booked on a 25-minute grid of weekdays, the 60 coming days two
  // places in three (the search still finds free ones), the rest in the past year and a half.
  const today = wallTimeOf(NOW).day;
  const step = cni.durationMinutes + cni.bufferMinutes;
  const started = process.hrtime.bigint();
  await q(
    `insert into appointments (tenant_id, reference, motif_id, demarche_id, site_id, resource_id, starts_at, ends_at,
       busy_until, slot_key, given_name, family_name, email, channel)
     select $1::uuid, 'RDV-' || lpad(upper(to_hex(n::int)), 6, '0'), $2::uuid, $3::uuid, site_id, resource_id, s,
            s + make_interval(mins => $4::int), s + make_interval(mins => $5::int),
            $2::text || '@' || to_char(s at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
            'Bench', 'Usager ' || n, 'bench' || n || '@example.org', 'web'
       from (
         select row_number() over (order by s desc, resource_id) as n, s, site_id, resource_id
           from (
             select (d + (t.o::time + make_interval(mins => k * $5::int))) at time zone 'Europe/Paris' as s,
                    d, k, r.site_id, r.id as resource_id
               from unnest($6::uuid[], $7::uuid[]) as r(id, site_id),
                    generate_series($8::date - 1100, $8::date + 59, interval '1 day') d,
                    (values ('08:30', 8), ('13:30', 9)) t(o, slots),
                    generate_series(0, 8) k
              where extract(isodow from d) between 1 and 5 and k < t.slots
           ) g
          where d < $8::date or (k + extract(doy from d)::int) % 3 <> 0
       ) x
      where n <= $9`,
    [
      tenantId,
      cni.id,
      cni.demarcheId,
      cni.durationMinutes,
      step,
      resources.map((r) => r.id),
      resources.map((r) => r.site_id),
      today,
      VOLUME,
    ],
  );
  await q('vacuum analyze appointments');
  const { rows: counts } = await q(
    `select count(*)::int as total, count(*) filter (where starts_at >= $2)::int as ahead from appointments where tenant_id = $1`,
    [tenantId, NOW],
  );
  console.log(
    `${TEST_DB}: ${counts[0]!.total} appointments (${counts[0]!.ahead} in the 60 coming days) on ${resources.length} counters at ${sites.size} sites, inserted in ${fmt(ms(started) / 1000)} s`,
  );

  // (1) The free-slot search, 60 days, all sites.
  const to = addDays(today, 59);
  const search = () => findSlots(ctx.services, tenantId, { motif: cni, siteId: null, from: today, to });
  const rangeStart = zonedInstant(today, 0)!;
  const rangeEnd = zonedInstant(addDays(to, 1), 0)!;
  // The search as it was before issue 11's second follow-up: its inputs read in three statements.
  const searchApart = async () => {
    const calendar = await cachedTenantCalendar(ctx.services, tenantId);
    return withTenantConnection(ctx.services.db, tenantId, async (c) => {
      const hours = await resourcesOfMotif(c, cni.id, null);
      const closures = await closuresBetween(c, rangeStart, rangeEnd);
      const busy = await busyBetween(
        c,
        hours.map((h) => h.id),
        rangeStart,
        rangeEnd,
      );
      const slots = computeSlots({
        motif: cni,
        resources: hours,
        closures,
        busy,
        isClosedDay: closedDayTest(calendar),
        from: today,
        to,
        now: NOW,
        today,
      });
      return slots.filter((s) => s.remaining > 0);
    });
  };
  const floor = () =>
    withTenantConnection(ctx.services.db, tenantId, (c) =>
      slotInputs(c, { motifId: cni.id, siteId: null, from: rangeStart, to: rangeEnd }),
    );
  const variants = [
    { name: 'search, 5 sites × 60 days (findSlots, one statement)', run: search, times: [] as number[], sent: 0 },
    { name: 'the same, inputs read in three statements (before)', run: searchApart, times: [] as number[], sent: 0 },
    { name: 'floor: reading the inputs only (slotInputs)', run: floor, times: [] as number[], sent: 0 },
  ];
  const [ours, apart] = await Promise.all([search(), searchApart()]);
  if (JSON.stringify(ours) !== JSON.stringify(apart)) throw new Error('the two searches disagree');
  for (let i = 0; i < 10; i++) for (const v of variants) await v.run();
  for (const v of variants) {
    counting = true;
    sent = 0;
    await v.run();
    counting = false;
    v.sent = sent;
  }
  // The floor's statement, counted last: slotInputs.
  const statement = last as { text: string; values: unknown[] } | null;
  if (process.env.BENCH_EXPLAIN && statement) {
    const { CompiledQuery } = await import('kysely');
    const plan = await withTenantConnection(ctx.services.db, tenantId, (c) =>
      c.executeQuery<{ 'QUERY PLAN': string }>(
        CompiledQuery.raw(`explain (analyze, buffers) ${statement.text}`, statement.values),
      ),
    );
    console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
  }
  const load = () => (os.loadavg()[0] ?? 0).toFixed(2);
  const loadBefore = load();
  for (let i = 0; i < RUNS; i++) {
    for (const v of variants) {
      const t = process.hrtime.bigint();
      await v.run();
      v.times.push(ms(t));
    }
  }
  console.log(`${ours.length} free slots; ${RUNS} runs of each, interleaved; load average ${loadBefore} → ${load()}`);
  for (const v of variants) {
    v.times.sort((a, b) => a - b);
    console.log(
      `${v.name}: ${v.sent} statement${v.sent === 1 ? '' : 's'}; p50 ${fmt(percentile(v.times, 50))} ms, p95 ${fmt(percentile(v.times, 95))} ms`,
    );
  }
  console.log('target: search p95 < 30 ms');
  if (TEST_DB === 'postgres') {
    // Whether the server re-plans the statement at each run (custom plans) or runs a kept plan.
    const { sql } = await import('kysely');
    const plans = await withTenantConnection(ctx.services.db, tenantId, (c) =>
      sql<{ generic_plans: string; custom_plans: string }>`
        select generic_plans, custom_plans from pg_prepared_statements where statement like '%with serving as%'`.execute(
        c,
      ),
    );
    for (const p of plans.rows)
      console.log(`  slotInputs prepared on a connection: ${p.generic_plans} generic plans, ${p.custom_plans} custom`);
  }

  // (2) Bookings under contention: 50 people at once for the one place of a PACS slot, 10 slots.
  const tenant = (await q('select id, name, kind, contact from tenants where id = $1', [tenantId]))
    .rows[0] as unknown as BookingTenant;
  const pacs = await firstMotifOf(ctx.services, tenantId, 'pacs');
  let n = 0;
  const person = () => ({
    givenName: 'Charge',
    familyName: `Test${++n}`,
    email: `charge${n}@example.org`,
    phone: null,
    smsReminders: false,
    channel: 'web' as const,
    baseUrl: 'http://localhost',
  });
  const pacsSlots = (await findSlots(ctx.services, tenantId, { motif: pacs, siteId: null, from: today, to })).map((s) =>
    slotIdOf({ motifId: pacs.id, siteId: s.siteId, start: s.start }),
  );
  let attempts = 0;
  let wins = 0;
  let t = process.hrtime.bigint();
  for (const slotId of pacsSlots.slice(0, 10)) {
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => bookAppointment(ctx.services, tenant, { slotId, ...person() })),
    );
    attempts += results.length;
    wins += results.filter((r) => r.status === 'fulfilled').length;
    for (const r of results)
      if (r.status === 'rejected' && !(r.reason instanceof AppError && r.reason.code === 'slot_full')) throw r.reason;
  }
  const contended = ms(t) / 1000;
  console.log(
    `one slot, 50 at once (×10 slots): ${wins} booked of ${attempts} attempts, ${fmt(attempts / contended)} answers/s (each refusal computes the next free slots)`,
  );

  // (3) Spread: 300 bookings on 300 different identity-card slots, 10 at a time.
  const spread = (await search())
    .slice(0, 300)
    .map((s) => slotIdOf({ motifId: cni.id, siteId: s.siteId, start: s.start }));
  let booked = 0;
  t = process.hrtime.bigint();
  for (let i = 0; i < spread.length; i += 10) {
    const results = await Promise.allSettled(
      spread.slice(i, i + 10).map((slotId) => bookAppointment(ctx.services, tenant, { slotId, ...person() })),
    );
    booked += results.filter((r) => r.status === 'fulfilled').length;
  }
  const spreadS = ms(t) / 1000;
  console.log(
    `spread, 10 at a time over ${spread.length} slots: ${booked} booked, ${fmt(booked / spreadS)} bookings/s`,
  );
} finally {
  await ctx.close();
}
