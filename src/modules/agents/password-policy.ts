import type { FieldError } from '../../platform/web/form.ts';
import { readFileSync } from 'node:fs';

/**
 * Password rules, after ANSSI's "Recommandations relatives à l'authentification multifacteur et
 * aux mots de passe" (guide ANSSI-PG-078, v2.0, October 2021):
 * - where the password is not the only safeguard (a second factor, or login attempts limited
 *   and slowed down, as Guichet does), a length of at least 12 characters is an acceptable
 *   strength, and the guide advises against imposing composition rules (upper case, digits,
 *   symbols…) that push users to predictable patterns; long passphrases are encouraged;
 * - passwords known from leaks and passwords derived from the account's own data are refused
 *   (the guide's recommendations on blacklists and on not reusing identity data).
 * A maximum length bounds the cost of one argon2id hash (a 1 MB "password" would be a cheap
 * denial of service); 128 characters is far above any passphrase people type.
 * Lengths are counted in Unicode characters, so "é" or an emoji counts as one.
 */
export const MIN_LENGTH = 12;
export const MAX_LENGTH = 128;

export type PasswordCheck = { ok: true } | { ok: false; message: string };

export interface PasswordContext {
  /** The account's email: its local part must not appear in the password. */
  email: string;
  /** The commune's (tenant's) name: an obvious first guess for an attacker. */
  tenantName: string;
}

/** Lower case, accents removed: "Mötdepàsse" and "motdepasse" are the same guess. */
function normalise(value: string): string {
  return value.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Letters and digits only, to find "ville-belle" in "VilleBelle2024!". */
function lettersAndDigits(value: string): string {
  return normalise(value).replace(/[^\p{L}\p{N}]/gu, '');
}

let common: Set<string> | null = null;

/** The list shipped in common-passwords.txt (see its header for where it comes from). */
function commonPasswords(): Set<string> {
  if (!common) {
    const text = readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8');
    common = new Set(
      text
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#')),
    );
  }
  return common;
}

/**
 * Is this password a known one, or a known one dressed up with digits and symbols around it
 * ("Azerty123456!", "2024motdepasse")? Such decorations are the first variants tried by attackers.
 */
export function isCommonPassword(password: string): boolean {
  const list = commonPasswords();
  const n = normalise(password);
  const core = n.replace(/^[\d\W_]+|[\d\W_]+$/gu, '');
  const compact = lettersAndDigits(password);
  return list.has(n) || (core.length >= 4 && list.has(core)) || list.has(compact);
}

export function checkPassword(password: string, context: PasswordContext): PasswordCheck {
  const length = [...password].length;
  if (length < MIN_LENGTH) {
    return {
      ok: false,
      message: `Le mot de passe doit contenir au moins ${MIN_LENGTH} caractères. Une phrase de plusieurs mots est plus facile à retenir, par exemple « lavande moulin piano 27 ».`,
    };
  }
  if (length > MAX_LENGTH) {
    return { ok: false, message: `Le mot de passe ne doit pas dépasser ${MAX_LENGTH} caractères.` };
  }
  if (new Set(normalise(password)).size < 5) {
    return { ok: false, message: 'Le mot de passe répète trop les mêmes caractères. Choisissez-en un autre.' };
  }
  if (isCommonPassword(password)) {
    return {
      ok: false,
      message:
        'Ce mot de passe est trop courant : il fait partie des premiers essayés par les pirates. Choisissez-en un autre.',
    };
  }
  const compact = lettersAndDigits(password);
  const local = context.email.split('@')[0] ?? '';
  // The whole local part, and each of its parts long enough to be a name ("camille.martin").
  const pieces = [lettersAndDigits(local), ...local.split(/[._+-]/).map(lettersAndDigits)].filter((p) => p.length >= 4);
  if (pieces.some((p) => compact.includes(p))) {
    return { ok: false, message: 'Le mot de passe ne doit pas contenir votre adresse électronique ou votre nom.' };
  }
  const tenant = lettersAndDigits(context.tenantName);
  if (tenant.length >= 3 && compact.includes(tenant)) {
    return { ok: false, message: 'Le mot de passe ne doit pas contenir le nom de la commune.' };
  }
  return { ok: true };
}

/** The policy's verdict on a chosen password and its confirmation, as field errors. */
export function passwordErrors(
  input: { password: string; confirmation: string; tenantName: string },
  email: string,
): FieldError[] {
  const check = checkPassword(input.password, { email, tenantName: input.tenantName });
  if (!check.ok) return [{ field: 'password', message: check.message }];
  if (input.password !== input.confirmation) {
    return [{ field: 'confirmation', message: 'Les deux mots de passe ne sont pas identiques.' }];
  }
  return [];
}
