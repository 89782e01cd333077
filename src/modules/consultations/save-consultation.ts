import type { Tx } from '../../db/tenant-scope.ts';
import type { FieldError, FormResult } from '../../platform/web/form.ts';
import type { ConsultationValues } from './forms.ts';
import { parisInstant } from './paris-time.ts';
import { findConsultation } from './repository.ts';

/**
 * Creates a consultation (a draft) or changes one. Dates are read in Paris; the opening time
 * defaults to midnight and the closing time to 23 h 59. Once published, only the title, the
 * description and the dates may change: who may answer and whether answers are anonymous are
 * what people were told when they answered.
 */
export async function saveConsultation(
  trx: Tx,
  input: { tenantId: string; id: string | null; agentId: string; values: ConsultationValues; now: Date },
): Promise<FormResult<{ id: string }>> {
  const v = input.values;
  const errors: FieldError[] = [];
  const opensAt = parisInstant(v.ouverture_jour, v.ouverture_heure || '00:00');
  const closesAt = parisInstant(v.cloture_jour, v.cloture_heure || '23:59');
  if (!opensAt) {
    errors.push({
      field: 'ouverture_jour',
      message: 'La date d’ouverture n’est pas valable : écrivez-la comme 05/01/2027, et l’heure comme 9:00.',
    });
  }
  if (!closesAt) {
    errors.push({
      field: 'cloture_jour',
      message: 'La date de clôture n’est pas valable : écrivez-la comme 31/01/2027, et l’heure comme 18:00.',
    });
  }
  if (opensAt && closesAt && closesAt <= opensAt) {
    errors.push({ field: 'cloture_jour', message: 'La clôture doit venir après l’ouverture.' });
  }
  const existing = input.id === null ? null : await findConsultation(trx, input.id);
  if (existing?.published_at) {
    if (v.public !== existing.audience || (v.anonyme === 'oui') !== existing.anonymous) {
      errors.push({
        field: 'public',
        message: 'La consultation est publiée : qui peut répondre et l’anonymat ne peuvent plus changer.',
      });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  const row = {
    title: v.titre,
    description: v.description,
    audience: v.public as 'public' | 'invited',
    anonymous: v.anonyme === 'oui',
    opens_at: opensAt!,
    closes_at: closesAt!,
    updated_at: input.now,
  };
  if (existing) {
    await trx.updateTable('consultations').set(row).where('id', '=', existing.id).execute();
    return { ok: true, value: { id: existing.id } };
  }
  const inserted = await trx
    .insertInto('consultations')
    .values({ tenant_id: input.tenantId, ...row, created_by: input.agentId, created_at: input.now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ok: true, value: { id: inserted.id } };
}
