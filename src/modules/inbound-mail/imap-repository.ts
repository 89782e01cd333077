import { sql, type Insertable } from 'kysely';
import type { Db, Tx } from '../../db/tenant-scope.ts';
import type { ImapMailboxesTable } from '../../db/schema.ts';

/** SQL of IMAP polling: the tenant's mailbox and the messages seen in it. No business rules here. */

const MAILBOX_COLUMNS = [
  'id',
  'tenant_id',
  'host',
  'port',
  'tls_mode',
  'username',
  'password_sealed',
  'folder',
  'processed_folder',
  'enabled',
  'uid_validity',
  'last_uid',
  'last_poll_at',
  'last_success_at',
  'last_error',
  'last_error_at',
] as const;

/** The tenant's mailbox (one per tenant), or undefined. */
export async function findMailbox(trx: Tx) {
  return trx.selectFrom('imap_mailboxes').select(MAILBOX_COLUMNS).executeTakeFirst();
}
export type MailboxRow = NonNullable<Awaited<ReturnType<typeof findMailbox>>>;

/** Creates or replaces the tenant's mailbox settings; a new host, user or folder starts the folder afresh. */
export async function saveMailbox(
  trx: Tx,
  row: Omit<Insertable<ImapMailboxesTable>, 'id' | 'uid_validity' | 'last_uid'>,
  options: { resetPosition: boolean },
): Promise<string> {
  const saved = await trx
    .insertInto('imap_mailboxes')
    .values(row)
    .onConflict((oc) =>
      oc.column('tenant_id').doUpdateSet({
        host: row.host,
        port: row.port,
        tls_mode: row.tls_mode,
        username: row.username,
        password_sealed: row.password_sealed,
        folder: row.folder,
        processed_folder: row.processed_folder,
        enabled: row.enabled,
        updated_at: sql<Date>`now()`,
        // Turned back on, or pointed elsewhere: the next poll says how it went.
        last_error: null,
        last_error_at: null,
        ...(options.resetPosition ? { uid_validity: null, last_uid: 0 } : {}),
      }),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return saved.id;
}

/**
 * Takes the mailbox for one poll: only when enabled and no other poll holds it (a lease, so that a
 * crashed poller does not keep it for ever). Returns the row, or undefined.
 */
export async function claimMailboxPoll(trx: Tx, mailboxId: string, leaseSeconds: number) {
  return trx
    .updateTable('imap_mailboxes')
    .set({ poll_locked_until: sql<Date>`now() + make_interval(secs => ${leaseSeconds})` })
    .where('id', '=', mailboxId)
    .where('enabled', '=', true)
    .where((eb) => eb.or([eb('poll_locked_until', 'is', null), eb('poll_locked_until', '<=', sql<Date>`now()`)]))
    .returning(MAILBOX_COLUMNS)
    .executeTakeFirst();
}

/** Ends a poll: releases the mailbox and records how it went (error null: success). */
export async function recordPoll(trx: Tx, mailboxId: string, at: Date, error: string | null): Promise<void> {
  await trx
    .updateTable('imap_mailboxes')
    .set(
      error === null
        ? { poll_locked_until: null, last_poll_at: at, last_success_at: at, last_error: null, last_error_at: null }
        : { poll_locked_until: null, last_poll_at: at, last_error: error, last_error_at: at },
    )
    .where('id', '=', mailboxId)
    .execute();
}

/** The folder was renumbered (UIDVALIDITY): every UID in it is new again. */
export async function restartFolder(trx: Tx, mailboxId: string, uidValidity: number): Promise<void> {
  await trx
    .updateTable('imap_mailboxes')
    .set({ uid_validity: uidValidity, last_uid: 0 })
    .where('id', '=', mailboxId)
    .execute();
}

export interface SeenMessage {
  uid: number;
  messageKey: string;
  sizeBytes: number;
}

/**
 * Records the messages found above the last UID seen, and moves that mark. A message already
 * known under an older UIDVALIDITY (same key, not done) takes its new UID and keeps its state:
 * one stored before the renumbering is not stored again.
 */
export async function recordSeenMessages(
  trx: Tx,
  input: { tenantId: string; mailboxId: string; uidValidity: number; messages: SeenMessage[] },
): Promise<void> {
  for (const m of input.messages) {
    const moved = await trx
      .updateTable('imap_messages')
      .set({ uid_validity: input.uidValidity, uid: m.uid })
      .where('mailbox_id', '=', input.mailboxId)
      .where('message_key', '=', m.messageKey)
      .where('uid_validity', '<>', input.uidValidity)
      .where('status', '<>', 'done')
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) > 0) continue;
    await trx
      .insertInto('imap_messages')
      .values({
        tenant_id: input.tenantId,
        mailbox_id: input.mailboxId,
        uid_validity: input.uidValidity,
        uid: m.uid,
        message_key: m.messageKey,
        size_bytes: Math.min(m.sizeBytes, 2_147_483_647),
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  const highest = Math.max(0, ...input.messages.map((m) => m.uid));
  await trx
    .updateTable('imap_mailboxes')
    .set({ last_uid: sql<number>`greatest(last_uid, ${highest})` })
    .where('id', '=', input.mailboxId)
    .execute();
}

/** Messages still to store or to move, oldest first. */
export async function listOpenMessages(trx: Tx, mailboxId: string, uidValidity: number, limit: number) {
  const rows = await trx
    .selectFrom('imap_messages')
    .select(['uid', 'status', 'attempts', 'size_bytes'])
    .where('mailbox_id', '=', mailboxId)
    .where('uid_validity', '=', uidValidity)
    .where('status', 'in', ['pending', 'stored'])
    .orderBy('uid')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, uid: Number(r.uid) }));
}

interface MessageKey {
  mailboxId: string;
  uidValidity: number;
  uid: number;
}

/** The row of one message: (mailbox, UIDVALIDITY, UID). */
function isKey(key: MessageKey) {
  return sql<boolean>`(mailbox_id, uid_validity, uid) = (${key.mailboxId}::uuid, ${key.uidValidity}::bigint, ${key.uid}::bigint)`;
}

/**
 * The claim of receiveMailboxMessage: pending → stored, in the transaction that stores the
 * message. False when it is not pending (another poll stored it: nothing is written twice).
 */
export async function markStored(trx: Tx, key: MessageKey, at: Date): Promise<boolean> {
  const r = await trx
    .updateTable('imap_messages')
    .set({ status: 'stored', stored_at: at, last_error: null })
    .where(isKey(key))
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Flagged and moved: nothing left to do with it. */
export async function markDone(trx: Tx, key: MessageKey, at: Date): Promise<void> {
  await trx
    .updateTable('imap_messages')
    .set({ status: 'done', finished_at: at, last_error: null })
    .where(isKey(key))
    .execute();
}

/**
 * One more failed attempt: the message stays pending (tried again at the next poll), or is
 * failed for good at `maxAttempts` (or at once when `permanent`), left in the folder for the
 * administrators. A stored message whose move failed stays stored: only the move is retried.
 */
export async function recordAttemptFailure(
  trx: Tx,
  key: MessageKey,
  input: { error: string; maxAttempts: number; permanent: boolean; at: Date },
): Promise<void> {
  await trx
    .updateTable('imap_messages')
    .set({
      attempts: sql<number>`attempts + 1`,
      last_error: input.error.slice(0, 2000),
      status: sql`case when status = 'pending' and (${input.permanent} or attempts + 1 >= ${input.maxAttempts}) then 'failed' else status end`,
      finished_at: sql`case when status = 'pending' and (${input.permanent} or attempts + 1 >= ${input.maxAttempts}) then ${input.at}::timestamptz else finished_at end`,
    })
    .where(isKey(key))
    .execute();
}

/** The message left the folder (deleted by someone): nothing to do any more. */
export async function forgetMessage(trx: Tx, key: MessageKey): Promise<void> {
  await trx.deleteFrom('imap_messages').where(isKey(key)).where('status', '<>', 'stored').execute();
}

/** The dead letter: messages given up on, latest first. */
export async function listFailedMessages(trx: Tx, mailboxId: string) {
  const rows = await trx
    .selectFrom('imap_messages')
    .select(['uid', 'uid_validity', 'size_bytes', 'attempts', 'last_error', 'first_seen_at', 'finished_at'])
    .where('mailbox_id', '=', mailboxId)
    .where('status', '=', 'failed')
    .orderBy('first_seen_at', 'desc')
    .limit(50)
    .execute();
  return rows.map((r) => ({ ...r, uid: Number(r.uid), uid_validity: Number(r.uid_validity) }));
}

/** Gives every failed message of the mailbox a new series of attempts. Returns how many. */
export async function retryFailedMessages(trx: Tx, mailboxId: string): Promise<number> {
  const r = await trx
    .updateTable('imap_messages')
    .set({ status: 'pending', attempts: 0, finished_at: null })
    .where('mailbox_id', '=', mailboxId)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Enabled mailboxes of every tenant, before any tenant scope (the scheduler). */
export async function listEnabledMailboxes(db: Db): Promise<{ tenant_id: string; id: string }[]> {
  const r = await sql<{ tenant_id: string; id: string }>`select * from guichet_enabled_imap_mailboxes()`.execute(db);
  return r.rows;
}

/** Messages done more than `days` ago: their UIDs are behind the mark, their rows need not stay. */
export async function purgeDoneMessages(trx: Tx, days: number): Promise<number> {
  const r = await trx
    .deleteFrom('imap_messages')
    .where('status', '=', 'done')
    .where('finished_at', '<', sql<Date>`now() - make_interval(days => ${days}::int)`)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Polls done more than a day ago: one job a minute per mailbox would otherwise pile up. */
export async function purgeDonePolls(trx: Tx, queue: string): Promise<number> {
  const r = await trx
    .deleteFrom('jobs')
    .where('queue', '=', queue)
    .where('status', '=', 'done')
    .where('finished_at', '<', sql<Date>`now() - interval '1 day'`)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** The address citizens write to (tenants.inbound_address; null: `<slug>@INBOUND_DOMAIN`). */
export async function setInboundAddress(trx: Tx, tenantId: string, address: string | null): Promise<void> {
  await trx.updateTable('tenants').set({ inbound_address: address }).where('id', '=', tenantId).execute();
}
