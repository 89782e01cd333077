import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.ts';
import { phoneKey } from '../search/query.ts';

/** Who an item concerns, as the channel knows them. */
export type PersonIntake =
  /** A signed-in citizen: their account's record, created if needed. */
  | { kind: 'account'; citizenId: string }
  /** Anyone else (a form filled without an account, an email, a call): matched by address, then phone. */
  | {
      kind: 'contact';
      name: string | null;
      givenName?: string | null;
      familyName?: string | null;
      email: string | null;
      phone: string | null;
    };

const clip = (value: string | null | undefined, max: number): string | null => {
  const v = value?.trim() ?? '';
  return v === '' ? null : v.slice(0, max);
};

/**
 * The citizen record an item being opened belongs to, found or created in the caller's
 * transaction, so that the item and its record commit together (decision 18).
 *
 * - A signed-in citizen: the record of their account, created from the account if needed. When
 *   FranceConnect verified the account's identity, the record takes that identity (names, birth
 *   date) and keeps it: agents cannot edit it.
 * - Anyone else: the active record with the same email address (case ignored), else with the same
 *   phone number (`guichet_phone_key`), else a new record. A name alone never matches (two people
 *   can share one): such duplicates are suggested to agents, who merge them.
 *
 * A matched record gets the contact details it lacked (never overwritten). Returns the record's id.
 */
export async function findOrCreatePerson(trx: Tx, tenantId: string, intake: PersonIntake): Promise<string> {
  return intake.kind === 'account'
    ? accountPerson(trx, tenantId, intake.citizenId)
    : contactPerson(trx, tenantId, intake);
}

async function accountPerson(trx: Tx, tenantId: string, citizenId: string): Promise<string> {
  // One statement: two submissions of one account at once meet on the unique index, not twice.
  await sql`
    insert into people (tenant_id, citizen_id, given_name, family_name, display_name, birthdate, email,
                        identity_source, identity_verified_at)
    select c.tenant_id, c.id, c.given_name, c.family_name,
           left(btrim(coalesce(c.given_name, '') || ' ' || coalesce(c.family_name, '')), 300), c.birthdate,
           c.email::text,
           case when c.franceconnect_sub is not null and c.identity_verified_at is not null then 'franceconnect' end,
           case when c.franceconnect_sub is not null then c.identity_verified_at end
      from citizens c where c.tenant_id = ${tenantId} and c.id = ${citizenId}
    on conflict (tenant_id, citizen_id) where citizen_id is not null do nothing`.execute(trx);
  const person = await trx
    .selectFrom('people')
    .select(['id', 'identity_source', 'identity_verified_at'])
    .where('citizen_id', '=', citizenId)
    .executeTakeFirstOrThrow();
  // Verified since the record was made (FranceConnect linked later): the identity becomes the
  // verified one.
  await sql`
    update people p set given_name = c.given_name, family_name = c.family_name,
           display_name = left(btrim(coalesce(c.given_name, '') || ' ' || coalesce(c.family_name, '')), 300),
           birthdate = c.birthdate, identity_source = 'franceconnect', identity_verified_at = c.identity_verified_at,
           updated_at = now()
      from citizens c
     where p.tenant_id = ${tenantId} and p.id = ${person.id} and c.tenant_id = p.tenant_id and c.id = p.citizen_id
       and c.franceconnect_sub is not null and c.identity_verified_at is not null
       and p.identity_verified_at is distinct from c.identity_verified_at`.execute(trx);
  return person.id;
}

/**
 * One statement (a message a second is bounded by its round trips, bench/inbound-mail.ts): the
 * match by address, else by phone (`guichet_contact_match`, which can use the indexes), completed
 * with what it lacked, or a new record.
 */
async function contactPerson(trx: Tx, tenantId: string, intake: Extract<PersonIntake, { kind: 'contact' }>) {
  const email = clip(intake.email, 320);
  const phone = clip(intake.phone, 40);
  const key = phone ? phoneKey(phone) : null;
  const displayName = clip(intake.name, 300) ?? '';
  const { rows } = await sql<{ id: string }>`
    with found as (
      -- The schema owner's lookup on the indexes (row-level security would compare every record).
      select id from (select guichet_contact_match(${email}::text, ${key}::text) as id) m where id is not null
    ),
    completed as (
      -- What the record lacked, from what this channel knows; a verified identity is not touched.
      update people
         set email = coalesce(email, ${email}::text),
             phone = coalesce(phone, ${phone}::text),
             display_name = case when display_name = '' and identity_source is null then ${displayName}::text
                                 else display_name end
       where id = (select id from found)
      returning id
    ),
    created as (
      insert into people (tenant_id, given_name, family_name, display_name, email, phone)
      select ${tenantId}::uuid, ${clip(intake.givenName, 200)}::text, ${clip(intake.familyName, 200)}::text,
             ${displayName}::text, ${email}::text, ${phone}::text
       where not exists (select 1 from found)
      returning id
    )
    select id from completed union all select id from created`.execute(trx);
  return rows[0]!.id;
}
