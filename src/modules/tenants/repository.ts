import type { Db, Tx } from '../../db/tenant-scope.ts';
import type { TenantContact, TenantTheme } from '../../db/schema.ts';

/** The columns the « Coordonnées et courriels » page reads and writes. */
export interface TenantSettingsRow {
  contact: TenantContact;
  theme: TenantTheme;
  mail_sender_name: string | null;
  mail_sender_address: string | null;
  mail_reply_to: string | null;
  siret: string | null;
}

/**
 * The tenant's own settings row (row-level security shows no other tenant's). `forUpdate` locks
 * it until the transaction ends, so that two saves do not lose each other's untouched keys.
 */
export async function findTenantSettings(
  trx: Tx | Db,
  tenantId: string,
  options: { forUpdate?: boolean } = {},
): Promise<TenantSettingsRow | undefined> {
  const query = trx
    .selectFrom('tenants')
    .select(['contact', 'theme', 'mail_sender_name', 'mail_sender_address', 'mail_reply_to', 'siret'])
    .where('id', '=', tenantId);
  return (options.forUpdate ? query.forUpdate() : query).executeTakeFirst();
}

export async function saveTenantSettings(trx: Tx, tenantId: string, row: TenantSettingsRow): Promise<void> {
  await trx
    .updateTable('tenants')
    .set({
      contact: JSON.stringify(row.contact),
      theme: JSON.stringify(row.theme),
      mail_sender_name: row.mail_sender_name,
      mail_sender_address: row.mail_sender_address,
      mail_reply_to: row.mail_reply_to,
      siret: row.siret,
    })
    .where('id', '=', tenantId)
    .execute();
}
