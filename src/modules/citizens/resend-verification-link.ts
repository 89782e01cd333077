import type { Tx } from '../../db/tenant-scope.ts';
import { queueMail } from '../../platform/mail.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { verifyEmailMail } from './mails.ts';
import { findAccountByEmail } from './repository.ts';
import { issueToken } from './tokens.ts';

/**
 * Sends a new confirmation link to an account that has a password and was never confirmed,
 * bound to the browser that asks (registration-browser.ts). Any other address gets nothing, and
 * the caller answers the same way for every address.
 */
export async function resendVerificationLink(
  trx: Tx,
  tenant: Tenant,
  input: {
    /** Normalised (platform/security/email.ts). */
    email: string;
    now: Date;
    /** Absolute URL of the site, with the tenant prefix. */
    siteUrl: string;
    browserHash: string;
  },
): Promise<void> {
  const citizen = await findAccountByEmail(trx, input.email);
  if (!citizen || citizen.email_verified_at || !citizen.password_hash) return;
  const token = await issueToken(trx, {
    tenantId: tenant.id,
    citizenId: citizen.id,
    purpose: 'verify_email',
    now: input.now,
    browserHash: input.browserHash,
  });
  await queueMail(
    trx,
    tenant.id,
    verifyEmailMail(tenant, input.email, `${input.siteUrl}/inscription/confirmer?jeton=${token}`),
  );
}
