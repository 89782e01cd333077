import { createHash } from 'node:crypto';
import type { Tx } from '../../db/tenant-scope.ts';
import type { FormDefinition } from '../catalogue/form-definition.ts';

/** A short, stable version of a wording: any change of the text gives a new version. */
export function wordingVersion(wording: string): string {
  return createHash('sha256').update(wording.normalize('NFC')).digest('hex').slice(0, 16);
}

export interface RecordConsentsInput {
  tenantId: string;
  requestId: string;
  demarcheId: string;
  citizenId: string | null;
  form: FormDefinition;
  /** Validated answers: a ticked checkbox is `true`. */
  answers: Record<string, unknown>;
  now: Date;
}

/**
 * Records the consents given on a form, in the transaction that stores the request: one row per
 * ticked checkbox marked `consent`, with the wording as shown, so the proof does not depend on
 * the form staying the same. Returns how many were recorded.
 */
export async function recordConsents(trx: Tx, input: RecordConsentsInput): Promise<number> {
  const given = input.form.sections
    .flatMap((s) => s.fields)
    .filter((f) => f.type === 'checkbox' && f.consent === true && input.answers[f.name] === true);
  if (given.length === 0) return 0;
  await trx
    .insertInto('consents')
    .values(
      given.map((f) => ({
        tenant_id: input.tenantId,
        citizen_id: input.citizenId,
        request_id: input.requestId,
        demarche_id: input.demarcheId,
        subject: f.name,
        wording: f.label,
        version: wordingVersion(f.label),
        method: 'form_checkbox' as const,
        given_at: input.now,
      })),
    )
    .execute();
  return given.length;
}

export interface ConsentRow {
  id: string;
  subject: string;
  wording: string;
  version: string;
  method: 'form_checkbox' | 'account_setting';
  given_at: Date;
  withdrawn_at: Date | null;
  request_reference: string | null;
  demarche_title: string | null;
}

/** Consents of a citizen: given on their account, or on one of their requests. */
export async function listCitizenConsents(trx: Tx, citizenId: string): Promise<ConsentRow[]> {
  const rows = await trx
    .selectFrom('consents as c')
    .leftJoin('requests as r', (j) => j.onRef('r.tenant_id', '=', 'c.tenant_id').onRef('r.id', '=', 'c.request_id'))
    .leftJoin('demarches as d', (j) => j.onRef('d.tenant_id', '=', 'c.tenant_id').onRef('d.id', '=', 'c.demarche_id'))
    .select([
      'c.id',
      'c.subject',
      'c.wording',
      'c.version',
      'c.method',
      'c.given_at',
      'c.withdrawn_at',
      'r.reference as request_reference',
      'd.title as demarche_title',
    ])
    .where((eb) =>
      eb.or([
        eb('c.citizen_id', '=', citizenId),
        eb('c.request_id', 'in', eb.selectFrom('requests').select('id').where('citizen_id', '=', citizenId)),
      ]),
    )
    .orderBy('c.given_at')
    .execute();
  return rows.map((r) => ({ ...r, given_at: new Date(r.given_at) }));
}
