import { z } from 'zod';
import { parsePhone } from '../../platform/format.ts';
import { normaliseMobile } from '../../platform/sms/phone.ts';
import { checkbox, email, hidden, text } from '../../platform/web/form.ts';

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
