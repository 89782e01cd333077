import { fold, STOP_WORDS, stem } from '../article-search/analyser.ts';

export interface RecurringWord {
  /** The form most often written (accents kept), lower case. */
  word: string;
  /** How many answers use it (a word repeated in one answer counts once). */
  answers: number;
}

/** Elided articles and pronouns written before a vowel: l'accueil, qu'il, d'ouverture. */
const ELISION = /^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu)['’]/;

/**
 * The words free-text answers share, for reading them: French stop words removed (the knowledge
 * base search's list, decision 26), words of one stem counted together (« horaire », « horaires »),
 * each answer counting a word once, shown in the form most written. Words of fewer than three
 * letters and numbers are left out. At least `minAnswers` answers, most used first, at most `limit`.
 */
export function recurringWords(
  texts: readonly string[],
  options: { limit?: number; minAnswers?: number } = {},
): RecurringWord[] {
  const limit = options.limit ?? 20;
  const minAnswers = options.minAnswers ?? 2;
  const byStem = new Map<string, { answers: number; forms: Map<string, number> }>();
  for (const text of texts) {
    const seen = new Set<string>();
    for (const raw of text.toLowerCase().split(/[^\p{L}\p{N}'’-]+/u)) {
      const word = raw.replace(ELISION, '').replace(/^[-'’]+|[-'’]+$/g, '');
      if (word.length < 3 || /\d/.test(word)) continue;
      const folded = fold(word);
      if (STOP_WORDS.has(folded)) continue;
      const key = stem(folded);
      let entry = byStem.get(key);
      if (!entry) byStem.set(key, (entry = { answers: 0, forms: new Map() }));
      entry.forms.set(word, (entry.forms.get(word) ?? 0) + 1);
      if (!seen.has(key)) {
        seen.add(key);
        entry.answers++;
      }
    }
  }
  return [...byStem.values()]
    .filter((e) => e.answers >= minAnswers)
    .map((e) => ({
      word: [...e.forms.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], 'fr'))[0]![0],
      answers: e.answers,
    }))
    .sort((a, b) => b.answers - a.answers || a.word.localeCompare(b.word, 'fr'))
    .slice(0, limit);
}
