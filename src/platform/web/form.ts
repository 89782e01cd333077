import { z } from 'zod';

/**
 * Forms validated at the edge: every HTML form of Guichet declares a zod schema (the same library
 * that checks the JSON API), built from the field helpers below so that a text field is trimmed,
 * bounded and refused with a French message the same way everywhere. `parseForm` turns the
 * submitted fields into typed values or into the `FieldError` list the page shows in its error
 * summary; use cases receive typed input and return `{ ok: false, errors }` for what only they
 * can check (an address already taken), never a thrown validation error.
 */

/** One error of a form, shown in the error summary and next to its field. */
export interface FieldError {
  /** The field's name. */
  field: string;
  message: string;
  /** The id of the input the summary links to, when it is not the field's name. */
  anchor?: string;
}

export type FormResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Submitted fields as read from the body: a field sent twice is a list. */
export type SubmittedFields = Record<string, string | string[] | undefined>;

const INTEGER = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });

/** The first value of a field sent once or many times; '' when absent. */
function single(value: unknown): unknown {
  if (Array.isArray(value)) return value[0] ?? '';
  return value ?? '';
}

/**
 * A text field: trimmed (unless `trim: false`), at most `max` characters, required unless
 * `required` is false. Messages are French and say what to do.
 */
export function text(options: {
  max: number;
  /** The message when empty, or false when the field may be left empty. */
  required: string | false;
  /** The message when too long; by default « Ce texte est trop long : 5 000 caractères au plus. » */
  tooLong?: string;
  trim?: boolean;
  /** Extra rule on the non-empty value, with its message. */
  pattern?: { regex: RegExp; message: string };
}) {
  const tooLong = options.tooLong ?? `Ce texte est trop long : ${INTEGER.format(options.max)} caractères au plus.`;
  let schema = z.string().max(options.max, { error: tooLong });
  if (options.required) schema = schema.min(1, { error: options.required });
  const { pattern } = options;
  const checked = pattern
    ? schema.refine((v) => v === '' || pattern.regex.test(v), { error: pattern.message })
    : schema;
  return z.preprocess((v) => {
    const s = single(v);
    if (typeof s !== 'string') return s;
    return options.trim === false ? s : s.trim();
  }, checked);
}

/** An email address, lower-cased domain kept as typed; `required` as for text. */
export function email(options: { required: string | false; invalid?: string }) {
  return text({
    max: 254,
    required: options.required,
    tooLong: 'Cette adresse électronique est trop longue.',
    pattern: {
      regex: /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]{2,}$/,
      message: options.invalid ?? 'Indiquez une adresse électronique valide, par exemple nom@exemple.fr.',
    },
  });
}

/** A password as typed: never trimmed, bounded so that hashing cannot be made costly. */
export function password(options: { required: string }) {
  return text({ max: 1024, required: options.required, trim: false, tooLong: 'Ce mot de passe est trop long.' });
}

/** A checkbox: true when sent with any value. */
export function checkbox() {
  return z.preprocess((v) => single(v) !== '', z.boolean());
}

/** One of a fixed list of values (a radio group or a select). */
export function choice<const T extends readonly [string, ...string[]]>(values: T, message: string) {
  return z.preprocess(single, z.enum(values, { error: message }));
}

/** Several of a fixed list of values (checkboxes sharing a name). */
export function choices<const T extends readonly [string, ...string[]]>(values: T, message: string) {
  return z.preprocess(
    (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.enum(values, { error: message })),
  );
}

/** A hidden field carrying an identifier or a token: bounded, never shown back. */
export function hidden(max = 200) {
  return z.preprocess(single, z.string().max(max, { error: 'Le formulaire est incomplet : rechargez la page.' }));
}

/**
 * Checks submitted fields against a form's schema. Errors come one per field, in the order of the
 * schema's fields (the order of the page), with zod's English replaced by the schema's messages.
 */
export function parseForm<S extends z.ZodObject>(schema: S, fields: SubmittedFields): FormResult<z.output<S>> {
  const result = schema.safeParse(fields);
  if (result.success) return { ok: true, value: result.data };
  const order = Object.keys(schema.shape);
  const byField = new Map<string, FieldError>();
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? order[0] ?? 'formulaire');
    if (!byField.has(field)) byField.set(field, { field, message: frenchMessage(issue) });
  }
  const errors = [...byField.values()].sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field));
  return { ok: false, errors };
}

/** A message the schema did not word itself (a type error on a forged post) stays readable. */
function frenchMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return 'Cette valeur n’est pas valide.';
  if (/^\p{Lu}/u.test(issue.message) && !/^(Invalid|Expected|Too)/.test(issue.message)) return issue.message;
  return 'Cette valeur n’est pas valide.';
}

/** The errors of one field, joined (for the message next to the field). */
export function errorOf(errors: readonly FieldError[], field: string): string {
  return errors
    .filter((e) => e.field === field)
    .map((e) => e.message)
    .join(' ');
}
