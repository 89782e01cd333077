import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nameForType } from './files.ts';

describe('nameForType', () => {
  test('the extension comes from the type: a dangerous one is replaced', () => {
    assert.equal(nameForType('scan.hta', 'application/pdf'), 'scan.pdf');
    assert.equal(nameForType('facture.html', 'application/pdf'), 'facture.pdf');
    assert.equal(nameForType('doc.exe', 'application/pdf'), 'doc.pdf');
    assert.equal(nameForType('photo.svg', 'image/jpeg'), 'photo.jpg');
    assert.equal(nameForType('image.pdf', 'image/png'), 'image.png');
  });

  test('an extension that already names the type is kept, a missing one is added', () => {
    assert.equal(nameForType('photo.JPEG', 'image/jpeg'), 'photo.JPEG');
    assert.equal(nameForType('Reçu d’août.pdf', 'application/pdf'), 'Reçu d’août.pdf');
    assert.equal(nameForType('scan', 'application/pdf'), 'scan.pdf');
    assert.equal(nameForType('rapport v2.1 final', 'application/pdf'), 'rapport v2.1 final.pdf');
    assert.equal(nameForType('archive.tar.exe', 'application/pdf'), 'archive.tar.pdf');
  });

  test('never an empty base, never over 120 characters; an unknown type leaves no extension', () => {
    assert.equal(nameForType('.exe', 'application/pdf'), 'exe.pdf');
    assert.equal(nameForType('a. .hta', 'application/pdf'), 'a.pdf');
    const long = nameForType(`${'é'.repeat(118)}.hta`, 'application/pdf');
    assert.equal(Array.from(long).length, 120);
    assert.ok(long.endsWith('é.pdf'));
    assert.equal(nameForType('page.html', 'text/html'), 'page');
  });
});
