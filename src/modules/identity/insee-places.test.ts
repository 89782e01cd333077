import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  birthplaceLabel,
  findCommunesByName,
  findCountryByName,
  inseePlacesLoaded,
  preloadInseePlaces,
} from './insee-places.ts';

describe('communes and countries typed by name', () => {
  test('the commune list is read in the background, before any lookup', async () => {
    await preloadInseePlaces();
    assert.equal(inseePlacesLoaded(), true);
    assert.equal(birthplaceLabel('44109'), 'Nantes (44)');
  });

  test('one commune: found, whatever the accents, case, hyphens or « St »', () => {
    for (const typed of ['Nantes', 'nantes', '  NANTES ', 'Ploufragan'])
      assert.equal(findCommunesByName(typed).length, 1);
    assert.equal(findCommunesByName('st brieuc')[0]?.code, '22278');
    assert.equal(findCommunesByName('Saint-Brieuc')[0]?.code, '22278');
    assert.equal(findCommunesByName('44109')[0]?.label, 'Nantes (44)', 'a code is taken as such');
  });

  test('a name several communes bear: all of them, narrowed by a département typed after it', () => {
    const all = findCommunesByName('Saint-Denis').map((c) => c.code);
    assert.deepEqual(all.sort(), ['11339', '30247', '93066', '97411']);
    assert.deepEqual(
      findCommunesByName('Saint-Denis (93)').map((c) => c.code),
      ['93066'],
    );
    assert.deepEqual(
      findCommunesByName('saint denis 974').map((c) => c.code),
      ['97411'],
    );
  });

  test('a former commune is found with the one it belongs to today; Paris is its arrondissements', () => {
    const gennes = findCommunesByName('Gennes (49)');
    assert.equal(gennes[0]?.code, '49149');
    assert.match(gennes[0]!.label, /aujourd’hui Gennes-Val-de-Loire/);
    const paris = findCommunesByName('Paris');
    assert.equal(paris.length, 20);
    assert.ok(paris.every((c) => /^751\d\d$/.test(c.code)));
  });

  test('nothing for a name no commune bears, nor for an empty one', () => {
    assert.deepEqual(findCommunesByName('Villeimaginaire-sur-Mer'), []);
    assert.deepEqual(findCommunesByName(''), []);
  });

  test('countries by their French name, with or without accents', () => {
    assert.equal(findCountryByName('Maroc'), '99350');
    assert.equal(findCountryByName('etats-unis'), '99404');
    assert.equal(findCountryByName('Côte d’Ivoire'), '99326');
    assert.equal(findCountryByName('Atlantide'), null);
    assert.equal(findCountryByName(''), null);
  });
});
