import { JARGON, type JargonEntry } from './jargon.ts';
import { splitSentences, type Token } from './sentences.ts';
import { findNominalisations, findPassives, type NominalisationHint, type PassiveHint } from './style-hints.ts';
import { countSyllables } from './syllables.ts';

/** A sentence longer than this is hard to read in one go (the administration's own guideline). */
export const LONG_SENTENCE_WORDS = 20;

/** Bumped when the analysis changes, so that stored reports are computed again (decision 0025). */
export const READABILITY_VERSION = 1;

/**
 * The Kandel–Moles levels, the usual reading of Flesch's scale (decision 0025): the lowest score
 * of each level. A score of 60 or more reads easily for most adults.
 */
export const READABILITY_LEVELS = [
  { key: 'tres-facile', label: 'Très facile', min: 90 },
  { key: 'facile', label: 'Facile', min: 80 },
  { key: 'assez-facile', label: 'Assez facile', min: 70 },
  { key: 'standard', label: 'Standard', min: 60 },
  { key: 'assez-difficile', label: 'Assez difficile', min: 50 },
  { key: 'difficile', label: 'Difficile', min: 30 },
  { key: 'tres-difficile', label: 'Très difficile', min: -Infinity },
] as const;

export type ReadabilityLevel = (typeof READABILITY_LEVELS)[number]['key'];

/** At most this share of long sentences for a text to be called « facile à lire ». */
export const EASY_LONG_SHARE = 0.1;

export interface LongSentence {
  text: string;
  words: number;
  /** UTF-16 offsets into the analysed text. */
  start: number;
  end: number;
}

export interface JargonMatch extends JargonEntry {
  /** The words as written in the text. */
  text: string;
  start: number;
  end: number;
}

export interface ReadabilityReport {
  version: number;
  sentenceCount: number;
  /** Words per sentence, on average (one decimal); 0 for an empty text. */
  averageWords: number;
  wordCount: number;
  syllableCount: number;
  /** Syllables per word, on average (two decimals); 0 for an empty text. */
  syllablesPerWord: number;
  /** Kandel–Moles: 207 − 1.015 × words per sentence − 73.6 × syllables per word (one decimal); null when empty. */
  score: number | null;
  level: ReadabilityLevel | null;
  /** Sentences over LONG_SENTENCE_WORDS words, as written, with their length and place. */
  longSentences: LongSentence[];
  /** Jargon found, each term once, in the order it first appears. */
  jargon: JargonEntry[];
  /** Every place jargon is found. */
  jargonMatches: JargonMatch[];
  passives: PassiveHint[];
  nominalisations: NominalisationHint[];
  /** What citizens are told: « Texte facile à lire » or the level in words. */
  verdict: { easy: boolean; label: string };
}

/** Lower case, accents removed, apostrophes straight — one character for one, so offsets hold. */
function foldKeepingOffsets(text: string): string {
  // Almost always: every accented letter decomposes into its letter and marks.
  const whole = fold(text);
  if (whole.length === text.length) return whole;
  let out = '';
  for (const ch of text) {
    const folded = fold(ch);
    out += folded.length === ch.length ? folded : ch;
  }
  return out;
}

function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[’ʼ]/g, "'").toLowerCase();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const byFolded = new Map<string, JargonEntry>();
const byAcronym = new Map<string, JargonEntry>();
for (const entry of JARGON) {
  if (entry.acronym) byAcronym.set(entry.term, entry);
  else byFolded.set(fold(entry.term), entry);
}
/** The first run of letters or digits of a folded term or text: where matching starts. */
const FIRST_WORD = /^[\p{L}\p{N}]+/u;
interface Matcher {
  entry: JargonEntry;
  sticky: RegExp;
}
/** The terms by their first word, the longest first: one look-up at each word of the text. */
const byFirstWord = new Map<string, Matcher[]>();
for (const [folded, entry] of byFolded) {
  const first = FIRST_WORD.exec(folded)![0];
  const sticky = new RegExp(`${escapeRegExp(folded).replace(/ /g, '\\s+')}(?![\\p{L}\\p{N}])`, 'uy');
  const list = byFirstWord.get(first) ?? [];
  list.push({ entry, sticky });
  list.sort((a, b) => b.entry.term.length - a.entry.term.length);
  byFirstWord.set(first, list);
}

function findJargon(text: string): JargonMatch[] {
  const folded = foldKeepingOffsets(text);
  const matches: JargonMatch[] = [];
  let freeFrom = 0;
  // « {{echeance}} » is a variable's name, not a word of the text.
  const variables = text.includes('{{')
    ? [...text.matchAll(/\{\{[^}]*\}\}/g)].map((m) => [m.index, m.index + m[0].length])
    : [];
  const inVariable = (at: number) => variables.some(([from, to]) => from! <= at && at < to!);
  for (const w of folded.matchAll(/[\p{L}\p{N}]+/gu)) {
    if (w.index < freeFrom || inVariable(w.index)) continue;
    for (const { entry, sticky } of byFirstWord.get(w[0]) ?? []) {
      sticky.lastIndex = w.index;
      const m = sticky.exec(folded);
      if (!m) continue;
      const end = w.index + m[0].length;
      matches.push({ ...entry, text: text.slice(w.index, end), start: w.index, end });
      freeFrom = end;
      break;
    }
  }
  let foldedWhole: string | null = null;
  for (const w of text.matchAll(/\p{Lu}[\p{L}]+/gu)) {
    const entry = byAcronym.get(w[0]);
    if (!entry) continue;
    // Spelt out somewhere in the text: the reader has what it means.
    foldedWhole ??= fold(text);
    if (foldedWhole.includes(fold(entry.plain))) continue;
    matches.push({ ...entry, text: w[0], start: w.index, end: w.index + w[0].length });
  }
  return matches.sort((a, b) => a.start - b.start);
}

function tokenSyllables(token: Token): number {
  if (token.kind === 'url' || token.kind === 'email') return 3;
  if (token.kind === 'variable') {
    const parts = token.text.match(/\p{L}+/gu) ?? [];
    return Math.max(
      1,
      parts.reduce((n, p) => n + countSyllables(p), 0),
    );
  }
  return countSyllables(token.text);
}

/** The Kandel–Moles level of a score. */
export function levelOf(score: number): ReadabilityLevel {
  return READABILITY_LEVELS.find((l) => score >= l.min)!.key;
}

export function levelLabel(level: ReadabilityLevel): string {
  return READABILITY_LEVELS.find((l) => l.key === level)!.label;
}

const VERDICTS: Record<ReadabilityLevel, string> = {
  'tres-facile': 'Texte facile à lire',
  facile: 'Texte facile à lire',
  'assez-facile': 'Texte assez facile à lire',
  standard: 'Texte de lecture courante',
  'assez-difficile': 'Texte assez difficile à lire',
  difficile: 'Texte difficile à lire',
  'tres-difficile': 'Texte très difficile à lire',
};

function verdictOf(
  level: ReadabilityLevel | null,
  sentenceCount: number,
  longCount: number,
): ReadabilityReport['verdict'] {
  if (level === null) return { easy: false, label: '' };
  const fewLong = longCount <= Math.floor(sentenceCount * EASY_LONG_SHARE);
  const easyLevel = level === 'tres-facile' || level === 'facile';
  if (easyLevel && fewLong) return { easy: true, label: VERDICTS[level] };
  return { easy: false, label: easyLevel ? VERDICTS['assez-facile'] : VERDICTS[level] };
}

/**
 * The readability of a French text written for citizens: the Kandel–Moles score and its level,
 * sentence length, long sentences, administrative jargon with the plain word to use, passive
 * voice and nominalisation hints, each with its place in the text. Markdown lists and headings
 * count as sentences of their own. Advice only: nothing is refused because of it.
 */
export function analyseReadability(text: string): ReadabilityReport {
  const sentences = splitSentences(text);
  const lengths = sentences.map((s) => s.tokens.length);
  const wordCount = lengths.reduce((a, b) => a + b, 0);
  let syllableCount = 0;
  for (const s of sentences) for (const t of s.tokens) syllableCount += tokenSyllables(t);
  const wordsPerSentence = sentences.length === 0 ? 0 : wordCount / sentences.length;
  const syllablesPerWord = wordCount === 0 ? 0 : syllableCount / wordCount;
  const score =
    wordCount === 0 ? null : Math.round((207 - 1.015 * wordsPerSentence - 73.6 * syllablesPerWord) * 10) / 10;
  const level = score === null ? null : levelOf(score);
  const longSentences = sentences
    .map((s, i) => ({ text: s.text, words: lengths[i]!, start: s.start, end: s.end }))
    .filter((s) => s.words > LONG_SENTENCE_WORDS);
  const jargonMatches = findJargon(text);
  const jargon: JargonEntry[] = [];
  for (const m of jargonMatches) {
    if (jargon.some((j) => j.term === m.term)) continue;
    jargon.push(m.acronym ? { term: m.term, plain: m.plain, acronym: true } : { term: m.term, plain: m.plain });
  }
  return {
    version: READABILITY_VERSION,
    sentenceCount: sentences.length,
    averageWords: Math.round(wordsPerSentence * 10) / 10,
    wordCount,
    syllableCount,
    syllablesPerWord: Math.round(syllablesPerWord * 100) / 100,
    score,
    level,
    longSentences,
    jargon,
    jargonMatches,
    passives: findPassives(sentences),
    nominalisations: findNominalisations(sentences),
    verdict: verdictOf(level, sentences.length, longSentences.length),
  };
}

/** A stored report of the current version, or null: compute it again. */
export function currentReport(stored: unknown): ReadabilityReport | null {
  return stored && typeof stored === 'object' && (stored as { version?: unknown }).version === READABILITY_VERSION
    ? (stored as ReadabilityReport)
    : null;
}

export interface ReadabilitySummary {
  version: number;
  score: number | null;
  level: ReadabilityLevel | null;
  sentenceCount: number;
  averageWords: number;
  longSentences: number;
  jargon: number;
  passives: number;
  nominalisations: number;
  easy: boolean;
}

/** The figures of a report without the text's pieces: what is kept with each agent's message. */
export function readabilitySummary(r: ReadabilityReport): ReadabilitySummary {
  return {
    version: r.version,
    score: r.score,
    level: r.level,
    sentenceCount: r.sentenceCount,
    averageWords: r.averageWords,
    longSentences: r.longSentences.length,
    jargon: r.jargonMatches.length,
    passives: r.passives.length,
    nominalisations: r.nominalisations.length,
    easy: r.verdict.easy,
  };
}
