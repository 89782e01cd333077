import type { ConsultationAnswers } from '../../db/schema.ts';
import { scaleValues, type Question } from './questionnaire.ts';
import { recurringWords, type RecurringWord } from './recurring-words.ts';

export interface Bar {
  label: string;
  count: number;
  /** Share of the people who answered the question, 0 to 1. */
  share: number;
}

export type QuestionResult =
  | { question: Question; kind: 'single' | 'multiple'; answered: number; bars: Bar[] }
  | {
      question: Question;
      kind: 'scale';
      answered: number;
      bars: Bar[];
      mean: number | null;
      median: number | null;
    }
  | {
      question: Question;
      kind: 'text';
      answered: number;
      texts: { at: Date; text: string }[];
      words: RecurringWord[];
    };

export interface ConsultationResults {
  responses: number;
  questions: QuestionResult[];
}

function median(sorted: number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The results of a consultation from its answers: per choice question, how many people chose
 * each choice (share of those who answered it: a multiple choice's shares add up to more than
 * 100 %); per scale, how many gave each value, the mean and the median; per free-text question,
 * the answers (latest first) and their recurring words. A conditional question counts the
 * people it was asked who answered it.
 */
export function compileResults(
  questions: readonly Question[],
  responses: readonly { submitted_at: Date; answers: ConsultationAnswers }[],
): ConsultationResults {
  const results = questions.map((q): QuestionResult => {
    const given = responses
      .map((r) => ({ at: r.submitted_at, value: r.answers[q.id] }))
      .filter((g): g is { at: Date; value: string | string[] | number } => g.value !== undefined);
    const answered = given.length;
    const bars = (labels: (string | number)[], count: (label: string | number) => number): Bar[] =>
      labels.map((label) => {
        const n = count(label);
        return { label: String(label), count: n, share: answered === 0 ? 0 : n / answered };
      });
    switch (q.kind) {
      case 'single':
      case 'multiple':
        return {
          question: q,
          kind: q.kind,
          answered,
          bars: bars(
            q.options,
            (o) => given.filter((g) => (Array.isArray(g.value) ? g.value.includes(String(o)) : g.value === o)).length,
          ),
        };
      case 'scale': {
        const numbers = given
          .map((g) => Number(g.value))
          .filter((n) => Number.isFinite(n))
          .sort((a, b) => a - b);
        return {
          question: q,
          kind: 'scale',
          answered,
          bars: bars(scaleValues(q), (v) => numbers.filter((n) => n === v).length),
          mean: numbers.length === 0 ? null : numbers.reduce((a, b) => a + b, 0) / numbers.length,
          median: median(numbers),
        };
      }
      case 'text': {
        const texts = given.map((g) => ({ at: g.at, text: String(g.value) })).reverse();
        return { question: q, kind: 'text', answered, texts, words: recurringWords(texts.map((t) => t.text)) };
      }
    }
  });
  return { responses: responses.length, questions: results };
}
