import { z } from 'zod';
import { formatCharactersFr } from '../../platform/format.ts';
import { choice, hidden, text } from '../../platform/web/form.ts';

export const TITLE_MAX = 200;
export const SUMMARY_MAX = 500;
export const BODY_MAX = 50_000;
export const NOTE_MAX = 500;
export const KEYWORDS_MAX = 1000;

/** The editor of an article: a new one, or the next version of one. */
export const articleForm = z.object({
  titre: text({
    max: TITLE_MAX,
    required: 'Donnez un titre à la page, par exemple « Horaires de la piscine ».',
    tooLong: `Le titre est trop long : ${formatCharactersFr(TITLE_MAX)} au plus.`,
  }),
  resume: text({
    max: SUMMARY_MAX,
    required: 'Écrivez un résumé en une ou deux phrases.',
    tooLong: `Le résumé est trop long : ${formatCharactersFr(SUMMARY_MAX)} au plus.`,
  }),
  texte: text({
    max: BODY_MAX,
    required: 'Écrivez le texte de la page.',
    trim: false,
    tooLong: `Le texte est trop long : ${formatCharactersFr(BODY_MAX)} au plus.`,
  }),
  mots_cles: text({ max: KEYWORDS_MAX, required: false, tooLong: 'Trop de mots-clés.' }),
  service: hidden(100),
  public: choice(['public', 'internal'], 'Choisissez qui peut lire la page.'),
  note: text({
    max: NOTE_MAX,
    required: false,
    tooLong: `La note est trop longue : ${formatCharactersFr(NOTE_MAX)} au plus.`,
  }),
  version: hidden(10),
});

export type ArticleValues = {
  titre: string;
  resume: string;
  texte: string;
  mots_cles: string;
  service: string;
  public: string;
  note: string;
  version: string;
};

/** A workflow button's form: the version the agent was shown. */
export const versionForm = z.object({ version: hidden(10) });

export const ownerForm = z.object({
  responsable: hidden(100),
  relire_avant: text({ max: 20, required: false }),
});

export const linkForm = z.object({ page: hidden(100) });

/** Keywords typed separated by commas or new lines: trimmed, each once. */
export function splitKeywords(value: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of value.split(/[\n,;]+/)) {
    const k = raw.trim().replace(/\s+/g, ' ').slice(0, 80);
    if (k === '' || seen.has(k.toLowerCase())) continue;
    seen.add(k.toLowerCase());
    out.push(k);
  }
  return out.slice(0, 40);
}

/** '3' → 3; anything else → null. */
export function parseVersion(value: string): number | null {
  return /^[1-9]\d{0,8}$/.test(value) ? Number(value) : null;
}

/** The list's filters, from the query string; unknown values are ignored. */
export interface ListQuery {
  etat: '' | 'brouillon' | 'relecture' | 'publie';
  service: string;
  public: '' | 'public' | 'internal';
  arelire: boolean;
  titre: string;
}
