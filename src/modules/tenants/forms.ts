import { z } from 'zod';
import { formatCharactersFr, formatNumberFr, formatPhoneFr, parsePhone } from '../../platform/format.ts';
import { checkEmail } from '../../platform/security/email.ts';
import { contrastRatio, MIN_TEXT_CONTRAST } from '../../platform/web/contrast.ts';
import { text, type SubmittedFields } from '../../platform/web/form.ts';
import { typedValue } from '../../platform/web/typed-values.ts';
import type { CommuneSettings } from './update-commune-settings.ts';

/**
 * The administrators' « Coordonnées et courriels » form: the contact details citizens read on
 * « Nous contacter » and at the foot of every mail, who the mail comes from, and the site's
 * colour. Every field may be left empty: an empty field removes the detail (the pages then say
 * it is not given yet) or brings back the default (the sender, the colour).
 */

/** Bounds people are told about; the sender's name matches the column's check (1 to 120). */
export const LIMITS = {
  address: 200,
  city: 100,
  senderName: 120,
  website: 200,
  hoursLines: 10,
  hoursLine: 200,
  postalLines: 8,
  postalAddress: 500,
} as const;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** One line as it will be shown: no control characters, runs of spaces (and line breaks) as one. */
function oneLine(value: string): string {
  return value.replace(CONTROL, '').replace(/\s+/g, ' ').trim();
}

/** A single-line field, cleaned; a forged post with line breaks cannot reach a mail header. */
function line(max: number, tooLong: string) {
  return text({ max, required: false, tooLong }).transform(oneLine);
}

/** A textarea read as lines: blank lines dropped, at most `maxLines` of `maxLength` characters each. */
function lines(options: { maxLines: number; maxLength: number; maxTotal: number; tooLong: string }) {
  return text({ max: 5000, required: false, trim: false, tooLong: options.tooLong })
    .transform((v) =>
      v
        .split(/\r\n?|\n/)
        .map(oneLine)
        .filter(Boolean),
    )
    .refine(
      (list) =>
        list.length <= options.maxLines &&
        list.every((l) => l.length <= options.maxLength) &&
        list.join('\n').length <= options.maxTotal,
      { error: options.tooLong },
    );
}

/**
 * An address mail is sent from or to: NFKC-normalised, lower-cased, plain ASCII (as mail headers
 * need it, platform/security/email.ts); null when left empty.
 */
function mailAddress() {
  return text({ max: 400, required: false, tooLong: 'Cette adresse électronique est trop longue.' }).transform(
    (typed, ctx) => {
      if (typed === '') return null;
      const check = checkEmail(typed);
      if (check.ok) return check.email;
      ctx.addIssue({ code: 'custom', message: check.message });
      return z.NEVER;
    },
  );
}

const PHONE = 'Indiquez un numéro de téléphone valide, par exemple 01 23 45 67 89.';
const POSTAL_CODE = 'Le code postal compte 5 chiffres, par exemple 35000.';
const WEBSITE =
  'Indiquez l’adresse complète du site, qui commence par https://, par exemple https://www.mairie-ville.fr.';
const SIRET =
  'Le SIRET compte 14 chiffres : le SIREN de la commune suivi de 5 chiffres. Vérifiez-le sur l’annuaire des entreprises.';
const COLOUR = 'Indiquez la couleur par son code : # suivi de 6 chiffres ou lettres de A à F, par exemple #1F4E8C.';

/** A SIRET: 14 digits whose Luhn sum is a multiple of 10 (La Poste's establishments excepted). */
export function isSiret(value: string): boolean {
  if (!/^\d{14}$/.test(value)) return false;
  if (value.startsWith('356000000')) return true;
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    let d = Number(value[13 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

function isWebAddress(value: string): boolean {
  if (/\s/.test(value)) return false;
  try {
    const u = new URL(value);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname.includes('.') && u.username === '';
  } catch {
    return false;
  }
}

/** « #1F4E8C », « 1f4e8c » or « #14C » → '#1f4e8c' / '#1144cc'; null when it is not a colour. */
export function normaliseColour(value: string): string | null {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value);
  if (!m) return null;
  const digits = m[1]!.length === 3 ? [...m[1]!].map((d) => d + d).join('') : m[1]!;
  return `#${digits.toLowerCase()}`;
}

/**
 * The colour's contrast with white, written down (never up: a refused colour must not read
 * « 4,5 pour 1 »), e.g. « 3,04 ».
 */
export function contrastWithWhiteFr(hex: string): string {
  return formatNumberFr(Math.floor(contrastRatio(hex, '#ffffff') * 100) / 100);
}

export const communeSettingsForm = z.object({
  adresse: line(LIMITS.address, `L’adresse de l’accueil ne doit pas dépasser ${formatCharactersFr(LIMITS.address)}.`),
  code_postal: text({
    max: 20,
    required: false,
    tooLong: POSTAL_CODE,
    pattern: { regex: /^\d{5}$/, message: POSTAL_CODE },
  }),
  ville: line(LIMITS.city, `Le nom de la commune ne doit pas dépasser ${formatCharactersFr(LIMITS.city)}.`),
  telephone: text({ max: 40, required: false, tooLong: PHONE }).transform((typed, ctx) => {
    if (typed === '') return null;
    const phone = parsePhone(typed);
    if (phone) return formatPhoneFr(phone);
    ctx.addIssue({ code: 'custom', message: PHONE });
    return z.NEVER;
  }),
  courriel: mailAddress(),
  horaires: lines({
    maxLines: LIMITS.hoursLines,
    maxLength: LIMITS.hoursLine,
    maxTotal: LIMITS.hoursLines * LIMITS.hoursLine,
    tooLong: `Les horaires ne doivent pas dépasser ${LIMITS.hoursLines} lignes de ${formatCharactersFr(LIMITS.hoursLine)} chacune.`,
  }),
  adresse_postale: lines({
    maxLines: LIMITS.postalLines,
    maxLength: LIMITS.postalAddress,
    maxTotal: LIMITS.postalAddress,
    tooLong: `L’adresse postale ne doit pas dépasser ${LIMITS.postalLines} lignes ni ${formatCharactersFr(LIMITS.postalAddress)}.`,
  }),
  site_internet: text({
    max: LIMITS.website,
    required: false,
    tooLong: `L’adresse du site ne doit pas dépasser ${formatCharactersFr(LIMITS.website)}.`,
  }).refine((v) => v === '' || isWebAddress(v), { error: WEBSITE }),
  expediteur_nom: line(
    LIMITS.senderName,
    `Le nom de l’expéditeur ne doit pas dépasser ${formatCharactersFr(LIMITS.senderName)}.`,
  ),
  expediteur_adresse: mailAddress(),
  reponse_a: mailAddress(),
  siret: text({ max: 40, required: false, tooLong: SIRET })
    .transform((v) => v.replace(/[\s.]/g, ''))
    .refine((v) => v === '' || isSiret(v), { error: SIRET }),
  couleur: text({ max: 20, required: false, tooLong: COLOUR }).transform((typed, ctx) => {
    if (typed === '') return null;
    const hex = normaliseColour(typed);
    if (!hex) {
      ctx.addIssue({ code: 'custom', message: COLOUR });
      return z.NEVER;
    }
    if (contrastRatio(hex, '#ffffff') < MIN_TEXT_CONTRAST) {
      ctx.addIssue({
        code: 'custom',
        message:
          `Cette couleur est trop claire : son contraste avec le blanc est de ${contrastWithWhiteFr(hex)} pour 1. ` +
          `Il faut au moins ${formatNumberFr(MIN_TEXT_CONTRAST)} pour 1, sinon les liens et le texte blanc des boutons ` +
          'sont difficiles à lire. Choisissez une couleur plus foncée.',
      });
      return z.NEVER;
    }
    return hex;
  }),
});

export type CommuneSettingsField = keyof typeof communeSettingsForm.shape;

/** What the form shows in its fields: as stored, or as typed when it comes back with errors. */
export type CommuneSettingsValues = Record<CommuneSettingsField, string>;

/** The typed values, each cut to a length the page may echo back. */
export function typedCommuneSettings(fields: SubmittedFields): CommuneSettingsValues {
  const names = Object.keys(communeSettingsForm.shape) as CommuneSettingsField[];
  const multiLine = new Set<CommuneSettingsField>(['horaires', 'adresse_postale']);
  return Object.fromEntries(
    names.map((name) => [name, typedValue(fields, name, multiLine.has(name) ? 5000 : 400)]),
  ) as CommuneSettingsValues;
}

/** The checked form as the use case takes it. */
export function communeSettingsOf(value: z.output<typeof communeSettingsForm>): CommuneSettings {
  const or = (v: string) => (v === '' ? null : v);
  return {
    contact: {
      address: or(value.adresse),
      postalCode: or(value.code_postal),
      city: or(value.ville),
      phone: value.telephone,
      email: value.courriel,
      openingHours: value.horaires,
      postalAddress: value.adresse_postale.length > 0 ? value.adresse_postale.join('\n') : null,
      website: or(value.site_internet),
    },
    mailSenderName: or(value.expediteur_nom),
    mailSenderAddress: value.expediteur_adresse,
    mailReplyTo: value.reponse_a,
    primaryColor: value.couleur,
    siret: or(value.siret),
  };
}

/** The form's values from what is stored (empty where the default applies). */
export function storedCommuneSettings(settings: CommuneSettings): CommuneSettingsValues {
  const c = settings.contact;
  return {
    adresse: c.address ?? '',
    code_postal: c.postalCode ?? '',
    ville: c.city ?? '',
    telephone: c.phone ?? '',
    courriel: c.email ?? '',
    horaires: c.openingHours.join('\n'),
    adresse_postale: c.postalAddress ?? '',
    site_internet: c.website ?? '',
    expediteur_nom: settings.mailSenderName ?? '',
    expediteur_adresse: settings.mailSenderAddress ?? '',
    reponse_a: settings.mailReplyTo ?? '',
    couleur: settings.primaryColor ?? '',
    siret: settings.siret ?? '',
  };
}
