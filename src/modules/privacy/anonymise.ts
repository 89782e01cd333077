import { sql } from 'kysely';
import type { AuditChannel } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { forgetPeopleWithoutData } from '../people/forget-people.ts';

/** An inbound mail with nothing left of its message, sender or subject. */
const EMPTIED_INBOUND_MAIL = {
  message_id: null,
  from_address: null,
  from_name: null,
  subject: '',
  subject_key: '',
  new_text: '',
  quoted_text: '',
  html_sanitised: null,
};

/** Why an item's personal data goes, as its timeline says it. */
export type AnonymisationReason = 'retention' | 'erasure';

const EVENT_BODIES: Record<AnonymisationReason, string> = {
  retention: 'Données personnelles effacées : la durée de conservation de la démarche est écoulée.',
  erasure: 'Données personnelles effacées à la demande de l’usager.',
};

/**
 * Removes everything that identifies the applicant from requests, in the caller's transaction,
 * and keeps what statistics need: démarche, service, channel, status, submission, closing and
 * due dates (so "answered on time" can still be counted). Answers, files, message bodies, the
 * link to an account and the mails and text messages sent about the request go, and so does the
 * link to the citizen record, whose personal fields are cleared when nothing else of the person
 * remains (people module); the timeline keeps who did what and when, and gains an `anonymised`
 * event saying why the rest went. Returns how many requests changed.
 *
 * The order matters: timeline events are append-only (decision 22), and their trigger lets a
 * body be blanked only once its request is marked anonymised.
 */
export async function anonymiseRequests(
  trx: Tx,
  requestIds: string[],
  now: Date,
  by: { reason: AnonymisationReason; channel: AuditChannel } = { reason: 'retention', channel: 'job' },
): Promise<number> {
  if (requestIds.length === 0) return 0;
  const people = await trx
    .selectFrom('requests')
    .select('person_id')
    .distinct()
    .where('id', 'in', requestIds)
    .where('person_id', 'is not', null)
    .execute();
  // Read before the applicant's address is cleared below.
  const addresses = await mailAddressesOf(trx, requestIds);
  // The mails the items were opened or answered with: the message, who wrote it, its subject.
  // The rows stay, empty, for the counts (channel, threading, acknowledgements).
  await trx.updateTable('inbound_mails').set(EMPTIED_INBOUND_MAIL).where('request_id', 'in', requestIds).execute();
  await trx.deleteFrom('request_documents').where('request_id', 'in', requestIds).execute();
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
    .returning(['tenant_id', 'id'])
    .execute();
  if (updated.length === 0) return 0;
  const ids = updated.map((r) => r.id);
  await trx
    .updateTable('request_events')
    .set({ body: '' })
    .where('request_id', 'in', ids)
    .where('body', '<>', '')
    .execute();
  await trx
    .insertInto('request_events')
    .values(
      updated.map((r) => ({
        tenant_id: r.tenant_id,
        request_id: r.id,
        kind: 'anonymised' as const,
        body: EVENT_BODIES[by.reason],
        author_kind: 'system' as const,
        author_agent_id: null,
        visible_to_citizen: false,
        channel: by.channel,
        created_at: now,
      })),
    )
    .execute();
  await forgetPeopleWithoutData(
    trx,
    people.map((p) => p.person_id!),
    now,
  );
  await forgetFailedAddresses(trx, addresses);
  return updated.length;
}

/** The citizen's addresses of these requests, and those a bounce about them named. */
async function mailAddressesOf(trx: Tx, requestIds: string[]): Promise<string[]> {
  const applicants = await trx
    .selectFrom('requests')
    .select('applicant_email as address')
    .where('id', 'in', requestIds)
    .where('applicant_email', 'is not', null)
    .execute();
  const bounced = await trx
    .selectFrom('mail_failed_addresses')
    .select('address')
    .where('request_id', 'in', requestIds)
    .execute();
  return [...new Set([...applicants, ...bounced].map((r) => r.address!.toLowerCase()))];
}

/**
 * « Adresse en échec » records of these addresses go, unless an item not anonymised still has
 * the address (its agents must still know mail to it fails). Call it once the items in question
 * are anonymised.
 */
export async function forgetFailedAddresses(trx: Tx, addresses: string[]): Promise<void> {
  if (addresses.length === 0) return;
  await trx
    .deleteFrom('mail_failed_addresses')
    .where('address', 'in', addresses)
    .where(({ exists, not, selectFrom }) =>
      not(
        exists(
          selectFrom('requests as live')
            .select('live.id')
            .whereRef('live.applicant_email', '=', 'mail_failed_addresses.address')
            .where('live.anonymised_at', 'is', null),
        ),
      ),
    )
    .execute();
}

/**
 * Mail received from an erased person and tied to no item (automatic replies recorded by the
 * loop guard, a bounce about an account mail): emptied like an anonymised item's.
 */
export async function forgetUnlinkedInboundMail(trx: Tx, address: string): Promise<void> {
  await trx
    .updateTable('inbound_mails')
    .set(EMPTIED_INBOUND_MAIL)
    .where('from_address', '=', address)
    .where('request_id', 'is', null)
    .execute();
}
