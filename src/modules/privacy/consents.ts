import { createHash } from 'node:crypto';
import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import type { FormDefinition } from '../catalogue/form-definition.ts';

/** A short, stable version of a wording: any change of the text gives a new version. */
export function wordingVersion(wording: string): string {
  return createHash('sha256').update(wording.normalize('NFC')).digest('hex').slice(0, 16);
}

/**
 * Whether a consent given through this form field may be withdrawn later. The rule, from the
 * form definition: an optional consent checkbox (`required: false`) is a free consent, which the
 * citizen may withdraw at any time (RGPD art. 7.3) from their space; a required one
 * (`required: true`, e.g. "J’atteste sur l’honneur…") is a condition of the démarche: the request
 * could not be filed without it, so it is not withdrawn — the citizen may ask for erasure of
 * their data instead, which an agent decides where a legal obligation applies.
 */
export function isWithdrawable(field: Pick<FormDefinition['sections'][number]['fields'][number], 'required'>): boolean {
  return field.required !== true;
}

/** A consent given on a form, as it is stored with the request. */
export interface FormConsent {
  citizenId: string | null;
  demarcheId: string;
  subject: string;
  wording: string;
  version: string;
  method: 'form_checkbox';
  givenAt: Date;
  withdrawable: boolean;
}

/**
 * The consents given on a form, to be stored in the statement that stores the request
 * (requests/repository.ts, `insertSubmission`): one per ticked checkbox marked `consent`, with
 * the wording as shown, so the proof does not depend on the form staying the same, and whether
 * it may be withdrawn (`isWithdrawable`).
 */
export function consentsGivenOnForm(input: {
  demarcheId: string;
  citizenId: string | null;
  form: FormDefinition;
  /** Validated answers: a ticked checkbox is `true`. */
  answers: Record<string, unknown>;
  now: Date;
}): FormConsent[] {
  return input.form.sections
    .flatMap((s) => s.fields)
    .filter((f) => f.type === 'checkbox' && f.consent === true && input.answers[f.name] === true)
    .map((f) => ({
      citizenId: input.citizenId,
      demarcheId: input.demarcheId,
      subject: f.name,
      wording: f.label,
      version: wordingVersion(f.label),
      method: 'form_checkbox' as const,
      givenAt: input.now,
      withdrawable: isWithdrawable(f),
    }));
}

export interface ConsentRow {
  id: string;
  subject: string;
  wording: string;
  version: string;
  method: 'form_checkbox' | 'account_setting';
  given_at: Date;
  withdrawn_at: Date | null;
  /** False when the consent is a condition of the démarche (see `isWithdrawable`). */
  withdrawable: boolean;
  request_reference: string | null;
  demarche_title: string | null;
}

/** Which consents belong to a citizen: given on their account, or on one of their requests. */
export function ownedBy(citizenId: string) {
  return (eb: ExpressionBuilder<Database & { c: Database['consents'] }, 'c'>) =>
    eb.or([
      eb('c.citizen_id', '=', citizenId),
      eb('c.request_id', 'in', eb.selectFrom('requests').select('id').where('citizen_id', '=', citizenId)),
    ]);
}

function consentsWithContext(trx: Tx) {
  return trx
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
      'c.withdrawable',
      'r.reference as request_reference',
      'd.title as demarche_title',
    ])
    .orderBy('c.given_at');
}

/** Consents of a citizen: given on their account, or on one of their requests. */
export async function listCitizenConsents(trx: Tx, citizenId: string): Promise<ConsentRow[]> {
  return (await consentsWithContext(trx).where(ownedBy(citizenId)).execute()).map(asConsentRow);
}

/** Consents given on one request (the export of a request opened with its tracking code). */
export async function listRequestConsents(trx: Tx, requestId: string): Promise<ConsentRow[]> {
  return (await consentsWithContext(trx).where('c.request_id', '=', requestId).execute()).map(asConsentRow);
}

function asConsentRow<R extends { given_at: Date | string; withdrawn_at: Date | string | null }>(r: R) {
  return {
    ...r,
    given_at: new Date(r.given_at),
    withdrawn_at: r.withdrawn_at === null ? null : new Date(r.withdrawn_at),
  };
}
