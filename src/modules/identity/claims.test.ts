/**
 * FranceConnect's claims as form answers: which fields they fill and lock, how codes are
 * written for people, and what a password account only pre-fills. Pure functions, no database.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFormDefinition, type FormDefinition } from '../catalogue/form-definition.ts';
import { form as acte } from '../catalogue/forms/acte-naissance-mariage.ts';
import { form as electoral } from '../catalogue/forms/inscription-listes-electorales.ts';
import type { CitizenSession, SessionCitizen } from '../citizens/sessions.ts';
import { lockedAnswers, verifiedAnswers } from '../requests/form-engine/claims.ts';
import { presentAnswers, verifiedIdentity, verifiedIdentityText } from '../requests/form-engine/present.ts';
import { formIdentity } from './form-identity.ts';
import { birthcountryLabel, birthplaceLabel } from './insee-places.ts';

const camille = {
  given_name: 'Camille Louise',
  family_name: 'MARTIN',
  preferred_username: '',
  birthdate: '1988-07-14',
  birthplace: '44109',
  birthcountry: '99100',
  gender: 'female',
  email: 'camille.martin@example.org',
};

function session(method: 'franceconnect' | 'password', c: Partial<SessionCitizen> = {}): CitizenSession {
  return {
    id: 's',
    citizenId: 'c1',
    method,
    idToken: null,
    createdAt: new Date(),
    citizen: {
      id: 'c1',
      email: camille.email,
      emailVerified: true,
      givenName: camille.given_name,
      familyName: camille.family_name,
      preferredUsername: null,
      birthdate: camille.birthdate,
      birthplace: camille.birthplace,
      birthcountry: camille.birthcountry,
      gender: camille.gender,
      franceconnectSub: method === 'franceconnect' ? 'sub-camille' : null,
      identityVerifiedAt: method === 'franceconnect' ? new Date('2026-12-03T09:00:00Z') : null,
      preferences: {},
      ...c,
    },
  };
}

describe('INSEE codes as names', () => {
  test('a current commune, a merged one, a code that no longer names a commune of its own, an unknown code', () => {
    assert.equal(birthplaceLabel('44109'), 'Nantes (44)');
    assert.equal(birthplaceLabel('49149'), 'Gennes (49), aujourd’hui Gennes-Val-de-Loire');
    // Caudéran (33110) was absorbed by Bordeaux in 1965: no record of its own, its code is kept.
    assert.equal(birthplaceLabel('33110'), 'Commune de code INSEE 33110, aujourd’hui Bordeaux');
    assert.equal(birthplaceLabel('75101'), 'Paris 1er Arrondissement (75)');
    assert.equal(birthplaceLabel('2A004'), 'Ajaccio (2A)');
    assert.equal(birthplaceLabel('99999'), 'Commune de code INSEE 99999');
    assert.equal(birthplaceLabel(''), null);
    assert.equal(birthplaceLabel('<script>'), '<script>', 'not a code: shown as given (escaped by the views)');
  });

  test('countries: the common ones by name, the others by code', () => {
    assert.equal(birthcountryLabel('99100'), 'France');
    assert.equal(birthcountryLabel('99350'), 'Maroc');
    assert.equal(birthcountryLabel('99999'), 'Pays de code INSEE 99999');
    assert.equal(birthcountryLabel(null), null);
  });
});

describe('claims on form fields', () => {
  test('the demo forms declare their claims and stay valid definitions', () => {
    assert.doesNotThrow(() => parseFormDefinition(electoral));
    assert.doesNotThrow(() => parseFormDefinition(acte));
    assert.throws(
      () =>
        parseFormDefinition({
          version: 1,
          sections: [{ title: 'x', fields: [{ name: 'a', type: 'file', label: 'A', required: true, claim: 'email' }] }],
        }),
      /cannot take a claim/,
    );
  });

  test('the electoral list: name, birth date, place and country locked; a missing claim leaves its field editable', () => {
    const locked = lockedAnswers(electoral, camille);
    assert.deepEqual(locked, {
      date_naissance: '1988-07-14',
      lieu_naissance: 'Nantes (44)',
      pays_naissance: 'France',
      applicant_given_name: 'Camille Louise',
      applicant_family_name: 'MARTIN',
      applicant_email: 'camille.martin@example.org',
    });
    // No nom d'usage (empty claim), no phone: editable.
    assert.ok(!('nom_usage' in locked));
    assert.ok(!('applicant_phone' in locked));
    // A claim absent altogether (not released by the provider), a date that is not one.
    const partial = lockedAnswers(electoral, { given_name: 'Ana', family_name: 'LIMA', birthdate: '14/07/1988' });
    assert.deepEqual(Object.keys(partial).sort(), ['applicant_family_name', 'applicant_given_name']);
  });

  test('born abroad: the commune stays editable, the country is locked', () => {
    const locked = lockedAnswers(electoral, { ...camille, birthplace: '', birthcountry: '99350' });
    assert.ok(!('lieu_naissance' in locked));
    assert.equal(locked.pays_naissance, 'Maroc');
  });

  test('a civil-status act: the person of the act takes the identity only when the citizen says it is themself', () => {
    assert.ok(!('nom_personne' in lockedAnswers(acte, camille)), 'never locked on the page');
    const forSomeoneElse = verifiedAnswers(acte, camille, { lien_personne: 'parent', nom_personne: 'MARTIN' });
    assert.ok(!('nom_personne' in forSomeoneElse));
    const forMe = verifiedAnswers(acte, camille, { lien_personne: 'moi', nom_personne: 'Autre' });
    assert.equal(forMe.nom_personne, 'MARTIN');
    assert.equal(forMe.prenoms_personne, 'Camille Louise');
  });

  test('a choice field takes a claim only when one of its options is the value', () => {
    const def: FormDefinition = parseFormDefinition({
      version: 1,
      sections: [
        {
          title: 'x',
          fields: [
            {
              name: 'sexe',
              type: 'choice',
              label: 'Sexe',
              required: true,
              claim: 'gender',
              options: [
                { value: 'female', label: 'Féminin' },
                { value: 'male', label: 'Masculin' },
              ],
            },
          ],
        },
      ],
    });
    assert.equal(lockedAnswers(def, { gender: 'female' }).sexe, 'female');
    assert.equal(lockedAnswers(def, { gender: 'other' }).sexe, undefined);
  });
});

describe('what a signed-in citizen brings to a form', () => {
  test('FranceConnect: locked and verified', () => {
    const who = formIdentity(session('franceconnect'), electoral);
    assert.deepEqual(who.prefill, {});
    assert.equal(who.locked?.source, 'FranceConnect');
    assert.equal(who.locked?.values.lieu_naissance, 'Nantes (44)');
    assert.equal(who.citizen?.identitySource, 'franceconnect');
  });

  test('a password account: the profile pre-fills the same fields, editable, not verified', () => {
    const who = formIdentity(session('password'), electoral);
    assert.equal(who.locked, undefined);
    assert.equal(who.prefill.date_naissance, '1988-07-14');
    assert.equal(who.prefill.applicant_given_name, 'Camille Louise');
    assert.equal(who.citizen?.identitySource, null);
  });
});

describe('the verified identity of a request, presented', () => {
  const data = {
    date_naissance: '1988-07-14',
    lieu_naissance: 'Gennes (49), aujourd’hui Gennes-Val-de-Loire',
    _identity: {
      source: 'franceconnect',
      verified_at: '2026-12-03T09:00:00.000Z',
      fields: ['date_naissance', 'lieu_naissance'],
      ...camille,
      birthplace: '33110',
      birthcountry: '99350',
    },
  };

  test('« Identité vérifiée par FranceConnect le … », the fields it filled, claims in words with their codes', () => {
    const identity = verifiedIdentity(data)!;
    assert.equal(verifiedIdentityText(identity), 'Identité vérifiée par FranceConnect le 3 décembre 2026');
    const lines = presentAnswers(electoral, data);
    assert.equal(lines.find((l) => l.name === 'date_naissance')?.verifiedBy, 'FranceConnect');
    assert.equal(
      lines.find((l) => l.name === '_identity.birthplace')?.value,
      'Commune de code INSEE 33110, aujourd’hui Bordeaux',
    );
    assert.equal(lines.find((l) => l.name === '_identity.birthcountry')?.value, 'Maroc, code INSEE 99350');
    assert.ok(!lines.some((l) => /verified_at|fields/.test(l.label)), 'bookkeeping keys are not shown');
  });

  test('no identity, or a forged one without a source: nothing said', () => {
    assert.equal(verifiedIdentity({}), null);
    assert.equal(verifiedIdentity({ _identity: 'franceconnect' }), null);
    assert.equal(verifiedIdentity({ _identity: { source: '' } }), null);
  });
});
