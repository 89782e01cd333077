import { readFileSync } from 'node:fs';

/**
 * The masker of what citizens write before it is published (experiences, decision 37). It
 * replaces personal data by a bracketed label a reader still understands (« [nom] »,
 * « [téléphone] »…), and says what it masked, for the moderator who checks it before anything is
 * public. It is a proposal: the moderator reads the original beside it and may mask more.
 *
 * What it finds, in this order (earlier kinds protect their digits from later ones):
 * - email addresses, IBANs, request references (`VB-2026-4F7K2`);
 * - the NIR (numéro de sécurité sociale: 13 digits and a 2-digit key, spaces allowed, Corsica's
 *   2A/2B), then phone numbers (French 0X XX XX XX XX, +33 and 0033 forms, separators . - space);
 * - dates of birth: a date after « né(e) le », « date de naissance », « né(e) en »… and any full
 *   date whose year is more than 12 years back (nobody writes the day of a visit that old);
 * - postal addresses: a number (« 12 », « 3 bis », « 5, ») before a street word (rue, avenue,
 *   impasse, allée, chemin…) and its name; a postcode before a capitalised town;
 * - other runs of 7 digits or more (numéro fiscal, allocataire, card, contract);
 * - names: the writer's own name (each part of at least 3 letters, any case), words after a
 *   civility or an introduction (« M. », « Mme », « Monsieur », « Madame », « Docteur »,
 *   « je m'appelle », « mon fils »…) when capitalised, and first names of the shipped list
 *   (french-first-names.txt) with the capitalised or upper-case surname that follows.
 */

export type MaskedKind =
  'courriel' | 'iban' | 'référence' | 'numéro' | 'téléphone' | 'date de naissance' | 'adresse' | 'nom';

export interface MaskResult {
  text: string;
  /** What was masked, in the order found (the moderator's list: kind and the original words). */
  found: { kind: MaskedKind; original: string }[];
}

const LABELS: Record<MaskedKind, string> = {
  courriel: '[courriel]',
  iban: '[numéro]',
  référence: '[référence]',
  numéro: '[numéro]',
  téléphone: '[téléphone]',
  'date de naissance': '[date de naissance]',
  adresse: '[adresse]',
  nom: '[nom]',
};

/** An upper-case initial, then letters, apostrophes or hyphens (« Le Gall », « N'Diaye », « Jean-Luc »). */
const CAP = String.raw`\p{Lu}[\p{L}'’-]*`;
/** A word in capitals, as surnames are often written (« DURAND »). */
const UPPER = String.raw`\p{Lu}{2,}(?:[-'’]\p{Lu}+)*`;
/** Particles inside a name (« de La Fontaine », « Le Gall », « van der Berg »). */
const PARTICLE = String.raw`(?:de|du|des|d'|d’|la|le|van|von|der|ben|el|al)`;
/** The small words inside a street's name, each followed by a space or glued (« d’Alsace »). */
const PREFIX = String.raw`(?:(?:de|du|des|la|le|les|aux?|en|sur|sous|van|von)\s+|d['’]|l['’])`;

const MONTHS =
  'janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre';
const DATE = String.raw`(?:\d{1,2}(?:er)?[\s.]+(?:${MONTHS})[\s.]+\d{4}|\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2}))`;

const STREET_WORDS =
  'rue|avenue|av\\.|boulevard|bd|bld|place|impasse|allée|allee|chemin|route|quai|cours|square|passage|sentier|lotissement|résidence|residence|hameau|lieu-dit|voie|venelle|esplanade|rond-point|faubourg|cité|cite|parc|mail|villa';

/** Words that follow a street's name in a sentence rather than belong to it. */
const SENTENCE_WORDS =
  'est|sont|était|a|ont|et|ou|qui|que|où|depuis|pour|avec|sans|mais|car|donc|il|elle|ils|elles|on|nous|vous|je|j|ne|n|y|en|à|au|aux|dans|sur|sous|devant|derrière|près|entre|vers|chez|se|s|c|ce|cette|le|la|les|un|une|des|du|de|d|l|pas|plus|toujours|encore|aussi|très|tous|tout|toute|même|puis|alors|quand|si|comme|merci|bonjour|là|ici|ça|cela';

const CIVILITIES = [
  'M\\.',
  'MM\\.',
  'Mme',
  'Mmes',
  'Mlle',
  'Mr\\.?',
  'Dr\\.?',
  'Me',
  'Monsieur',
  'Madame',
  'Mademoiselle',
  'Docteur',
  'Maître',
  'Maitre',
  'monsieur',
  'madame',
  'mademoiselle',
  'docteur',
  'maître',
];
const INTRODUCTIONS = [
  "je m['’]appelle",
  'je suis',
  'mon nom est',
  "mon nom c['’]est",
  'signé',
  'cordialement,?',
  'mon (?:fils|mari|époux|epoux|frère|frere|père|pere|voisin|compagnon|ami|neveu|petit-fils|oncle|grand-père)',
  'ma (?:fille|femme|épouse|epouse|sœur|soeur|mère|mere|voisine|compagne|amie|nièce|niece|petite-fille|tante|grand-mère)',
  'mes enfants',
  "l['’]agent(?:e)?",
  'la conseillère|le conseiller|la secrétaire|le secrétaire',
];

let firstNames: Set<string> | null = null;

/** The shipped list of first names (french-first-names.txt), read once. */
export function frenchFirstNames(): ReadonlySet<string> {
  if (!firstNames) {
    const text = readFileSync(new URL('./french-first-names.txt', import.meta.url), 'utf8');
    firstNames = new Set(
      text
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#')),
    );
  }
  return firstNames;
}

/** « rue » → « [Rr]ue »: the first letter in either case, the rest as written (no `i` flag, which
 * would make \p{Lu} match lower-case letters too). */
function initialEitherCase(alternatives: string): string {
  return alternatives
    .split('|')
    .map((w) => {
      const first = w[0] ?? '';
      const rest = w.slice(1);
      return first.toLowerCase() !== first.toUpperCase() ? `[${first.toUpperCase()}${first.toLowerCase()}]${rest}` : w;
    })
    .join('|');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Masks personal data in `text`. `knownNames`: names the writer gave (their name, the local part
 * of their email), masked wherever they appear. `today` decides which dates are too old to be
 * anything but a birth date.
 */
export function anonymiseText(text: string, options: { knownNames?: string[]; today?: Date } = {}): MaskResult {
  const found: MaskResult['found'] = [];
  let out = text.normalize('NFC');
  const replace = (
    re: RegExp,
    kind: MaskedKind,
    keep?: (m: RegExpExecArray) => { before: string; masked: string; after?: string },
  ) => {
    out = out.replace(re, (...args) => {
      const match = args[0] as string;
      const groups = args.slice(1, -2) as (string | undefined)[];
      const fake = Object.assign([match, ...groups], { index: 0, input: '' }) as unknown as RegExpExecArray;
      const parts: { before: string; masked: string; after?: string } = keep
        ? keep(fake)
        : { before: '', masked: match };
      if (parts.masked.trim() === '') return match;
      found.push({ kind, original: parts.masked.trim() });
      const trailing = /\s+$/.exec(parts.masked)?.[0] ?? '';
      return `${parts.before}${LABELS[kind]}${trailing}${parts.after ?? ''}`;
    });
  };

  // Emails, IBANs, references.
  replace(/[^\s@<>()",;:[\]]+@[^\s@<>()",;:[\]]+\.[A-Za-z]{2,}/g, 'courriel');
  replace(/\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?\b/g, 'iban');
  replace(/\b[A-Z]{2,4}-\d{4}-[0-9A-Z]{5}\b/g, 'référence');

  // NIR: sex, year, month, département (2A/2B), commune, order, key.
  replace(/\b[12]\s?\d{2}\s?(?:0[1-9]|1[0-2]|[2-9]\d)\s?(?:\d{2}|2[AB])\s?\d{3}\s?\d{3}(?:\s?\d{2})?\b/gi, 'numéro');
  // Phones.
  replace(/(?:(?:\+|00)\s?33\s?(?:\(0\)\s?)?|\b0)[1-9](?:[\s.-]?\d{2}){4}\b/g, 'téléphone');

  // Dates of birth: after a birth cue, any date form (or a year alone after « né en »).
  replace(
    new RegExp(
      String.raw`((?<![\p{L}])(?:nés?|nées?|naissance|né\(e\))(?![\p{L}])[^.\n\d]{0,25}?)(${DATE}|(?<=en\s)\d{4})`,
      'giu',
    ),
    'date de naissance',
    (m) => ({ before: m[1] ?? '', masked: m[2] ?? '' }),
  );
  const year = (options.today ?? new Date()).getUTCFullYear();
  replace(new RegExp(DATE, 'giu'), 'date de naissance', (m) => {
    const y4 = /(\d{4})$/.exec(m[0]);
    const y = y4 ? Number(y4[1]) : Number(`19${/(\d{2})$/.exec(m[0])?.[1] ?? '99'}`);
    return { before: '', masked: y <= year - 12 ? m[0] : '' };
  });

  // Addresses: number, optional bis/ter, street word, then its name: capitalised words, numbers,
  // or any word after a particle (« 12 rue des lilas »).
  // Up to three lower-case words are the name too (« 5 avenue jean jaurès »), unless they start
  // the rest of the sentence (« 12 rue est bouchée »).
  const lowerWords = String.raw`(?:\s+(?!(?:${SENTENCE_WORDS})(?![\p{L}]))\p{Ll}[\p{L}'’-]*){0,3}`;
  const streetName = String.raw`${lowerWords}(?:\s+(?:${PREFIX}+[\p{L}][\p{L}'’-]*|${CAP}|\d+))*`;
  replace(
    new RegExp(
      String.raw`\b\d{1,4}(?:\s?(?:bis|ter|quater|[A-D])\b)?,?\s+(?:${initialEitherCase(STREET_WORDS)})(?![\p{L}])${streetName}`,
      'gu',
    ),
    'adresse',
  );
  // A street named without a number (« j'habite rue des Lilas »).
  replace(
    new RegExp(
      String.raw`\b(habite|habitons|domiciliée?|résidant|residant|demeurant)(\s+(?:au\s+|à\s+|a\s+|dans la\s+|dans le\s+|en\s+)?)((?:${initialEitherCase(STREET_WORDS)})(?![\p{L}])${streetName})`,
      'gu',
    ),
    'adresse',
    (m) => ({ before: `${m[1]}${m[2]}`, masked: m[3] ?? '' }),
  );
  // Postcode and town (« 35000 Rennes »).
  replace(
    new RegExp(String.raw`\b\d{5}\s+${CAP}(?:[\s-]+(?:sur|sous|en|lès|les|le|la|de)?[\s-]*${CAP})*`, 'gu'),
    'adresse',
  );

  // Long numbers left (numéro fiscal: 13 digits; allocataire; card; contract).
  replace(/\b\d(?:[\s.]?\d){6,}\b/g, 'numéro');

  // The writer's own names, in any case.
  const known = (options.knownNames ?? [])
    .flatMap((n) => n.split(/[\s._+-]+/))
    .map((n) => n.trim())
    .filter((n) => n.length >= 3 && /\p{L}/u.test(n));
  if (known.length > 0) {
    const alternatives = [...new Set(known)].sort((a, b) => b.length - a.length).map(escapeRegExp);
    replace(new RegExp(String.raw`(?<![\p{L}\[])(?:${alternatives.join('|')})(?![\p{L}\]])`, 'giu'), 'nom');
  }

  // Words after a civility or an introduction, when they look like a name.
  const namePart = String.raw`(?:${CAP}|${UPPER})(?:\s+(?:${PARTICLE}\s+)?(?:${CAP}|${UPPER})){0,3}`;
  replace(new RegExp(String.raw`(\b(?:${CIVILITIES.join('|')})\s+)(${namePart})`, 'gu'), 'nom', (m) => ({
    before: m[1] ?? '',
    masked: m[2] ?? '',
  }));
  replace(
    new RegExp(String.raw`(\b(?:${initialEitherCase(INTRODUCTIONS.join('|'))})\s+)(${namePart})`, 'gu'),
    'nom',
    (m) => ({ before: m[1] ?? '', masked: m[2] ?? '' }),
  );

  // First names of the list, with a surname after them.
  const names = frenchFirstNames();
  replace(
    new RegExp(String.raw`(?<![\p{L}\[])(${CAP})((?:\s+(?:${PARTICLE}\s+)?(?:${UPPER}|${CAP}))?)`, 'gu'),
    'nom',
    (m) => {
      const first = m[1] ?? '';
      if (!names.has(first) && !names.has(first.split(/[-'’]/)[0] ?? '')) return { before: '', masked: '' };
      const next = (m[2] ?? '').trim();
      // A following capitalised word is part of the name unless it starts a common phrase.
      return next && !COMMON_CAPITALISED.has(next)
        ? { before: '', masked: `${first}${m[2]}` }
        : { before: '', masked: first, after: m[2] ?? '' };
    },
  );
  // Merge neighbouring labels (« [nom] [nom] » reads as one person).
  out = out.replace(/\[nom\](?:\s+\[nom\])+/g, '[nom]');
  return { text: out, found };
}

/** Capitalised words that follow a first name without being a surname (« Pierre Et… », a place). */
const COMMON_CAPITALISED = new Set([
  'Et',
  'Mais',
  'Ou',
  'Le',
  'La',
  'Les',
  'Je',
  'Il',
  'Elle',
  'Nous',
  'Vous',
  'Merci',
]);

/** « 2 noms, 1 téléphone » for the moderator, or '' when nothing was masked. */
export function maskedSummary(found: MaskResult['found']): string {
  const counts = new Map<MaskedKind, number>();
  for (const f of found) counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1);
  const plural: Record<MaskedKind, string> = {
    courriel: 'courriels',
    iban: 'IBAN',
    référence: 'références',
    numéro: 'numéros',
    téléphone: 'téléphones',
    'date de naissance': 'dates de naissance',
    adresse: 'adresses',
    nom: 'noms',
  };
  return [...counts].map(([kind, n]) => `${n} ${n > 1 ? plural[kind] : kind === 'iban' ? 'IBAN' : kind}`).join(', ');
}
