/**
 * French syllables as they are spoken, for the Kandel–Moles score. The convention, which the
 * hand-counted list (syllables.fixture.txt) follows:
 *
 * - a final mute « e », « es », and the « ent » of a verb in the third person plural are silent
 *   (« table » 1, « parlent » 1, « avaient » 2); an « e » inside a word is counted (« samedi » 3);
 * - « qu » and « gu » before e/i are one consonant; « ge » before a/o is « g »;
 * - vowel letters that make one sound are one syllable (« eau », « ou », « ai », « oi », « œu »);
 * - « i », « u », « ou » before another vowel glide into it (« nation » 2, « actuel » 2, « jouer » 1)
 *   except after a consonant followed by l or r (« client » 2, « ouvrier » 3, « cruel » 2);
 * - hiatus: « é » before a vowel (« création » 3), a vowel before « é/è/ê » (« poème » 2,
 *   « aéroport » 4), a letter with a diaeresis (« naïf » 2), « y » between vowels (« payer » 2);
 * - numbers written in digits count as read (« 2024 » = deux mille vingt-quatre, 4; « 1,5 » 4),
 *   abbreviations as read (« M. » 2, « etc. » 4), acronyms spelt letter by letter unless they
 *   read as a word (« CCAS » 4, « CAF » 1).
 */

const VOWELS = 'aeiouyàâäéèêëîïôöùûüœæ';
const isVowel = (c: string | undefined): boolean => c !== undefined && VOWELS.includes(c);
const TREMA = 'ëïü';

/** Irregular words whose spelling misleads the rules. */
const EXCEPTIONS: Record<string, number> = {
  pays: 2,
  paysan: 3,
  paysans: 3,
  paysage: 3,
  paysages: 3,
  abbaye: 3,
  aiguille: 2,
  aiguilles: 2,
  aquarium: 3,
  équateur: 3,
  linguistique: 4,
  monsieur: 2,
  messieurs: 2,
  femme: 1,
  femmes: 1,
  fioul: 1,
  août: 1,
  oignon: 2,
  oignons: 2,
  second: 2,
  seconde: 2,
};

/** Words in « -ent » (not « -ment ») where the ending is heard: nouns, adjectives, adverbs. */
const ENT_HEARD = new Set(
  (
    'accent adolescent agent argent absent ardent apparent arpent client coefficient compétent concurrent ' +
    'confident content continent contingent correspondent décent dent déficient détergent différent diligent ' +
    'efficient éloquent équivalent évident excellent expédient fréquent gent impatient imprudent incident ' +
    'incompétent inconvénient indécent indifférent indigent indulgent inhérent innocent insolent intelligent ' +
    'intermittent lent magnificent moment négligent occident orient parent patent patient pendant permanent ' +
    'pertinent précédent présent président prudent quotient récent récipient régent résident sent serpent ' +
    'sergent silent somnolent souvent subséquent suffisant talent tangent torrent transparent turbulent urgent ' +
    'vent violent ingrédient accident adjacent antécédent cent couvent'
  ).split(' '),
);

/** Verbs in « -ment » at the third person plural, whose ending is silent. */
const MENT_SILENT = new Set(
  (
    'aiment animent arriment chôment confirment consument dorment endorment estiment expriment ferment ' +
    'forment fument impriment informent nomment priment réclament résument suppriment transforment ' +
    'allument assument sèment proclament affirment déforment conforment rendorment programment'
  ).split(' '),
);

/** Abbreviations and symbols read aloud, with their syllables. */
const ABBREVIATIONS: Record<string, number> = {
  'm.': 2,
  mm: 3,
  'mm.': 3,
  mme: 2,
  mmes: 2,
  mlle: 3,
  'etc.': 4,
  'cf.': 2,
  'ex.': 3,
  'n°': 3,
  'art.': 3,
  'av.': 3,
  bd: 3,
  'tél.': 3,
  dr: 2,
  pr: 3,
  'env.': 3,
};

function heardEnt(word: string): boolean {
  if (word.endsWith('ment')) return !MENT_SILENT.has(word);
  // « il tient », « il vient » (and their compounds): the ending is the verb's vowel.
  if (ENT_HEARD.has(word) || /[tv]ient$/.test(word)) return true;
  return word.length <= 4; // dent, lent, vent
}

/** The letters of a word once its silent parts are removed. */
function soundingLetters(original: string): string {
  let w = original;
  w = w
    .replace(/qu/g, 'k')
    .replace(/gu(?=[eéèêiîy])/g, 'g')
    .replace(/ge(?=[aâoôu])/g, 'g');
  const vowelGroups = (s: string) => (s.match(/[aeiouyàâäéèêëîïôöùûüœæ]+/g) ?? []).length;
  // The « ent » of a verb: « parlent », « avaient ».
  if (w.endsWith('ent') && !heardEnt(original) && vowelGroups(w.slice(0, -3)) >= 1) w = w.slice(0, -2);
  if (w.endsWith('es') && vowelGroups(w.slice(0, -2)) >= 1) w = w.slice(0, -2);
  else if (w.endsWith('e') && vowelGroups(w.slice(0, -1)) >= 1) w = w.slice(0, -1);
  return w;
}

/** Syllables of one word of letters (lower case). */
function wordSyllables(word: string): number {
  const known = EXCEPTIONS[word];
  if (known !== undefined) return known;
  const w = soundingLetters(word);
  let count = 0;
  let i = 0;
  while (i < w.length) {
    if (!isVowel(w[i])) {
      i++;
      continue;
    }
    // A run of vowel letters, cut where two sounds meet.
    let start = i;
    let j = i + 1;
    while (j <= w.length) {
      const prev = w[j - 1]!;
      const c = w[j];
      if (!isVowel(c)) break;
      const next = w[j + 1];
      const split =
        TREMA.includes(c!) ||
        (prev === 'é' && c !== undefined) ||
        ('éèê'.includes(c!) && 'aeoé'.includes(prev)) ||
        (c === 'y' && j > start && isVowel(next)) ||
        (prev === 'u' && c === 'i' && isVowel(next) && j - 1 === start) ||
        (j - 1 === start && clusterBefore(w, start) && isGlide(w, start, j));
      if (split) {
        count++;
        start = j;
      }
      j++;
    }
    count++;
    i = j;
  }
  return Math.max(count, word.length > 0 ? 1 : 0);
}

/** A consonant followed by l or r just before `at` (« cl », « tr », « vr »…). */
function clusterBefore(w: string, at: number): boolean {
  const a = w[at - 2];
  const b = w[at - 1];
  return a !== undefined && !isVowel(a) && a !== 'l' && a !== 'r' && (b === 'l' || b === 'r');
}

/** Would « i », « u » or « ou » at `start` glide into the vowel at `j`? */
function isGlide(w: string, start: number, j: number): boolean {
  const first = w[start];
  if (first === 'i') return true;
  if (first === 'u') return w[j] !== 'i';
  return false;
}

/** Letters read one by one, with their syllables (W is « double vé », Y « i grec »). */
function spelledSyllables(acronym: string): number {
  let n = 0;
  for (const c of acronym) n += c === 'W' ? 3 : c === 'Y' ? 2 : 1;
  return n;
}

const ONSETS = new Set([
  'BL',
  'BR',
  'CL',
  'CR',
  'DR',
  'FL',
  'FR',
  'GL',
  'GR',
  'PL',
  'PR',
  'TR',
  'VR',
  'CH',
  'PH',
  'TH',
  'SC',
  'SP',
  'ST',
]);
const CODAS = 'LMNRS';

/**
 * An acronym reads as a word (« CAF », « URSSAF », « CERFA ») when its consonants sit the way a
 * French word's do: three letters consonant-vowel-consonant, or longer with no pair of consonants
 * that is neither the start of a syllable nor the end of one. Otherwise it is spelt (« CCAS »).
 */
function readsAsWord(acronym: string): boolean {
  const vowel = (c: string) => 'AEIOUY'.includes(c);
  if (![...acronym].some(vowel)) return false;
  if (acronym.length <= 3)
    return acronym.length === 3 && !vowel(acronym[0]!) && vowel(acronym[1]!) && !vowel(acronym[2]!);
  for (let i = 0; i + 1 < acronym.length; i++) {
    const a = acronym[i]!;
    const b = acronym[i + 1]!;
    if (vowel(a) || vowel(b)) continue;
    const pair = a + b;
    if (i === 0 ? ONSETS.has(pair) : ONSETS.has(pair) || CODAS.includes(a) || (b === 'S' && i + 2 === acronym.length))
      continue;
    return false;
  }
  return true;
}

const UNITS = [
  'zéro',
  'un',
  'deux',
  'trois',
  'quatre',
  'cinq',
  'six',
  'sept',
  'huit',
  'neuf',
  'dix',
  'onze',
  'douze',
  'treize',
  'quatorze',
  'quinze',
  'seize',
];
const TENS = [
  '',
  'dix',
  'vingt',
  'trente',
  'quarante',
  'cinquante',
  'soixante',
  'soixante',
  'quatre-vingt',
  'quatre-vingt',
];

/** An integer below 1,000 in French words. */
function belowThousand(n: number): string[] {
  const words: string[] = [];
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  if (hundreds > 1) words.push(UNITS[hundreds]!, 'cent');
  else if (hundreds === 1) words.push('cent');
  if (rest === 0) return words;
  if (rest <= 16) return [...words, UNITS[rest]!];
  const tens = Math.floor(rest / 10);
  let unit = rest % 10;
  if (tens === 7 || tens === 9) unit += 10;
  words.push(...TENS[tens]!.split('-'));
  if (unit === 0) return words;
  if (unit === 1 && tens < 8) words.push('et', 'un');
  else if (unit === 11 && tens === 7) words.push('et', 'onze');
  else if (unit <= 16) words.push(UNITS[unit]!);
  else words.push('dix', UNITS[unit - 10]!);
  return words;
}

/** An integer in French words (« 2024 » → deux mille vingt quatre). */
export function frenchNumberWords(n: number): string[] {
  if (n === 0) return ['zéro'];
  const words: string[] = [];
  const scales: [number, string][] = [
    [1e9, 'milliards'],
    [1e6, 'millions'],
    [1e3, 'mille'],
  ];
  let rest = n;
  for (const [size, name] of scales) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      if (!(size === 1e3 && count === 1)) words.push(...belowThousand(count));
      words.push(name);
    }
    rest %= size;
  }
  return [...words, ...belowThousand(rest)];
}

/**
 * Syllables of a number written in digits, as read: « 1,5 » is un virgule cinq, « 1 500 » mille
 * cinq cents; a very long run (an account number) is read digit by digit.
 */
function numberSyllables(token: string): number {
  let text = token.replace(/[\s\u00a0\u202f]/g, '');
  // « 3.5 » written the English way is a decimal; « 1.500 » groups thousands.
  text = /^\d+\.\d{1,2}$/.test(text) ? text.replace('.', ',') : text.replace(/\./g, '');
  let total = 0;
  for (const [i, part] of text.split(',').entries()) {
    if (i > 0) total += 2; // virgule
    if (part === '') continue;
    const words = part.length > 12 ? [...part].map((d) => UNITS[Number(d)]!) : frenchNumberWords(Number(part));
    for (const w of words) total += wordSyllables(w);
  }
  return Math.max(total, 1);
}

/**
 * Syllables of one word as the analyser cuts them (letters with apostrophes and hyphens,
 * a number, an abbreviation, an acronym). Never 0 for a word with letters or digits.
 */
export function countSyllables(token: string): number {
  let n = known.get(token);
  if (n === undefined) {
    n = countUncached(token);
    // Words repeat: a text of 2,000 words has a few hundred different ones.
    if (known.size >= 20_000) known.clear();
    known.set(token, n);
  }
  return n;
}

const known = new Map<string, number>();

function countUncached(token: string): number {
  const lower = token.toLowerCase();
  const abbreviation = ABBREVIATIONS[lower];
  if (abbreviation !== undefined) return abbreviation;
  if (/^\d[\d\s\u00a0\u202f.,]*$/.test(token)) return numberSyllables(token);
  if (/^[A-Z]{2,}s?$/.test(token) && token.length <= 8) {
    const letters = token.replace(/s$/, '');
    return readsAsWord(letters) ? wordSyllables(letters.toLowerCase()) : spelledSyllables(letters);
  }
  let total = 0;
  for (const part of lower.split(/[-–]/)) {
    // « l'administration », « jusqu'au »: the elided word sounds with the next one.
    const joined = part.replace(/[’']/g, '');
    if (joined === '') continue;
    for (const piece of joined.split(/(\d+)/)) {
      if (piece === '') continue;
      if (/^\d+$/.test(piece)) total += numberSyllables(piece);
      else if (/\p{L}/u.test(piece)) total += wordSyllables(piece.replace(/[^\p{L}]/gu, ''));
    }
  }
  return Math.max(total, 1);
}
