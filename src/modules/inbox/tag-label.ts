import type { FormResult } from '../../platform/web/form.ts';

export const TAG_LABEL_MAX = 40;

/** A tag's label as typed, tidied: spaces collapsed; 1 to 40 characters. */
export function tagLabel(typed: string, field: string): FormResult<string> {
  const label = typed.replace(/\s+/gu, ' ').trim();
  if (label === '') return { ok: false, errors: [{ field, message: 'Écrivez le nom de l’étiquette.' }] };
  if (label.length > TAG_LABEL_MAX) {
    return {
      ok: false,
      errors: [{ field, message: `Ce nom d’étiquette est trop long : ${TAG_LABEL_MAX} caractères au plus.` }],
    };
  }
  return { ok: true, value: label };
}
