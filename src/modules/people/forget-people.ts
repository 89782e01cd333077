import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.ts';

/**
 * After requests are anonymised or an account erased: each of these records (and the records once
 * merged into it) loses its personal fields when nothing of the person remains — no item points at
 * it and no account is linked to it. The row stays (an id without anyone behind it), so that
 * statistics of the items it had keep counting one person. The merges of such a record are
 * forgotten too: they hold its former values. Returns how many records were cleared.
 */
export async function forgetPeopleWithoutData(trx: Tx, personIds: readonly string[], now: Date): Promise<number> {
  const ids = [...new Set(personIds.filter((id): id is string => Boolean(id)))];
  if (ids.length === 0) return 0;
  const { rows } = await sql<{ id: string }>`
    with recursive family as (
      select p.id from people p
       where p.id = any(${ids}::uuid[]) and p.citizen_id is null
         and not exists (select 1 from requests r where r.tenant_id = p.tenant_id and r.person_id = p.id)
      union
      select m.id from people m join family f on m.merged_into_id = f.id
       where m.citizen_id is null
         and not exists (select 1 from requests r where r.tenant_id = m.tenant_id and r.person_id = m.id)
    )
    update people p set given_name = null, family_name = null, display_name = '', birthdate = null, email = null,
           phone = null, postal_address = '', preferred_channel = null, language = 'fr', accessibility_needs = '',
           identity_source = null, identity_verified_at = null, updated_at = ${now}
      from family f where p.id = f.id
    returning p.id`.execute(trx);
  const cleared = rows.map((r) => r.id);
  if (cleared.length > 0) {
    await trx
      .deleteFrom('person_merges')
      .where((eb) => eb.or([eb('kept_id', 'in', cleared), eb('merged_id', 'in', cleared)]))
      .execute();
  }
  return cleared.length;
}
