import { sql } from 'kysely';
import type { AuditChannel } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';

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
 * link to an account and the mails sent about the request go; the timeline keeps who did what
 * and when, and gains an `anonymised` event saying why the rest went. Returns how many requests
 * changed.
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
  await trx.deleteFrom('request_documents').where('request_id', 'in', requestIds).execute();
  // Sent mails hold the applicant's address and the request's content; pending ones are moot.
  await trx.deleteFrom('mail_outbox').where('request_id', 'in', requestIds).execute();
  const updated = await trx
    .updateTable('requests')
    .set({
      data: '{}',
      applicant_name: null,
      applicant_email: null,
      applicant_phone: null,
      citizen_id: null,
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
  return updated.length;
}
