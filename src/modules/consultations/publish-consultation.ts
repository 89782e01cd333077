import type { Tx } from '../../db/tenant-scope.ts';
import type { ConsultationRow } from './repository.ts';

/**
 * Publishes a draft: from then on its questions are frozen (the page says so, and a trigger
 * refuses any change), and it opens to citizens at its opening instant. A consultation with no
 * question, or whose closing has passed, is not published: the message says why.
 */
export async function publishConsultation(
  trx: Tx,
  input: { consultation: ConsultationRow; questionCount: number; now: Date },
): Promise<{ ok: true } | { ok: false; message: string }> {
  if (input.consultation.published_at) return { ok: true };
  if (input.questionCount === 0) {
    return { ok: false, message: 'Ajoutez au moins une question avant de publier la consultation.' };
  }
  if (input.consultation.closes_at <= input.now) {
    return { ok: false, message: 'La date de clôture est passée : changez-la avant de publier la consultation.' };
  }
  await trx
    .updateTable('consultations')
    .set({ published_at: input.now, updated_at: input.now })
    .where('id', '=', input.consultation.id)
    .where('published_at', 'is', null)
    .execute();
  return { ok: true };
}
