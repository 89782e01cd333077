import { toCsv } from '../../platform/csv.ts';
import { formatDateTimeFr } from '../../platform/format.ts';
import type { ConsultationResults } from './compile-results.ts';
import type { Question } from './questionnaire.ts';
import type { ConsultationRow, ResponseRow } from './repository.ts';

function answerText(value: string | string[] | number | undefined): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join(' ; ') : String(value);
}

/**
 * One row per answer, in the order they came: its number, its date (Paris), who answered when the
 * consultation is not anonymous, then one column per question (several choices joined by « ; »,
 * empty when not answered or not asked). French spreadsheet CSV (platform/csv.ts).
 */
export function resultsCsv(
  c: ConsultationRow,
  questions: readonly Question[],
  responses: readonly ResponseRow[],
): string {
  const header = [
    'Réponse',
    'Date',
    ...(c.anonymous ? [] : ['Nom', 'Adresse électronique']),
    ...questions.map((q) => `${q.position}. ${q.label}`),
  ];
  const rows = responses.map((r, i) => [
    String(i + 1),
    formatDateTimeFr(r.submitted_at),
    ...(c.anonymous ? [] : [r.respondent_name ?? '', r.respondent_email ?? '']),
    ...questions.map((q) => answerText(r.answers[q.id])),
  ]);
  return toCsv(header, rows);
}

/**
 * The same as JSON, for reuse: the consultation, its questions, the summary per question and the
 * answers (each with its answers by question id; who answered only when not anonymous).
 */
export function resultsJson(
  c: ConsultationRow,
  questions: readonly Question[],
  responses: readonly ResponseRow[],
  results: ConsultationResults,
) {
  return {
    consultation: {
      id: c.id,
      title: c.title,
      audience: c.audience,
      anonymous: c.anonymous,
      opensAt: c.opens_at.toISOString(),
      closesAt: c.closes_at.toISOString(),
      publishedAt: c.published_at?.toISOString() ?? null,
    },
    questions: questions.map((q) => ({
      id: q.id,
      position: q.position,
      kind: q.kind,
      label: q.label,
      required: q.required,
      ...(q.kind === 'single' || q.kind === 'multiple' ? { options: q.options } : {}),
      ...(q.kind === 'scale' ? { scale: { min: q.scaleMin, max: q.scaleMax } } : {}),
      ...(q.conditionQuestionId ? { condition: { questionId: q.conditionQuestionId, values: q.conditionValues } } : {}),
    })),
    summary: {
      responses: results.responses,
      questions: results.questions.map((r) => ({
        questionId: r.question.id,
        answered: r.answered,
        ...(r.kind === 'text'
          ? { recurringWords: r.words }
          : { counts: r.bars.map((b) => ({ value: b.label, count: b.count })) }),
        ...(r.kind === 'scale' ? { mean: r.mean, median: r.median } : {}),
      })),
    },
    responses: responses.map((r) => ({
      submittedAt: r.submitted_at.toISOString(),
      ...(c.anonymous ? {} : { respondent: { name: r.respondent_name, email: r.respondent_email } }),
      answers: r.answers,
    })),
  };
}
