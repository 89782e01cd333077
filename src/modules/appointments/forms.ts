import { z } from 'zod';
import { parsePhone } from '../../platform/format.ts';
import { normaliseMobile } from '../../platform/sms/phone.ts';
import { checkbox, choice, choices, email, hidden, text } from '../../platform/web/form.ts';

/** The person's details on the booking page (citizen) and the agent's booking form. */
export const contactFields = {
  prenom: text({
    max: 100,
    required: 'Indiquez votre prénom.',
    tooLong: 'Le prénom doit faire au plus 100 caractères.',
  }),
  nom: text({ max: 100, required: 'Indiquez votre nom.', tooLong: 'Le nom doit faire au plus 100 caractères.' }),
  telephone: text({ max: 40, required: false }),
  sms: checkbox(),
};

export const citizenBookingForm = z.object({
  creneau: hidden(200),
  ...contactFields,
  courriel: email({
    required: 'Indiquez votre adresse électronique : la confirmation et le lien pour annuler y sont envoyés.',
  }),
});

export const agentBookingForm = z.object({
  creneau: text({ max: 200, required: 'Choisissez un créneau.' }),
  ...contactFields,
  prenom: text({ max: 100, required: 'Indiquez le prénom de la personne.' }),
  nom: text({ max: 100, required: 'Indiquez le nom de la personne.' }),
  courriel: email({ required: false }),
  usager: hidden(),
  demande: hidden(),
});

export const moveForm = z.object({ creneau: text({ max: 200, required: 'Choisissez un nouveau créneau.' }) });

export const waitlistForm = z.object({
  jour: text({
    max: 10,
    required: 'Indiquez le jour souhaité.',
    pattern: { regex: /^\d{4}-\d{2}-\d{2}$/, message: 'Indiquez un jour, par exemple 15/05/2026.' },
  }),
  prenom: contactFields.prenom,
  nom: contactFields.nom,
  courriel: email({ required: 'Indiquez votre adresse électronique : la proposition y sera envoyée.' }),
});

export type ContactValues = { prenom: string; nom: string; courriel: string; telephone: string; sms: boolean };

/**
 * A phone number as typed, in E.164 as appointments store it: a French or overseas mobile
 * (able to receive the SMS), else any French number (« 01 … » becomes +331…), else null.
 */
export function phoneE164(typed: string): string | null {
  const mobile = normaliseMobile(typed);
  if (mobile) return mobile;
  const parsed = parsePhone(typed);
  if (!parsed) return null;
  return parsed.startsWith('0') ? `+33${parsed.slice(1)}` : parsed;
}

// ---- The administrators' settings (/agent/admin/rendez-vous) ----

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIME = { regex: /^([01]\d|2[0-3]):[0-5]\d$/, message: 'Indiquez une heure, par exemple 08:30.' };
const DAY_PATTERN = { regex: /^\d{4}-\d{2}-\d{2}$/, message: 'Indiquez une date, par exemple 24/12/2026.' };

/** A whole number typed in a field, between `min` and `max`. */
function wholeNumber(min: number, max: number, message: string) {
  return text({ max: 6, required: message, pattern: { regex: /^\d+$/, message } })
    .transform((v) => Number(v))
    .refine((n) => n >= min && n <= max, { error: message });
}

/** Checkboxes naming rows (guichets): identifiers only; the use case checks they exist. */
function ids(message: string) {
  return z.preprocess(
    (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.string().regex(UUID_RE, { error: message })).min(1, { error: message }),
  );
}

export const siteForm = z.object({
  nom: text({ max: 120, required: 'Indiquez le nom du lieu.' }),
  type: choice(['mairie', 'annexe', 'france_services', 'autre'], 'Choisissez le type de lieu.'),
  adresse: text({ max: 300, required: 'Indiquez l’adresse.' }),
  code_postal: text({ max: 10, required: false }),
  ville: text({ max: 120, required: false }),
  telephone: text({ max: 40, required: false }),
  horaires: text({ max: 1000, required: false }),
  nombre_guichets: wholeNumber(1, 20, 'Indiquez un nombre de guichets entre 1 et 20.'),
});

export const periodForm = z.object({
  guichet: text({
    max: 40,
    required: 'Choisissez un guichet.',
    pattern: { regex: UUID_RE, message: 'Choisissez un guichet.' },
  }),
  jours: choices(['1', '2', '3', '4', '5', '6', '7'], 'Choisissez des jours de la semaine.').refine(
    (d) => d.length > 0,
    {
      error: 'Cochez au moins un jour.',
    },
  ),
  ouverture: text({ max: 5, required: 'Indiquez l’heure d’ouverture.', pattern: TIME }),
  fermeture: text({ max: 5, required: 'Indiquez l’heure de fermeture.', pattern: TIME }),
});

export const closureForm = z.object({
  lieu: text({ max: 40, required: false, pattern: { regex: UUID_RE, message: 'Choisissez un lieu de la liste.' } }),
  du: text({ max: 10, required: 'Indiquez le premier jour de fermeture.', pattern: DAY_PATTERN }),
  au: text({ max: 10, required: false, pattern: DAY_PATTERN }),
  libelle: text({ max: 200, required: 'Indiquez la raison, par exemple « Pont de l’Ascension ».' }),
});

export const closureImportForm = z.object({
  lieu_import: text({
    max: 40,
    required: false,
    pattern: { regex: UUID_RE, message: 'Choisissez un lieu de la liste.' },
  }),
});

export const motifForm = z.object({
  demarche: text({
    max: 40,
    required: 'Choisissez la démarche.',
    pattern: { regex: UUID_RE, message: 'Choisissez la démarche.' },
  }),
  intitule: text({ max: 160, required: 'Indiquez le nom du motif, par exemple « Dépôt d’une demande de passeport ».' }),
  duree: wholeNumber(5, 480, 'Indiquez une durée entre 5 et 480 minutes.'),
  battement: wholeNumber(0, 240, 'Indiquez un battement entre 0 et 240 minutes.'),
  capacite: wholeNumber(1, 200, 'Indiquez un nombre de personnes par créneau entre 1 et 200.'),
  mode: choice(['site', 'phone'], 'Choisissez sur place ou par téléphone.'),
  delai_min: wholeNumber(0, 43200, 'Indiquez un délai minimum entre 0 et 43 200 minutes.'),
  horizon: wholeNumber(1, 366, 'Indiquez un horizon entre 1 et 366 jours.'),
  annulation: wholeNumber(0, 336, 'Indiquez un délai d’annulation entre 0 et 336 heures.'),
  documents: text({ max: 4000, required: false }),
  guichets: ids('Choisissez au moins un guichet qui reçoit ce motif.'),
});

/** The API's proof of a citizen's own appointment: the token of its mailed link. */
export const appointmentTokenBody = z.object({
  token: z.string().min(1).max(100).describe('Le jeton du lien « cancel_url ».'),
});
