import { analyse } from './analyser.ts';

export interface ThreadMessage {
  /** Who wrote it, as the agent reads it: « L’usager », « Agent Martin ». */
  author: string;
  text: string;
}

/**
 * Writes a one-paragraph summary of a thread. The default is extractive (below); an LLM drafter
 * (platform/llm, when configured) can be given instead: it receives the messages and returns the
 * paragraph, and is only a suggestion shown to the agent like the extractive one.
 */
export type SummaryDrafter = (messages: readonly ThreadMessage[]) => Promise<string>;

/** A thread is long, and worth a summary, from this many messages or characters. */
export const LONG_THREAD_MESSAGES = 5;
export const LONG_THREAD_CHARACTERS = 1500;

export function isLongThread(messages: readonly ThreadMessage[]): boolean {
  const chars = messages.reduce((n, m) => n + m.text.length, 0);
  return messages.length >= LONG_THREAD_MESSAGES || chars > LONG_THREAD_CHARACTERS;
}

const MAX_SENTENCES = 4;
const MAX_SENTENCE_LENGTH = 300;

function sentencesOf(text: string): string[] {
  return text
    .replace(/\s+/g, ' ')
    .split(/(?<=[.!?…])\s+(?=[A-ZÀ-Ý0-9«"])/u)
    .map((s) => s.trim())
    .filter((s) => analyse(s).length >= 3);
}

/**
 * The extractive summary: every sentence of the thread scored by how rare its words are in the
 * thread (words repeated in every message — greetings, the reference — say little) and how much
 * they share with the rest of the thread (its topic), the best few kept in the thread's order,
 * each introduced by who said it.
 */
export function extractiveSummary(messages: readonly ThreadMessage[]): string {
  const sentences = messages.flatMap((m, mi) => sentencesOf(m.text).map((s, si) => ({ author: m.author, s, mi, si })));
  if (sentences.length === 0) return '';
  const docFreq = new Map<string, number>();
  const termsOf = sentences.map((x) => new Set(analyse(x.s)));
  for (const t of termsOf) for (const w of t) docFreq.set(w, (docFreq.get(w) ?? 0) + 1);
  const n = sentences.length;
  const scored = sentences.map((x, i) => {
    let score = 0;
    for (const w of termsOf[i]!) {
      const df = docFreq.get(w)!;
      // Shared with some other sentences (the topic) but not with all of them.
      score += Math.log(1 + n / df) * (df > 1 ? 1.5 : 1);
    }
    return { ...x, score: score / Math.sqrt(termsOf[i]!.size + 1) };
  });
  const kept = [...scored]
    .sort((a, b) => b.score - a.score)
    .slice(0, MAX_SENTENCES)
    .sort((a, b) => a.mi - b.mi || a.si - b.si);
  const parts: string[] = [];
  let lastAuthor = '';
  for (const k of kept) {
    const s = k.s.length > MAX_SENTENCE_LENGTH ? `${k.s.slice(0, MAX_SENTENCE_LENGTH - 1)}…` : k.s;
    parts.push(k.author === lastAuthor ? s : `${k.author} : ${s}`);
    lastAuthor = k.author;
  }
  return parts.join(' ');
}

/** The thread's summary, by the drafter when one is given, else extractive. */
export async function summariseThread(
  messages: readonly ThreadMessage[],
  options: { drafter?: SummaryDrafter } = {},
): Promise<string> {
  if (options.drafter) return options.drafter(messages);
  return extractiveSummary(messages);
}
