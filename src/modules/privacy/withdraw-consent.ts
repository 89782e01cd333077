import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { logPersonalDataAccess, SELF_LABEL } from './access-log.ts';
import { ownedBy } from './consents.ts';

export interface WithdrawConsentInput {
  tenantId: string;
  citizenId: string;
  consentId: string;
  ip?: string | null;
  now: Date;
}

export const CONSENT_NOT_FOUND = 'Cet accord n’existe pas ou n’est pas le vôtre.';
export const CONSENT_REQUIRED =
  'Cet accord est une condition de la démarche : il ne peut pas être retiré. Vous pouvez demander l’effacement de vos données.';

/**
 * A citizen withdraws one of their consents (RGPD art. 7.3). The record stays as it was given
 * (wording, version, date: it proves the processing before the withdrawal was lawful) and gets
 * the date of the withdrawal, once; the act is written to the access log in the same
 * transaction. A consent the démarche required cannot be withdrawn (see `isWithdrawable`).
 * Withdrawing twice changes nothing and says so.
 */
export async function withdrawConsent(
  trx: Tx,
  input: WithdrawConsentInput,
): Promise<{ withdrawnAt: Date; already: boolean }> {
  const consent = await trx
    .selectFrom('consents as c')
    .select(['c.id', 'c.request_id', 'c.withdrawable', 'c.withdrawn_at'])
    .where('c.id', '=', input.consentId)
    .where(ownedBy(input.citizenId))
    .forUpdate()
    .executeTakeFirst();
  // Someone else's consent is answered like an unknown one.
  if (!consent) throw new AppError('not_found', CONSENT_NOT_FOUND);
  if (consent.withdrawn_at !== null) return { withdrawnAt: new Date(consent.withdrawn_at), already: true };
  if (!consent.withdrawable) throw new AppError('conflict', CONSENT_REQUIRED);
  await trx
    .updateTable('consents')
    .set({ withdrawn_at: input.now })
    .where('id', '=', consent.id)
    .where('withdrawn_at', 'is', null)
    .execute();
  await logPersonalDataAccess(trx, {
    tenantId: input.tenantId,
    actor: { kind: 'citizen', id: input.citizenId, label: SELF_LABEL },
    action: 'withdraw_consent',
    requestId: consent.request_id,
    citizenId: input.citizenId,
    ip: input.ip,
    now: input.now,
  });
  return { withdrawnAt: input.now, already: false };
}
