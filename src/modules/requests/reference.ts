import { createHash, randomInt } from 'node:crypto';

/**
 * Request references ("VB-2026-4F7K2") and tracking secrets ("code de suivi", "K7M3-QX9P-2D4F").
 * Citizens read them over the phone, copy them by hand and type them on a phone keyboard, so the
 * alphabet leaves out every character that is easily confused with another one:
 * 0 and O, 1, I and L, S (read as 5) and U (read as V when handwritten). Of each confusable
 * group exactly one character is kept (5, V) or none (0/O, 1/I/L), so a typed S or U can safely be
 * read back as 5 or V. That leaves 8 digits and 21 letters: 29 characters.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRTVWXYZ';

const CODE_LENGTH = 5;
const SECRET_LENGTH = 12;
const SECRET_GROUP = 4;

/** Canonical reference: the tenant's prefix (2 to 4 letters), the year, 5 code characters. */
export const REFERENCE_PATTERN = new RegExp(`^[A-Z]{2,4}-\\d{4}-[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);

/** The example of a tracking code the lookup page gives, in the form codes are shown everywhere. */
export const TRACKING_SECRET_EXAMPLE = 'K7M3-QX9P-2D4F';

/** Canonical (compact) tracking secret, as hashed and stored. */
export const TRACKING_SECRET_PATTERN = new RegExp(`^[${CODE_ALPHABET}]{${SECRET_LENGTH}}$`);

function randomCode(length: number): string {
  let out = '';
  // randomInt draws without modulo bias, from the operating system's CSPRNG.
  for (let i = 0; i < length; i++) out += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return out;
}

/**
 * A new reference, e.g. `VB-2026-4F7K2`. 29^5 = 20,511,149 codes per prefix and year: a new draw
 * hits one of n existing references of the year with probability n / 20.5 million (0.05 % for a
 * commune with 10,000 requests a year). That is improbable, not impossible (by the birthday
 * paradox, two among 5,000 draws share a code about 45 % of the time), so the caller stores it
 * under a unique constraint and draws again on conflict.
 */
export function generateReference(prefix: string, year: number): string {
  if (!/^[A-Z]{2,4}$/.test(prefix)) throw new RangeError(`Invalid reference prefix: ${prefix}`);
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError(`Invalid year: ${year}`);
  return `${prefix}-${year}-${randomCode(CODE_LENGTH)}`;
}

/**
 * Upper case, without separators (spaces of any kind, dashes of any kind, dots, underscores).
 * S and U never appear in a code, so when typed they can only be a misread 5 and V.
 */
function compact(input: string): string {
  return input
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-\u2010-\u2015\u2212._]/g, '');
}

/**
 * Line breaks and other control characters (a tab aside, which a copy from a table may bring):
 * never part of what a person types as a reference or code, and never to be echoed into a
 * redirect. Input holding one is refused rather than cleaned.
 */
const CONTROL_OR_LINE_BREAK = /(?!\t)[\p{Cc}\p{Zl}\p{Zp}]/u;

function fixMisreadings(code: string): string {
  return code.replace(/S/g, '5').replace(/U/g, 'V');
}

/**
 * The canonical form of a reference typed by a citizen or an agent (`vb 2026 4f7k2`,
 * `VB20264F7K2`, `vb-2026-4F7K2` and the fullwidth `ＶＢ-２０２６-４Ｆ７Ｋ２` all give `VB-2026-4F7K2`),
 * or null when it cannot be one (a line break or control character included).
 * Never throws: its input comes straight from a search box.
 */
export function normalizeReference(input: string): string | null {
  if (typeof input !== 'string' || input.length > 64 || CONTROL_OR_LINE_BREAK.test(input)) return null;
  // The prefix is letters only and the year exactly 4 digits, so the compact form splits without
  // ambiguity even though the code part may start with a digit.
  const m = /^([A-Z]{2,4})(\d{4})([A-Z0-9]{5})$/.exec(compact(input));
  if (!m) return null;
  const code = fixMisreadings(m[3] ?? '');
  const reference = `${m[1]}-${m[2]}-${code}`;
  return REFERENCE_PATTERN.test(reference) ? reference : null;
}

/**
 * A new tracking secret, shown to the citizen in groups of 4 (`K7M3-QX9P-2D4F`). It proves the
 * citizen filed the request, so it must not be guessable: 29^12 ≈ 3.5 × 10^17 values (58 bits).
 * Only its hash is stored.
 */
export function generateTrackingSecret(): string {
  return groupSecret(randomCode(SECRET_LENGTH));
}

function groupSecret(compactSecret: string): string {
  const groups: string[] = [];
  for (let i = 0; i < compactSecret.length; i += SECRET_GROUP) groups.push(compactSecret.slice(i, i + SECRET_GROUP));
  return groups.join('-');
}

/**
 * The form a tracking secret is shown in everywhere (confirmation, mail, récépissé, the lookup
 * page's example): `K7M3-QX9P-2D4F`, whatever form it was typed in; null when it is not one.
 */
export function displayTrackingSecret(input: string): string | null {
  const secret = normalizeTrackingSecret(input);
  return secret === null ? null : groupSecret(secret);
}

/** The compact form of a typed secret (`k7m3 qx9p 2d4f` → `K7M3QX9P2D4F`), or null. Never throws. */
export function normalizeTrackingSecret(input: string): string | null {
  if (typeof input !== 'string' || input.length > 64 || CONTROL_OR_LINE_BREAK.test(input)) return null;
  const secret = fixMisreadings(compact(input));
  return TRACKING_SECRET_PATTERN.test(secret) ? secret : null;
}

/**
 * sha256 (hex) of the normalised secret. A plain hash is enough: the secret is random with 58 bits
 * of entropy, so there is no dictionary to attack. Input that is not a valid secret still hashes
 * (upper case, no separators) so that a lookup simply finds nothing.
 */
export function hashTrackingSecret(secret: string): string {
  const normalized = normalizeTrackingSecret(secret) ?? compact(String(secret));
  return createHash('sha256').update(normalized, 'utf8').digest('hex');
}
