import { createHmac, hkdfSync } from 'node:crypto';
import { sql } from 'kysely';
import type { ExperienceTone } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { anonymiseText } from './anonymise-text.ts';

/** How long an address's submissions are counted (EXPERIENCE_RATE_LIMIT is per this window). */
export const EXPERIENCE_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * What identifies a sender for the count, without storing their address: an HMAC of the tenant
 * and the address under a key derived from SESSION_SECRET. Cleared after the window.
 */
export function experienceSourceKey(sessionSecret: string, tenantId: string, ip: string): string {
  const key = Buffer.from(hkdfSync('sha256', sessionSecret, 'guichet', 'experience-source', 32));
  return createHmac('sha256', key).update(`${tenantId}\n${ip}`).digest('base64url');
}

export interface ExperienceInput {
  tone: ExperienceTone;
  title: string;
  story: string;
  serviceId: string | null;
  authorName: string | null;
  contactEmail: string | null;
}

/**
 * Stores a citizen's experience, to moderate: what they typed (read by moderators only) and the
 * masker's proposal of the public text, masking their own name and email too. At most `limit`
 * experiences per sender and 24 hours (ballot stuffing): past it, nothing is stored.
 */
export async function submitExperience(
  trx: Tx,
  input: ExperienceInput & { tenantId: string; sourceKey: string; limit: number; now: Date },
): Promise<{ ok: true; id: string } | { ok: false; reason: 'rate_limited' }> {
  const since = new Date(input.now.getTime() - EXPERIENCE_WINDOW_MS);
  // Serialises one sender's submissions, so that parallel posts cannot all pass the count.
  await sql`select pg_advisory_xact_lock(hashtext(${`experience:${input.tenantId}:${input.sourceKey}`}))`.execute(trx);
  await trx
    .updateTable('experiences')
    .set({ source_key: null })
    .where('source_key', 'is not', null)
    .where('created_at', '<', since)
    .execute();
  const count = await trx
    .selectFrom('experiences')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('source_key', '=', input.sourceKey)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  if (Number(count.n) >= input.limit) return { ok: false, reason: 'rate_limited' };
  const knownNames = [input.authorName ?? '', input.contactEmail?.split('@')[0] ?? ''].filter(Boolean);
  const today = input.now;
  const row = await trx
    .insertInto('experiences')
    .values({
      tenant_id: input.tenantId,
      tone: input.tone,
      title: input.title,
      story: input.story,
      service_id: input.serviceId,
      author_name: input.authorName,
      contact_email: input.contactEmail,
      masked_title: anonymiseText(input.title, { knownNames, today }).text,
      masked_story: anonymiseText(input.story, { knownNames, today }).text,
      source_key: input.sourceKey,
      created_at: input.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ok: true, id: row.id };
}
