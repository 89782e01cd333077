import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ICAL from 'ical.js';
import { openForm, postForm } from '../../../test/support/http.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';

/**
 * The appointments' JSON API (issue 11, part 6) over HTTP: free slots, booking (201, 409
 * slot_full with the next slots, the other stable codes), cancellation, check-in, and the
 * APPOINTMENT_RATE_LIMIT budget. The clock is Monday 22 March 2027, 8:00 in Villebelle.
 */

interface ApiSlot {
  id: string;
  start: string;
  end: string;
  site: { id: string; name: string };
  remaining: number;
}
interface Booked {
  reference: string;
  start: string;
  end: string;
  cancel_url: string;
  ics_url: string;
}

const clock = { now: () => new Date('2027-03-22T07:00:00Z') };
const BASE = '/t/villebelle/api/v1/rendez-vous';
let ctx: TestContext;
let ip = 0;
/** Each call from its own address, unless given one: the rate limit is tested on its own. */
const nextIp = () => `10.0.${Math.floor(++ip / 250)}.${(ip % 250) + 1}`;

function slots(query: string) {
  return ctx.app.inject({ method: 'GET', url: `${BASE}/creneaux?${query}`, remoteAddress: nextIp() });
}
function book(payload: Record<string, unknown>, remoteAddress = nextIp()) {
  return ctx.app.inject({ method: 'POST', url: BASE, payload, remoteAddress });
}
const who = (n: string) => ({ given_name: 'Camille', family_name: `Api${n}`, email: `camille.api${n}@example.org` });
const tokenOf = (b: Booked) => b.cancel_url.split('/').pop()!;

before(async () => {
  ctx = await createTestContext({ clock, env: { APPOINTMENT_RATE_LIMIT: '3' } });
});
after(async () => ctx?.close());

describe(`appointments API (${TEST_DB})`, () => {
  test('free slots: ISO 8601 with the Paris offset, a site, the places left; unknown démarche 404', async () => {
    const res = await slots('demarche=carte-identite&du=2027-03-23&au=2027-03-23');
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as { slots: ApiSlot[] };
    assert.ok(body.slots.length > 10);
    const first = body.slots[0]!;
    assert.match(first.start, /^2027-03-23T\d{2}:\d{2}:00\+01:00$/);
    assert.ok(first.site.id && first.site.name);
    assert.ok(first.remaining >= 1);
    const one = await slots(`demarche=carte-identite&du=2027-03-23&au=2027-03-23&site=${first.site.id}`);
    assert.ok((one.json() as { slots: ApiSlot[] }).slots.every((s) => s.site.id === first.site.id));
    assert.equal((await slots('demarche=inconnue')).json().error.code, 'demarche_not_found');
    assert.equal((await slots('demarche=carte-identite&du=2027-03-23&au=2027-07-23')).statusCode, 400);
  });

  test('booking: 201 with the links; the .ics link gives the event in Europe/Paris; cancelled once', async () => {
    const [slot] = ((await slots('demarche=carte-identite&du=2027-03-24&au=2027-03-24')).json() as { slots: ApiSlot[] })
      .slots;
    const res = await book({ slot_id: slot!.id, ...who('a') });
    assert.equal(res.statusCode, 201, res.body);
    const booked = res.json() as Booked;
    assert.match(booked.reference, /^RDV-[0-9A-Z]{6}$/);
    assert.equal(booked.start, slot!.start);
    const ics = await ctx.app.inject({ method: 'GET', url: new URL(booked.ics_url).pathname });
    assert.match(String(ics.headers['content-type']), /text\/calendar/);
    const vevent = new ICAL.Component(ICAL.parse(ics.body)).getFirstSubcomponent('vevent')!;
    const event = new ICAL.Event(vevent);
    assert.equal(event.startDate.zone?.tzid, 'Europe/Paris');
    assert.equal(event.startDate.toJSDate().getTime(), Date.parse(booked.start));
    assert.equal(event.endDate.toJSDate().getTime(), Date.parse(booked.end));

    const cancel = () =>
      ctx.app.inject({
        method: 'POST',
        url: `${BASE}/annulation`,
        payload: { token: tokenOf(booked) },
        remoteAddress: nextIp(),
      });
    const first = await cancel();
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual(first.json(), { reference: booked.reference, status: 'cancelled' });
    const again = await cancel();
    assert.equal(again.statusCode, 410);
    assert.equal(again.json().error.code, 'link_already_used');
    const unknown = await ctx.app.inject({
      method: 'POST',
      url: `${BASE}/annulation`,
      payload: { token: 'x'.repeat(43) },
    });
    assert.equal(unknown.json().error.code, 'appointment_not_found');
  });

  test('50 at once for the last place over HTTP: one 201, 49 × 409 slot_full with the next slots', async () => {
    const [slot] = ((await slots('demarche=pacs&du=2027-03-25&au=2027-03-25')).json() as { slots: ApiSlot[] }).slots;
    assert.equal(slot!.remaining, 1, 'one place');
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => book({ slot_id: slot!.id, ...who(`c${i}`) })),
    );
    assert.equal(results.filter((r) => r.statusCode === 201).length, 1);
    const refused = results.filter((r) => r.statusCode !== 201);
    assert.equal(refused.length, 49);
    for (const r of refused) {
      assert.equal(r.statusCode, 409, r.body);
      const body = r.json() as { code: string; message: string; next_slots: ApiSlot[] };
      assert.equal(body.code, 'slot_full');
      assert.ok(body.message.length > 0);
      assert.ok(body.next_slots.length > 0);
      assert.ok(body.next_slots.every((s) => s.id !== slot!.id && Date.parse(s.start) > Date.parse(slot!.start)));
    }
    // A next slot offered is bookable as is.
    const next = (refused[0]!.json() as { next_slots: ApiSlot[] }).next_slots[0]!;
    assert.equal((await book({ slot_id: next.id, ...who('suivant') })).statusCode, 201);
  });

  test('bad input: each with its stable code and status', async () => {
    const [slot] = ((await slots('demarche=carte-identite&du=2027-03-26&au=2027-03-26')).json() as { slots: ApiSlot[] })
      .slots;
    const [motif, site] = slot!.id.split('.');
    const cases: [Record<string, unknown>, number, string][] = [
      [{ slot_id: 'inconnu', ...who('d1') }, 404, 'slot_not_found'],
      [{ slot_id: `${motif}.${site}.20270319T0900Z`, ...who('d2') }, 422, 'slot_in_past'],
      [{ slot_id: `${motif}.${site}.20270323T1900Z`, ...who('d3') }, 422, 'slot_outside_opening_hours'],
      [{ slot_id: `${motif}.${site}.20270329T0800Z`, ...who('d4') }, 422, 'slot_closed_day'],
      [{ slot_id: `${motif}.${site}.20270803T0730Z`, ...who('d5') }, 422, 'slot_beyond_horizon'],
      [{ slot_id: slot!.id, given_name: 'Sans', family_name: 'Courriel' }, 400, 'email_required'],
      [{ slot_id: slot!.id, ...who('d6'), email: 'pas-une-adresse' }, 400, 'validation_failed'],
      [{ slot_id: slot!.id, ...who('d7'), phone: '123' }, 400, 'validation_failed'],
      [{ slot_id: slot!.id }, 400, 'validation_failed'],
    ];
    for (const [payload, status, code] of cases) {
      const res = await book(payload);
      assert.equal(res.statusCode, status, `${code}: ${res.body}`);
      assert.equal(res.json().error.code, code);
      assert.ok(res.json().error.message.length > 0);
    }
    const person = who('double');
    assert.equal((await book({ slot_id: slot!.id, ...person })).statusCode, 201);
    const twice = await book({ slot_id: slot!.id, ...person });
    assert.equal(twice.statusCode, 409, twice.body);
    assert.equal(twice.json().error.code, 'appointment_overlap');
  });

  test('check-in on the day with the link’s token; refused without it', async () => {
    const [slot] = ((await slots('demarche=carte-identite&du=2027-03-22&au=2027-03-22')).json() as { slots: ApiSlot[] })
      .slots;
    const booked = (await book({ slot_id: slot!.id, ...who('arrivee') })).json() as Booked;
    const checkIn = (payload: Record<string, unknown>) =>
      ctx.app.inject({ method: 'POST', url: `${BASE}/${booked.reference}/arrivee`, payload, remoteAddress: nextIp() });
    const refused = await checkIn({});
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().error.code, 'forbidden');
    const res = await checkIn({ token: tokenOf(booked) });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().reference, booked.reference);
    assert.equal(res.json().checked_in_at, '2027-03-22T08:00:00+01:00');
    // In the counter's line at once: a ticket of the appointments' letter, the same when asked again.
    assert.match(res.json().ticket, /^R\d{3}$/);
    const again = await checkIn({ token: tokenOf(booked) });
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json().ticket, res.json().ticket);
    assert.equal(again.json().checked_in_at, res.json().checked_in_at);
    const tickets = await ctx.database.ownerQuery(
      `select t.status from counter_tickets t join appointments a on a.tenant_id = t.tenant_id and a.id = t.appointment_id
        where a.reference = $1`,
      [booked.reference],
    );
    assert.deepEqual(
      tickets.rows.map((r) => r.status),
      ['waiting'],
    );
  });

  test('APPOINTMENT_RATE_LIMIT: the fourth booking in a minute from one address gets 429', async () => {
    const found = ((await slots('demarche=carte-identite&du=2027-03-30&au=2027-03-30')).json() as { slots: ApiSlot[] })
      .slots;
    const codes: number[] = [];
    for (let i = 0; i < 4; i++)
      codes.push((await book({ slot_id: found[i * 3]!.id, ...who(`r${i}`) }, '10.9.9.9')).statusCode);
    assert.deepEqual(codes, [201, 201, 201, 429]);
  });

  test('the portal: a slot taken meanwhile gives the form again for the next free slot, with what was typed', async () => {
    const [slot] = ((await slots('demarche=pacs&du=2027-03-29&au=2027-04-02')).json() as { slots: ApiSlot[] }).slots;
    const page = `/t/villebelle/rendez-vous/pacs/coordonnees?creneau=${encodeURIComponent(slot!.id)}`;
    const first = await openForm(ctx.app, page);
    const second = await openForm(ctx.app, page);
    const send = (session: typeof first, n: string) =>
      postForm(ctx.app, '/t/villebelle/rendez-vous/pacs/coordonnees', session, {
        creneau: slot!.id,
        prenom: 'Portail',
        nom: `Formulaire${n}`,
        courriel: `portail.${n}@example.org`,
      });
    assert.equal((await send(first, 'un')).statusCode, 303);
    const taken = await send(second, 'deux');
    assert.equal(taken.statusCode, 409);
    assert.match(taken.body, /vient d’être réservé par quelqu’un d’autre/);
    assert.match(taken.body, /value="Formulairedeux"/, 'what was typed is kept');
    const offered = /name="creneau" value="([^"]+)"/.exec(taken.body)?.[1];
    assert.ok(offered && offered !== slot!.id, 'the next free slot');
  });

  test('the OpenAPI document describes the appointment operations', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/t/villebelle/api/openapi.json' });
    const doc = res.json() as { paths: Record<string, Record<string, { operationId: string }>> };
    const ops = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    for (const op of ['listAppointmentSlots', 'bookAppointment', 'cancelAppointment', 'checkInAppointment'])
      assert.ok(ops.includes(op), op);
  });
});
