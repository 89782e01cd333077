import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  compareFr,
  formatBytes,
  formatCharactersFr,
  formatDateFr,
  formatDateTimeFr,
  formatAgoFr,
  formatDeadlineFr,
  formatNumberFr,
  formatPhoneFr,
  formatTimeFr,
  parisDay,
  sortFr,
} from './format.ts';

const NBSP = '\u00a0';

describe('French formatting', () => {
  test('days: a calendar day is not shifted, an instant is read in Paris, the 1st is « 1er »', () => {
    assert.equal(formatDateFr('2026-12-03'), '3 décembre 2026');
    assert.equal(formatDateFr('2026-08-01'), '1er août 2026');
    assert.equal(formatDateFr('2026-12-12T00:00:00.000Z'), '12 décembre 2026');
    // 23:30 UTC on 31 December is already New Year's Day in Paris.
    assert.equal(formatDateFr(new Date('2026-12-31T23:30:00Z')), '1er janvier 2027');
    assert.equal(formatDateFr('bientôt'), 'bientôt');
    assert.equal(formatDateFr('2026-13-01'), '2026-13-01');
  });

  test('times are written « 0 h 25 », the same for citizens, agents and documents', () => {
    assert.equal(formatTimeFr(new Date('2026-12-02T23:25:00Z')), '0 h 25');
    assert.equal(formatDateTimeFr(new Date('2026-12-02T23:25:00Z')), '3 décembre 2026 à 0 h 25');
    assert.equal(formatDateTimeFr(new Date('2026-11-28T16:42:00Z')), '28 novembre 2026 à 17 h 42');
    // Summer time: UTC+2.
    assert.equal(formatDateTimeFr('2026-07-01T07:05:00Z'), '1er juillet 2026 à 9 h 05');
    assert.doesNotMatch(formatDateTimeFr(new Date('2026-12-02T23:25:00Z')), /\d:\d/);
  });

  test('the Paris calendar day of an instant', () => {
    assert.equal(parisDay(new Date('2026-12-31T23:30:00Z')), '2027-01-01');
    assert.equal(parisDay(new Date('2026-06-15T10:00:00Z')), '2026-06-15');
  });

  test('deadlines said from today', () => {
    assert.equal(formatDeadlineFr('2026-12-03', '2026-12-03'), "aujourd'hui");
    assert.equal(formatDeadlineFr('2026-12-04', '2026-12-03'), 'demain');
    assert.equal(formatDeadlineFr('2027-01-02', '2026-12-30'), 'dans 3 jours');
    assert.equal(formatDeadlineFr('2026-12-02', '2026-12-03'), "dépassé d'un jour");
    assert.equal(formatDeadlineFr('2026-11-29', '2026-12-03'), 'dépassé de 4 jours');
  });

  test('numbers as French people write them, with one no-break space for thousands', () => {
    assert.equal(formatNumberFr(2.5), '2,5');
    assert.equal(formatNumberFr(5000), `5${NBSP}000`);
    assert.equal(formatNumberFr(-1234.75), `-1${NBSP}234,75`);
    assert.equal(formatNumberFr(12), '12');
    assert.doesNotMatch(formatNumberFr(1_234_567), /\u202f/);
    assert.equal(formatCharactersFr(5000), `5${NBSP}000 caractères`);
    assert.equal(formatCharactersFr(1), '1 caractère');
  });

  test('file sizes with one rounding rule (1 Ko = 1 024 octets)', () => {
    assert.equal(formatBytes(1), '1 octet');
    assert.equal(formatBytes(800), '800 octets');
    assert.equal(formatBytes(245_300), '240 Ko');
    // 1 480 000 octets: « 1,4 Mo » (it was « 1,5 Mo » in the PDF and « 1,4 Mo » on the page).
    assert.equal(formatBytes(1_480_000), '1,4 Mo');
    assert.equal(formatBytes(10 * 1024 * 1024), '10 Mo');
    assert.equal(formatBytes(1500 * 1024 * 1024), `1${NBSP}500 Mo`);
  });

  test('phone numbers in pairs, French international ones too', () => {
    assert.equal(formatPhoneFr('0612345678'), '06 12 34 56 78');
    assert.equal(formatPhoneFr('+33612345678'), '+33 6 12 34 56 78');
    assert.equal(formatPhoneFr('06 12 34 56 78'), '06 12 34 56 78');
    assert.equal(formatPhoneFr('+4915123456789'), '+4915123456789');
  });

  test('French order: « État civil » among the E’s', () => {
    const services = ['Finances', 'État civil', 'Urbanisme', 'Enfance', 'Élections', 'Accueil'];
    assert.deepEqual(services.sort(compareFr), [
      'Accueil',
      'Élections',
      'Enfance',
      'État civil',
      'Finances',
      'Urbanisme',
    ]);
    assert.deepEqual(
      sortFr([{ n: 'Salle 10' }, { n: 'salle 2' }, { n: 'Œuvres' }], (x) => x.n).map((x) => x.n),
      ['Œuvres', 'salle 2', 'Salle 10'],
    );
  });
});

test('dates and times read in Paris agree with Intl on every hour around the clock changes, 1990–2100', () => {
  const reference = new Intl.DateTimeFormat('fr-FR', {
    timeZone: 'Europe/Paris',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const expected = (d: Date) => {
    const p = Object.fromEntries(reference.formatToParts(d).map((x) => [x.type, x.value]));
    return `${p.year}-${Number(p.month)}-${Number(p.day)} ${Number(p.hour)}:${p.minute}`;
  };
  const months = [
    'janvier',
    'février',
    'mars',
    'avril',
    'mai',
    'juin',
    'juillet',
    'août',
    'septembre',
    'octobre',
    'novembre',
    'décembre',
  ];
  const ours = (d: Date) => {
    const m = /^(1er|\d+) (\S+) (\d+) à (\d+) h (\d\d)$/.exec(formatDateTimeFr(d))!;
    return `${m[3]}-${months.indexOf(m[2]!) + 1}-${m[1] === '1er' ? 1 : Number(m[1])} ${m[4]}:${m[5]}`;
  };
  let checked = 0;
  for (let year = 1990; year <= 2100; year += 1) {
    for (const month of [2, 9]) {
      // Every 7 minutes through the last ten days of March and October: both clock changes.
      const start = Date.UTC(year, month, 21);
      for (let t = start; t < start + 11 * 86_400_000; t += 7 * 60_000 + 13_000) {
        const d = new Date(t);
        assert.equal(ours(d), expected(d), d.toISOString());
        checked++;
      }
    }
  }
  // Instants before 1970 and odd seconds too.
  for (const iso of [
    '1969-12-31T23:59:59.999Z',
    '1950-06-01T12:00:30Z',
    '2026-03-29T00:59:59Z',
    '2026-03-29T01:00:00Z',
    '2026-10-25T00:59:59Z',
    '2026-10-25T01:00:00Z',
  ]) {
    assert.equal(ours(new Date(iso)), expected(new Date(iso)), iso);
  }
  assert.ok(checked > 100_000);
});

test('how long ago, in words', () => {
  const now = new Date('2026-06-23T08:19:00Z');
  assert.equal(formatAgoFr(new Date('2026-06-23T08:18:30Z'), now), 'à l’instant');
  assert.equal(formatAgoFr(new Date('2026-06-23T08:18:00Z'), now), 'il y a 1 minute');
  assert.equal(formatAgoFr('2026-06-23T08:16:00Z', now), 'il y a 3 minutes');
  assert.equal(formatAgoFr(new Date('2026-06-23T07:19:00Z'), now), 'il y a 1 heure');
  assert.equal(formatAgoFr(new Date('2026-06-23T05:00:00Z'), now), 'il y a 3 heures');
});
