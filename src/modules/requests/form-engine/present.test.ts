import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFormDefinition } from '../../catalogue/form-definition.ts';
import { presentAnswers } from './present.ts';
import { validateAnswers } from './validate.ts';

const NBSP = '\u00a0';

const form = parseFormDefinition({
  version: 1,
  sections: [
    {
      title: 'Votre demande',
      fields: [
        { name: 'surface', type: 'number', label: 'Surface (m²)', required: true },
        { name: 'date_souhaitee', type: 'date', label: 'Date souhaitée', required: true },
        {
          name: 'motif',
          type: 'choice',
          label: 'Motif',
          required: true,
          options: [
            { value: 'mariage', label: 'Mariage' },
            { value: 'autre', label: 'Autre' },
          ],
        },
        { name: 'lieu', type: 'address', label: 'Adresse', required: false },
        { name: 'piece', type: 'file', label: 'Justificatif', required: false },
      ],
    },
  ],
});

describe('answers presenter', () => {
  test('a number typed with a comma and a phone typed in pairs come back as they were typed', () => {
    const raw = {
      surface: '2,5',
      date_souhaitee: '2027-03-01',
      motif: 'mariage',
      applicant_given_name: 'Zoé',
      applicant_family_name: 'Lefèvre',
      applicant_email: 'zoe@example.fr',
      applicant_phone: '06 12 34 56 78',
    };
    const result = validateAnswers(form, raw, () => 0, '2026-12-01');
    assert.deepEqual(result.errors, []);
    assert.equal(result.answers.surface, 2.5);
    assert.equal(result.answers.applicant_phone, '0612345678');
    const shown = Object.fromEntries(presentAnswers(form, result.answers).map((a) => [a.label, a.value]));
    assert.equal(shown['Surface (m²)'], '2,5');
    assert.equal(shown['Numéro de téléphone'], '06 12 34 56 78');
    assert.equal(shown['Date souhaitée'], '1er mars 2027');
    assert.equal(shown.Motif, 'Mariage');
  });

  test('numbers, phones, addresses, files and booleans in French; the form’s order, the applicant last', () => {
    const lines = presentAnswers(form, {
      applicant_phone: '+33612345678',
      surface: 12500,
      lieu: { street: '12 rue des Lilas', postalCode: '27000', city: 'Villebelle' },
      piece: ['acte.pdf'],
      ancien_champ: true,
    });
    assert.deepEqual(
      lines.map((l) => [l.label, l.value, l.kind]),
      [
        ['Surface (m²)', `12${NBSP}500`, 'number'],
        ['Adresse', '12 rue des Lilas, 27000 Villebelle', 'address'],
        ['Justificatif', 'acte.pdf', 'file'],
        ['Numéro de téléphone', '+33 6 12 34 56 78', 'phone'],
        ['ancien_champ', 'Oui', 'other'],
      ],
    );
  });

  test('the identity FranceConnect verified reads as lines, never as JSON', () => {
    const lines = presentAnswers(form, {
      applicant_given_name: 'Camille',
      _identity: {
        source: 'franceconnect',
        birthdate: '1988-07-14',
        birthplace: '44109',
        birthcountry: '99100',
        gender: 'female',
        preferred_username: null,
      },
    });
    const identity = lines.filter((l) => l.kind === 'identity').map((l) => `${l.label} : ${l.value}`);
    assert.deepEqual(identity, [
      'Identité : Identité vérifiée par FranceConnect',
      'Date de naissance : 14 juillet 1988',
      // Codes as names, with the code an agent may need.
      'Lieu de naissance : Nantes (44), code INSEE 44109',
      'Pays de naissance : France, code INSEE 99100',
      'Sexe : Féminin',
    ]);
    for (const l of lines) {
      assert.doesNotMatch(l.label, /_identity/);
      assert.doesNotMatch(l.value, /[{}]/);
    }
  });

  test('a request filed without a form names the person with the applicant fields’ labels', () => {
    const lines = presentAnswers(null, {
      applicant_given_name: 'Mehdi',
      applicant_family_name: 'Durand',
      applicant_phone: '0600001800',
    });
    assert.deepEqual(
      lines.map((l) => [l.label, l.value]),
      [
        ['Prénom', 'Mehdi'],
        ['Nom', 'Durand'],
        ['Numéro de téléphone', '06 00 00 18 00'],
      ],
    );
  });

  test('an unknown object is written as text, without braces', () => {
    const [line] = presentAnswers(null, { extra: { a: 1, b: 'deux' } });
    assert.equal(line!.value, 'a : 1 ; b : deux');
  });
});
