import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ICAL from 'ical.js';
import { createTestContext, type TestContext } from '../../../test/support/test-app.ts';
import { AppError } from '../../platform/errors.ts';
import { bookAppointment, type BookingInput, type BookingTenant } from './book-appointment.ts';
import { cancelAppointment, moveAppointment } from './change-appointment.ts';
import { findSlots } from './find-slots.ts';
import { sendReminder } from './reminders.ts';
import { motifsOfDemarche } from './repository.ts';
import { slotIdOf } from './slot-id.ts';
import { inTenant, withTenantConnection } from '../../db/tenant-scope.ts';
import { appointmentEntries } from '../people/person-timeline.ts';
import { wallTimeOf } from './local-time.ts';

/**
 * Booking against the real database (PGlite, then the PostgreSQL server): outcomes checked with
 * direct SQL. The clock is Monday 22 March 2027, 8:00 in Villebelle; Easter Monday is 29 March
 * 2027, and daylight saving time starts on Sunday 28 March and ends on Sunday 31 October 2027.
 */
const clock = {
  current: new Date('2027-03-22T07:00:00Z'),
  now() {
    return new Date(this.current);
  },
};
let ctx: TestContext;
let tenant: BookingTenant;
const ids: Record<string, string> = {};

async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await ctx.database.ownerQuery(text, params)).rows as T[];
}

async function motifOf(slug: string) {
  const [d] = await sql<{ id: string }>('select id from demarches where tenant_id = $1 and slug = $2', [
    ctx.tenantId,
    slug,
  ]);
  const motifs = await withTenantConnection(ctx.services.db, ctx.tenantId, (c) => motifsOfDemarche(c, d!.id));
  return motifs[0]!;
}

function slot(motif: string, site: string, iso: string): string {
  return slotIdOf({ motifId: ids[motif]!, siteId: ids[site]!, start: new Date(iso) });
}

let people = 0;
function person(overrides: Partial<BookingInput> = {}): Omit<BookingInput, 'slotId'> {
  people++;
  return {
    givenName: 'Camille',
    familyName: `Martin${people}`,
    email: `camille${people}@example.org`,
    phone: null,
    smsReminders: false,
    channel: 'web',
    baseUrl: 'http://localhost:3000',
    ...overrides,
  };
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  assert.fail('expected a refusal');
}

before(async () => {
  ctx = await createTestContext({ clock });
  const [t] = await sql<BookingTenant>('select id, name, kind, contact from tenants where id = $1', [ctx.tenantId]);
  tenant = t!;
  for (const s of await sql<{ id: string; kind: string }>(
    'select id, kind from appointment_sites where tenant_id = $1',
    [ctx.tenantId],
  ))
    ids[s.kind] = s.id;
  ids.cni = (await motifOf('carte-identite')).id;
  ids.pacs = (await motifOf('pacs')).id;
  ids.atelier = (await motifOf('aide-demarches-en-ligne')).id;
  // A kiosk open on Sunday nights, to see the changes of time: 30-minute slots from 0:00 to 6:00.
  const [demarche] = await sql<{ id: string }>("select id from demarches where tenant_id = $1 and slug = 'passeport'", [
    ctx.tenantId,
  ]);
  const [resource] = await sql<{ id: string }>(
    "insert into appointment_resources (tenant_id, site_id, name) values ($1, $2, 'Borne de nuit') returning id",
    [ctx.tenantId, ids.mairie],
  );
  await sql(
    "insert into appointment_opening_periods (tenant_id, resource_id, weekday, opens_at, closes_at) values ($1, $2, 7, '00:00', '06:00')",
    [ctx.tenantId, resource!.id],
  );
  const [night] = await sql<{ id: string }>(
    "insert into appointment_motifs (tenant_id, demarche_id, name, duration_minutes, max_lead_days, position) values ($1, $2, 'Nuit', 30, 366, 9) returning id",
    [ctx.tenantId, demarche!.id],
  );
  await sql('insert into appointment_motif_resources (tenant_id, motif_id, resource_id) values ($1, $2, $3)', [
    ctx.tenantId,
    night!.id,
    resource!.id,
  ]);
  ids.night = night!.id;
});

after(async () => {
  await ctx?.close();
});

describe('free slots', () => {
  test('come from the opening periods of each site, never on Sunday or a public holiday', async () => {
    const motif = await motifOf('carte-identite');
    const slots = await findSlots(ctx.services, ctx.tenantId, {
      motif,
      siteId: null,
      from: '2027-03-22',
      to: '2027-03-30',
    });
    const days = new Set(slots.map((s) => wallTimeOf(s.start).day));
    assert.ok(days.has('2027-03-23'));
    assert.ok(!days.has('2027-03-28'), 'Sunday');
    assert.ok(!days.has('2027-03-29'), 'Easter Monday');
    // Not before 8:30 today plus the 30 minutes' notice; the annex only on Tuesdays and Thursdays.
    assert.ok(slots.every((s) => s.start.getTime() >= clock.current.getTime() + 30 * 60_000));
    assert.ok(
      slots.filter((s) => s.siteId === ids.annexe).every((s) => [2, 4].includes(new Date(s.start).getUTCDay())),
    );
    const tuesdayNine = slots.find(
      (s) => s.siteId === ids.mairie && s.start.toISOString() === '2027-03-23T07:55:00.000Z',
    );
    assert.equal(tuesdayNine?.remaining, 2, 'two counters at the mairie');
  });
});

describe('booking', () => {
  test('stores the appointment, its link, the mail with its .ics and two reminders', async () => {
    const result = await bookAppointment(ctx.services, tenant, {
      slotId: slot('cni', 'mairie', '2027-03-25T12:30:00Z'),
      ...person(),
    });
    const [row] = await sql<{ status: string; starts_at: Date; person_id: string | null; reference: string }>(
      'select status, starts_at, person_id, reference from appointments where id = $1',
      [result.appointment.id],
    );
    assert.equal(row!.status, 'booked');
    assert.equal(row!.starts_at.toISOString(), '2027-03-25T12:30:00.000Z');
    assert.ok(row!.person_id, 'on a citizen record');
    assert.match(row!.reference, /^RDV-[0-9A-Z]{6}$/);
    const [mail] = await sql<{
      subject: string;
      text_body: string;
      inline_attachments: { content: string; contentType: string }[];
    }>('select subject, text_body, inline_attachments from mail_outbox where to_address = $1', [
      result.appointment.email,
    ]);
    assert.match(mail!.subject, /Rendez-vous confirmé le 25 mars 2027 à 13 h 30/);
    assert.match(mail!.text_body, /Une photo d'identité récente/, 'the checklist of the démarche');
    assert.match(mail!.text_body, /\/rendez-vous\/gerer\/[A-Za-z0-9_-]{43}/);
    const ics = mail!.inline_attachments[0]!;
    assert.match(ics.contentType, /method=PUBLISH/);
    const calendar = new ICAL.Component(ICAL.parse(ics.content));
    assert.equal(calendar.getFirstPropertyValue('method'), 'PUBLISH');
    const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
    assert.equal(event.uid, `${result.appointment.id}@guichet.localhost`);
    assert.equal(event.startDate.toJSDate().toISOString(), '2027-03-25T12:30:00.000Z');
    assert.equal(event.endDate.toJSDate().toISOString(), '2027-03-25T12:50:00.000Z');
    assert.equal(event.startDate.zone?.tzid, 'Europe/Paris');
    const jobs = await sql<{ run_at: Date }>(
      "select run_at from jobs where queue = 'appointment.reminder' and payload->>'appointmentId' = $1 order by run_at",
      [result.appointment.id],
    );
    assert.deepEqual(
      jobs.map((j) => j.run_at.toISOString()),
      ['2027-03-23T12:30:00.000Z', '2027-03-25T10:30:00.000Z'],
    );
  });

  test('50 people at once for the last place: exactly one gets it, the others get the next slots', async () => {
    const slotId = slot('pacs', 'mairie', '2027-03-24T08:30:00Z');
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => bookAppointment(ctx.services, tenant, { slotId, ...person() })),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(won.length, 1);
    assert.ok(
      lost.every((r) => r.reason instanceof AppError && r.reason.code === 'slot_full'),
      String(lost[0]?.reason),
    );
    const details = (lost[0]!.reason as AppError).details as { next_slots: { id: string }[] };
    assert.ok(details.next_slots.length > 0);
    assert.ok(!details.next_slots.some((s) => s.id === slotId));
    const [count] = await sql<{ n: number }>(
      "select count(*)::int as n from appointments where motif_id = $1 and starts_at = '2027-03-24T08:30:00Z' and status <> 'cancelled'",
      [ids.pacs],
    );
    assert.equal(count!.n, 1);
  });

  test('the database itself refuses a second appointment on a taken place', async () => {
    await assert.rejects(
      sql(
        `insert into appointments (tenant_id, reference, motif_id, demarche_id, site_id, resource_id, starts_at, ends_at,
           busy_until, slot_key, given_name, family_name, channel)
         select tenant_id, 'RDV-ZZZZZZ', motif_id, demarche_id, site_id, resource_id, starts_at, ends_at, busy_until,
           slot_key, 'Paul', 'Durand', 'web'
         from appointments where motif_id = $1 and status = 'booked' limit 1`,
        [ids.pacs],
      ),
      /appointments_one_per_seat|appointments_no_overlapping_slots/,
    );
  });

  test('a collective session takes its capacity and no more', async () => {
    const slotId = slot('atelier', 'mairie', '2027-03-24T13:00:00Z');
    const results = await Promise.allSettled(
      Array.from({ length: 9 }, () => bookAppointment(ctx.services, tenant, { slotId, ...person() })),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 6);
  });

  test('bad input: each refused with its own code', async () => {
    const cases: [string, string, Partial<BookingInput>?][] = [
      [slot('cni', 'mairie', '2027-03-19T08:00:00Z'), 'slot_in_past'],
      [slot('cni', 'mairie', '2027-03-22T07:10:00Z'), 'slot_in_past'],
      [slot('cni', 'mairie', '2027-03-23T19:00:00Z'), 'slot_outside_opening_hours'],
      [slot('cni', 'mairie', '2027-03-23T08:07:00Z'), 'slot_outside_opening_hours'],
      [slot('cni', 'annexe', '2027-03-24T08:00:00Z'), 'slot_outside_opening_hours'],
      [slot('cni', 'mairie', '2027-03-29T07:30:00Z'), 'slot_closed_day'],
      [slot('cni', 'mairie', '2027-08-03T07:30:00Z'), 'slot_beyond_horizon'],
      ['00000000-0000-0000-0000-000000000000.00000000-0000-0000-0000-000000000000.20270323T0800Z', 'slot_not_found'],
      ['nimportequoi', 'slot_not_found'],
      [slot('cni', 'mairie', '2027-03-23T08:00:00Z'), 'email_required', { email: null }],
    ];
    for (const [slotId, code, overrides] of cases) {
      const err = await refusal(bookAppointment(ctx.services, tenant, { slotId, ...person(overrides) }));
      assert.equal(err.code, code, `${slotId}: ${err.message}`);
    }
  });

  test('the same person cannot hold two overlapping appointments for the same démarche', async () => {
    const who = person();
    await bookAppointment(ctx.services, tenant, { slotId: slot('cni', 'mairie', '2027-03-26T07:30:00Z'), ...who });
    const err = await refusal(
      bookAppointment(ctx.services, tenant, { slotId: slot('cni', 'mairie', '2027-03-26T07:30:00Z'), ...who }),
    );
    assert.equal(err.code, 'appointment_overlap');
    // The second counter is still free: the refusal is about the person, not the slot.
    const [n] = await sql<{ n: number }>(
      "select count(*)::int as n from appointments where motif_id = $1 and starts_at = '2027-03-26T07:30:00Z'",
      [ids.cni],
    );
    assert.equal(n!.n, 1);
  });
});

describe('an agent books for a caller', () => {
  test('by phone, without email: on the caller’s record and its timeline, the agent named', async () => {
    const [agent] = await sql<{ id: string; display_name: string }>(
      'select id, display_name from agents where tenant_id = $1 and active order by email limit 1',
      [ctx.tenantId],
    );
    const result = await bookAppointment(ctx.services, tenant, {
      slotId: slot('cni', 'mairie', '2027-03-26T12:30:00Z'),
      ...person({ email: null, phone: '+33611223344', channel: 'phone' }),
      agent: { id: agent!.id },
    });
    const [row] = await sql<{ person_id: string; booked_by_agent_id: string; channel: string }>(
      'select person_id, booked_by_agent_id, channel from appointments where id = $1',
      [result.appointment.id],
    );
    assert.equal(row!.booked_by_agent_id, agent!.id);
    assert.equal(row!.channel, 'phone');
    const entries = await inTenant(ctx.services.db, ctx.tenantId, (trx) =>
      appointmentEntries(trx, { personId: row!.person_id, scopeIds: null, limit: 10, before: null }),
    );
    assert.equal(entries.length, 1);
    assert.match(entries[0]!.title, /Rendez-vous pris par téléphone, par un agent/);
    assert.equal(entries[0]!.author, agent!.display_name);
    assert.match(entries[0]!.facts[0]!, new RegExp(result.appointment.reference));
    // No email: no mail to the caller; the serving agent gets the invitation.
    const [mails] = await sql<{ n: number }>(
      "select count(*)::int as n from mail_outbox where subject like '%' || $1 || '%' and to_address not like '%@villebelle.example'",
      [result.appointment.familyName],
    );
    assert.equal(mails!.n, 0);
  });
});

describe('daylight saving time', () => {
  test('no slot at 2:30 on the last Sunday of March', async () => {
    const { motifById } = await import('./repository.ts');
    const night = (await withTenantConnection(ctx.services.db, ctx.tenantId, (c) => motifById(c, ids.night!)))!;
    const slots = await findSlots(ctx.services, ctx.tenantId, {
      motif: night,
      siteId: null,
      from: '2027-03-28',
      to: '2027-03-28',
    });
    const times = slots.map((s) => wallTimeOf(s.start).minutes);
    assert.ok(times.includes(90), '1:30 exists');
    assert.ok(!times.includes(120) && !times.includes(150), 'no 2:00 nor 2:30');
    assert.ok(times.includes(180), '3:00 exists');
    assert.equal(slots.length, 10, 'six hours of half-hours but the one that does not exist');
    assert.equal(new Set(slots.map((s) => s.start.getTime())).size, 10);
  });

  test('the 2:30 of the last Sunday of October is one slot, booked once', async () => {
    const { motifById } = await import('./repository.ts');
    const night = (await withTenantConnection(ctx.services.db, ctx.tenantId, (c) => motifById(c, ids.night!)))!;
    const slots = await findSlots(ctx.services, ctx.tenantId, {
      motif: night,
      siteId: null,
      from: '2027-10-31',
      to: '2027-10-31',
    });
    const at230 = slots.filter((s) => wallTimeOf(s.start).minutes === 150);
    assert.equal(at230.length, 1);
    assert.equal(at230[0]!.start.toISOString(), '2027-10-31T00:30:00.000Z', 'the first 2:30 (summer time)');
    const first = { slotId: slot('night', 'mairie', '2027-10-31T00:30:00Z'), ...person() };
    await bookAppointment(ctx.services, tenant, first);
    const again = await refusal(bookAppointment(ctx.services, tenant, { ...first, ...person() }));
    assert.equal(again.code, 'slot_full');
    // The second 2:30 (01:30Z, winter time) is not another slot.
    const second = await refusal(
      bookAppointment(ctx.services, tenant, { slotId: slot('night', 'mairie', '2027-10-31T01:30:00Z'), ...person() }),
    );
    assert.equal(second.code, 'slot_outside_opening_hours');
  });
});

describe('cancel and move', () => {
  test('a link cancels once; an agent cannot cancel after the start; a move keeps the UID', async () => {
    const booked = await bookAppointment(ctx.services, tenant, {
      slotId: slot('cni', 'mairie', '2027-03-30T06:30:00Z'),
      ...person(),
    });
    const moved = await moveAppointment(ctx.services, tenant, {
      appointmentId: booked.appointment.id,
      actor: { kind: 'citizen', token: booked.manageToken },
      slotId: slot('cni', 'mairie', '2027-03-30T06:55:00Z'),
      baseUrl: 'http://localhost:3000',
    });
    assert.equal(moved.appointment.start.toISOString(), '2027-03-30T06:55:00.000Z');
    assert.equal(moved.appointment.icsSequence, 1);
    // The first link was spent by the move.
    const reused = await refusal(
      cancelAppointment(ctx.services, tenant, {
        appointmentId: booked.appointment.id,
        actor: { kind: 'citizen', token: booked.manageToken },
        baseUrl: 'http://localhost:3000',
      }),
    );
    assert.equal(reused.code, 'link_already_used');
    await cancelAppointment(ctx.services, tenant, {
      appointmentId: booked.appointment.id,
      actor: { kind: 'citizen', token: moved.manageToken },
      baseUrl: 'http://localhost:3000',
    });
    const twice = await refusal(
      cancelAppointment(ctx.services, tenant, {
        appointmentId: booked.appointment.id,
        actor: { kind: 'citizen', token: moved.manageToken },
        baseUrl: 'http://localhost:3000',
      }),
    );
    assert.equal(twice.code, 'link_already_used');
    const [row] = await sql<{ status: string; ics_sequence: number }>(
      'select status, ics_sequence from appointments where id = $1',
      [booked.appointment.id],
    );
    assert.deepEqual(row, { status: 'cancelled', ics_sequence: 2 });
    const [cancelMail] = await sql<{ inline_attachments: { content: string }[] }>(
      "select inline_attachments from mail_outbox where to_address = $1 and subject like 'Rendez-vous annulé%'",
      [booked.appointment.email],
    );
    const calendar = new ICAL.Component(ICAL.parse(cancelMail!.inline_attachments[0]!.content));
    assert.equal(calendar.getFirstPropertyValue('method'), 'CANCEL');
    assert.equal(
      new ICAL.Event(calendar.getFirstSubcomponent('vevent')!).uid,
      `${booked.appointment.id}@guichet.localhost`,
    );
  });

  test('a cancellation link after the start is refused', async () => {
    const booked = await bookAppointment(ctx.services, tenant, {
      slotId: slot('cni', 'mairie', '2027-03-31T06:30:00Z'),
      ...person(),
    });
    const saved = clock.current;
    clock.current = new Date('2027-03-31T06:35:00Z');
    try {
      const late = await refusal(
        cancelAppointment(ctx.services, tenant, {
          appointmentId: booked.appointment.id,
          actor: { kind: 'citizen', token: booked.manageToken },
          baseUrl: 'http://localhost:3000',
        }),
      );
      assert.equal(late.code, 'appointment_started');
      clock.current = new Date('2027-03-31T04:00:00Z');
      const tooLate = await refusal(
        cancelAppointment(ctx.services, tenant, {
          appointmentId: booked.appointment.id,
          actor: { kind: 'citizen', token: booked.manageToken },
          baseUrl: 'http://localhost:3000',
        }),
      );
      assert.equal(tooLate.code, 'cancel_deadline_passed', 'within the 4 hours before');
    } finally {
      clock.current = saved;
    }
  });
});

describe('reminders', () => {
  test('never sent once the appointment started; a mail past its not_after expires unsent', async () => {
    const booked = await bookAppointment(ctx.services, tenant, {
      slotId: slot('cni', 'mairie', '2027-04-01T06:30:00Z'),
      ...person(),
    });
    const payload = {
      appointmentId: booked.appointment.id,
      kind: 'reminder_2h' as const,
      start: '2027-04-01T06:30:00.000Z',
      baseUrl: 'http://localhost:3000',
    };
    const saved = clock.current;
    try {
      clock.current = new Date('2027-04-01T06:31:00Z');
      assert.equal(
        await sendReminder(ctx.services.db, { mailFrom: ctx.config.mailFrom, clock }, ctx.tenantId, payload),
        false,
      );
      clock.current = new Date('2027-04-01T04:00:00Z');
      assert.equal(
        await sendReminder(ctx.services.db, { mailFrom: ctx.config.mailFrom, clock }, ctx.tenantId, payload),
        true,
      );
      assert.equal(
        await sendReminder(ctx.services.db, { mailFrom: ctx.config.mailFrom, clock }, ctx.tenantId, payload),
        false,
        'a job run twice sends once',
      );
    } finally {
      clock.current = saved;
    }
    const [reminder] = await sql<{ id: string; not_after: Date; text_body: string }>(
      "select id, not_after, text_body from mail_outbox where to_address = $1 and subject like 'Rappel%'",
      [booked.appointment.email],
    );
    assert.equal(reminder!.not_after.toISOString(), '2027-04-01T06:30:00.000Z');
    assert.match(reminder!.text_body, /Une photo d'identité/);
    // The mail server was down until after the start: a reminder still queued then is dropped, not sent late.
    const [late] = await sql<{ id: string }>(
      `insert into mail_outbox (tenant_id, to_address, subject, text_body, not_after)
       select tenant_id, to_address, subject, text_body, now() - interval '1 minute' from mail_outbox where id = $1
       returning id`,
      [reminder!.id],
    );
    // The background sender may hold it at this moment: wait for whichever pass takes it.
    let after: { status: string } | undefined;
    for (let i = 0; i < 50; i++) {
      await ctx.services.mail.flush();
      [after] = await sql<{ status: string }>('select status from mail_outbox where id = $1', [late!.id]);
      if (after!.status !== 'pending') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(after!.status, 'expired');
  });
});
