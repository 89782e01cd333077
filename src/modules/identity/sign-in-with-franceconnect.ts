import type { Services } from '../../services.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { replaceCitizenSession } from '../citizens/sessions.ts';
import type { FranceConnectClaims } from './franceconnect.ts';

export interface FranceConnectSignIn {
  token: string;
  citizenId: string;
  /** 'created' (new citizen), 'linked' (existing account by verified email) or 'known' (same sub). */
  outcome: 'created' | 'linked' | 'known';
}

const nullIfEmpty = (v: string | null | undefined) => (v && v.trim() ? v.trim() : null);

/**
 * After a verified FranceConnect login: finds the citizen by `sub`, or links the account whose
 * verified email is the FranceConnect one, or creates one; records the identity claims as
 * verified; opens a session in place of the browser's earlier one (same transaction). Requests filed without an account are not attached on an email
 * match (a typed address proves nothing): the citizen attaches them with their tracking codes
 * (decision 10). Requests filed under FranceConnect were attached to the account when filed.
 */
export async function signInWithFranceConnect(
  services: Services,
  tenant: Tenant,
  input: {
    claims: FranceConnectClaims;
    idToken: string;
    userAgent?: string;
    ip?: string;
    /** The session cookie the browser sent, closed in the same transaction. */
    previousToken?: string;
  },
): Promise<FranceConnectSignIn> {
  const now = services.clock.now();
  const c = input.claims;
  const email = nullIfEmpty(c.email)?.toLowerCase() ?? null;
  const identity = {
    given_name: c.given_name.trim(),
    family_name: c.family_name.trim(),
    preferred_username: nullIfEmpty(c.preferred_username),
    birthdate: c.birthdate && /^\d{4}-\d{2}-\d{2}$/.test(c.birthdate) ? c.birthdate : null,
    birthplace: nullIfEmpty(c.birthplace),
    birthcountry: nullIfEmpty(c.birthcountry),
    gender: nullIfEmpty(c.gender),
    franceconnect_sub: c.sub,
    identity_verified_at: now,
    updated_at: now,
  };

  return inTenant(services.db, tenant.id, async (trx) => {
    const bySub = await trx
      .selectFrom('citizens')
      .select(['id', 'email', 'email_verified_at'])
      .where('tenant_id', '=', tenant.id)
      .where('franceconnect_sub', '=', c.sub)
      .executeTakeFirst();
    const byEmail =
      !bySub && email
        ? await trx
            .selectFrom('citizens')
            .select(['id', 'email', 'email_verified_at', 'franceconnect_sub'])
            .where('tenant_id', '=', tenant.id)
            .where('email', '=', email)
            .executeTakeFirst()
        : undefined;

    let citizenId: string;
    let outcome: FranceConnectSignIn['outcome'];
    if (bySub) {
      citizenId = bySub.id;
      outcome = 'known';
      // A FranceConnect citizen without an address gets this one if nobody else holds it.
      const takeEmail = !bySub.email && email && !byEmail ? await emailIsFree(email) : false;
      await trx
        .updateTable('citizens')
        .set({ ...identity, ...(takeEmail ? { email, email_verified_at: now } : {}) })
        .where('tenant_id', '=', tenant.id)
        .where('id', '=', citizenId)
        .execute();
    } else if (byEmail && byEmail.email_verified_at && !byEmail.franceconnect_sub) {
      // The owner proved this address to us: it is the same person, link rather than duplicate.
      citizenId = byEmail.id;
      outcome = 'linked';
      await trx
        .updateTable('citizens')
        .set(identity)
        .where('tenant_id', '=', tenant.id)
        .where('id', '=', citizenId)
        .execute();
    } else {
      // An unverified account holding the address proves nothing (anyone can type an address):
      // the new citizen is created without it rather than taking over that account.
      const ownEmail = email && !byEmail ? email : null;
      const created = await trx
        .insertInto('citizens')
        .values({
          tenant_id: tenant.id,
          ...identity,
          email: ownEmail,
          email_verified_at: ownEmail ? now : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      citizenId = created.id;
      outcome = 'created';
    }

    const token = await replaceCitizenSession(trx, {
      previousToken: input.previousToken,
      tenantId: tenant.id,
      citizenId,
      method: 'franceconnect',
      idToken: input.idToken,
      userAgent: input.userAgent,
      ip: input.ip,
      now,
    });
    return { token, citizenId, outcome };

    async function emailIsFree(address: string): Promise<boolean> {
      const taken = await trx
        .selectFrom('citizens')
        .select('id')
        .where('tenant_id', '=', tenant.id)
        .where('email', '=', address)
        .executeTakeFirst();
      return !taken;
    }
  });
}
