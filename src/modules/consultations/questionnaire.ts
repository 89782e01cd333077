import type { ConsultationAnswers, ConsultationQuestionKind } from '../../db/schema.ts';
import type { FieldError, SubmittedFields } from '../../platform/web/form.ts';
import { TEXT_ANSWER_MAX } from './forms.ts';

/** A question as the form, the validation and the results read it. */
export interface Question {
  id: string;
  position: number;
  kind: ConsultationQuestionKind;
  label: string;
  hint: string;
  required: boolean;
  options: string[];
  scaleMin: number | null;
  scaleMax: number | null;
  scaleMinLabel: string;
  scaleMaxLabel: string;
  /** Asked only when the answer to this earlier choice question is one of `conditionValues`. */
  conditionQuestionId: string | null;
  conditionValues: string[];
}

export type ConsultationState = 'draft' | 'scheduled' | 'open' | 'closed';

/** Where a consultation stands at `now`: a draft, published but not open yet, open, or closed. */
export function consultationState(
  c: { published_at: Date | null; opens_at: Date; closes_at: Date },
  now: Date,
): ConsultationState {
  if (!c.published_at) return 'draft';
  if (now < c.opens_at) return 'scheduled';
  if (now >= c.closes_at) return 'closed';
  return 'open';
}

export const STATE_LABELS: Record<ConsultationState, string> = {
  draft: 'Brouillon',
  scheduled: 'Publiée, pas encore ouverte',
  open: 'Ouverte',
  closed: 'Close',
};

/** The name of a question's field in the answering form. */
export function fieldName(q: Pick<Question, 'id'>): string {
  return `q_${q.id}`;
}

/** The input the error summary links to: the first radio or checkbox of a group, the text area. */
export function anchorOf(q: Question): string {
  return q.kind === 'text' ? fieldName(q) : `${fieldName(q)}-0`;
}

/** The values a scale question offers, from its minimum to its maximum. */
export function scaleValues(q: Pick<Question, 'scaleMin' | 'scaleMax'>): number[] {
  const values: number[] = [];
  for (let v = q.scaleMin ?? 1; v <= (q.scaleMax ?? 5); v++) values.push(v);
  return values;
}

function submitted(fields: SubmittedFields, name: string): string[] {
  const v = fields[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) => String(x));
}

/**
 * Is a conditional question asked, given the answers kept so far? Its condition names an earlier
 * question: asked when that question's answer (or one of its ticked answers) is among the
 * condition's values. A question whose condition question was itself not asked is not asked.
 */
export function isAsked(q: Question, answers: ConsultationAnswers): boolean {
  if (!q.conditionQuestionId) return true;
  const given = answers[q.conditionQuestionId];
  if (given === undefined) return false;
  const values = Array.isArray(given) ? given : [String(given)];
  return values.some((v) => q.conditionValues.includes(v));
}

/**
 * Reads the answers of a posted form against the questions, in their order. A conditional
 * question whose condition is false is ignored, whatever was sent for it (without JavaScript it
 * is on the page, and people may fill it anyway). A required question that is asked must be
 * answered; a choice must be one of the list, a scale value one of the scale, a text at most
 * TEXT_ANSWER_MAX characters. Returns the answers kept, by question id, or the errors.
 */
export function readAnswers(
  questions: readonly Question[],
  fields: SubmittedFields,
): { ok: true; answers: ConsultationAnswers } | { ok: false; errors: FieldError[] } {
  const answers: ConsultationAnswers = {};
  const errors: FieldError[] = [];
  const ordered = [...questions].sort((a, b) => a.position - b.position);
  for (const q of ordered) {
    if (!isAsked(q, answers)) continue;
    const name = fieldName(q);
    const error = (message: string) => errors.push({ field: name, anchor: anchorOf(q), message });
    const values = submitted(fields, name)
      .map((v) => (q.kind === 'text' ? v.trim() : v))
      .filter((v) => v !== '');
    if (values.length === 0) {
      if (q.required) {
        error(
          q.kind === 'text'
            ? `Répondez à la question « ${q.label} ».`
            : q.kind === 'multiple'
              ? `Cochez au moins une réponse à la question « ${q.label} ».`
              : `Choisissez une réponse à la question « ${q.label} ».`,
        );
      }
      continue;
    }
    switch (q.kind) {
      case 'single':
        if (values.length > 1 || !q.options.includes(values[0]!)) {
          error(`Choisissez une réponse de la liste à la question « ${q.label} ».`);
        } else answers[q.id] = values[0]!;
        break;
      case 'multiple': {
        const unique = [...new Set(values)];
        if (unique.some((v) => !q.options.includes(v))) {
          error(`Cochez des réponses de la liste à la question « ${q.label} ».`);
        } else answers[q.id] = q.options.filter((o) => unique.includes(o));
        break;
      }
      case 'scale': {
        const n = /^-?\d{1,3}$/.test(values[0]!) ? Number(values[0]) : NaN;
        if (values.length > 1 || !scaleValues(q).includes(n)) {
          error(`Choisissez une note de ${q.scaleMin} à ${q.scaleMax} à la question « ${q.label} ».`);
        } else answers[q.id] = n;
        break;
      }
      case 'text':
        if (values[0]!.length > TEXT_ANSWER_MAX) {
          error(`Votre réponse à « ${q.label} » est trop longue : ${TEXT_ANSWER_MAX} caractères au plus.`);
        } else answers[q.id] = values[0]!;
        break;
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, answers };
}
