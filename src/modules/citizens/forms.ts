import { z } from 'zod';
import { formatCharactersFr } from '../../platform/format.ts';
import { checkEmail } from '../../platform/security/email.ts';
import { choice, choices, hidden, password, text } from '../../platform/web/form.ts';
import { CHANNELS, LANGUAGES, NEEDS, NEEDS_TEXT_MAX, type Channel, type Language, type Need } from './preferences.ts';
import { safeCitizenReturn } from './require-citizen.ts';

/**
 * The zod schemas of the citizens' HTML forms (account pages and the citizen space), parsed with
 * `parseForm` on `readFormBody(request).fields`. They check the shape of what was typed; the use
 * cases check what only they can (the password policy, a tracking code) and answer
 * `{ ok: false, errors }`.
 */

/** The first value of a field sent once or many times. */
function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * An address typed to create an account or to receive a link: NFKC-normalised, lower-cased and
 * plain ASCII, with the same messages as the agents' side (platform/security/email.ts).
 */
function accountEmail() {
  return text({
    max: 400,
    required: 'Indiquez votre adresse électronique.',
    tooLong: 'Cette adresse électronique est trop longue.',
  }).transform((typed, ctx) => {
    const check = checkEmail(typed);
    if (check.ok) return check.email;
    ctx.addIssue({ code: 'custom', message: check.message });
    return z.NEVER;
  });
}

/**
 * A one-time link's token carried in a hidden field. A value that cannot be a token becomes ''
 * and is answered like any unknown link ("ce lien ne fonctionne plus"), not as a form error.
 */
function linkToken() {
  return z.preprocess((v) => {
    const s = first(v);
    return typeof s === 'string' && s.length <= 100 ? s : '';
  }, z.string());
}

const NEW_PASSWORD = {
  password: password({ required: 'Choisissez un mot de passe.' }),
  confirmation: password({ required: 'Confirmez le mot de passe en le tapant une seconde fois.' }),
};

export const registrationForm = z.object({ email: accountEmail(), ...NEW_PASSWORD });

/**
 * A login field cut to `max` characters rather than refused: no account has a longer address or
 * password, so an over-long value fails like wrong credentials (the same answer, the same work).
 */
function cut<S extends z.ZodType>(max: number, field: S) {
  return z.preprocess((v) => {
    const s = first(v);
    return typeof s === 'string' ? s.slice(0, max) : s;
  }, field);
}

export const loginForm = z.object({
  // Not checked like a new address: one that cannot belong to any account fails like a wrong
  // password, after the same work (authenticate-citizen.ts).
  email: cut(320, text({ max: 320, required: 'Indiquez votre adresse électronique.' })),
  password: cut(1024, password({ required: 'Indiquez votre mot de passe.' })),
  // Where to go after login: anything unsafe becomes the space's home page.
  retour: z.preprocess((v) => safeCitizenReturn(first(v)), z.string()),
});

export const confirmEmailForm = z.object({
  jeton: linkToken(),
  password: cut(1024, password({ required: 'Indiquez le mot de passe du compte.' })),
});

/** The hidden address of the "Recevoir un nouveau lien" button on the login page. */
export const resendLinkForm = z.object({ email: hidden(400) });

export const forgotPasswordForm = z.object({ email: accountEmail() });

export const newPasswordForm = z.object({ jeton: linkToken(), ...NEW_PASSWORD });

export const linkRequestForm = z.object({
  reference: text({
    max: 40,
    required: 'Indiquez le numéro de la demande.',
    tooLong: 'Ce numéro est trop long : il s’écrit comme VB-2026-4F7K2.',
  }),
  cle: text({
    max: 100,
    required: 'Indiquez le code de suivi de la demande.',
    tooLong: 'Ce code de suivi est trop long.',
  }),
});

const keys = <T extends string>(o: Record<T, string>) => Object.keys(o) as [T, ...T[]];

export const preferencesForm = z.object({
  channel: choice(keys<Channel>(CHANNELS), 'Choisissez comment être contacté.'),
  language: choice(keys<Language>(LANGUAGES), 'Choisissez une langue de la liste.'),
  needs: choices(keys<Need>(NEEDS), 'Un des besoins cochés est inconnu.').transform((needs) => [...new Set(needs)]),
  needsText: text({
    max: NEEDS_TEXT_MAX,
    required: false,
    tooLong: `Votre précision ne doit pas dépasser ${formatCharactersFr(NEEDS_TEXT_MAX)}.`,
  }),
});

const SESSION_GONE = 'Cette connexion n’existe pas ou est déjà fermée.';

export const revokeSessionForm = z.object({
  session: text({
    max: 64,
    required: SESSION_GONE,
    tooLong: SESSION_GONE,
    pattern: { regex: /^[0-9a-f]{64}$/, message: SESSION_GONE },
  }),
});
