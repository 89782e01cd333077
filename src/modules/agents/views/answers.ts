import { formDefinitionSchema, type FormField } from '../../catalogue/form-definition.ts';

export interface Answer {
  label: string;
  value: string;
}

/** Identity and contact fields the citizen form engine adds to every form. */
const APPLICANT_FIELDS: [string, string][] = [
  ['applicant_given_name', 'Prénom'],
  ['applicant_family_name', 'Nom'],
  ['applicant_email', 'Adresse électronique'],
  ['applicant_phone', 'Téléphone'],
];

function formatValue(value: unknown, field: FormField | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  if (typeof value === 'boolean') return value ? 'Oui' : 'Non';
  if (Array.isArray(value))
    return value
      .map((v) => formatValue(v, field))
      .filter((v) => v !== '')
      .join(', ');
  if (typeof value === 'object') {
    const a = value as { street?: unknown; postalCode?: unknown; city?: unknown };
    if ('street' in a || 'postalCode' in a || 'city' in a) {
      const town = [a.postalCode, a.city].filter((x) => typeof x === 'string' && x !== '').join(' ');
      return [a.street, town].filter((x) => typeof x === 'string' && x !== '').join(', ');
    }
    return JSON.stringify(value);
  }
  const text = String(value);
  const option = field?.options?.find((o) => o.value === text);
  if (option) return option.label;
  if (field?.type === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const [y, m, d] = text.split('-');
    return `${d}/${m}/${y}`;
  }
  return text;
}

/**
 * The answers of a request as label/value pairs, in the order of the démarche's form. Answers
 * the form does not (or no longer) describe are still shown, under their field name, so that
 * nothing the citizen sent is hidden from the agent. Files are listed separately.
 */
export function answersOf(data: Record<string, unknown>, form: unknown): Answer[] {
  const parsed = form ? formDefinitionSchema.safeParse(form) : null;
  const fields = parsed?.success ? parsed.data.sections.flatMap((s) => s.fields) : [];
  const seen = new Set<string>();
  const answers: Answer[] = [];
  for (const [name, label] of APPLICANT_FIELDS) {
    seen.add(name);
    const value = formatValue(data[name], undefined);
    if (value !== '') answers.push({ label, value });
  }
  for (const field of fields) {
    seen.add(field.name);
    if (field.type === 'file') continue;
    if (!(field.name in data)) continue;
    answers.push({ label: field.label, value: formatValue(data[field.name], field) || 'Non renseigné' });
  }
  for (const [name, raw] of Object.entries(data)) {
    if (seen.has(name)) continue;
    answers.push({ label: name, value: formatValue(raw, undefined) || 'Non renseigné' });
  }
  return answers;
}
