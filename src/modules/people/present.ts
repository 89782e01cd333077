import type { PersonFields, PreferredChannel } from '../../db/schema.ts';

/** How a record is named on every page: its given and family names, else the name as typed. */
export function personName(p: Pick<PersonFields, 'given_name' | 'family_name' | 'display_name'>): string {
  const full = `${p.given_name ?? ''} ${p.family_name ?? ''}`.trim();
  return full || p.display_name.trim() || 'Personne sans nom';
}

export const PREFERRED_CHANNELS: Record<PreferredChannel, string> = {
  email: 'Courriel',
  telephone: 'Téléphone',
  sms: 'SMS',
  courrier: 'Courrier postal',
  guichet: 'À l’accueil de la mairie',
};

export const LANGUAGE_LABELS: Record<string, string> = {
  fr: 'Français',
  en: 'Anglais',
  es: 'Espagnol',
  ar: 'Arabe',
  pt: 'Portugais',
  tr: 'Turc',
  lsf: 'Langue des signes française',
};

/** The labels of a record's fields, as the edit and merge pages show them. */
export const FIELD_LABELS: Record<keyof PersonFields, string> = {
  given_name: 'Prénoms',
  family_name: 'Nom',
  display_name: 'Nom tel qu’indiqué',
  birthdate: 'Date de naissance',
  email: 'Adresse électronique',
  phone: 'Téléphone',
  postal_address: 'Adresse postale',
  preferred_channel: 'Canal préféré',
  language: 'Langue',
  accessibility_needs: 'Besoins d’accessibilité',
};

/** Fields a FranceConnect identity sets: nobody edits them on a verified record. */
export const VERIFIED_FIELDS: readonly (keyof PersonFields)[] = ['given_name', 'family_name', 'birthdate'];

export const DUPLICATE_REASONS = {
  email: 'même adresse électronique',
  phone: 'même numéro de téléphone',
  name_birthdate: 'même nom et même date de naissance',
} as const;
