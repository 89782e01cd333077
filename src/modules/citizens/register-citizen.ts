import type { Tx } from '../../db/tenant-scope.ts';
import { queueMail } from '../../platform/mail.ts';
import type { FieldError } from '../../platform/web/form.ts';
import { hashPassword } from '../agents/password.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { accountExistsMail, activateAccountMail, verifyEmailMail } from './mails.ts';
import { newPasswordErrors } from './password-choice.ts';
import { findAccountByEmail } from './repository.ts';
import { issueToken } from './tokens.ts';

export interface RegistrationLinks {
  /** Absolute URL of the site, with the tenant prefix: links in mails are built from it. */
  siteUrl: string;
}

/**
 * Creates an account, or tells the owner of an address that already has one. A password the
 * policy refuses (or a confirmation that differs) comes back as `{ ok: false, errors }` before
 * anything is read. Otherwise the caller shows the same page in every case and the same work is
 * done (one argon2id hash, one mail), so the form cannot be used to find out who has an account.
 */
export async function registerCitizen(
  trx: Tx,
  tenant: Tenant,
  input: {
    /** Already normalised (platform/security/email.ts). */
    email: string;
    password: string;
    confirmation: string;
    now: Date;
    /** The registering browser (registration-browser.ts): the confirmation link is bound to it. */
    browserHash: string;
  } & RegistrationLinks,
): Promise<{ ok: true } | { ok: false; errors: FieldError[] }> {
  const errors = newPasswordErrors({ ...input, tenantName: tenant.name });
  if (errors.length) return { ok: false, errors };
  const passwordHash = await hashPassword(input.password);
  const existing = await findAccountByEmail(trx, input.email);
  if (!existing) {
    const created = await trx
      .insertInto('citizens')
      .values({ tenant_id: tenant.id, email: input.email, password_hash: passwordHash })
      .returning('id')
      .executeTakeFirstOrThrow();
    const token = await issueToken(trx, {
      tenantId: tenant.id,
      citizenId: created.id,
      purpose: 'verify_email',
      now: input.now,
      browserHash: input.browserHash,
    });
    const link = `${input.siteUrl}/inscription/confirmer?jeton=${token}`;
    await queueMail(trx, tenant.id, verifyEmailMail(tenant, input.email, link));
    return { ok: true };
  }
  if (existing.email_verified_at || !existing.password_hash) {
    // A confirmed account (or a FranceConnect one): nothing changes, the owner is told.
    await queueMail(
      trx,
      tenant.id,
      accountExistsMail(tenant, input.email, `${input.siteUrl}/connexion`, `${input.siteUrl}/mot-de-passe-oublie`),
    );
    return { ok: true };
  }
  // Never confirmed: the password typed now is not trusted either (it may be a stranger's).
  // The mailbox owner chooses the password through a reset link, which confirms the address.
  const token = await issueToken(trx, {
    tenantId: tenant.id,
    citizenId: existing.id,
    purpose: 'reset_password',
    now: input.now,
  });
  await queueMail(
    trx,
    tenant.id,
    activateAccountMail(tenant, input.email, `${input.siteUrl}/mot-de-passe/nouveau?jeton=${token}`),
  );
  return { ok: true };
}
