import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { firstMotifOf } from '../../../test/authorization/appointment-fixtures.ts';
import { findSlots } from './find-slots.ts';
import { importClosures, MAX_CALENDAR_BYTES, parseClosures } from './import-closures.ts';
import { wallTimeOf, zonedInstant } from './local-time.ts';
import { closurePeriod } from './views/admin-pages.ts';

/** Closures imported from iCalendar files: what is kept, what is refused, and the slots they remove. */

const TODAY = '2027-03-22';

function calendar(...events: string[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Test//FR', ...events, 'END:VCALENDAR', ''].join('\r\n');
}
function event(uid: string, lines: string[]): string {
  return ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20270101T000000Z', ...lines, 'END:VEVENT'].join('\r\n');
}
function refusedWith(code: string, f: () => unknown) {
  assert.throws(f, (err: unknown) => err instanceof AppError && err.code === code);
}

describe('iCalendar closures: parsing', () => {
  test('an all-day event closes whole days in Paris; a timed one keeps its instants', () => {
    const closures = parseClosures(
      calendar(
        event('pont', ['SUMMARY:Pont de l’Ascension', 'DTSTART;VALUE=DATE:20270507', 'DTEND;VALUE=DATE:20270508']),
        event('reunion', ['SUMMARY:Réunion', 'DTSTART;TZID=Europe/Paris:20270323T140000', 'DURATION:PT2H']),
        event('utc', ['DTSTART:20270324T080000Z', 'DTEND:20270324T090000Z']),
      ),
      TODAY,
    );
    assert.deepEqual(
      closures.map((c) => [c.uid, c.label, c.start.toISOString(), c.end.toISOString()]),
      [
        ['pont', 'Pont de l’Ascension', '2027-05-06T22:00:00.000Z', '2027-05-07T22:00:00.000Z'],
        ['reunion', 'Réunion', '2027-03-23T13:00:00.000Z', '2027-03-23T15:00:00.000Z'],
        ['utc', '', '2027-03-24T08:00:00.000Z', '2027-03-24T09:00:00.000Z'],
      ],
    );
  });

  test('the settings page shows a closure as the days closed, or from instant to instant', () => {
    const [pont, reunion] = parseClosures(
      calendar(
        event('pont', ['SUMMARY:Pont', 'DTSTART;VALUE=DATE:20270507', 'DTEND;VALUE=DATE:20270508']),
        event('reunion', ['SUMMARY:Réunion', 'DTSTART;TZID=Europe/Paris:20270323T140000', 'DURATION:PT2H']),
      ),
      TODAY,
    );
    // An all-day event ends at the next midnight: the day after is not closed.
    assert.equal(closurePeriod(pont!.start, pont!.end), '7 mai 2027');
    assert.equal(closurePeriod(reunion!.start, reunion!.end), 'du 23 mars 2027 à 14 h 00 au 23 mars 2027 à 16 h 00');
    // Days typed by hand (settings.ts stores up to the midnight after the last), across the change to summer time.
    assert.equal(
      closurePeriod(zonedInstant('2027-03-26', 0)!, zonedInstant('2027-03-30', 0)!),
      'du 26 mars 2027 au 29 mars 2027',
    );
  });

  test('a weekly recurring event is expanded; past events are left out', () => {
    const closures = parseClosures(
      calendar(
        event('hebdo', [
          'DTSTART;TZID=Europe/Paris:20270324T140000',
          'DTEND;TZID=Europe/Paris:20270324T170000',
          'RRULE:FREQ=WEEKLY;COUNT=3',
        ]),
        event('passe', ['DTSTART;VALUE=DATE:20260101']),
      ),
      TODAY,
    );
    assert.deepEqual(
      closures.map((c) => c.start.toISOString()),
      ['2027-03-24T13:00:00.000Z', '2027-03-31T12:00:00.000Z', '2027-04-07T12:00:00.000Z'],
      'summer time from 28 March: still 14:00 in Paris',
    );
  });

  test('malformed files are refused', () => {
    refusedWith('calendar_file_invalid', () => parseClosures('Bonjour, voici nos fermetures', TODAY));
    refusedWith('calendar_file_invalid', () =>
      parseClosures('BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:nimportequoi\r\n', TODAY),
    );
    refusedWith('calendar_file_invalid', () => parseClosures(calendar(), TODAY));
    refusedWith('calendar_file_invalid', () =>
      parseClosures(calendar(event('a-l-envers', ['DTSTART:20270324T100000Z', 'DTEND:20270324T090000Z'])), TODAY),
    );
    refusedWith('calendar_file_invalid', () => parseClosures(calendar(event('sans-debut', ['SUMMARY:Rien'])), TODAY));
  });

  test('huge files are refused: too many bytes, or too many closures once expanded', () => {
    refusedWith('calendar_file_too_large', () =>
      parseClosures(
        calendar(event('gros', ['DTSTART;VALUE=DATE:20270401', `DESCRIPTION:${'x'.repeat(MAX_CALENDAR_BYTES)}`])),
        TODAY,
      ),
    );
    refusedWith('calendar_file_too_large', () =>
      parseClosures(
        calendar(event('chaque-heure', ['DTSTART:20270323T080000Z', 'DTEND:20270323T090000Z', 'RRULE:FREQ=HOURLY'])),
        TODAY,
      ),
    );
  });
});

describe(`iCalendar closures: import (${TEST_DB})`, () => {
  const clock = { now: () => new Date('2027-03-22T07:00:00Z') };
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext({ clock });
  });
  after(async () => ctx?.close());

  test('an imported closure removes its slots, and importing the file again replaces it', async () => {
    const motif = await firstMotifOf(ctx.services, ctx.tenantId, 'carte-identite');
    const daysWithSlots = async () =>
      new Set(
        (
          await findSlots(ctx.services, ctx.tenantId, { motif, siteId: null, from: '2027-03-23', to: '2027-03-26' })
        ).map((s) => wallTimeOf(s.start).day),
      );
    assert.ok((await daysWithSlots()).has('2027-03-25'));
    const file = calendar(event('fermeture-25', ['SUMMARY:Inventaire', 'DTSTART;VALUE=DATE:20270325']));
    for (let i = 0; i < 2; i++) {
      await inTenant(ctx.services.db, ctx.tenantId, (trx) =>
        importClosures(trx, ctx.tenantId, { siteId: null, resourceId: null }, parseClosures(file, TODAY)),
      );
    }
    assert.ok(!(await daysWithSlots()).has('2027-03-25'), 'no slot on the closed day');
    assert.ok((await daysWithSlots()).has('2027-03-26'));
    const { rows } = await ctx.database.ownerQuery(
      "select count(*)::int as n from appointment_closures where tenant_id = $1 and ics_uid = 'fermeture-25'",
      [ctx.tenantId],
    );
    assert.equal(rows[0]!.n, 1, 'imported twice, stored once');
  });
});
