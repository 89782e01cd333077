import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileResults } from './compile-results.ts';
import { parisInstant, parisLocal, parseTime } from './paris-time.ts';
import { consultationState, readAnswers, type Question } from './questionnaire.ts';
import { recurringWords } from './recurring-words.ts';

function question(id: string, position: number, kind: Question['kind'], extra: Partial<Question> = {}): Question {
  return {
    id,
    position,
    kind,
    label: `Question ${position}`,
    hint: '',
    required: false,
    options: [],
    scaleMin: kind === 'scale' ? 0 : null,
    scaleMax: kind === 'scale' ? 10 : null,
    scaleMinLabel: '',
    scaleMaxLabel: '',
    conditionQuestionId: null,
    conditionValues: [],
    ...extra,
  };
}

const Q = [
  question('a', 1, 'multiple', { options: ['Vélo', 'Voiture', 'Bus'], required: true }),
  question('b', 2, 'single', {
    options: ['Oui', 'Non'],
    conditionQuestionId: 'a',
    conditionValues: ['Vélo'],
    required: true,
  }),
  question('c', 3, 'text', { conditionQuestionId: 'b', conditionValues: ['Non'] }),
  question('d', 4, 'scale'),
];

describe('answers read against the questions', () => {
  test('a condition on a multiple choice holds when one of the ticked answers is its value', () => {
    const r = readAnswers(Q, { q_a: ['Bus', 'Vélo'], q_b: 'Non', q_c: '  Des pistes  ', q_d: '0' });
    assert.deepEqual(r, { ok: true, answers: { a: ['Vélo', 'Bus'], b: 'Non', c: 'Des pistes', d: 0 } });
  });

  test('a false condition drops the answer, and the questions that depend on it, even when required', () => {
    const r = readAnswers(Q, { q_a: 'Bus', q_b: 'Oui', q_c: 'ignoré' });
    assert.deepEqual(r, { ok: true, answers: { a: ['Bus'] } });
  });

  test('required, off the list, twice for a single choice, off the scale', () => {
    const r = readAnswers(Q, { q_a: 'Vélo', q_b: ['Oui', 'Non'], q_d: '11' });
    assert.equal(r.ok, false);
    assert.deepEqual(!r.ok && r.errors.map((e) => [e.field, e.anchor]), [
      ['q_b', 'q_b-0'],
      ['q_d', 'q_d-0'],
    ]);
    const missing = readAnswers(Q, {});
    assert.equal(
      !missing.ok && missing.errors[0]!.message,
      'Cochez au moins une réponse à la question « Question 1 ».',
    );
    const forged = readAnswers(Q, { q_a: 'Trottinette' });
    assert.equal(
      !forged.ok && forged.errors[0]!.message,
      'Cochez des réponses de la liste à la question « Question 1 ».',
    );
  });
});

describe('state, dates in Paris', () => {
  test('draft, scheduled, open, closed (the closing instant is closed)', () => {
    const c = {
      published_at: new Date('2026-01-01'),
      opens_at: new Date('2026-02-01T00:00:00Z'),
      closes_at: new Date('2026-03-01T00:00:00Z'),
    };
    assert.equal(consultationState({ ...c, published_at: null }, new Date('2026-02-15')), 'draft');
    assert.equal(consultationState(c, new Date('2026-01-31T23:59:59Z')), 'scheduled');
    assert.equal(consultationState(c, new Date('2026-02-01T00:00:00Z')), 'open');
    assert.equal(consultationState(c, new Date('2026-03-01T00:00:00Z')), 'closed');
  });

  test('a day and a time typed in Paris, summer and winter, and back', () => {
    assert.equal(parisInstant('15/07/2026', '18 h 30')!.toISOString(), '2026-07-15T16:30:00.000Z');
    assert.equal(parisInstant('2026-12-04', '9:00')!.toISOString(), '2026-12-04T08:00:00.000Z');
    // 2:30 does not exist on the spring change day: clocks go from 2:00 to 3:00.
    assert.equal(parisInstant('2026-03-29', '02:30')!.toISOString(), '2026-03-29T01:30:00.000Z');
    assert.deepEqual(parisLocal(new Date('2026-07-15T16:30:00Z')), { day: '2026-07-15', time: '18:30' });
    assert.equal(parisInstant('31/02/2026', '9:00'), null);
    assert.equal(parseTime('24:00'), null);
    assert.equal(parseTime('7h'), '07:00');
  });
});

describe('results', () => {
  test('shares of those who answered; a scale’s mean and median; a conditional question counts those who answered it', () => {
    const at = new Date('2026-02-02T10:00:00Z');
    const r = compileResults(Q, [
      { submitted_at: at, answers: { a: ['Vélo', 'Bus'], b: 'Non', c: 'Plus de pistes cyclables', d: 2 } },
      { submitted_at: at, answers: { a: ['Vélo'], b: 'Non', c: 'Des pistes cyclables sûres', d: 8 } },
      { submitted_at: at, answers: { a: ['Bus'], d: 9 } },
    ]);
    assert.equal(r.responses, 3);
    const [a, b, c, d] = r.questions;
    assert.deepEqual(a!.kind !== 'text' && a!.bars.map((x) => [x.label, x.count, Math.round(x.share * 100)]), [
      ['Vélo', 2, 67],
      ['Voiture', 0, 0],
      ['Bus', 2, 67],
    ]);
    assert.equal(b!.answered, 2);
    assert.equal(d!.kind === 'scale' && d!.mean, 19 / 3);
    assert.equal(d!.kind === 'scale' && d!.median, 8);
    assert.equal(d!.kind === 'scale' && d!.bars.length, 11);
    assert.deepEqual(c!.kind === 'text' && c!.words, [
      { word: 'cyclables', answers: 2 },
      { word: 'pistes', answers: 2 },
    ]);
  });

  test('recurring words: stop words out, one stem counted once per answer, the form most written shown', () => {
    const words = recurringWords([
      'L’horaire du samedi ne me convient pas, le samedi je travaille',
      'Les horaires du samedi matin',
      'Des horaires plus larges le soir',
      "Ouvrir jusqu'à 19 h le soir",
    ]);
    assert.deepEqual(words, [
      { word: 'horaires', answers: 3 },
      { word: 'samedi', answers: 2 },
      { word: 'soir', answers: 2 },
    ]);
  });
});
