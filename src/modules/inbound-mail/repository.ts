import { sql, type Insertable } from 'kysely';
import { slotSelection, slottedRow } from '../../db/insert-select.ts';
import { precompiledByShape } from '../../db/precompiled.ts';
import type { InboundMailsTable, MailOutboxTable } from '../../db/schema.ts';
import type { Db, Tx } from '../../db/tenant-scope.ts';

/** SQL of inbound mail. No business rules here. */

/** The tenant an inbound address (without its +tag) belongs to, before any tenant scope. */
export async function resolveInboundAddress(db: Db, address: string, defaultDomain: string): Promise<string | null> {
  const r = await sql<{
    id: string | null;
  }>`select guichet_resolve_inbound_address(${address}, ${defaultDomain}) as id`.execute(db);
  return r.rows[0]?.id ?? null;
}

/** The tenant's host names, for the links of its mails. */
export async function listTenantHosts(trx: Tx): Promise<string[]> {
  const rows = await trx.selectFrom('tenant_hosts').select('host').execute();
  return rows.map((r) => r.host);
}

/** A request an inbound message may be threaded onto, by reference. */
export async function findItemByReference(trx: Tx, reference: string) {
  return trx
    .selectFrom('requests')
    .select(['id', 'reference', 'applicant_email'])
    .where('reference', '=', reference)
    .where('anonymised_at', 'is', null)
    .executeTakeFirst();
}

/** The request an outbound mail (by the local part of its Message-ID) was about. */
export async function findOutboxMail(trx: Tx, messageIdLocal: string) {
  return trx
    .selectFrom('mail_outbox')
    .leftJoin('requests', (j) =>
      j.onRef('requests.tenant_id', '=', 'mail_outbox.tenant_id').onRef('requests.id', '=', 'mail_outbox.request_id'),
    )
    .select([
      'mail_outbox.id',
      'mail_outbox.to_address',
      'mail_outbox.request_id',
      'requests.reference',
      'requests.applicant_email',
      'requests.anonymised_at',
    ])
    .where('mail_outbox.message_id', '=', messageIdLocal)
    .executeTakeFirst();
}

/** Acknowledgements sent to an address since `since`: all, and those for the same subject. */
/**
 * The inbound record of a new item and, when its sender is within the caps, the item's
 * acknowledgement, in one statement (a message a second is bounded by its round trips,
 * bench/inbound-mail.ts): the sender's acknowledged mails since `since` are counted, all and
 * with the same subject, and the acknowledgement is queued only below both caps. The record
 * says whether it was (`acknowledged`, else `ack_cap`); returns it.
 */
export async function insertInboundMailAcknowledged(
  trx: Tx,
  row: Omit<Insertable<InboundMailsTable>, 'acknowledged' | 'not_answered_reason'> & { from_address: string },
  ack: { since: Date; maxPerAddress: number; maxPerSubject: number; outbox: Insertable<MailOutboxTable> },
): Promise<boolean> {
  const record = slottedRow(row, 'mail.');
  const outbox = slottedRow(ack.outbox, 'outbox.');
  const [inserted] = await insertAcknowledged(
    trx,
    { record: record.columns, outbox: outbox.columns },
    {
      ...record.values,
      ...outbox.values,
      from: row.from_address,
      subject_key: row.subject_key ?? '',
      since: ack.since,
      max_per_address: ack.maxPerAddress,
      max_per_subject: ack.maxPerSubject,
    },
  );
  return inserted!.acknowledged;
}

type AcknowledgedParams = Record<string, unknown> & {
  from: string;
  subject_key: string;
  since: Date;
  max_per_address: number;
  max_per_subject: number;
};

/**
 * The inbound record, and its acknowledgement in the outbox unless the address had its share
 * (the cap), in one statement (compiled once per pair of column sets).
 */
const insertAcknowledged = precompiledByShape<
  AcknowledgedParams,
  { record: readonly string[]; outbox: readonly string[] }
>()(
  (shape) => `${shape.record.join(',')}|${shape.outbox.join(',')}`,
  (db, slot, shape) =>
    db
      .with('sent', (w) =>
        // The schema owner's count on the cap's index (row-level security would read every
        // acknowledgement of the period).
        w
          .selectFrom(
            sql<{
              total: string;
              same_subject: string;
            }>`guichet_acknowledgements_sent(${slot('from')}, ${slot('subject_key')}, ${slot('since')})`.as('a'),
          )
          .select(['a.total as all', 'a.same_subject as same']),
      )
      .with('verdict', (w) =>
        w
          .selectFrom('sent')
          .select(
            sql<boolean>`sent."all" < ${slot('max_per_address')} and sent.same < ${slot('max_per_subject')}`.as('ok'),
          ),
      )
      .with('acknowledgement', (w) =>
        w
          .insertInto('mail_outbox')
          .columns(shape.outbox as (keyof MailOutboxTable & string)[])
          .expression(
            w
              .selectFrom('verdict')
              .where('verdict.ok', '=', true)
              .select(slotSelection(shape.outbox, 'outbox.', slot)),
          )
          .returning('id'),
      )
      .insertInto('inbound_mails')
      .columns([...(shape.record as (keyof InboundMailsTable & string)[]), 'acknowledged', 'not_answered_reason'])
      .expression((eb) =>
        eb
          .selectFrom('verdict')
          .select([
            ...slotSelection(shape.record, 'mail.', slot),
            'verdict.ok as acknowledged',
            sql<string | null>`case when verdict.ok then null else 'ack_cap' end`.as('not_answered_reason'),
          ]),
      )
      .returning('acknowledged'),
);

export async function insertInboundMail(trx: Tx, row: Insertable<InboundMailsTable>): Promise<void> {
  await trx.insertInto('inbound_mails').values(row).execute();
}

export async function insertFailedAddress(
  trx: Tx,
  row: {
    tenantId: string;
    address: string;
    requestId: string | null;
    outboxId: string | null;
    status: string;
    diagnostic: string;
    at: Date;
  },
): Promise<void> {
  await trx
    .insertInto('mail_failed_addresses')
    .values({
      tenant_id: row.tenantId,
      address: row.address,
      request_id: row.requestId,
      outbox_id: row.outboxId,
      status: row.status,
      diagnostic: row.diagnostic,
      failed_at: row.at,
    })
    .execute();
}

/** An event a mail writes on an item's timeline (channel: mail). */
export interface ItemEvent {
  kind: 'email_received' | 'citizen_message' | 'internal_note';
  body: string;
  authorKind: 'citizen' | 'system';
  visibleToCitizen: boolean;
}

/** The columns of an event a mail writes (itemEvent for openItem's first event). */
export function itemEvent(event: ItemEvent) {
  return {
    kind: event.kind,
    body: event.body,
    status_from: null,
    status_to: event.kind === 'email_received' ? ('recue' as const) : null,
    author_kind: event.authorKind,
    author_agent_id: null,
    visible_to_citizen: event.visibleToCitizen,
    channel: 'mail' as const,
  };
}

export async function insertItemEvent(
  trx: Tx,
  event: ItemEvent & { tenantId: string; requestId: string },
): Promise<string> {
  const r = await trx
    .insertInto('request_events')
    .values({ tenant_id: event.tenantId, request_id: event.requestId, ...itemEvent(event) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function touchItem(trx: Tx, requestId: string, at: Date): Promise<void> {
  await trx.updateTable('requests').set({ updated_at: at }).where('id', '=', requestId).execute();
}
