import { fold, looksLikeInstructions, meaningfulWords, plainText, sentences, stem } from './text.ts';

/** What the composition reads of an article: its texts, by section (keys are slugified headings). */
export interface ArticleText {
  slug: string;
  title: string;
  summary: string;
  sections: Record<string, string>;
}

/** The order sections come in an article; a sentence keeps this order in the answer. */
const SECTION_ORDER = [
  'en-bref',
  'qui-est-concerne',
  'ce-qu-il-faut-preparer',
  'comment-faire',
  'delai-et-cout',
  'erreurs-frequentes-a-eviter',
  'besoin-d-aide',
];

/**
 * Words of a question that point at a section rather than at a topic (folded stems): « combien »,
 * « prix » lead to « Délai et coût », « papiers » to « Ce qu'il faut préparer ».
 */
const SECTION_CUES: Record<string, string[]> = {
  'delai-et-cout': [
    'combien',
    'prix',
    'cout',
    'coute',
    'couter',
    'tarif',
    'gratuit',
    'payer',
    'paye',
    'payant',
    'euro',
    'cher',
    'delai',
    'delais',
    'temps',
    'long',
    'longtemp',
    'quand',
    'rapide',
    'vite',
    'attendre',
    'jour',
    'semaine',
    'valable',
    'validite',
  ],
  'ce-qu-il-faut-preparer': [
    'papier',
    'document',
    'piece',
    'apporter',
    'ramener',
    'fournir',
    'prepar',
    'justificatif',
    'dossier',
    'photo',
    'preuve',
    'besoin',
  ],
  'qui-est-concerne': ['qui', 'droit', 'concern', 'eligible', 'age', 'mineur', 'enfant', 'etranger', 'condition'],
  'comment-faire': ['comment', 'etape', 'faire', 'ligne', 'internet', 'rendez', 'deposer', 'inscrire', 'procedure'],
  'erreurs-frequentes-a-eviter': ['erreur', 'eviter', 'oubli', 'refus', 'refuse', 'probleme', 'attention'],
  'besoin-d-aide': ['aide', 'aider', 'contact', 'telephone', 'appeler', 'horaire', 'ouvert', 'adresse', 'accueil'],
};

const MAX_SENTENCES = 4;
const MAX_SENTENCE_CHARS = 320;
const MAX_ANSWER_CHARS = 700;

interface Candidate {
  text: string;
  section: string;
  position: number;
  score: number;
}

/**
 * A list item that is not a sentence of its own (« une extension de plus de 40 m² ; »), or a
 * lead-in whose list would be missing (« Il faut un permis pour : »).
 */
function isFragment(sentence: string): boolean {
  return /^\p{Ll}/u.test(sentence) || /[;:,]$/.test(sentence);
}

/**
 * An extractive answer: two to four sentences of the article, as written there. « En bref » comes
 * first (its first sentence, and the second when short), then the sentences of the sections that
 * share the most meaningful words with the question, a section the question points at (price,
 * delay, papers) counting extra. Nothing is added: every sentence is the article's, as plain
 * text, and a sentence addressed to a machine is never taken.
 */
export function composeLocalAnswer(question: string, article: ArticleText): string[] {
  const questionStems = new Set(meaningfulWords(question).map(stem));
  const questionWords = new Set(fold(question).split(' ').map(stem));
  const cuedSections = new Set(
    Object.entries(SECTION_CUES)
      .filter(([, cues]) => cues.some((c) => questionWords.has(stem(c)) || questionWords.has(c)))
      .map(([section]) => section),
  );
  const candidates: Candidate[] = [];
  const sectionKeys = [
    ...SECTION_ORDER.filter((k) => k in article.sections),
    ...Object.keys(article.sections).filter((k) => !SECTION_ORDER.includes(k)),
  ];
  let position = 0;
  for (const section of sectionKeys) {
    for (const s of sentences(plainText(article.sections[section] ?? ''))) {
      position++;
      if (s.length > MAX_SENTENCE_CHARS || looksLikeInstructions(s) || isFragment(s)) continue;
      const stems = new Set(fold(s).split(' ').map(stem));
      let overlap = 0;
      for (const q of questionStems) if (stems.has(q)) overlap++;
      const score = overlap + (cuedSections.has(section) ? 1.5 : 0);
      candidates.push({ text: s, section, position, score });
    }
  }
  const brief = candidates.filter((c) => c.section === 'en-bref');
  const chosen: Candidate[] = [];
  if (brief[0]) chosen.push(brief[0]);
  else {
    const summary = sentences(plainText(article.summary)).find((s) => !looksLikeInstructions(s));
    if (summary) chosen.push({ text: summary, section: 'summary', position: 0, score: 0 });
  }
  if (brief[1] && brief[0] && brief[0].text.length + brief[1].text.length < 260) chosen.push(brief[1]);
  const others = candidates
    .filter((c) => c.section !== 'en-bref' && c.score >= 1)
    .sort((a, b) => b.score - a.score || a.position - b.position);
  let length = chosen.reduce((n, c) => n + c.text.length, 0);
  for (const c of others) {
    if (chosen.length >= MAX_SENTENCES) break;
    if (length + c.text.length > MAX_ANSWER_CHARS && chosen.length >= 2) continue;
    chosen.push(c);
    length += c.text.length;
  }
  // Fewer than two sentences: the rest of « En bref », in order.
  for (const c of brief) {
    if (chosen.length >= 2) break;
    if (!chosen.includes(c)) chosen.push(c);
  }
  return chosen.sort((a, b) => a.position - b.position).map((c) => c.text);
}
