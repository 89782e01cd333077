import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFormDefinition, type FormDefinition } from '../../catalogue/form-definition.ts';
import { parsePhone } from '../../../platform/format.ts';
import { isShown, parseDate, validateAnswers, type RawAnswers } from './validate.ts';

const definition: FormDefinition = parseFormDefinition({
  version: 1,
  sections: [
    {
      title: 'Test',
      fields: [
        {
          name: 'motif',
          type: 'choice',
          label: 'Motif',
          required: true,
          options: [
            { value: 'a', label: 'A' },
            { value: 'autre', label: 'Autre' },
          ],
        },
        {
          name: 'precision',
          type: 'text',
          label: 'Précisez',
          required: true,
          showIf: { field: 'motif', equals: 'autre' },
        },
        {
          name: 'date_souhaitee',
          type: 'date',
          label: 'Date souhaitée',
          required: true,
          validation: { minDate: 'today' },
        },
        {
          name: 'personnes',
          type: 'number',
          label: 'Nombre de personnes',
          required: false,
          validation: { min: 1, max: 300 },
        },
        {
          name: 'besoins',
          type: 'multichoice',
          label: 'Besoins',
          required: false,
          options: [
            { value: 'tables', label: 'Tables' },
            { value: 'chaises', label: 'Chaises' },
            { value: 'sono', label: 'Sono' },
          ],
          validation: { maxChoices: 2 },
        },
        { name: 'accord', type: 'checkbox', label: "J'accepte le règlement", required: true },
        { name: 'piece', type: 'file', label: 'Justificatif', required: true },
      ],
    },
  ],
});

const base: RawAnswers = {
  motif: 'a',
  date_souhaitee: '2026-12-15',
  accord: 'oui',
  applicant_given_name: 'Léa',
  applicant_family_name: 'Durand',
  applicant_email: 'lea@example.org',
};
const TODAY = '2026-11-28';

function run(raw: RawAnswers, files = 1) {
  return validateAnswers(definition, raw, (n) => (n === 'piece' ? files : 0), TODAY);
}

describe('form engine validation', () => {
  test('valid answers come out typed; hidden conditional fields are dropped', () => {
    const r = run({ ...base, precision: 'ignored', personnes: '12', besoins: ['tables', 'chaises'] });
    assert.deepEqual(r.errors, []);
    assert.equal(r.answers.personnes, 12);
    assert.deepEqual(r.answers.besoins, ['tables', 'chaises']);
    assert.equal(r.answers.accord, true);
    assert.equal('precision' in r.answers, false);
    assert.deepEqual(
      r.fileFields.map((f) => f.name),
      ['piece'],
    );
  });

  test('a conditional field becomes required when its condition holds', () => {
    const r = run({ ...base, motif: 'autre' });
    assert.deepEqual(
      r.errors.map((e) => e.field),
      ['precision'],
    );
    assert.equal(isShown(definition.sections[0]!.fields[1]!, { motif: 'autre' }), true);
  });

  test('every missing required answer is reported once, with a link anchor', () => {
    const r = run({}, 0);
    assert.deepEqual(
      r.errors.map((e) => e.field),
      [
        'motif',
        'date_souhaitee',
        'accord',
        'piece',
        'applicant_given_name',
        'applicant_family_name',
        'applicant_email',
      ],
    );
    assert.equal(r.errors[0]!.anchor, 'motif-0');
    assert.match(r.errors[2]!.message, /Cochez la case/);
  });

  test('out-of-range, malformed and unknown answers are refused', () => {
    const r = run({
      ...base,
      date_souhaitee: '2026-11-01',
      personnes: '1000',
      besoins: ['tables', 'chaises', 'sono'],
      motif: 'inconnu',
    });
    assert.deepEqual(r.errors.map((e) => e.field).sort(), ['besoins', 'date_souhaitee', 'motif', 'personnes']);
    assert.match(r.errors.find((e) => e.field === 'date_souhaitee')!.message, /passé/);
    const r2 = run({ ...base, personnes: 'douze', date_souhaitee: '31/02/2027', applicant_email: 'a@b' });
    assert.deepEqual(r2.errors.map((e) => e.field).sort(), ['applicant_email', 'date_souhaitee', 'personnes']);
  });

  test('dates typed the French way and phone numbers are normalised', () => {
    assert.equal(parseDate('05/03/2027'), '2027-03-05');
    assert.equal(parseDate('2027-02-29'), null);
    assert.equal(parsePhone('06.12.34.56.78'), '0612345678');
    assert.equal(parsePhone('+33 6 12 34 56 78'), '+33612345678');
    assert.equal(parsePhone('12345'), null);
  });

  test('text over the maximum length is refused with the count', () => {
    const r = run({ ...base, applicant_family_name: 'x'.repeat(101) });
    assert.match(r.errors[0]!.message, /au plus 100 caractères \(vous en avez écrit 101\)/);
  });
});

describe('phone numbers', () => {
  test('stored without spaces, French international ones as +33', () => {
    assert.equal(parsePhone('06 12 34 56 78'), '0612345678');
    assert.equal(parsePhone('06.12.34.56.78'), '0612345678');
    assert.equal(parsePhone('+33 6 12 34 56 78'), '+33612345678');
    assert.equal(parsePhone('+33 (0)6 12 34 56 78'), '+33612345678');
    assert.equal(parsePhone('0033 6 12 34 56 78'), '+33612345678');
    assert.equal(parsePhone('+44 20 7946 0958'), '+442079460958');
    assert.equal(parsePhone('+33 6 12 34 56'), null);
    assert.equal(parsePhone('12 34'), null);
  });
});
