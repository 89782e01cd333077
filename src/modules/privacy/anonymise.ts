import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.ts';
import { forgetPeopleWithoutData } from '../people/forget-people.ts';

/**
 * Removes everything that identifies the applicant from requests, in the caller's transaction,
 * and keeps what statistics need: démarche, service, channel, status, submission, closing and
 * due dates (so "answered on time" can still be counted). Answers, files, message bodies, the
 * link to an account and the mails and text messages sent about the request go, and so does the
 * link to the citizen record, whose personal fields are cleared when nothing else of the person
 * remains (people module). Returns how many requests changed.
 */
export async function anonymiseRequests(trx: Tx, requestIds: string[], now: Date): Promise<number> {
  if (requestIds.length === 0) return 0;
  const people = await trx
    .selectFrom('requests')
    .select('person_id')
    .distinct()
    .where('id', 'in', requestIds)
    .where('person_id', 'is not', null)
    .execute();
  await trx.deleteFrom('request_documents').where('request_id', 'in', requestIds).execute();
  await trx.updateTable('request_events').set({ body: '' }).where('request_id', 'in', requestIds).execute();
  // Sent mails hold the applicant's address and the request's content; pending ones are moot.
  await trx.deleteFrom('mail_outbox').where('request_id', 'in', requestIds).execute();
  // Text messages hold the applicant's number (a pending one finds nothing to send: its job ends).
  await trx.deleteFrom('sms_messages').where('request_id', 'in', requestIds).execute();
  const updated = await trx
    .updateTable('requests')
    .set({
      data: '{}',
      applicant_name: null,
      applicant_email: null,
      applicant_phone: null,
      citizen_id: null,
      person_id: null,
      // The tracking code no longer opens anything: there is nothing left to show.
      tracking_secret_hash: sql<string>`'anonymised:' || gen_random_uuid()::text`,
      tracking_secret_sealed: null,
      anonymised_at: now,
      updated_at: now,
    })
    .where('id', 'in', requestIds)
    .where('anonymised_at', 'is', null)
    .executeTakeFirst();
  await forgetPeopleWithoutData(
    trx,
    people.map((p) => p.person_id!),
    now,
  );
  return Number(updated.numUpdatedRows);
}
