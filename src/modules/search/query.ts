import { parsePhone } from '../../platform/format.ts';
import { normalizeReference } from '../requests/reference.ts';

/** What a typed query can also be, looked up exactly (and first) besides the words. */
export interface SearchQuery {
  /** The query as typed, trimmed, for full text and name similarity. */
  text: string;
  /** A request reference in its canonical form (`vb 2026 4f7k2` → `VB-2026-4F7K2`). */
  reference: string | null;
  /** An email address, compared without case. */
  email: string | null;
  /** A phone number as the database compares it (`guichet_phone_key`): French ones as `06…`. */
  phoneKey: string | null;
}

const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]{2,}$/;

/**
 * The key a phone number is compared on, the same as the SQL function `guichet_phone_key`:
 * digits only, a French number in its national form. `+33 6 12 34 56 78`, `0033 6 12 34 56 78`,
 * `+33 (0)6 12 34 56 78` and `06.12.34.56.78` all give `0612345678`.
 */
export function phoneKey(typed: string): string | null {
  const phone = parsePhone(typed);
  if (phone === null) return null;
  return phone.startsWith('+33') ? `0${phone.slice(3)}` : phone;
}

/** Reads a query typed in the search box. Never throws. */
export function parseSearchQuery(typed: string): SearchQuery {
  const text = typed.trim();
  return {
    text,
    reference: normalizeReference(text),
    email: EMAIL.test(text) ? text : null,
    phoneKey: /^[\d\s.()+-]+$/.test(text) ? phoneKey(text) : null,
  };
}
