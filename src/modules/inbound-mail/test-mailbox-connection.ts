import type { Tx } from '../../db/tenant-scope.ts';
import type { MailboxInput } from './forms.ts';
import { classifyImapError, closeMailbox, connectMailbox, openMailboxPassword } from './imap-client.ts';
import { findMailbox } from './imap-repository.ts';

export type ConnectionTest =
  | { ok: true; messages: number }
  | { ok: false; field: 'serveur' | 'chiffrement' | 'mot_de_passe' | 'dossier'; message: string };

/** The password to try: the one typed, else the stored one (the form never shows it). */
export async function passwordToTry(
  trx: Tx,
  input: { tenantId: string; sessionSecret: string; typed: string },
): Promise<string | null> {
  if (input.typed) return input.typed;
  const stored = await findMailbox(trx);
  return stored ? openMailboxPassword(input.sessionSecret, input.tenantId, stored.password_sealed) : null;
}

/**
 * Tries the settings as typed, without saving them: connects, logs in and opens the folder read
 * only. Says what to fix, in French, on the field to fix.
 */
export async function testMailboxConnection(mailbox: MailboxInput, password: string): Promise<ConnectionTest> {
  try {
    const client = await connectMailbox({ ...mailbox, password });
    try {
      const status = await client.status(mailbox.folder, { messages: true });
      if (!status) return { ok: false, field: 'dossier', message: classifyImapError({ mailboxMissing: true }).message };
      return { ok: true, messages: status.messages ?? 0 };
    } finally {
      await closeMailbox(client);
    }
  } catch (err) {
    const { kind, message } = classifyImapError(err);
    const field =
      kind === 'auth' ? 'mot_de_passe' : kind === 'tls' ? 'chiffrement' : kind === 'folder' ? 'dossier' : 'serveur';
    return { ok: false, field, message };
  }
}
