/**
 * Text helpers of the assistant: words compared without case or accents, articles' Markdown
 * turned into plain sentences. Pure functions, no database.
 */

/** Lower case, no accents, letters and digits separated by single spaces. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[’']/g, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * French words that say nothing about the topic of a question (folded): articles, pronouns,
 * auxiliaries, politeness, and the words every démarche shares (« faire », « demande »).
 */
const FRENCH_STOP_WORDS = new Set(
  (
    'a au aux avec ce ces cet cette comment dans de des du elle elles en est et etre faire fait faut il ils ' +
    'je j jai la le les leur leurs lui ma mais me mes moi mon ne nous on ou par pas pour qu que quel quelle ' +
    'quels quelles qui quoi sa se ses si son sur ta te tes toi ton tu un une vos votre vous y doit dois ' +
    'peut peux veux voudrais avoir ai as ete suis sont va vais bonjour merci svp sil plait stp ' +
    'kesk kes ca cela ceci cest c d l m n s t est-ce estce alors aussi bien deja encore ici la-bas ' +
    'faites fais font dit dire sais savoir besoin quand combien pourquoi ou est quoi comme plus moins ' +
    'tres trop tout tous toute toutes autre autres meme sans sous chez entre apres avant depuis pendant ' +
    'mairie ville demande demander demarche faire obtenir avoir possible hier demain aujourd hui jour ' +
    'moment prochain prochaine mois annee semaine ans an fois vraiment quelqu quelque chose truc bon ok ' +
    'madame monsieur mme mr salut voila donc car puis peu beaucoup dois devons devez doivent pouvez ' +
    'pourrais pourriez aimerais souhaite souhaiterais cherche recherche appelle'
  ).split(' '),
);

/** English words that French questions do not use: the language check counts them. */
const ENGLISH_WORDS = new Set(
  (
    'the is are was were how what where when why who which do does did can could would should my your ' +
    'i you we they he she it to of for with and or not need get have has want please hello hi ' +
    'this that there here about from into need renew apply card id identity help me an'
  ).split(' '),
);

/** French function words: the language check counts them too. */
const FRENCH_MARKERS = new Set(
  (
    'le la les un une des du de je j tu il elle nous vous ils mon ma mes ton ta votre vos est suis ' +
    'et ou pour avec dans sur pas ne que qui quoi comment quand faut faire ai a au aux ce cette'
  ).split(' '),
);

/** The meaningful words of a text, folded, without duplicates, in order. */
export function meaningfulWords(text: string): string[] {
  const words = fold(text)
    .split(' ')
    .filter((w) => w.length >= 2 && !FRENCH_STOP_WORDS.has(w) && !/^\d+$/.test(w));
  return [...new Set(words)];
}

/** A crude stem: plural and feminine endings set aside, so « cartes » meets « carte ». */
export function stem(word: string): string {
  let w = word;
  if (w.length > 4 && w.endsWith('s')) w = w.slice(0, -1);
  if (w.length > 4 && w.endsWith('x')) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith('e')) w = w.slice(0, -1);
  return w.length > 7 ? w.slice(0, 7) : w;
}

/**
 * Whether a question is mostly in another language than French: non-Latin script, or more
 * English words than French function words. French questions with a borrowed word (« les
 * states ») stay French.
 */
export function looksForeign(text: string): boolean {
  const letters = text.match(/\p{L}/gu) ?? [];
  if (letters.length === 0) return false;
  const latin = letters.filter((c) => /\p{Script=Latin}/u.test(c)).length;
  if (latin / letters.length < 0.5) return true;
  const words = fold(text).split(' ').filter(Boolean);
  let english = 0;
  let french = 0;
  for (const w of words) {
    if (FRENCH_MARKERS.has(w)) french++;
    else if (ENGLISH_WORDS.has(w)) english++;
  }
  return english >= 2 && english > french;
}

/** Markdown of an article's section as plain text: no marks, no links' targets, one line per item. */
export function plainText(markdown: string): string {
  return markdown
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]*>/g, ' ')
    .replace(/^\s{0,3}#{1,6}\s+/gm, '')
    .replace(/^\s*>\s?/gm, '')
    .replace(/^\s*(?:[-*+]|\d+[.)])\s+/gm, '')
    .replace(/(\*\*|__)(.*?)\1/g, '$2')
    .replace(/(^|[^\w*])[*_]([^*_\n]+)[*_](?=[^\w*]|$)/g, '$1$2')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/**
 * The sentences of a plain text: each line (a list item) is cut after « . », « ! », « ? » or
 * « … » followed by a space and a capital letter or a digit; every sentence ends with a mark.
 */
export function sentences(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\n+/)) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    const parts = trimmed.split(/(?<=[.!?…])\s+(?=[\p{Lu}\d«])/u);
    for (const part of parts) {
      const s = part.trim();
      if (s.length < 3) continue;
      out.push(/[.!?…:;,]$/.test(s) ? s : `${s}.`);
    }
  }
  return out;
}

/**
 * Sentences that talk to a machine rather than to a citizen (« ignore previous instructions »,
 * « system prompt »): never quoted, whatever article holds them.
 */
export function looksLikeInstructions(sentence: string): boolean {
  const f = fold(sentence);
  return (
    /\b(ignore[sz]?|oublie[sz]?|disregard|forget)\b.*\b(instructions?|consignes?|previous|precedentes?|above|ci dessus)\b/.test(
      f,
    ) ||
    /\b(system prompt|prompt systeme|invite systeme|you are now|tu es maintenant|vous etes maintenant|jailbreak)\b/.test(
      f,
    )
  );
}
