import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normaliseMobile } from './phone.ts';
import { assertSmsFits, smsLength, toGsmFriendly } from './segments.ts';

test('French mobiles, metropolitan and overseas, come out in E.164; landlines and foreign numbers do not', () => {
  assert.equal(normaliseMobile('06 12 34 56 78'), '+33612345678');
  assert.equal(normaliseMobile('07.81.23.45.67'), '+33781234567');
  assert.equal(normaliseMobile('+33 6 12 34 56 78'), '+33612345678');
  assert.equal(normaliseMobile('0033612345678'), '+33612345678');
  assert.equal(normaliseMobile('0690 12 34 56'), '+590690123456', 'Guadeloupe');
  assert.equal(normaliseMobile('0696 12 34 56'), '+596696123456', 'Martinique');
  assert.equal(normaliseMobile('0692 12 34 56'), '+262692123456', 'La Réunion');
  assert.equal(normaliseMobile('0639 69 12 34'), '+262639691234', 'Mayotte');
  assert.equal(normaliseMobile('0694 20 12 34'), '+594694201234', 'Guyane');
  assert.equal(normaliseMobile('+687 75 12 34'), '+687751234', 'Nouvelle-Calédonie');
  assert.equal(normaliseMobile('01 23 45 67 89'), null, 'a landline');
  assert.equal(normaliseMobile('+44 7700 900123'), null, 'a British mobile');
  assert.equal(normaliseMobile('06 12 34'), null);
  assert.equal(normaliseMobile(''), null);
  assert.equal(normaliseMobile(null), null);
  assert.equal(normaliseMobile('x'.repeat(100)), null);
});

test('GSM-7 texts: 160 in one part, 153 per part beyond; extension characters count twice', () => {
  assert.deepEqual(smsLength('a'.repeat(160)), { encoding: 'gsm7', units: 160, segments: 1 });
  assert.deepEqual(smsLength('a'.repeat(161)), { encoding: 'gsm7', units: 161, segments: 2 });
  assert.equal(smsLength('a'.repeat(306)).segments, 2);
  assert.equal(smsLength('a'.repeat(307)).segments, 3);
  assert.deepEqual(smsLength('€'.repeat(80)), { encoding: 'gsm7', units: 160, segments: 1 });
  assert.equal(smsLength('é à è ù É Ç Ö ñ').encoding, 'gsm7', 'French accents of the GSM alphabet');
});

test('one character outside GSM-7 makes the whole text UCS-2: 70 in one part, 67 per part beyond', () => {
  assert.deepEqual(smsLength('’'.repeat(70)), { encoding: 'ucs2', units: 70, segments: 1 });
  assert.equal(smsLength(`${'a'.repeat(70)}’`).segments, 2);
  assert.equal(smsLength('ê').encoding, 'ucs2', 'ê is not in the GSM alphabet');
  assert.equal(smsLength('🙂').units, 2, 'an emoji is two UTF-16 units');
});

test('French typography is written with the GSM alphabet, keeping a notice in one part', () => {
  const text = toGsmFriendly('Mairie d’Angers : « réponse » – voir…\u00a0!');
  assert.equal(text, 'Mairie d\'Angers : " réponse " - voir... !');
  assert.equal(smsLength(text).encoding, 'gsm7');
});

test('a text over three parts, or empty, is refused', () => {
  assert.throws(() => assertSmsFits('a'.repeat(460)), /4 parts/);
  assert.equal(assertSmsFits('a'.repeat(459)).segments, 3);
  assert.throws(() => assertSmsFits('  '), /empty/);
});
