import { stemmer as snowballFrench } from '@orama/stemmers/french';

/**
 * The French analyser applied to both the articles and the queries (decision 26): accents folded,
 * elisions removed (l', d', qu'…), compound words split while their joined form is kept
 * (« rendez-vous » → rendez, vous, rendezvous), stop words dropped, Snowball's French stemmer
 * on the folded word, and a « family » key (the stem's first letters) so that words of one family
 * whose stems differ (inscription → inscript, inscrire → inscrir) still meet.
 */

/** Lower case, no diacritics, ligatures spelled out, typographic apostrophes made plain. */
export function fold(text: string): string {
  return text
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[’‘`´ʼ]/g, "'");
}

/** Elided articles and pronouns written before a vowel: l'état, qu'il, jusqu'au. */
const ELISION = /^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu|presqu)'/;

/**
 * Words that carry no meaning for search, folded. French function words, the polite and spoken
 * fillers of questions (« bonjour », « svp », « kesk »), and the verbs every question uses
 * (« faire », « pouvoir », « vouloir »…), which would otherwise match every article.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a ai aie aient aies ait as au aucun aucune aussi autre autres aux avaient avais avait avant avec avez aviez avions avoir avons ayant ' +
    'bah ben bien bon bonjour bonsoir c ca car ce ceci cela celle celles celui cependant certain certaine ces cet cette ceux chaque chez ' +
    'ci comme comment concernant d dans de depuis des deja dois doit doivent donc dont du e elle elles en encore entre es est et etaient ' +
    'etais etait etant ete etes etre eu eux faire fais fait faites faut fois font hello hors i il ils j jai je jusqu jusqua l la laquelle le ' +
    'lequel les lesquels leur leurs lui m ma madame mais me meme memes merci mes mien moi moins mon monsieur n ne ni nos notre nous o on ont ' +
    'ou oui par parce pas peu peut peuvent peux plus pour pourquoi pourrais pourrait pouvez pouvoir puis puisque qu quand que quel quelle quelles ' +
    'quels qui quoi s sa sans se sera serai seraient serais serait ses si sil sinon soit sommes son sont sous suis sur svp t ta te tes toi ton ' +
    'toujours tous tout toute toutes tres tu un une unes uns va vais veut veux vos votre voudrais voudrait voulons voulez vouloir vous vu y ' +
    'kesk keske koi kel ya cest jsuis chui stp plait aujourdhui alors la-bas ici ok bjr slt salut voila apres ' +
    'qqn qqch quelqu quelque quelques quelquun chose choses truc trucs genre'
  ).split(' '),
);

/** Snowball French on a folded word, memoised: the same few thousand words come back all the time. */
const stemCache = new Map<string, string>();
export function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = word.length <= 3 || /\d/.test(word) ? word : fold(snowballFrench(word));
    if (stemCache.size > 50_000) stemCache.clear();
    stemCache.set(word, s);
  }
  return s;
}

/** Letters of a stem that make its family key: long enough to keep unrelated words apart. */
export const FAMILY_LENGTH = 5;

/** The family key of a stem, or null when the stem is too short to have one beside itself. */
export function family(stemmed: string): string | null {
  return stemmed.length >= FAMILY_LENGTH && !/\d/.test(stemmed) ? stemmed.slice(0, FAMILY_LENGTH) : null;
}

export interface Token {
  /** The folded word as written (elision removed), for typo correction and suggestions. */
  word: string;
  /** Its stem. */
  stem: string;
  /** Position in the text, compound parts sharing their whole's. */
  position: number;
  /** The joined form of a compound (« rendezvous »), beside its parts. */
  joined: boolean;
}

/**
 * Splits folded text into words: elisions removed, compounds split and also kept joined, stop
 * words dropped unless `keepStopWords` (phrases of synonyms are matched on every word).
 */
export function tokenize(text: string, options: { keepStopWords?: boolean } = {}): Token[] {
  const out: Token[] = [];
  let position = 0;
  const folded = fold(text).replace(/[^a-z0-9'-]+/g, ' ');
  for (const raw of folded.split(' ')) {
    const chunk = raw.replace(/^[-']+|[-']+$/g, '');
    if (!chunk) continue;
    // « l'état-civil » → « état-civil »; « aujourd'hui » stays one word.
    const parts = chunk
      .split(/-/)
      .flatMap((p) => p.split("'").filter((_, i, all) => i === all.length - 1 || !ELISION.test(`${all[i]}'`)))
      .map((p) => p.replace(/'/g, ''))
      .filter((p) => p.length > 0);
    const push = (word: string, joined: boolean) => {
      if (word.length < 2 && !/\d/.test(word)) return;
      if (!options.keepStopWords && STOP_WORDS.has(word)) return;
      out.push({ word, stem: stem(word), position, joined });
    };
    for (const p of parts) push(p, false);
    // The joined compound: « rendezvous », « predemande », « niddepoule ».
    if (parts.length > 1) push(parts.join(''), true);
    position++;
  }
  return out;
}

/** Stems of a phrase's meaningful words in order, compounds by their parts (phrases are matched as sequences). */
export function phraseStems(text: string): string[] {
  return tokenize(text)
    .filter((t) => !t.joined)
    .map((t) => t.stem);
}

/** Damerau–Levenshtein distance with an early exit once it exceeds `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push(new Array<number>(b.length + 1).fill(0));
    rows[i]![0] = i;
  }
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
  }
  return rows[a.length]![b.length]!;
}
