import type { Tx } from '../../db/tenant-scope.ts';
import type { Question } from './questionnaire.ts';

/**
 * Deletes a question of a draft; the questions after it move up. A question others depend on
 * stays: deleting it would silently make them unconditional. Returns the dependent question's
 * label when it refuses.
 */
export async function deleteQuestion(
  trx: Tx,
  input: { questions: readonly Question[]; questionId: string },
): Promise<{ ok: true } | { ok: false; dependent: string }> {
  const dependent = input.questions.find((q) => q.conditionQuestionId === input.questionId);
  if (dependent) return { ok: false, dependent: dependent.label };
  const deleted = await trx
    .deleteFrom('consultation_questions')
    .where('id', '=', input.questionId)
    .returning(['consultation_id', 'position'])
    .executeTakeFirst();
  if (deleted) {
    // One by one, in order: (consultation, position) stays unique at every step.
    const after = input.questions.filter((q) => q.position > deleted.position).sort((a, b) => a.position - b.position);
    for (const q of after) {
      await trx
        .updateTable('consultation_questions')
        .set({ position: q.position - 1 })
        .where('id', '=', q.id)
        .execute();
    }
  }
  return { ok: true };
}
