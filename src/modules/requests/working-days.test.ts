import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  addWorkingDays,
  departementOfInsee,
  isHolidaySpec,
  isWorkingDay,
  localDateAndHour,
  publicHolidays,
  shiftWorkingDays,
  workingDaysBetween,
} from './working-days.ts';

// Instants are written in UTC on purpose; Paris is UTC+1 in winter and UTC+2 in summer.
const at = (iso: string) => new Date(iso);

describe('isWorkingDay', () => {
  test('weekends are not working days', () => {
    assert.equal(isWorkingDay('2026-11-28'), false); // Saturday
    assert.equal(isWorkingDay('2026-11-29'), false); // Sunday
    assert.equal(isWorkingDay('2026-11-30'), true); // Monday
  });

  test('French public holidays are not working days', () => {
    for (const d of [
      '2026-01-01',
      '2026-04-06', // Easter Monday
      '2026-05-01',
      '2026-05-08',
      '2026-05-14', // Ascension
      '2026-05-25', // Whit Monday
      '2026-07-14',
      '2026-11-11',
      '2026-12-25',
      '2027-03-29', // Easter Monday
      '2027-05-06', // Ascension
      '2027-07-14',
    ]) {
      assert.equal(isWorkingDay(d), false, d);
    }
  });

  test('ordinary weekdays next to holidays are working days', () => {
    for (const d of ['2026-04-07', '2026-05-15', '2026-07-13', '2026-12-24', '2027-03-26', '2027-05-07']) {
      assert.equal(isWorkingDay(d), true, d);
    }
  });

  test('local holidays, as a date or yearly', () => {
    assert.equal(isWorkingDay('2025-12-26'), true);
    assert.equal(isWorkingDay('2025-12-26', { extraHolidays: ['12-26'] }), false);
    assert.equal(isWorkingDay('2026-04-03', { extraHolidays: ['2026-04-03'] }), false);
    assert.equal(isWorkingDay('2027-04-03', { extraHolidays: ['2026-04-03'] }), false); // a Saturday anyway
    assert.equal(isWorkingDay('2026-04-02', { extraHolidays: ['2026-04-03'] }), true);
  });

  test('rejects malformed dates and holiday specs', () => {
    assert.throws(() => isWorkingDay('2026-02-30'), RangeError);
    assert.throws(() => isWorkingDay('30/11/2026'), RangeError);
    assert.throws(() => isWorkingDay('2026-11-30', { extraHolidays: ['26/12'] }), RangeError);
    assert.equal(isHolidaySpec('02-29'), true);
    assert.equal(isHolidaySpec('2027-02-29'), false);
    assert.equal(isHolidaySpec('13-01'), false);
  });
});

describe('addWorkingDays', () => {
  test('the day of filing does not count', () => {
    // Monday 30 November 2026, 10:00 in Paris.
    assert.equal(addWorkingDays(at('2026-11-30T09:00:00Z'), 0), '2026-11-30');
    assert.equal(addWorkingDays(at('2026-11-30T09:00:00Z'), 1), '2026-12-01');
    assert.equal(addWorkingDays(at('2026-11-30T09:00:00Z'), 10), '2026-12-14');
  });

  test('a filing on a weekend counts from Monday', () => {
    // Saturday 28 November 2026.
    assert.equal(addWorkingDays(at('2026-11-28T09:00:00Z'), 0), '2026-11-30');
    assert.equal(addWorkingDays(at('2026-11-28T09:00:00Z'), 1), '2026-12-01');
    assert.equal(addWorkingDays(at('2026-11-29T15:00:00Z'), 1), '2026-12-01');
  });

  test('a filing after 18:00 Paris time counts from the next working day', () => {
    // Friday 27 November 2026: 17:59 and 18:00 in Paris (UTC+1).
    assert.equal(addWorkingDays(at('2026-11-27T16:59:00Z'), 1), '2026-11-30');
    assert.equal(addWorkingDays(at('2026-11-27T17:00:00Z'), 1), '2026-12-01');
    assert.equal(addWorkingDays(at('2026-11-27T17:00:00Z'), 0), '2026-11-30');
  });

  test('Christmas and New Year', () => {
    // Thursday 24 December 2026; 25 December and 1 January 2027 are Fridays.
    assert.equal(addWorkingDays(at('2026-12-24T09:00:00Z'), 1), '2026-12-28');
    assert.equal(addWorkingDays(at('2026-12-24T09:00:00Z'), 5), '2027-01-04');
    assert.equal(addWorkingDays(at('2026-12-24T09:00:00Z'), 6), '2027-01-05');
  });

  test('1 May and Ascension week in 2026', () => {
    // Thursday 30 April 2026, 10:00 in Paris (UTC+2); 1 May is a Friday.
    assert.equal(addWorkingDays(at('2026-04-30T08:00:00Z'), 1), '2026-05-04');
    // From Monday 4 May: 8 May (Friday) and Ascension (Thursday 14 May) are skipped.
    assert.equal(addWorkingDays(at('2026-05-04T08:00:00Z'), 10), '2026-05-20');
    assert.equal(addWorkingDays(at('2026-05-13T08:00:00Z'), 1), '2026-05-15');
  });

  test('1 May, 8 May and Ascension in 2027', () => {
    // 1 and 8 May 2027 are Saturdays; Ascension is Thursday 6 May; Whit Monday 17 May.
    assert.equal(addWorkingDays(at('2027-04-30T08:00:00Z'), 1), '2027-05-03');
    assert.equal(addWorkingDays(at('2027-05-05T08:00:00Z'), 1), '2027-05-07');
    assert.equal(addWorkingDays(at('2027-05-05T08:00:00Z'), 7), '2027-05-18');
  });

  test('14 July', () => {
    assert.equal(addWorkingDays(at('2026-07-13T07:00:00Z'), 1), '2026-07-15'); // Tuesday 14 July
    assert.equal(addWorkingDays(at('2027-07-13T07:00:00Z'), 1), '2027-07-15'); // Wednesday 14 July
  });

  test('Easter Monday', () => {
    // Friday 3 April 2026, then Easter Monday 6 April.
    assert.equal(addWorkingDays(at('2026-04-03T08:00:00Z'), 1), '2026-04-07');
    // Friday 26 March 2027, then Easter Monday 29 March.
    assert.equal(addWorkingDays(at('2027-03-26T09:00:00Z'), 1), '2027-03-30');
  });

  test('daylight saving time changes', () => {
    // Friday 26 March 2027, before the switch to summer time: Paris is UTC+1.
    assert.equal(addWorkingDays(at('2027-03-26T16:30:00Z'), 1), '2027-03-30'); // 17:30 in Paris
    assert.equal(addWorkingDays(at('2027-03-26T17:30:00Z'), 1), '2027-03-31'); // 18:30 in Paris
    // Across the switch of Sunday 29 March 2026.
    assert.equal(addWorkingDays(at('2026-03-27T09:00:00Z'), 5), '2026-04-03');
    assert.equal(addWorkingDays(at('2026-03-27T09:00:00Z'), 6), '2026-04-07');
    // Same UTC time around the switch back to winter time (Sunday 25 October 2026).
    assert.equal(addWorkingDays(at('2026-10-23T16:30:00Z'), 1), '2026-10-27'); // 18:30 in Paris (UTC+2)
    assert.equal(addWorkingDays(at('2026-10-26T16:30:00Z'), 1), '2026-10-27'); // 17:30 in Paris (UTC+1)
    assert.equal(addWorkingDays(at('2026-10-26T17:30:00Z'), 1), '2026-10-28'); // 18:30 in Paris
  });

  test('23:30 UTC is already the next day in Paris', () => {
    // Wednesday 30 December 2026, 23:30 UTC = Thursday 31 December, 00:30 in Paris.
    assert.deepEqual(localDateAndHour(at('2026-12-30T23:30:00Z')), { date: '2026-12-31', hour: 0 });
    assert.equal(addWorkingDays(at('2026-12-30T23:30:00Z'), 0), '2026-12-31');
    assert.equal(addWorkingDays(at('2026-12-30T23:30:00Z'), 1), '2027-01-04');
    // Monday 13 July 2026, 22:30 UTC = 14 July, 00:30 in Paris: a holiday.
    assert.equal(addWorkingDays(at('2026-07-13T22:30:00Z'), 0), '2026-07-15');
  });

  test('local holidays given by the tenant', () => {
    // Alsace-Moselle: Good Friday (3 April 2026) and 26 December.
    const alsace = { extraHolidays: ['2026-04-03', '12-26'] };
    assert.equal(addWorkingDays(at('2026-04-02T08:00:00Z'), 1), '2026-04-03');
    assert.equal(addWorkingDays(at('2026-04-02T08:00:00Z'), 1, alsace), '2026-04-07');
    assert.equal(addWorkingDays(at('2025-12-24T09:00:00Z'), 1), '2025-12-26');
    assert.equal(addWorkingDays(at('2025-12-24T09:00:00Z'), 1, alsace), '2025-12-29');
  });

  test('another time zone', () => {
    // Friday 27 November 2026, 20:00 UTC: 21:00 in Paris, 16:00 in Martinique.
    assert.equal(addWorkingDays(at('2026-11-27T20:00:00Z'), 0), '2026-11-30');
    assert.equal(addWorkingDays(at('2026-11-27T20:00:00Z'), 0, { timeZone: 'America/Martinique' }), '2026-11-27');
  });

  test('rejects invalid arguments', () => {
    assert.throws(() => addWorkingDays(at('2026-11-30T09:00:00Z'), -1), RangeError);
    assert.throws(() => addWorkingDays(at('2026-11-30T09:00:00Z'), 1.5), RangeError);
    assert.throws(() => addWorkingDays(new Date('nope'), 1), RangeError);
  });
});

describe('Easter', () => {
  test('Easter Sunday matches the published dates', async () => {
    const { easterSunday } = await import('./working-days.ts');
    assert.equal(easterSunday(2024), '2024-03-31');
    assert.equal(easterSunday(2025), '2025-04-20');
    assert.equal(easterSunday(2026), '2026-04-05');
    assert.equal(easterSunday(2027), '2027-03-28');
    assert.equal(easterSunday(2038), '2038-04-25');
  });
});

describe('public holidays against the date-holidays package, 1990–2100', () => {
  // date-holidays is a development dependency: it checks the computation, production does not load it.
  const departements: [string | null, string | undefined][] = [
    [null, undefined],
    ['57', '57'],
    ['67', '67'],
    ['68', '68'],
    ['971', 'GP'],
    ['972', 'MQ'],
    ['973', 'GF'],
    ['974', 'RE'],
    ['976', 'YT'],
    ['977', 'BL'],
    ['978', 'MF'],
  ];
  for (const [departement, state] of departements) {
    test(`département ${departement ?? 'none (national)'}`, async () => {
      const { default: Holidays } = await import('date-holidays');
      const reference = state ? new Holidays('FR', state) : new Holidays('FR');
      for (let year = 1990; year <= 2100; year++) {
        // A set: two holidays can fall on one day (Ascension on 8 May 1997).
        const expected = [
          ...new Set(
            reference
              .getHolidays(year)
              .filter((h) => h.type === 'public')
              .map((h) => h.date.slice(0, 10)),
          ),
        ].sort();
        assert.deepEqual([...publicHolidays(year, departement)].sort(), expected, `${year} ${departement ?? ''}`);
      }
    });
  }

  test('a deadline in Moselle skips Good Friday and 26 December', () => {
    // Thursday 2 April 2026, 10:00 in Paris; Good Friday is 3 April, Easter Monday 6 April.
    assert.equal(addWorkingDays(at('2026-04-02T08:00:00Z'), 1), '2026-04-03');
    assert.equal(addWorkingDays(at('2026-04-02T08:00:00Z'), 1, { departement: '57' }), '2026-04-07');
    assert.equal(isWorkingDay('2025-12-26', { departement: '67' }), false);
    assert.equal(isWorkingDay('2025-12-26'), true);
  });

  test('the département comes from the INSEE code', () => {
    assert.equal(departementOfInsee('57463'), '57');
    assert.equal(departementOfInsee('97411'), '974');
    assert.equal(departementOfInsee('2A004'), '2A');
    assert.equal(departementOfInsee(null), null);
    assert.equal(departementOfInsee('xx'), null);
  });
});

describe('pausing a deadline: working days waited, and a due date moved by them', () => {
  test('working days after one day up to another: weekends, public holidays and closing days left out', () => {
    // Tuesday 12 May 2026 → Monday 18 May: Wednesday 13, Friday 15, Monday 18 (14 is Ascension).
    assert.equal(workingDaysBetween('2026-05-12', '2026-05-18'), 3);
    assert.equal(workingDaysBetween('2026-05-12', '2026-05-18', { extraHolidays: ['2026-05-15'] }), 2);
    assert.equal(workingDaysBetween('2026-05-15', '2026-05-18'), 1, 'Friday to Monday: one');
    assert.equal(workingDaysBetween('2026-05-18', '2026-05-18'), 0);
    assert.equal(workingDaysBetween('2026-05-18', '2026-05-12'), 0, 'an earlier day: none');
  });

  test('a due date moved by working days', () => {
    assert.equal(shiftWorkingDays('2026-05-20', 3), '2026-05-26', 'Whit Monday 25 May skipped');
    assert.equal(shiftWorkingDays('2026-05-20', 0), '2026-05-20');
    // Friday 22 December 2028: Monday 25 is Christmas; Tuesday 26 is a holiday in Moselle only.
    assert.equal(shiftWorkingDays('2028-12-22', 1), '2028-12-26');
    assert.equal(shiftWorkingDays('2028-12-22', 1, { departement: '57' }), '2028-12-27');
    assert.throws(() => shiftWorkingDays('2026-05-20', -1), RangeError);
  });
});
