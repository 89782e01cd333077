import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { contrastRatio, isReadableOnWhite, relativeLuminance } from './contrast.ts';

describe('colour contrast (WCAG 2.1)', () => {
  test('black on white is 21:1, in either order', () => {
    assert.equal(contrastRatio('#000', '#fff'), 21);
    assert.equal(contrastRatio('#ffffff', '#000000'), 21);
    assert.equal(contrastRatio('#1f4e8c', '#1F4E8C'), 1);
  });

  test('known pairs match the published ratios', () => {
    // Values as given by the WebAIM contrast checker.
    assert.equal(Math.round(contrastRatio('#777777', '#ffffff') * 100) / 100, 4.48);
    assert.equal(Math.round(contrastRatio('#767676', '#ffffff') * 100) / 100, 4.54);
    assert.equal(Math.round(contrastRatio('#0000ff', '#ffffff') * 100) / 100, 8.59);
    assert.equal(Math.round(relativeLuminance('#808080') * 1000) / 1000, 0.216);
  });

  test('readable on white at 4.5:1 or more', () => {
    assert.equal(isReadableOnWhite('#1f4e8c'), true);
    assert.equal(isReadableOnWhite('#767676'), true);
    assert.equal(isReadableOnWhite('#777777'), false);
    assert.equal(isReadableOnWhite('#ffcc00'), false);
    assert.equal(isReadableOnWhite('#ffffff'), false);
  });

  test('anything but a hex colour is refused', () => {
    assert.equal(isReadableOnWhite('red'), false);
    assert.equal(isReadableOnWhite('#12345'), false);
    assert.equal(isReadableOnWhite('#000;} body{display:none'), false);
    assert.throws(() => contrastRatio('blue', '#fff'));
  });
});
