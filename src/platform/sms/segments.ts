/**
 * How long a text message is, as the network counts it (3GPP TS 23.038 and 23.040). A text
 * made only of the GSM 7-bit alphabet fits 160 characters in one message (153 per part once
 * split, the rest carrying the part header); the extension characters (€, [, ], {, }, ~, \, |,
 * ^ and form feed) count twice. One other character (a curly apostrophe, « », an emoji) sends
 * the whole text in UCS-2: 70 UTF-16 units in one message, 67 per part.
 */

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '^{}\\[~]|€\f';
const BASIC = new Set(GSM7_BASIC);
const EXTENSION = new Set(GSM7_EXTENSION);

/** The most parts a message of Guichet may take: a notice, never a letter (and each part is billed). */
export const SMS_MAX_SEGMENTS = 3;

export interface SmsLength {
  encoding: 'gsm7' | 'ucs2';
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
}

export function smsLength(text: string): SmsLength {
  let septets = 0;
  for (const ch of text) {
    if (BASIC.has(ch)) septets += 1;
    else if (EXTENSION.has(ch)) septets += 2;
    else {
      const units = text.length;
      return { encoding: 'ucs2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
    }
  }
  return { encoding: 'gsm7', units: septets, segments: septets <= 160 ? 1 : Math.ceil(septets / 153) };
}

/**
 * Typography the GSM alphabet lacks, written with what it has: curly quotes and apostrophes,
 * French quotation marks, no-break spaces, dashes and the ellipsis. Keeps a French notice in one
 * 160-character message instead of three 70-character ones.
 */
export function toGsmFriendly(text: string): string {
  return text
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[\u201c\u201d«»]/g, '"')
    .replace(/[\u00a0\u202f\u2009]/g, ' ')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/\u2026/g, '...');
}

/** Throws when `text` is empty or longer than SMS_MAX_SEGMENTS parts. */
export function assertSmsFits(text: string): SmsLength {
  const length = smsLength(text);
  if (text.trim() === '') throw new Error('empty text message');
  if (length.segments > SMS_MAX_SEGMENTS) {
    throw new Error(`text message of ${length.segments} parts (at most ${SMS_MAX_SEGMENTS})`);
  }
  return length;
}
