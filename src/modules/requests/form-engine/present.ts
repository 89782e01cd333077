import type { FieldType, FormField } from '../../catalogue/form-definition.ts';
import { formatDateFr, formatNumberFr, formatPhoneFr } from '../../../platform/format.ts';
import { birthcountryLabel, birthplaceLabel } from '../../identity/insee-places.ts';
import { cachedFormDefinition } from './definition-cache.ts';
import { allFields } from './validate.ts';
import { APPLICANT_SECTION } from './applicant.ts';
import { presentStateData } from '../../state-data/present.ts';
import { STATE_DATA_KEY } from '../../state-data/obtained.ts';

/**
 * One answer of a request, ready to show: `value` is written for people (dates in words,
 * numbers and phone numbers as French people write them, options by their label), `kind` says
 * where it comes from: a field type of the form, 'identity' for the identity FranceConnect
 * verified, 'other' for an answer the form does not (or no longer) describe.
 */
export interface PresentedAnswer {
  name: string;
  label: string;
  value: string;
  kind: FieldType | 'identity' | 'state_data' | 'other';
  /** The answer is the value FranceConnect verified (the field took its claim): « FranceConnect ». */
  verifiedBy?: string;
}

export const NOT_GIVEN = 'Non renseigné';

/** Where the verified identity claims are kept in a request's answers (submit-request.ts). */
const IDENTITY_KEY = '_identity';

const IDENTITY_SOURCES: Record<string, string> = { franceconnect: 'FranceConnect' };

/** FranceConnect's claims (OpenID Connect names), in the order they are shown. */
const IDENTITY_CLAIMS: [string, string][] = [
  ['given_name', 'Prénoms'],
  ['family_name', 'Nom de naissance'],
  ['preferred_username', 'Nom d’usage'],
  ['birthdate', 'Date de naissance'],
  ['birthplace', 'Lieu de naissance'],
  ['birthcountry', 'Pays de naissance'],
  ['gender', 'Sexe'],
  ['email', 'Adresse électronique'],
];
const GENDERS: Record<string, string> = { female: 'Féminin', male: 'Masculin' };

/**
 * The answers of a request as lines to show, in the order of the démarche's form (the
 * applicant's section last), then the identity verified by FranceConnect, then answers the form
 * no longer describes, under their field name, so that nothing the citizen sent is hidden. The
 * one presentation of answers for the citizen's pages, the agent's page, the receipt and the
 * data exports.
 */
export function presentAnswers(form: unknown, data: Record<string, unknown>): PresentedAnswer[] {
  const definition = cachedFormDefinition(form);
  const fields = definition ? allFields(definition) : [];
  const lines: PresentedAnswer[] = [];
  const seen = new Set<string>([IDENTITY_KEY, STATE_DATA_KEY]);
  const identity = verifiedIdentity(data);
  const verifiedFields = new Set(identity?.fields ?? []);
  for (const field of fields) {
    if (!(field.name in data)) continue;
    seen.add(field.name);
    lines.push({
      name: field.name,
      label: field.label,
      value: presentValue(data[field.name], field),
      kind: field.type,
      ...(identity && verifiedFields.has(field.name) ? { verifiedBy: identity.source } : {}),
    });
  }
  lines.push(...presentIdentity(data[IDENTITY_KEY]));
  lines.push(...presentStateData(data));
  for (const [name, raw] of Object.entries(data)) {
    if (seen.has(name)) continue;
    // A request filed without a form (a call, a visit, a mail) still names the person with the
    // fields every form ends with: shown with their labels, not their names.
    const applicant = APPLICANT_SECTION.fields.find((f) => f.name === name);
    lines.push(
      applicant
        ? { name, label: applicant.label, value: presentValue(raw, applicant), kind: applicant.type }
        : { name, label: name, value: presentValue(raw), kind: 'other' },
    );
  }
  return lines;
}

/** How a request's identity was verified: by whom, when, and which of its answers it filled. */
export interface VerifiedIdentity {
  /** « FranceConnect » */
  source: string;
  /** ISO timestamp; null for requests filed before it was recorded. */
  verifiedAt: string | null;
  fields: string[];
}

/** The verified identity a request was filed under, or null (no account, or a password account). */
export function verifiedIdentity(data: Record<string, unknown> | null | undefined): VerifiedIdentity | null {
  const raw = data?.[IDENTITY_KEY];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const claims = raw as Record<string, unknown>;
  if (typeof claims.source !== 'string' || claims.source === '') return null;
  return {
    source: IDENTITY_SOURCES[claims.source] ?? claims.source,
    verifiedAt: typeof claims.verified_at === 'string' ? claims.verified_at : null,
    fields: Array.isArray(claims.fields) ? claims.fields.filter((f): f is string => typeof f === 'string') : [],
  };
}

/** « Identité vérifiée par FranceConnect le 3 décembre 2026 »: the same words on every page. */
export function verifiedIdentityText(identity: VerifiedIdentity): string {
  const day = identity.verifiedAt ? formatDateFr(new Date(identity.verifiedAt)) : null;
  return `Identité vérifiée par ${identity.source}${day ? ` le ${day}` : ''}`;
}

/** « Identité vérifiée par FranceConnect le … », then each claim on its own line, in words. */
function presentIdentity(raw: unknown): PresentedAnswer[] {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return [];
  const claims = raw as Record<string, unknown>;
  const identity = verifiedIdentity({ [IDENTITY_KEY]: raw });
  const lines: PresentedAnswer[] = [
    {
      name: IDENTITY_KEY,
      label: 'Identité',
      value: identity ? verifiedIdentityText(identity) : 'Identité vérifiée',
      kind: 'identity',
    },
  ];
  const known = new Set(['source', 'verified_at', 'fields']);
  for (const [claim, label] of IDENTITY_CLAIMS) {
    known.add(claim);
    const value = claims[claim];
    if (value === null || value === undefined || value === '') continue;
    const text = String(value);
    lines.push({
      name: `${IDENTITY_KEY}.${claim}`,
      label,
      value: claimText(claim, text),
      kind: 'identity',
    });
  }
  for (const [claim, value] of Object.entries(claims)) {
    if (known.has(claim) || value === null || value === undefined || value === '') continue;
    lines.push({ name: `${IDENTITY_KEY}.${claim}`, label: claim, value: presentValue(value), kind: 'identity' });
  }
  return lines;
}

/** A claim in words: dates in French, codes as names (with the code, which agents may need). */
function claimText(claim: string, text: string): string {
  switch (claim) {
    case 'birthdate':
      return formatDateFr(text);
    case 'gender':
      return GENDERS[text] ?? text;
    case 'birthplace': {
      const label = birthplaceLabel(text) ?? text;
      return label.includes(text) ? label : `${label}, code INSEE ${text}`;
    }
    case 'birthcountry': {
      const label = birthcountryLabel(text) ?? text;
      return label.includes(text) ? label : `${label}, code INSEE ${text}`;
    }
    default:
      return text;
  }
}

const NUMERIC = /^-?\d+(\.\d+)?$/;

/** One stored value written for people; never JSON. */
function presentValue(raw: unknown, field?: FormField): string {
  if (raw === null || raw === undefined || raw === '') return NOT_GIVEN;
  if (typeof raw === 'boolean') return raw ? 'Oui' : 'Non';
  if (typeof raw === 'number') return Number.isFinite(raw) ? formatNumberFr(raw) : String(raw);
  if (Array.isArray(raw)) {
    if (raw.length === 0) return field?.type === 'file' ? 'Aucun document' : 'Aucune';
    return raw.map((v) => presentValue(v, field)).join(', ');
  }
  if (typeof raw === 'object') {
    const a = raw as Record<string, unknown>;
    if ('street' in a || 'postalCode' in a || 'city' in a) {
      const town = [a.postalCode, a.city].filter((x) => typeof x === 'string' && x !== '').join(' ');
      return [a.street, town].filter((x) => typeof x === 'string' && x !== '').join(', ') || NOT_GIVEN;
    }
    const parts = Object.entries(a)
      .filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([k, v]) => `${k} : ${presentValue(v)}`);
    return parts.length ? parts.join(' ; ') : NOT_GIVEN;
  }
  const text = String(raw);
  const option = field?.options?.find((o) => o.value === text);
  if (option) return option.label;
  if (field?.type === 'date') return formatDateFr(text);
  if (field?.type === 'number' && NUMERIC.test(text)) return formatNumberFr(Number(text));
  if (field?.type === 'phone') return formatPhoneFr(text);
  return text;
}
