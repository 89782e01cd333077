import type { FormDefinition, FormField, FormSection } from '../../catalogue/form-definition.ts';
import { formatCharactersFr, formatNumberFr, parsePhone } from '../../../platform/format.ts';
import { APPLICANT_SECTION } from './applicant.ts';

/** Raw answers as the browser sent them (re-shown as typed when the form comes back). */
export type RawAnswers = Record<string, string | string[]>;

export interface AddressValue {
  street: string;
  postalCode: string;
  city: string;
}
export type AnswerValue = string | number | boolean | string[] | AddressValue;

export interface FieldError {
  /** The field's name. */
  field: string;
  /** The id of the input the error summary links to. */
  anchor: string;
  message: string;
}

export interface ValidationResult {
  /** Typed answers of the fields that are shown, keyed by field name (files excluded). */
  answers: Record<string, AnswerValue>;
  errors: FieldError[];
  /** File fields that are shown, with the uploaded count, for the caller's file checks. */
  fileFields: FormField[];
}

const DEFAULT_MAX = { text: 500, textarea: 5000 } as const;

/** Every section of a démarche's form, the applicant section last. */
export function allSections(definition: FormDefinition): FormSection[] {
  return [...definition.sections, APPLICANT_SECTION];
}

const fieldsOf = new WeakMap<FormDefinition, readonly FormField[]>();

/** Every field of a form, the applicant's section included: worked out once per definition. */
export function allFields(definition: FormDefinition): readonly FormField[] {
  let fields = fieldsOf.get(definition);
  if (!fields) {
    fields = Object.freeze(allSections(definition).flatMap((s) => s.fields));
    fieldsOf.set(definition, fields);
  }
  return fields;
}

export function first(raw: RawAnswers, name: string): string {
  const v = raw[name];
  return ((Array.isArray(v) ? v[0] : v) ?? '').trim();
}

function list(raw: RawAnswers, name: string): string[] {
  const v = raw[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => x.trim()).filter((x) => x.length > 0);
}

/** Is the field shown, given the other answers? (Conditions refer to choice or checkbox fields.) */
export function isShown(field: FormField, raw: RawAnswers): boolean {
  if (!field.showIf) return true;
  const expected = Array.isArray(field.showIf.equals) ? field.showIf.equals : [field.showIf.equals];
  return list(raw, field.showIf.field).some((v) => expected.includes(v));
}

export function anchorOf(field: FormField): string {
  if (field.type === 'address') return `${field.name}__street`;
  if (field.type === 'choice' && (field.display ?? 'radio') === 'radio') return `${field.name}-0`;
  if (field.type === 'multichoice') return `${field.name}-0`;
  return field.name;
}

function lower(label: string): string {
  return label.charAt(0).toLowerCase() + label.slice(1);
}

/** 'today' or an ISO date, relative to the Paris calendar day of `now`. */
function resolveDate(bound: string, today: string): string {
  return bound === 'today' ? today : bound;
}

function frenchDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

/** Accepts 2026-03-15 (date inputs) and 15/03/2026 (typed by hand where date inputs are not supported). */
export function parseDate(value: string): string | null {
  let y: number, m: number, d: number;
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const fr = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (fr) [d, m, y] = [Number(fr[1]), Number(fr[2]), Number(fr[3])];
  else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || y < 1900 || y > 2200) {
    return null;
  }
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/;

/**
 * Checks answers against a form definition. Fields hidden by their condition are neither
 * required nor kept. Messages are in plain French and say how to fix the answer.
 */
export function validateAnswers(
  definition: FormDefinition,
  raw: RawAnswers,
  uploadedCount: (fieldName: string) => number,
  today: string,
): ValidationResult {
  const answers: Record<string, AnswerValue> = {};
  const errors: FieldError[] = [];
  const fileFields: FormField[] = [];

  for (const field of allFields(definition)) {
    if (!isShown(field, raw)) continue;
    const fail = (message: string) => errors.push({ field: field.name, anchor: anchorOf(field), message });
    const label = field.label;
    const rules = field.validation ?? {};

    switch (field.type) {
      case 'text':
      case 'textarea': {
        const v = first(raw, field.name);
        if (!v) {
          if (field.required) fail(`Renseignez « ${label} ».`);
          break;
        }
        const max = rules.maxLength ?? DEFAULT_MAX[field.type];
        if (v.length > max)
          fail(
            `« ${label} » doit faire au plus ${formatCharactersFr(max)} (vous en avez écrit ${formatNumberFr(v.length)}).`,
          );
        else if (rules.minLength && v.length < rules.minLength)
          fail(`« ${label} » doit faire au moins ${formatCharactersFr(rules.minLength)}.`);
        else if (rules.pattern && !new RegExp(`^(?:${rules.pattern})$`, 'u').test(v))
          fail(rules.patternMessage ?? `Vérifiez « ${label} » : le format n'est pas le bon.`);
        else answers[field.name] = v;
        break;
      }
      case 'email': {
        const v = first(raw, field.name);
        if (!v) {
          if (field.required) fail(`Indiquez votre ${lower(label)}.`);
        } else if (v.length > 254 || !EMAIL.test(v)) {
          fail(`Indiquez une adresse électronique valide, par exemple prenom.nom@exemple.fr.`);
        } else answers[field.name] = v;
        break;
      }
      case 'phone': {
        const v = first(raw, field.name);
        if (!v) {
          if (field.required) fail(`Indiquez votre ${lower(label)}.`);
        } else {
          const phone = parsePhone(v);
          if (!phone) fail(`Indiquez un numéro de téléphone valide, par exemple 06 12 34 56 78.`);
          else answers[field.name] = phone;
        }
        break;
      }
      case 'date': {
        const v = first(raw, field.name);
        if (!v) {
          if (field.required) fail(`Indiquez la date « ${label} ».`);
          break;
        }
        const d = parseDate(v);
        if (!d) {
          fail(`« ${label} » doit être une date réelle, par exemple 15/03/2026.`);
          break;
        }
        const min = rules.minDate ? resolveDate(rules.minDate, today) : null;
        const max = rules.maxDate ? resolveDate(rules.maxDate, today) : null;
        if (min && d < min)
          fail(
            min === today
              ? `« ${label} » ne peut pas être dans le passé.`
              : `« ${label} » doit être le ${frenchDate(min)} ou après.`,
          );
        else if (max && d > max)
          fail(
            max === today
              ? `« ${label} » ne peut pas être dans le futur.`
              : `« ${label} » doit être le ${frenchDate(max)} ou avant.`,
          );
        else answers[field.name] = d;
        break;
      }
      case 'number': {
        const v = first(raw, field.name).replace(/\s/g, '').replace(',', '.');
        if (!v) {
          if (field.required) fail(`Indiquez « ${label} ».`);
          break;
        }
        const n = Number(v);
        if (!/^-?\d+(\.\d+)?$/.test(v) || !Number.isFinite(n))
          fail(`« ${label} » doit être un nombre, par exemple 12 ou 2,5.`);
        else if (rules.min !== undefined && n < rules.min)
          fail(`« ${label} » doit être au moins ${formatNumberFr(rules.min)}.`);
        else if (rules.max !== undefined && n > rules.max)
          fail(`« ${label} » doit être au plus ${formatNumberFr(rules.max)}.`);
        else answers[field.name] = n;
        break;
      }
      case 'choice': {
        const v = first(raw, field.name);
        if (!v) {
          if (field.required) fail(`Choisissez une réponse à « ${label} ».`);
        } else if (!field.options?.some((o) => o.value === v))
          fail(`Choisissez une des réponses proposées pour « ${label} ».`);
        else answers[field.name] = v;
        break;
      }
      case 'multichoice': {
        const values = [...new Set(list(raw, field.name))];
        if (values.some((v) => !field.options?.some((o) => o.value === v))) {
          fail(`Choisissez parmi les réponses proposées pour « ${label} ».`);
        } else if (values.length === 0) {
          if (field.required) fail(`Cochez au moins une réponse à « ${label} ».`);
          else answers[field.name] = [];
        } else if (rules.minChoices && values.length < rules.minChoices) {
          fail(`Cochez au moins ${rules.minChoices} réponses à « ${label} ».`);
        } else if (rules.maxChoices && values.length > rules.maxChoices) {
          fail(`Cochez au plus ${rules.maxChoices} réponses à « ${label} ».`);
        } else answers[field.name] = values;
        break;
      }
      case 'checkbox': {
        const checked = first(raw, field.name) !== '';
        if (!checked && field.required) fail(`Cochez la case « ${label} » pour continuer.`);
        else answers[field.name] = checked;
        break;
      }
      case 'address': {
        const street = first(raw, `${field.name}__street`);
        const postalCode = first(raw, `${field.name}__postal_code`).replace(/\s/g, '');
        const city = first(raw, `${field.name}__city`);
        if (!street && !postalCode && !city) {
          if (field.required) fail(`Indiquez l'adresse « ${label} » : numéro et rue, code postal et commune.`);
          break;
        }
        if (!street) fail(`Indiquez le numéro et la rue de « ${label} ».`);
        else if (!/^\d{5}$/.test(postalCode))
          errors.push({
            field: field.name,
            anchor: `${field.name}__postal_code`,
            message: `Le code postal de « ${label} » doit avoir 5 chiffres, par exemple 75001.`,
          });
        else if (!city)
          errors.push({
            field: field.name,
            anchor: `${field.name}__city`,
            message: `Indiquez la commune de « ${label} ».`,
          });
        else if (street.length > 200 || city.length > 100) fail(`L'adresse « ${label} » est trop longue.`);
        else answers[field.name] = { street, postalCode, city };
        break;
      }
      case 'file': {
        fileFields.push(field);
        const count = uploadedCount(field.name);
        if (count === 0 && field.required) fail(`Ajoutez le document « ${label} ».`);
        else if (count > 1 && !field.multiple) fail(`Ajoutez un seul fichier pour « ${label} ».`);
        break;
      }
    }
  }
  return { answers, errors, fileFields };
}
