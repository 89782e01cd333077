/**
 * Email addresses for accounts. Only plain ASCII addresses are accepted: an address that mixes
 * alphabets ("раul@…" with a Cyrillic "а") or carries invisible characters would let two
 * accounts look identical to the citizen and to agents.
 */
const EMAIL =
  /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

export type EmailCheck = { ok: true; email: string } | { ok: false; message: string };

export function checkEmail(raw: string): EmailCheck {
  const value = raw.trim();
  if (value === '') return { ok: false, message: 'Indiquez votre adresse électronique.' };
  if (value.length > 254) return { ok: false, message: 'Cette adresse électronique est trop longue.' };
  if (/[^\x20-\x7e]/.test(value)) {
    return {
      ok: false,
      message:
        "L'adresse électronique contient des caractères inhabituels (accents, lettres d'un autre alphabet ou caractères invisibles). Vérifiez-la.",
    };
  }
  const email = value.toLowerCase();
  if (!EMAIL.test(email) || email.includes('..')) {
    return { ok: false, message: "L'adresse électronique n'est pas valide. Exemple : camille.martin@exemple.fr" };
  }
  return { ok: true, email };
}

/** For login and reset forms: a well-formed address or null, never an error that says more. */
export function normaliseEmail(raw: string): string | null {
  const check = checkEmail(raw.slice(0, 400));
  return check.ok ? check.email : null;
}
