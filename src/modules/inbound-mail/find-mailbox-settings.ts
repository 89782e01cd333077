import type { Tx } from '../../db/tenant-scope.ts';
import type { MailboxValues } from './forms.ts';
import { findMailbox, listFailedMessages, retryFailedMessages } from './imap-repository.ts';

/**
 * The « Messagerie » page as stored: the form's values (never the password), how the polls went,
 * and the messages left aside. Without a mailbox, the tenant's current address and defaults.
 */
export async function findMailboxSettings(trx: Tx, input: { inboundAddress: string }) {
  const mailbox = await findMailbox(trx);
  const values: MailboxValues = {
    adresse: input.inboundAddress,
    serveur: mailbox?.host ?? '',
    port: String(mailbox?.port ?? 993),
    chiffrement: mailbox?.tls_mode ?? 'tls',
    identifiant: mailbox?.username ?? '',
    dossier: mailbox?.folder ?? 'INBOX',
    dossier_traites: mailbox?.processed_folder ?? 'Guichet/Traités',
    active: mailbox?.enabled ?? true,
  };
  if (!mailbox) return { values, hasPassword: false, status: undefined, failed: [] };
  return {
    values,
    hasPassword: true,
    status: {
      enabled: mailbox.enabled,
      lastPollAt: mailbox.last_poll_at,
      lastSuccessAt: mailbox.last_success_at,
      lastError: mailbox.last_error,
      lastErrorAt: mailbox.last_error_at,
    },
    failed: await listFailedMessages(trx, mailbox.id),
  };
}

/** « Réessayer ces messages »: the failed messages get a new series of attempts at the next poll. */
export async function retryMailboxMessages(trx: Tx): Promise<number> {
  const mailbox = await findMailbox(trx);
  return mailbox ? retryFailedMessages(trx, mailbox.id) : 0;
}
