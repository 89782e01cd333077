/**
 * Colour contrast as WCAG 2.1 defines it (success criteria 1.4.3 and 1.4.11). A tenant's
 * primary colour is used both for link text on white and as the background of buttons with
 * white text, so it must reach 4.5:1 against white in both directions.
 */

const HEX = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

function parseHex(hex: string): [number, number, number] {
  if (!HEX.test(hex)) throw new Error(`Not a hex colour: ${hex}`);
  const digits =
    hex.length === 4
      ? hex
          .slice(1)
          .split('')
          .map((d) => d + d)
          .join('')
      : hex.slice(1);
  return [0, 2, 4].map((i) => parseInt(digits.slice(i, i + 2), 16)) as [number, number, number];
}

/** Relative luminance of an sRGB colour, from 0 (black) to 1 (white). */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = parseHex(hex).map((channel) => {
    const c = channel / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Contrast ratio between two colours, from 1 (same) to 21 (black on white); order does not matter. */
export function contrastRatio(hexA: string, hexB: string): number {
  const a = relativeLuminance(hexA);
  const b = relativeLuminance(hexB);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/** WCAG AA for normal text: at least 4.5:1. */
export const MIN_TEXT_CONTRAST = 4.5;

/** True when the colour is a valid hex colour readable as text on white (and white on it). */
export function isReadableOnWhite(hex: string): boolean {
  if (!HEX.test(hex)) return false;
  return contrastRatio(hex, '#ffffff') >= MIN_TEXT_CONTRAST;
}
