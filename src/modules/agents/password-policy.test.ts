import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkPassword, isCommonPassword, MAX_LENGTH } from './password-policy.ts';

const context = { email: 'camille.martin@villebelle.example', tenantName: 'Villebelle' };

function refusal(password: string): string | null {
  const result = checkPassword(password, context);
  return result.ok ? null : result.message;
}

describe('agent password policy', () => {
  test('too short: fewer than 12 characters, counted as characters, not bytes', () => {
    assert.match(refusal('Tr0ub4dor&3')!, /au moins 12 caractères/);
    assert.match(refusal('ééééééé-çàù')!, /au moins 12 caractères/);
    assert.equal(refusal('pivoine écluse'), null);
  });

  test('too long: bounded so that one hash stays cheap', () => {
    assert.match(refusal('mot '.repeat(MAX_LENGTH / 4) + 'x')!, /ne doit pas dépasser 128 caractères/);
    assert.equal(refusal('lavande moulin piano '.repeat(6).slice(0, MAX_LENGTH)), null);
  });

  test('common passwords are refused, also with accents, case, digits or symbols around them', () => {
    for (const p of [
      'azertyuiop123',
      'motdepasse123',
      'MotDePasse2024!',
      'qwerty123456',
      '1q2w3e4r5t6y',
      'Soleil-2026!!',
    ]) {
      assert.match(refusal(p)!, /trop courant/, p);
    }
    assert.equal(isCommonPassword('Mötdepàsse'), true);
    assert.equal(isCommonPassword('girafe-tulipe-horizon'), false);
  });

  test('repeated characters are refused', () => {
    assert.match(refusal('aaaaaaaaaaaaaaaa')!, /répète/);
    assert.match(refusal('abababababababab')!, /répète/);
  });

  test("the email's local part or the agent's name in it is refused", () => {
    assert.match(refusal('camille.martin-2026')!, /adresse électronique/);
    assert.match(refusal('jardin-Martin-pluie')!, /adresse électronique/);
    assert.match(refusal('CamilleMartin!x')!, /adresse électronique/);
  });

  test("the commune's name is refused, whatever its case or punctuation", () => {
    assert.match(refusal('Ville-Belle-2026-ok')!, /nom de la commune/);
    assert.match(refusal('jaime villebelle')!, /nom de la commune/);
    const other = checkPassword('orange saint-denis', { email: 'a@b.example', tenantName: 'Saint-Denis' });
    assert.equal(other.ok, false);
  });

  test('a passphrase without composition rules is accepted', () => {
    assert.deepEqual(checkPassword('lavande moulin piano 27', context), { ok: true });
    assert.deepEqual(checkPassword('le chat dort sur le radiateur', context), { ok: true });
    assert.deepEqual(checkPassword('tortuerapidedujardin', context), { ok: true });
  });
});
