/**
 * Words and sentences of a French text, with their positions (UTF-16 offsets into the text as
 * given), so that a view can highlight them. Markdown is read the way a citizen sees it: each
 * list item and each heading is a sentence of its own, and their markers are not words.
 */

export type TokenKind = 'word' | 'number' | 'url' | 'email' | 'variable';

export interface Token {
  text: string;
  kind: TokenKind;
  start: number;
  end: number;
}

export interface Sentence {
  start: number;
  end: number;
  text: string;
  tokens: Token[];
}

const PATTERNS = {
  url: String.raw`(?<url>(?:https?:\/\/|www\.)[^\s<>«»"]*[^\s<>«»".,;:!?)\]])`,
  email: String.raw`(?<email>[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+)`,
  variable: String.raw`(?<variable>\{\{\s*[\p{L}\p{N}_.-]+\s*\}\})`,
  // « 1 500 » (thin or plain spaces between groups of three), « 1,5 », « 3.5 »; not « 14h30 ».
  number: String.raw`(?<number>\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?(?![\p{L}\p{N}])|\d+(?:[.,]\d+)*(?![\p{L}\p{N}]))`,
  word: String.raw`(?<word>n°|[\p{L}\p{N}]+(?:['’\-–][\p{L}\p{N}]+)*['’]?)`,
};

/**
 * The token pattern for a text: URLs, addresses and variables only when the text has their mark
 * (an address's pattern tried at every word would make a long text several times slower).
 */
const tokenPatterns = new Map<string, RegExp>();
function tokenPattern(text: string): RegExp {
  const kinds = [
    /https?:\/\/|www\./.test(text) ? 'url' : '',
    text.includes('@') ? 'email' : '',
    text.includes('{{') ? 'variable' : '',
    'number',
    'word',
  ].filter((k): k is keyof typeof PATTERNS => k !== '');
  const key = kinds.join(' ');
  let pattern = tokenPatterns.get(key);
  if (!pattern) tokenPatterns.set(key, (pattern = new RegExp(kinds.map((k) => PATTERNS[k]).join('|'), 'gu')));
  return pattern;
}

/** Every word of `text` from `from` to `to`, in order. */
export function tokenize(text: string, from = 0, to = text.length): Token[] {
  const tokens: Token[] = [];
  const pattern = tokenPattern(text);
  pattern.lastIndex = from;
  for (let m = pattern.exec(text); m && m.index < to; m = pattern.exec(text)) {
    const groups = m.groups!;
    const kind = (Object.keys(groups) as TokenKind[]).find((k) => groups[k] !== undefined)!;
    const end = Math.min(m.index + m[0].length, to);
    tokens.push({ text: text.slice(m.index, end), kind, start: m.index, end });
  }
  return tokens;
}

/** Abbreviations whose full stop never ends a sentence (titles, « p. ex. », « art. »…). */
const NEVER_ENDS = new Set(
  (
    'M MM Mme Mmes Mlle Mlles Dr Pr Me St Ste Cie cf p ex env art av bd boul tél tel fax vol chap fig éd ' +
    'réf ref hab min max janv févr fevr avr juil sept oct nov déc dec n no ch coll c.-à-d'
  ).split(' '),
);

interface Block {
  start: number;
  end: number;
}

const LIST_ITEM = /^[ \t]*(?:[-*+•]|\d{1,3}[.)])[ \t]+/;
const HEADING = /^[ \t]*#{1,6}[ \t]+/;
const QUOTE = /^[ \t]*>[ \t]?/;

/**
 * Paragraphs, list items and headings: the places a sentence cannot run across. Each block starts
 * after its Markdown marker.
 */
function blocksOf(text: string): Block[] {
  const blocks: Block[] = [];
  let current: Block | null = null;
  const close = () => {
    if (current) blocks.push(current);
    current = null;
  };
  let offset = 0;
  for (const line of text.split('\n')) {
    const lineStart = offset;
    const lineEnd = offset + line.length;
    offset = lineEnd + 1;
    if (/^\s*$/.test(line)) {
      close();
      continue;
    }
    const marker = LIST_ITEM.exec(line) ?? HEADING.exec(line);
    const quote = marker ? null : QUOTE.exec(line);
    if (marker) {
      close();
      current = { start: lineStart + marker[0].length, end: lineEnd };
      if (HEADING.test(line)) close();
      continue;
    }
    const contentStart = lineStart + (quote ? quote[0].length : 0);
    if (current) current.end = lineEnd;
    else current = { start: contentStart, end: lineEnd };
  }
  close();
  return blocks;
}

const END = /[.!?…]+(?:[ \u00a0\u202f]*[»"”’)\]])*(?=[\s\u00a0\u202f]|$)/gu;

/** Does the full stop ending at `at` (exclusive) belong to an abbreviation or an initial? */
function isAbbreviation(text: string, dotAt: number, following: string): boolean {
  const before = /([\p{L}.-]+)$/u.exec(text.slice(Math.max(0, dotAt - 12), dotAt))?.[1] ?? '';
  const word = before.replace(/^.*\.(?=[\p{L}])/u, '');
  if (word === '') return false;
  if (word === 'etc') return !/^\p{Lu}/u.test(following);
  if (NEVER_ENDS.has(word) || NEVER_ENDS.has(before)) return true;
  // « J. Dupont »: one capital letter is an initial.
  return /^\p{Lu}$/u.test(word);
}

/**
 * The sentences of a text: cut after . ! ? … followed by a space or the end (unless the full stop
 * belongs to an abbreviation, a number, an address or a URL), at blank lines, and around each
 * Markdown list item and heading. Sentences without a word are dropped.
 */
export function splitSentences(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  for (const block of blocksOf(text)) {
    const tokens = tokenize(text, block.start, block.end);
    // A full stop inside a URL or an email address is not an end.
    const addresses = tokens.filter((t) => t.kind === 'url' || t.kind === 'email');
    const inside = (at: number) => addresses.some((t) => t.start <= at && at < t.end);
    let from = block.start;
    const cuts: number[] = [];
    END.lastIndex = block.start;
    for (let m = END.exec(text); m && m.index < block.end; m = END.exec(text)) {
      const endAt = m.index + m[0].length;
      if (inside(m.index)) continue;
      const following = text.slice(endAt, block.end).trimStart();
      if (m[0] === '.' && isAbbreviation(text, m.index, following)) continue;
      if (m[0].startsWith('…') || m[0].startsWith('...')) {
        if (following !== '' && !/^[\p{Lu}\d«"]/u.test(following)) continue;
      }
      cuts.push(Math.min(endAt, block.end));
    }
    cuts.push(block.end);
    let next = 0;
    for (const cut of cuts) {
      const own: Token[] = [];
      while (next < tokens.length && tokens[next]!.start < cut) own.push(tokens[next++]!);
      if (own.length > 0) {
        const start = own[0]!.start;
        const end = Math.max(own[own.length - 1]!.end, trimmedEnd(text, from, cut));
        sentences.push({ start, end, text: text.slice(start, end).replace(/\s+/g, ' '), tokens: own });
      }
      from = cut;
    }
  }
  return sentences;
}

function trimmedEnd(text: string, from: number, to: number): number {
  let end = to;
  while (end > from && /\s/.test(text[end - 1]!)) end--;
  return end;
}
