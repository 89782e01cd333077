import type { SubmittedFields } from './form.ts';

/**
 * What was typed in a field, to show it again when the form's schema refused the post (cut to
 * `max` characters: the page never echoes a huge value back).
 */
export function typedValue(fields: SubmittedFields, name: string, max: number): string {
  const v = fields[name];
  return ((Array.isArray(v) ? v[0] : v) ?? '').slice(0, max);
}

/** Every value typed in a repeated field (checkboxes sharing a name), at most `max` of them. */
export function typedValues(fields: SubmittedFields, name: string, max: number): string[] {
  const v = fields[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x) => x !== '').slice(0, max);
}
