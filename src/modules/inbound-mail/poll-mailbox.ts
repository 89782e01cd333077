import { createHash } from 'node:crypto';
import type { ImapFlow, MailboxObject } from 'imapflow';
import type { Services } from '../../services.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { loadTenant } from '../tenants/resolve-tenant.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { closeMailbox, connectMailbox, describeImapError, openMailboxPassword } from './imap-client.ts';
import {
  claimMailboxPoll,
  forgetMessage,
  listOpenMessages,
  markDone,
  markStored,
  recordAttemptFailure,
  recordPoll,
  recordSeenMessages,
  restartFolder,
  type MailboxRow,
  type SeenMessage,
} from './imap-repository.ts';
import { receiveMailboxMessage, UnreadableMailError } from './receive-inbound-mail.ts';

/** One poll holds its mailbox at most this long (a poll that crashed frees it after). */
export const POLL_LEASE_SECONDS = 600;
/** SESSION_SECRET changed since the password was sealed. */
const UNREADABLE_PASSWORD =
  'Le mot de passe enregistré ne peut plus être lu (la clé du serveur a changé) : saisissez-le à nouveau.';
/** Messages handled per poll: a large backlog is worked through a batch a minute. */
const BATCH = 50;

export type PollSummary =
  | { status: 'skipped' }
  | { status: 'failed'; error: string }
  | { status: 'polled'; found: number; stored: number; moved: number; failed: number };

/**
 * Fault injection for the tests: thrown from, the poll behaves as if the process died or the
 * pipeline failed at that point. Never set outside tests.
 */
export interface PollFaults {
  /** Before the message goes through the pipeline (an attempt that fails). */
  beforeReceive?: (uid: number) => void;
  /** After the message is committed, before it is flagged and moved (a crash at the worst time). */
  afterStore?: (uid: number) => void;
}

/**
 * One poll of a tenant's mailbox (the job `inbound.imap-poll`): connects, notes the messages above
 * the last UID seen, runs each through the SMTP listener's pipeline (receiveMailboxMessage), and
 * only once that has committed flags it \Seen and moves it to the processed folder (created if
 * missing). The message's row goes pending → stored in the transaction that stores it, so a
 * message is stored once whatever happens between the commit and the move; a crash there leaves
 * it stored and the next poll only moves it. A failing message stays in the folder, is tried at
 * each poll and left aside (failed) after IMAP_MAX_ATTEMPTS, without holding the others up.
 * A connection failure is recorded on the mailbox for the administrators' page.
 */
export async function pollMailbox(
  services: Services,
  input: { tenantId: string; mailboxId: string },
  faults: PollFaults = {},
): Promise<PollSummary> {
  const tenant = await loadTenant(services.db, input.tenantId);
  const mailbox = await inTenant(services.db, input.tenantId, (trx) =>
    claimMailboxPoll(trx, input.mailboxId, POLL_LEASE_SECONDS),
  );
  // Disabled, deleted, or another instance is polling it now.
  if (!tenant || !mailbox) return { status: 'skipped' };
  let password: string;
  try {
    password = openMailboxPassword(services.config.sessionSecret, tenant.id, mailbox.password_sealed);
  } catch {
    const error = UNREADABLE_PASSWORD;
    await inTenant(services.db, tenant.id, (trx) => recordPoll(trx, mailbox.id, services.clock.now(), error));
    return { status: 'failed', error };
  }
  let client: ImapFlow | null = null;
  try {
    client = await connectMailbox({
      host: mailbox.host,
      port: mailbox.port,
      tlsMode: mailbox.tls_mode,
      username: mailbox.username,
      password,
    });
    const summary = await pollConnected(services, tenant, mailbox, client, faults);
    await inTenant(services.db, tenant.id, (trx) => recordPoll(trx, mailbox.id, services.clock.now(), null));
    return summary;
  } catch (err) {
    const error = describeImapError(err);
    await inTenant(services.db, tenant.id, (trx) => recordPoll(trx, mailbox.id, services.clock.now(), error));
    return { status: 'failed', error };
  } finally {
    if (client) await closeMailbox(client);
  }
}

/** The processed folder's path, created when missing (with the server's own separator). */
async function ensureFolder(client: ImapFlow, folder: string): Promise<string> {
  const list = await client.list();
  const parts = folder.split('/').filter(Boolean);
  const found = list.find(
    (m) => m.path === folder || (m.delimiter && m.path === parts.join(m.delimiter)) || m.name === folder,
  );
  if (found) return found.path;
  const created = await client.mailboxCreate(parts);
  return created.path;
}

/** The same message after a renumbering: its Message-ID, else its date and size. */
function messageKey(messageId: string | undefined, internalDate: Date | string | undefined, size: number): string {
  const basis = messageId?.trim() || `${internalDate ? new Date(internalDate).toISOString() : ''}:${size}`;
  return createHash('sha256').update(basis).digest('hex');
}

async function pollConnected(
  services: Services,
  tenant: Tenant,
  mailbox: MailboxRow,
  client: ImapFlow,
  faults: PollFaults,
): Promise<PollSummary> {
  const processedPath = await ensureFolder(client, mailbox.processed_folder);
  const lock = await client.getMailboxLock(mailbox.folder);
  try {
    const box = client.mailbox as MailboxObject;
    const uidValidity = Number(box.uidValidity);
    let lastUid = Number(mailbox.last_uid);
    if (mailbox.uid_validity === null || Number(mailbox.uid_validity) !== uidValidity) {
      // New folder, or renumbered: every UID is new; messages known by their key keep their state.
      await inTenant(services.db, tenant.id, (trx) => restartFolder(trx, mailbox.id, uidValidity));
      lastUid = 0;
    }
    const seen: SeenMessage[] = [];
    if (box.exists > 0) {
      // `n:*` also returns the last message when its UID is below n: filtered.
      for await (const m of client.fetch(
        `${lastUid + 1}:*`,
        { uid: true, size: true, envelope: true, internalDate: true },
        { uid: true },
      )) {
        if (m.uid <= lastUid) continue;
        const size = m.size ?? 0;
        seen.push({ uid: m.uid, sizeBytes: size, messageKey: messageKey(m.envelope?.messageId, m.internalDate, size) });
      }
    }
    if (seen.length > 0) {
      await inTenant(services.db, tenant.id, (trx) =>
        recordSeenMessages(trx, { tenantId: tenant.id, mailboxId: mailbox.id, uidValidity, messages: seen }),
      );
    }
    const open = await inTenant(services.db, tenant.id, (trx) => listOpenMessages(trx, mailbox.id, uidValidity, BATCH));
    const counts = { found: seen.length, stored: 0, moved: 0, failed: 0 };
    for (const message of open) {
      const key = { mailboxId: mailbox.id, uidValidity, uid: message.uid };
      const now = () => services.clock.now();
      try {
        if (message.status === 'pending') {
          if (message.size_bytes > services.config.inbound.maxBytes) {
            await inTenant(services.db, tenant.id, (trx) =>
              recordAttemptFailure(trx, key, {
                error: `Message trop volumineux (${message.size_bytes} octets ; au plus ${services.config.inbound.maxBytes}).`,
                maxAttempts: services.config.inbound.imapMaxAttempts,
                permanent: true,
                at: now(),
              }),
            );
            counts.failed += 1;
            continue;
          }
          const fetched = await client.fetchOne(String(message.uid), { source: true }, { uid: true });
          if (!fetched || !fetched.source) {
            // Deleted from the folder by someone since it was seen.
            await inTenant(services.db, tenant.id, (trx) => forgetMessage(trx, key));
            continue;
          }
          faults.beforeReceive?.(message.uid);
          await receiveMailboxMessage(services, tenant, fetched.source, (trx) => markStored(trx, key, now()));
          counts.stored += 1;
          faults.afterStore?.(message.uid);
        }
        // Committed: now, and only now, the message leaves the folder.
        await client.messageFlagsAdd(String(message.uid), ['\\Seen'], { uid: true });
        await client.messageMove(String(message.uid), processedPath, { uid: true });
        await inTenant(services.db, tenant.id, (trx) => markDone(trx, key, now()));
        counts.moved += 1;
      } catch (err) {
        // The connection is gone: the poll stops here and the next one carries on.
        if (!client.usable) throw err;
        const permanent = err instanceof UnreadableMailError;
        await inTenant(services.db, tenant.id, (trx) =>
          recordAttemptFailure(trx, key, {
            error: permanent ? 'Message illisible : son format MIME ne peut pas être lu.' : describeFailure(err),
            maxAttempts: services.config.inbound.imapMaxAttempts,
            permanent,
            at: now(),
          }),
        );
        counts.failed += 1;
      }
    }
    return { status: 'polled', ...counts };
  } finally {
    lock.release();
  }
}

/** An error of the pipeline or of the server, short, without a stack. */
function describeFailure(err: unknown): string {
  const e = err as { responseText?: string; message?: string };
  return (e.responseText ? describeImapError(err) : (e.message ?? String(err))).slice(0, 500);
}
