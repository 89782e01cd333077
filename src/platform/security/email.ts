/**
 * Email addresses typed into login, registration and password-reset forms.
 *
 * Decision: an address is normalised with Unicode NFKC (so that fullwidth "ａｄｍｉｎ@…", typed
 * with an Asian input method, becomes "admin@…", the same address as far as the person is
 * concerned), trimmed and lower-cased; after that, it must be plain ASCII. Anything else
 * (Cyrillic "а" in "аdmin@villebelle.example", Greek "ο", zero-width characters, accented
 * letters in the local part) is refused with a clear message at registration, and never matches
 * an account at login: look-alike addresses cannot be registered next to a real one, nor be
 * used to reach it. Internationalised domain names must be typed in their ASCII form
 * (xn--…), which is what mail systems use anyway; hardly any French mailbox has a non-ASCII
 * local part.
 */
export type EmailCheck = { ok: true; email: string } | { ok: false; message: string };

const MAX_LENGTH = 254;
// Deliberately plain: a local part of common characters, a dotted domain with a letter TLD.
const ASCII_EMAIL =
  /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.[a-z]{2,63}$/;

export function normalizeEmail(raw: string): string {
  return raw.normalize('NFKC').trim().toLowerCase();
}

export function checkEmail(raw: unknown): EmailCheck {
  if (typeof raw !== 'string' || raw.trim() === '') {
    return { ok: false, message: 'Indiquez votre adresse électronique.' };
  }
  const email = normalizeEmail(raw);
  if (email.length > MAX_LENGTH) {
    return { ok: false, message: 'Cette adresse électronique est trop longue.' };
  }
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(email)) {
    return {
      ok: false,
      message:
        'Cette adresse électronique contient des caractères spéciaux ou accentués. Écrivez-la avec des lettres sans accent, des chiffres et les signes . - _ @.',
    };
  }
  if (!ASCII_EMAIL.test(email) || email.includes('..') || email.startsWith('.') || email.split('@')[0]!.endsWith('.')) {
    return { ok: false, message: 'Indiquez une adresse électronique valide, par exemple nom@exemple.fr.' };
  }
  return { ok: true, email };
}

/**
 * The address to look up at login: the normalised address, or null when it cannot belong to any
 * account (then the login fails like a wrong password, with the same work done).
 */
export function loginEmail(raw: string): string | null {
  const check = checkEmail(raw);
  return check.ok ? check.email : null;
}
