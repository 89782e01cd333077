import type { Tx } from '../../db/tenant-scope.ts';
import type { FieldError } from '../../platform/web/form.ts';
import type { MailboxInput } from './forms.ts';
import { openMailboxPassword, sealMailboxPassword } from './imap-client.ts';
import { findMailbox, saveMailbox as saveMailboxRow, setInboundAddress } from './imap-repository.ts';
import { resolveInboundAddress } from './repository.ts';
import { splitPlusAddress } from './inbound-address.ts';

/**
 * Saves the tenant's inbound address and IMAP mailbox. The password is sealed at rest; an empty
 * one keeps the stored password (the form never shows it back). Another host, account or folder
 * starts the folder afresh (its UIDs mean nothing any more). Refuses an address that is another
 * tenant's, or a first setting without a password.
 */
export async function saveMailbox(
  trx: Tx,
  input: { tenantId: string; sessionSecret: string; defaultDomain: string; mailbox: MailboxInput },
): Promise<{ ok: true } | { ok: false; errors: FieldError[] }> {
  const m = input.mailbox;
  const errors: FieldError[] = [];
  if (splitPlusAddress(m.inboundAddress).tag !== null)
    errors.push({ field: 'adresse', message: 'L’adresse ne doit pas contenir de « + » : Guichet l’ajoute lui-même.' });
  else {
    const owner = await resolveInboundAddress(trx, m.inboundAddress, input.defaultDomain);
    if (owner !== null && owner !== input.tenantId)
      errors.push({ field: 'adresse', message: 'Cette adresse est déjà celle d’une autre collectivité.' });
  }
  const stored = await findMailbox(trx);
  if (!m.password && !stored) errors.push({ field: 'mot_de_passe', message: 'Indiquez le mot de passe de la boîte.' });
  if (errors.length > 0) return { ok: false, errors };
  const password = m.password || openMailboxPassword(input.sessionSecret, input.tenantId, stored!.password_sealed);
  const elsewhere = !stored || stored.host !== m.host || stored.username !== m.username || stored.folder !== m.folder;
  await setInboundAddress(trx, input.tenantId, m.inboundAddress);
  await saveMailboxRow(
    trx,
    {
      tenant_id: input.tenantId,
      host: m.host,
      port: m.port,
      tls_mode: m.tlsMode,
      username: m.username,
      password_sealed: sealMailboxPassword(input.sessionSecret, input.tenantId, password),
      folder: m.folder,
      processed_folder: m.processedFolder,
      enabled: m.enabled,
    },
    { resetPosition: elsewhere },
  );
  return { ok: true };
}
