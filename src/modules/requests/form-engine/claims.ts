import type { FormDefinition, FormField, IdentityClaim } from '../../catalogue/form-definition.ts';
import { birthcountryLabel, birthplaceLabel } from '../../identity/insee-places.ts';
import { allFields, isShown, type RawAnswers } from './validate.ts';

/** A person's identity claims, by OpenID Connect name; absent or empty when not known. */
export type IdentityClaims = Partial<Record<IdentityClaim, string | null>>;

const GENDER_LABELS: Record<string, string> = { female: 'Féminin', male: 'Masculin' };

/**
 * The answer a claim gives a field, or null when it cannot fill it: the claim is missing, a
 * birthplace is empty (born abroad), a date is not a date, a choice has no option for the value.
 * Codes become what people read (a commune's or a country's name).
 */
export function claimAnswer(field: FormField, claims: IdentityClaims): string | null {
  if (!field.claim) return null;
  const raw = (claims[field.claim] ?? '').trim();
  if (!raw) return null;
  switch (field.type) {
    case 'date':
      return field.claim === 'birthdate' && /^\d{4}-\d{2}-\d{2}$/.test(raw) ? raw : null;
    case 'choice':
      return field.options?.some((o) => o.value === raw) ? raw : null;
    case 'email':
      return field.claim === 'email' ? raw : null;
    case 'text':
      if (field.claim === 'birthplace') return birthplaceLabel(raw);
      if (field.claim === 'birthcountry') return birthcountryLabel(raw);
      if (field.claim === 'gender') return GENDER_LABELS[raw] ?? raw;
      return raw;
    default:
      return null;
  }
}

/** Does the field's claim apply, given the answers (always, unless it has a `claimIf`)? */
function claimApplies(field: FormField, raw: RawAnswers | null): boolean {
  if (!field.claimIf) return true;
  if (!raw) return false;
  return isShown({ ...field, showIf: field.claimIf }, raw);
}

/**
 * The fields a verified identity fills for certain, whatever the answers: shown locked on the
 * form. Fields whose claim depends on an answer (`claimIf`) are left out (they stay editable).
 */
export function lockedAnswers(definition: FormDefinition, claims: IdentityClaims): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of allFields(definition)) {
    if (field.claimIf) continue;
    const value = claimAnswer(field, claims);
    if (value !== null) out[field.name] = value;
  }
  return out;
}

/**
 * The verified answers for a submission: the locked fields, plus the fields whose `claimIf`
 * holds for these answers (and that are shown). They replace whatever the form sent.
 */
export function verifiedAnswers(
  definition: FormDefinition,
  claims: IdentityClaims,
  raw: RawAnswers,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of allFields(definition)) {
    if (!claimApplies(field, raw) || !isShown(field, raw)) continue;
    const value = claimAnswer(field, claims);
    if (value !== null) out[field.name] = value;
  }
  return out;
}
