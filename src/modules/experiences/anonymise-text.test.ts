import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { anonymiseText, frenchFirstNames, maskedSummary } from './anonymise-text.ts';

const TODAY = new Date('2026-12-04T10:00:00Z');
const mask = (text: string, knownNames: string[] = []) => anonymiseText(text, { knownNames, today: TODAY });

/** Personal data that must never survive the masker, whatever the text around it. */
function assertGone(out: string, ...secrets: string[]) {
  for (const s of secrets) assert.ok(!out.includes(s), `« ${s} » is still in: ${out}`);
}

describe('the masker of published experiences, on realistic French texts', () => {
  test('a complaint at the counter: names after civilities, a child, a phone, an email', () => {
    const text =
      'Bonjour, je suis venue samedi avec ma fille Emma pour sa carte d’identité. Mme LEFEBVRE à l’accueil a été ' +
      'très désagréable, et Monsieur Martin ne m’a jamais rappelée au 06 12 34 56 78 malgré mon courriel ' +
      '(sophie.durand@gmail.com). Sophie Durand';
    const r = mask(text, ['Sophie Durand']);
    assertGone(r.text, 'Emma', 'LEFEBVRE', 'Martin', '06 12 34 56 78', 'sophie.durand@gmail.com', 'Sophie', 'Durand');
    assert.match(r.text, /Mme \[nom\] à l’accueil/);
    assert.match(r.text, /ma fille \[nom\] pour sa carte/);
    assert.match(r.text, /rappelée au \[téléphone\]/);
    // What carries the meaning stays: the service, the day, the facts.
    assert.match(r.text, /samedi/);
    assert.match(r.text, /carte d’identité/);
  });

  test('an address with its number, bis and postcode; a street named after « j’habite »', () => {
    const r = mask(
      'Le camion poubelle ne passe plus au 12 bis rue des Lilas, 35000 Rennes. Mon voisin habite rue de la Gare, même problème.',
    );
    assertGone(r.text, '12 bis rue des Lilas', 'Lilas', '35000', 'Gare');
    assert.match(r.text, /ne passe plus au \[adresse\], \[adresse\]\./);
    assert.match(r.text, /habite \[adresse\], même problème/);
    const lower = mask('Nid-de-poule devant le 5 avenue jean jaurès depuis un mois.');
    assertGone(lower.text, 'jaurès');
  });

  test('numbers: NIR with spaces, numéro fiscal, allocataire, IBAN, a request reference', () => {
    const r = mask(
      'Mon numéro de sécurité sociale est le 2 85 03 2A 112 345 67, mon numéro fiscal 3012345678901, ' +
        'allocataire CAF 1234567, IBAN FR76 3000 6000 0112 3456 7890 189. Ma demande VB-2026-4F7K2 est bloquée.',
    );
    assertGone(r.text, '2 85 03 2A 112 345 67', '3012345678901', '1234567', 'FR76', 'VB-2026-4F7K2');
    assert.match(r.text, /Ma demande \[référence\] est bloquée/);
  });

  test('phones in every French form, and the international ones', () => {
    for (const phone of [
      '01.23.45.67.89',
      '0123456789',
      '06-12-34-56-78',
      '+33 6 12 34 56 78',
      '+33 (0)1 23 45 67 89',
      '0033 612345678',
    ]) {
      const r = mask(`Appelez-moi au ${phone} svp.`);
      assertGone(r.text, phone);
      assert.match(r.text, /\[téléphone\]/, phone);
    }
  });

  test('dates of birth are masked, the day of the visit is not', () => {
    const r = mask(
      'Je suis née le 3 mars 1985 et mon mari, né le 14/07/1979, attendait avec moi le 12 novembre 2026 à 9 h. Date de naissance de mon fils : 02/05/2015.',
    );
    assertGone(r.text, '3 mars 1985', '14/07/1979', '02/05/2015');
    assert.match(r.text, /le 12 novembre 2026 à 9 h/);
    // A full date years back can only be a birth date.
    assertGone(mask('Le 15/02/1962, voilà mon âge.').text, '15/02/1962');
  });

  test('first names of the shipped list with the surname that follows; words like « Pierre et » only lose the name', () => {
    assert.ok(frenchFirstNames().has('Jean-Pierre'));
    const r = mask('Merci à Jean-Pierre MOREAU et à Aïcha Benali pour leur patience. Pierre et moi étions ravis.');
    assertGone(r.text, 'Jean-Pierre', 'MOREAU', 'Aïcha', 'Benali', 'Pierre');
    assert.match(r.text, /\[nom\] et moi étions ravis/);
  });

  test('the writer’s own name, in any case, even where no rule would find it', () => {
    const r = mask('c’est durand qui écrit, de la part de la famille DURAND-ROUX', ['Karl Durand-Roux']);
    assertGone(r.text, 'durand', 'DURAND');
  });

  test('a text with no personal data comes back as written', () => {
    const text =
      'Accueil rapide et agréable à la mairie annexe, le dossier de carte d’identité était complet en 15 minutes. Bravo !';
    const r = mask(text);
    assert.equal(r.text, text);
    assert.deepEqual(r.found, []);
    assert.equal(maskedSummary(r.found), '');
  });

  test('the moderator’s summary counts each kind', () => {
    const r = mask('M. Dupont, 06 12 34 56 78, dupont@example.org, 07 00 00 00 00');
    assert.equal(maskedSummary(r.found), '1 courriel, 2 téléphones, 1 nom');
  });
});
