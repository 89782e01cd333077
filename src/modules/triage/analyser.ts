/**
 * The French text analyser of triage: the same steps for the knowledge base and for incoming
 * messages, so that « Réclamations », « réclamation » and « reclamer » meet. Lower case, accents
 * folded, elisions (« l’ », « qu’ ») removed, stop words dropped, then a light stemmer (plural and
 * common derivational endings) in the spirit of Savoy's light French stemmer: good enough for
 * short messages, never so aggressive that unrelated words meet.
 */

const STOP_WORDS = new Set(
  (
    'a ai aie aient aies ait alors as au aucun aussi autre aux avais avait avant avec avez avoir avons ' +
    'bonjour bonsoir bien c ca car ce ceci cela celle celui ces cet cette chez ci comme comment cordialement ' +
    'd dans de des deja depuis donc dont du elle elles en encore entre es est et etaient etais etait ' +
    'ete etes etre eu eux fait faire faut fois hui il ils j jai je jusqu l la le les leur leurs lui m ' +
    'ma madame mais me meme merci mes moi mon monsieur n ne ni nos notre nous on ont ou par parce pas peu ' +
    'peut peuvent peux plus pour pourquoi pourrais pourriez pouvez qu quand que quel quelle quelles quels ' +
    'qui quoi s sa sans se ses si sil plait son sont sous suis sur svp t ta te tes toi ton tous tout toute ' +
    'toutes tres tu un une vais veut veux voila vos votre vous voudrais voudrait y bjr slt salut mme mr mlle ' +
    'cest jai jsuis kesk ke ki'
  ).split(' '),
);

/**
 * Lower case, accents folded, punctuation as spaces. Elisions (« l’ », « qu’ ») are removed, or
 * kept as a word of their own with `keepElisions` (« n’a pas » → « n a pas »: cues need the « n »).
 */
export function foldText(text: string, options: { keepElisions?: boolean } = {}): string {
  const folded = text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  return (
    options.keepElisions ? folded : folded.replace(/\b(?:l|d|j|qu|n|s|c|m|t|jusqu|lorsqu|puisqu|quoiqu)['’`´]/g, ' ')
  )
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

const SUFFIXES = [
  'issements',
  'issement',
  'ications',
  'ication',
  'atrices',
  'atrice',
  'ateurs',
  'ateur',
  'ations',
  'ation',
  'ements',
  'ement',
  'ments',
  'ment',
  'euses',
  'euse',
  'ances',
  'ance',
  'ences',
  'ence',
  'ites',
  'ite',
  'ives',
  'ive',
  'ifs',
  'if',
  'eux',
  'ees',
  'ee',
  'er',
  'ez',
  'es',
  'e',
];

/** A light French stem: endings removed while at least four letters remain. */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word;
  // Plurals: « nids » → « nid », « chevaux » → « cheval », « jeux » → « jeu ».
  if (w.endsWith('aux') && w.length > 5) w = `${w.slice(0, -3)}al`;
  else if (/[^s]s$/.test(w) || /[aeo]ux$/.test(w)) w = w.slice(0, -1);
  for (const suffix of SUFFIXES) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 4) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  // Doubled final consonants (« appell », « ann »): one is enough.
  if (/([^aeiou])\1$/.test(w) && w.length > 4) w = w.slice(0, -1);
  return w;
}

/** Meaningful stemmed words of a text, in order (repeats kept: they count). */
export function analyse(text: string): string[] {
  const out: string[] = [];
  for (const token of foldText(text).split(' ')) {
    if (token.length < 2 || STOP_WORDS.has(token)) continue;
    out.push(stem(token));
  }
  return out;
}

/** Terms of a text: its stemmed words and the pairs of neighbouring ones (« nid poule »). */
export function terms(text: string): string[] {
  const words = analyse(text);
  const out = [...words];
  for (let i = 1; i < words.length; i++) out.push(`${words[i - 1]}_${words[i]}`);
  return out;
}

const STREET_TYPES =
  'rue|avenue|av|boulevard|bd|allee|impasse|chemin|place|square|quai|route|cours|passage|residence|lotissement|parc|cite|sentier|ruelle|promenade|esplanade|rond-point|carrefour|ecole|college|lycee|gymnase|stade|creche|salle|maison|parking';

/** Kinds of public way: all of them are « rue » for routing (« allée » is also a cemetery's). */
const ROADS = new Set(
  'rue avenue av boulevard bd allee impasse chemin quai route sentier ruelle passage rond-point carrefour'.split(' '),
);

const STREET_TYPE_PATTERN = STREET_TYPES.split('|')
  .map((t) => `[${t[0]}${t[0]!.toUpperCase()}]${t.slice(1)}`)
  .join('|');

const PLACE_NAME = new RegExp(
  `\\b(${STREET_TYPE_PATTERN})\\s+(?:(?:des|du|de la|de l['’]|de|d['’])\\s*)?(?:[A-ZÀ-Ý][\\p{L}'’-]*|[0-9]+)(?:[\\s-]+(?:(?:de|du|des|la|le|l['’])\\s*)?[A-ZÀ-Ý][\\p{L}'’-]*)*`,
  'gu',
);

/**
 * The proper names of places removed, their kind kept: « rue des Écoles » is « rue », « gymnase
 * Coubertin » is « gymnase », « allée des Érables » is « rue ». A street's name says where, not
 * what: « Écoles » or « Marché » must not send a pothole to the schools or the markets.
 */
export function withoutPlaceNames(text: string): string {
  // Matched on the unaccented text (« allée » is « allee »); the analyser folds accents anyway.
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(PLACE_NAME, (_m, kind: string) => (ROADS.has(kind.toLowerCase()) ? 'rue' : kind));
}
