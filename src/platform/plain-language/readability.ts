import { JARGON, type JargonEntry } from './jargon.ts';

/** A sentence longer than this is hard to read in one go (the administration's own guideline). */
export const LONG_SENTENCE_WORDS = 20;

export interface ReadabilityReport {
  sentenceCount: number;
  /** Words per sentence, on average; 0 for an empty text. */
  averageWords: number;
  /** Sentences over LONG_SENTENCE_WORDS words, as written, with their length. */
  longSentences: { text: string; words: number }[];
  /** Jargon found, each term once, in the order of the lexicon. */
  jargon: JargonEntry[];
}

/** Lower case, accents removed, typographic apostrophes made straight: how terms are compared. */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[’ʼ]/g, "'").toLowerCase();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const MATCHERS = JARGON.map((entry) => ({
  entry,
  pattern: new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(fold(entry.term))}(?![\\p{L}\\p{N}])`, 'u'),
}));

/** Sentences: split after . ! ? … and at blank lines; {{variables}} count as one word. */
function sentencesOf(text: string): string[] {
  return text
    .replace(/\r\n/g, '\n')
    .split(/(?<=[.!?…])\s+|\n\s*\n/u)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => /[\p{L}\p{N}]/u.test(s));
}

function wordCount(sentence: string): number {
  return sentence.split(/[\s’']+/u).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/**
 * A first readability hint for a text written to a citizen: sentence length and administrative
 * jargon with the plain word to use. Advice only: nothing is refused because of it.
 */
export function analyseReadability(text: string): ReadabilityReport {
  const sentences = sentencesOf(text);
  const lengths = sentences.map(wordCount);
  const total = lengths.reduce((a, b) => a + b, 0);
  const folded = fold(text);
  return {
    sentenceCount: sentences.length,
    averageWords: sentences.length === 0 ? 0 : Math.round((total / sentences.length) * 10) / 10,
    longSentences: sentences
      .map((s, i) => ({ text: s, words: lengths[i]! }))
      .filter((s) => s.words > LONG_SENTENCE_WORDS),
    jargon: MATCHERS.filter((m) => m.pattern.test(folded)).map((m) => m.entry),
  };
}
