import type { Insertable } from 'kysely';
import { slotSelection, slottedRow } from '../../db/insert-select.ts';
import { precompiledByShape } from '../../db/precompiled.ts';
import type { RequestEventsTable, RequestStatus } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { findOrCreatePerson } from '../people/find-or-create-person.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { generateReference, generateTrackingSecret, hashTrackingSecret } from './reference.ts';
import { sealTrackingSecret } from './tracking-seal.ts';
import { addWorkingDays, departementOfInsee, DEFAULT_TIME_ZONE, localDateAndHour } from './working-days.ts';

type ItemParams = Record<string, unknown> & {
  tenant_id: string;
  reference: string;
  demarche_id: string;
  service_id: string;
  channel: string;
  status: RequestStatus;
  data: string;
  applicant_name: string | null;
  applicant_email: string | null;
  applicant_phone: string | null;
  tracking_secret_hash: string;
  tracking_secret_sealed: string;
  due_on: string;
  now: Date;
  closed_at: Date | null;
  assigned_agent_id: string | null;
  person_id: string;
};

/** The request and its first event in one statement (compiled once per set of event columns). */
const insertItemWithEvent = precompiledByShape<ItemParams, readonly string[]>()(
  (eventColumns) => eventColumns.join(','),
  (db, slot, eventColumns) =>
    db
      .with('item', (w) =>
        w
          .insertInto('requests')
          .values({
            tenant_id: slot('tenant_id'),
            reference: slot('reference'),
            demarche_id: slot('demarche_id'),
            service_id: slot('service_id'),
            channel: slot('channel'),
            status: slot('status'),
            data: slot('data'),
            applicant_name: slot('applicant_name'),
            applicant_email: slot('applicant_email'),
            applicant_phone: slot('applicant_phone'),
            tracking_secret_hash: slot('tracking_secret_hash'),
            tracking_secret_sealed: slot('tracking_secret_sealed'),
            due_on: slot('due_on'),
            submitted_at: slot('now'),
            updated_at: slot('now'),
            closed_at: slot('closed_at'),
            assigned_agent_id: slot('assigned_agent_id'),
            person_id: slot('person_id'),
          })
          .onConflict((oc) => oc.columns(['tenant_id', 'reference']).doNothing())
          .returning('id'),
      )
      .insertInto('request_events')
      .columns(['tenant_id', 'request_id', ...(eventColumns as (keyof RequestEventsTable & string)[])])
      .expression((eb) =>
        eb
          .selectFrom('item')
          .select([
            eb.val(slot('tenant_id')).as('tenant_id'),
            'item.id as request_id',
            ...slotSelection(eventColumns, 'event.', slot),
          ]),
      )
      .returning(['id', 'request_id']),
);

/**
 * A new item of the inbox that did not come through a démarche's form (an email, a phone call, a
 * counter visit): a request with its own reference and tracking code, due in the démarche's
 * working days, on the person's citizen record (found or created in the same transaction), with
 * its first event written by the same statement (one round trip fewer for each inbound mail).
 * Draws another reference when one is taken.
 */
export async function openItem(
  trx: Tx,
  input: {
    tenant: Pick<Tenant, 'id' | 'inseeCode' | 'referencePrefix'>;
    sessionSecret: string;
    demarche: { id: string; delayDays: number };
    serviceId: string;
    channel: string;
    data: Record<string, unknown>;
    applicant: { name: string | null; email: string | null; phone: string | null };
    /** The citizen record, when the caller chose it; otherwise found or created from the applicant. */
    personId?: string;
    now: Date;
    /** Defaults: received, open, nobody in charge. */
    status?: RequestStatus;
    closed?: boolean;
    assignedAgentId?: string | null;
    /** The item's first event (how it came in). */
    firstEvent: Omit<Insertable<RequestEventsTable>, 'tenant_id' | 'request_id'>;
  },
): Promise<{ id: string; eventId: string; reference: string; secret: string; dueOn: string; personId: string }> {
  const dueOn = addWorkingDays(input.now, input.demarche.delayDays, {
    departement: departementOfInsee(input.tenant.inseeCode),
  });
  const personId =
    input.personId ?? (await findOrCreatePerson(trx, input.tenant.id, { kind: 'contact', ...input.applicant }));
  const secret = generateTrackingSecret();
  const year = Number(localDateAndHour(input.now, DEFAULT_TIME_ZONE).date.slice(0, 4));
  const event = slottedRow(input.firstEvent, 'event.');
  for (let attempt = 0; attempt < 5; attempt++) {
    const reference = generateReference(input.tenant.referencePrefix, year);
    // No row when the reference was taken: then neither the item nor its event is written.
    const [row] = await insertItemWithEvent(trx, event.columns, {
      ...event.values,
      tenant_id: input.tenant.id,
      reference,
      demarche_id: input.demarche.id,
      service_id: input.serviceId,
      channel: input.channel,
      status: input.status ?? 'recue',
      data: JSON.stringify(input.data),
      applicant_name: input.applicant.name,
      applicant_email: input.applicant.email,
      applicant_phone: input.applicant.phone,
      tracking_secret_hash: hashTrackingSecret(secret),
      tracking_secret_sealed: sealTrackingSecret(input.sessionSecret, { tenantId: input.tenant.id, reference }, secret),
      due_on: dueOn,
      now: input.now,
      closed_at: input.closed ? input.now : null,
      assigned_agent_id: input.assignedAgentId ?? null,
      person_id: personId,
    });
    if (row) return { id: row.request_id, eventId: row.id, reference, secret, dueOn, personId };
  }
  throw new Error('no free reference after 5 draws');
}
