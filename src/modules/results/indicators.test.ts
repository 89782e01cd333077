import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { emptyCounts, figuresOf, median, onlineFigures, periodsOn, share } from './indicators.ts';
import { percentFr, pointsFr } from './present.ts';

describe('results indicators (pure)', () => {
  test('a share with nothing to divide is null, never 0 or NaN', () => {
    assert.equal(share(0, 0), null);
    assert.equal(share(3, 4), 0.75);
    const f = figuresOf(emptyCounts(), []);
    assert.equal(f.satisfaction.rate, null);
    assert.equal(f.satisfaction.net, null);
    assert.equal(f.deadlines.rate, null);
    assert.equal(f.pickUp.rate, null);
    assert.equal(f.online.rate, null);
    assert.equal(f.received, 0);
    assert.equal(JSON.stringify(f).includes('NaN'), false);
  });

  test('satisfaction rate, net satisfaction, décroché, by hand', () => {
    const c = {
      ...emptyCounts(),
      answers: 8,
      satisfied: 5,
      dissatisfied: 2,
      callsAnswered: 3,
      callsMissed: 2,
      handled: 4,
      handledInTime: 3,
    };
    const f = figuresOf(c, []);
    assert.equal(f.satisfaction.rate, 5 / 8);
    assert.equal(f.satisfaction.net, 3 / 8);
    assert.equal(f.pickUp.rate, 3 / 5);
    assert.equal(f.pickUp.required, 5);
    assert.equal(f.deadlines.rate, 0.75);
    assert.equal(percentFr(5 / 8), '63 %');
    assert.equal(pointsFr(3 / 8), '+38 points');
    assert.equal(pointsFr(-0.05), '−5 points');
  });

  test('online démarches: a démarche counts from 5 scores, rated ≥ 8 on its mean', () => {
    const o = onlineFigures([
      { demarcheId: 'a', ratings: 5, sum: 42 }, // 8.4
      { demarcheId: 'b', ratings: 5, sum: 37 }, // 7.4
      { demarcheId: 'c', ratings: 2, sum: 20 }, // too few scores
    ]);
    assert.deepEqual(o, { rated: 2, atLeast8: 1, ratings: 12, rate: 0.5 });
    assert.equal(onlineFigures([]).rate, null);
  });

  test('median of odd and even lists', () => {
    assert.equal(median([]), null);
    assert.equal(median([7, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 10]), 3.5);
  });

  test('periods: the last twelve months up to today, and the twelve before', () => {
    const p = periodsOn('2026-06-30');
    assert.equal(p.current.from, '2025-07-01');
    assert.equal(p.current.to, '2026-06-30');
    assert.equal(p.current.months.length, 12);
    assert.equal(p.current.months[0], '2025-07');
    assert.equal(p.current.months[11], '2026-06');
    assert.equal(p.previous.from, '2024-07-01');
    assert.equal(p.previous.to, '2025-06-30');
    assert.equal(periodsOn('2026-03-15').previous.to, '2025-03-31');
    assert.equal(periodsOn('2025-02-10').previous.to, '2024-02-29');
  });
});
