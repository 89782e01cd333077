import { formDefinitionSchema, type FormDefinition } from '../../catalogue/form-definition.ts';

const MAX = 500;
const parsed = new Map<string, FormDefinition | null>();

/**
 * Parses a stored form definition once per distinct content: every form page, submission and
 * tracking page needs it, and validating the schema costs more than the rest of a page.
 * Returns null when the stored value is not a valid definition.
 */
export function cachedFormDefinition(value: unknown): FormDefinition | null {
  if (value === null || value === undefined) return null;
  const key = JSON.stringify(value);
  if (parsed.has(key)) return parsed.get(key) ?? null;
  const result = formDefinitionSchema.safeParse(value);
  if (parsed.size >= MAX) parsed.clear();
  parsed.set(key, result.success ? result.data : null);
  return result.success ? result.data : null;
}
