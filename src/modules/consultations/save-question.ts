import type { Tx } from '../../db/tenant-scope.ts';
import type { FieldError, FormResult } from '../../platform/web/form.ts';
import { OPTION_MAX, OPTIONS_MAX_COUNT, type QuestionKind, type QuestionValues } from './forms.ts';
import type { Question } from './questionnaire.ts';

/** The condition field's value: the earlier question's id and the index of one of its choices. */
export function conditionValue(questionId: string, optionIndex: number): string {
  return `${questionId}:${optionIndex}`;
}

/** Choices typed one per line (commas belong to a choice's wording): trimmed, each once. */
export function choiceLines(text: string): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim().replace(/\s+/g, ' ');
    if (line === '' || seen.has(line.toLowerCase())) continue;
    seen.add(line.toLowerCase());
    lines.push(line);
  }
  return lines;
}

/**
 * Adds a question at the end of a draft consultation, or changes one of its questions. Choices
 * (one per line, each once) are needed for choice questions, at least two; a condition names a
 * choice of an earlier choice question. A published consultation's questions never change: the
 * caller has checked it, and a trigger refuses it anyway.
 */
export async function saveQuestion(
  trx: Tx,
  input: {
    tenantId: string;
    consultationId: string;
    /** null: a new question. */
    questionId: string | null;
    /** The consultation's questions as they are. */
    questions: readonly Question[];
    values: QuestionValues;
  },
): Promise<FormResult<{ id: string }>> {
  const v = input.values;
  const kind = v.type as QuestionKind;
  const errors: FieldError[] = [];
  const choices = kind === 'single' || kind === 'multiple' ? choiceLines(v.choix) : [];
  if (kind === 'single' || kind === 'multiple') {
    if (choices.length < 2) {
      errors.push({ field: 'choix', message: 'Écrivez au moins deux choix, un par ligne.' });
    } else if (choices.length > OPTIONS_MAX_COUNT) {
      errors.push({ field: 'choix', message: `Écrivez au plus ${OPTIONS_MAX_COUNT} choix.` });
    } else if (choices.some((o) => o.length > OPTION_MAX)) {
      errors.push({ field: 'choix', message: `Chaque choix a au plus ${OPTION_MAX} caractères.` });
    }
  }
  const position =
    input.questionId === null
      ? Math.max(0, ...input.questions.map((q) => q.position)) + 1
      : (input.questions.find((q) => q.id === input.questionId)?.position ?? 0);
  let conditionQuestionId: string | null = null;
  let conditionValues: string[] = [];
  if (v.condition !== '') {
    const [id, index] = v.condition.split(':');
    const source = input.questions.find((q) => q.id === id);
    const option = source?.options[Number(index)];
    if (
      !source ||
      option === undefined ||
      source.position >= position ||
      (source.kind !== 'single' && source.kind !== 'multiple')
    ) {
      errors.push({
        field: 'condition',
        message: 'Choisissez la condition dans la liste : une réponse à une question précédente.',
      });
    } else {
      conditionQuestionId = source.id;
      conditionValues = [option];
    }
  }
  const dependent = input.questions.find(
    (q) => q.conditionQuestionId !== null && q.conditionQuestionId === input.questionId,
  );
  if (dependent && !dependent.conditionValues.every((c) => choices.includes(c))) {
    errors.push({
      field: 'choix',
      message: `La question « ${dependent.label} » dépend du choix « ${dependent.conditionValues.join(' », « ')} » : gardez-le, ou changez d’abord sa condition.`,
    });
  }
  if (errors.length > 0) return { ok: false, errors };
  const scale = kind === 'scale';
  const row = {
    kind,
    label: v.intitule,
    hint: v.aide,
    required: v.obligatoire,
    options: choices,
    scale_min: scale ? Number(v.echelle_min) : null,
    scale_max: scale ? Number(v.echelle_max) : null,
    scale_min_label: scale ? v.echelle_libelle_min : '',
    scale_max_label: scale ? v.echelle_libelle_max : '',
    condition_question_id: conditionQuestionId,
    condition_values: conditionValues,
  };
  if (input.questionId !== null) {
    await trx.updateTable('consultation_questions').set(row).where('id', '=', input.questionId).execute();
    return { ok: true, value: { id: input.questionId } };
  }
  const inserted = await trx
    .insertInto('consultation_questions')
    .values({ tenant_id: input.tenantId, consultation_id: input.consultationId, position, ...row })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ok: true, value: { id: inserted.id } };
}
