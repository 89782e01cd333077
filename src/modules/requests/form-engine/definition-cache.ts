import { LRUCache } from 'lru-cache';
import { formDefinitionSchema, type FormDefinition } from '../../catalogue/form-definition.ts';

// A memo of a pure function (same content, same result): nothing goes stale, so it needs no
// owner or time to live, only a bound; the least recently used definitions go first.
const parsed = new LRUCache<string, { definition: FormDefinition | null }>({ max: 500 });
// Stored forms are mostly read through caches that hand out the same object again and again:
// remember those by identity too, which spares serialising them to find the content key.
const byObject = new WeakMap<object, FormDefinition | null>();

/**
 * Parses a stored form definition once per distinct content: every form page, submission and
 * tracking page needs it, and validating the schema costs more than the rest of a page.
 * Returns null when the stored value is not a valid definition.
 */
export function cachedFormDefinition(value: unknown): FormDefinition | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object' && byObject.has(value)) return byObject.get(value) ?? null;
  const key = JSON.stringify(value);
  let definition = parsed.get(key)?.definition;
  if (definition === undefined) {
    const result = formDefinitionSchema.safeParse(value);
    definition = result.success ? result.data : null;
    parsed.set(key, { definition });
  }
  if (typeof value === 'object') byObject.set(value, definition);
  return definition;
}
