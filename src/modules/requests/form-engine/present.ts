import { formatDateFr } from '../../../platform/format.ts';
import { cachedFormDefinition } from './definition-cache.ts';
import { allFields } from './validate.ts';

/**
 * Stored answers as label/value lines, in the form's order, for the receipt, the tracking page
 * and the agent's view. Answers whose field is no longer in the form are still shown.
 */
export function presentAnswers(
  form: unknown,
  data: Record<string, unknown>,
): { name: string; label: string; value: string }[] {
  const definition = cachedFormDefinition(form);
  const fields = definition ? allFields(definition) : [];
  const lines: { name: string; label: string; value: string }[] = [];
  const seen = new Set<string>();
  for (const field of fields) {
    if (!(field.name in data)) continue;
    seen.add(field.name);
    const raw = data[field.name];
    let value: string;
    if (field.type === 'choice') value = field.options?.find((o) => o.value === raw)?.label ?? String(raw);
    else if (field.type === 'multichoice' && Array.isArray(raw))
      value = raw.map((v) => field.options?.find((o) => o.value === v)?.label ?? String(v)).join(', ') || 'Aucune';
    else value = formatValue(raw, field.type);
    lines.push({ name: field.name, label: field.label, value });
  }
  for (const [name, raw] of Object.entries(data)) {
    // `_identity` holds the verified identity claims, shown apart by the pages that need them.
    if (name.startsWith('_')) continue;
    if (!seen.has(name)) lines.push({ name, label: name, value: formatValue(raw) });
  }
  return lines;
}

function formatValue(raw: unknown, type?: string): string {
  if (raw === null || raw === undefined || raw === '') return '—';
  if (typeof raw === 'boolean') return raw ? 'Oui' : 'Non';
  if (type === 'date' && typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(raw)) return formatDateFr(raw);
  if (Array.isArray(raw)) return raw.length ? raw.map((v) => String(v)).join(', ') : 'Aucun';
  if (typeof raw === 'object') {
    const a = raw as { street?: string; postalCode?: string; city?: string };
    if (a.street || a.city) return `${a.street ?? ''}, ${a.postalCode ?? ''} ${a.city ?? ''}`.trim();
    return JSON.stringify(raw);
  }
  return String(raw);
}
