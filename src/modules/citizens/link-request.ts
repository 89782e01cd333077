import type { Services } from '../../services.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { logPersonalDataAccess, SELF_LABEL } from '../privacy/access-log.ts';
import type { FieldError } from '../../platform/web/form.ts';
import { findTrackedRequest, NOT_FOUND_MESSAGE, type TrackedRequest } from '../requests/find-tracked-request.ts';
import type { Tenant } from '../tenants/tenant.ts';

export const LINKED_ELSEWHERE_MESSAGE =
  'Cette demande est déjà rattachée à un autre compte. Si vous pensez que c’est une erreur, contactez la mairie.';

export type LinkRequestResult =
  | { ok: true; outcome: 'linked' | 'already_yours'; reference: string }
  | {
      ok: false;
      /** An unknown reference or a wrong code (one answer for both), or a request in another account. */
      reason: 'not_found' | 'linked_elsewhere';
      errors: FieldError[];
    };

const notFound = (): LinkRequestResult => ({
  ok: false,
  reason: 'not_found',
  errors: [{ field: 'reference', message: NOT_FOUND_MESSAGE }],
});

/**
 * Attaches a request filed without an account to the signed-in citizen, given its reference
 * and tracking code: the code, sent to whoever filed it, proves the request is theirs. An
 * address typed on a form proves nothing (anyone can type anyone's address), so requests are
 * never attached by matching emails (decision 10). A wrong code and an unknown reference give
 * the same error as on the tracking page; a request already in another account stays there.
 * Both come back as `{ ok: false, errors }` for the form. The attachment is written to the personal data access log in the same transaction.
 */
export async function linkRequestWithTrackingCode(
  services: Services,
  tenant: Tenant,
  input: { citizenId: string; reference: string; code: string; ip?: string | null },
): Promise<LinkRequestResult> {
  let tracked: TrackedRequest;
  try {
    tracked = await findTrackedRequest(services, tenant, input.reference, input.code);
  } catch (err) {
    if (err instanceof AppError && err.code === 'request_not_found') return notFound();
    throw err;
  }
  const now = services.clock.now();
  return inTenant(services.db, tenant.id, async (trx): Promise<LinkRequestResult> => {
    const linked = await trx
      .updateTable('requests')
      .set({ citizen_id: input.citizenId })
      .where('id', '=', tracked.id)
      .where('citizen_id', 'is', null)
      .where('anonymised_at', 'is', null)
      .returning('reference')
      .executeTakeFirst();
    if (linked) {
      await logPersonalDataAccess(trx, {
        tenantId: tenant.id,
        actor: { kind: 'citizen', id: input.citizenId, label: SELF_LABEL },
        action: 'link_request',
        requestId: tracked.id,
        citizenId: input.citizenId,
        ip: input.ip,
        now,
      });
      return { ok: true, outcome: 'linked', reference: linked.reference };
    }
    const row = await trx
      .selectFrom('requests')
      .select(['citizen_id', 'anonymised_at'])
      .where('id', '=', tracked.id)
      .executeTakeFirst();
    if (!row || row.anonymised_at) return notFound();
    if (row.citizen_id === input.citizenId) return { ok: true, outcome: 'already_yours', reference: tracked.reference };
    return {
      ok: false,
      reason: 'linked_elsewhere',
      errors: [{ field: 'reference', message: LINKED_ELSEWHERE_MESSAGE }],
    };
  });
}
