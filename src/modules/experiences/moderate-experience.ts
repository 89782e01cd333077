import type { Tx } from '../../db/tenant-scope.ts';
import { queueMail } from '../../platform/mail.ts';
import type { Tenant } from '../../platform/tenant.ts';
import { rejectedMail } from './experience-mails.ts';

type Moderated = { ok: true } | { ok: false; reason: 'not_found' | 'already_rejected' };

/**
 * Publishes an experience with the title and text the moderator checked (the masker's proposal,
 * edited). The story as typed is erased: only the public text remains. A rejected experience
 * cannot be published afterwards: the citizen was told it would not be.
 */
export async function publishExperience(
  trx: Tx,
  input: { id: string; agentId: string; title: string; story: string; now: Date },
): Promise<Moderated> {
  const row = await trx
    .selectFrom('experiences')
    .select(['status'])
    .where('id', '=', input.id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return { ok: false, reason: 'not_found' };
  if (row.status === 'rejetee') return { ok: false, reason: 'already_rejected' };
  await trx
    .updateTable('experiences')
    .set({
      status: 'publiee',
      published_title: input.title,
      published_story: input.story,
      story: null,
      moderated_by: input.agentId,
      moderated_at: input.now,
    })
    .where('id', '=', input.id)
    .execute();
  return { ok: true };
}

/**
 * Rejects an experience, with the reason (mailed to the citizen when they left an address). A
 * published one is withdrawn the same way: its public text, answer and actions go; it can never
 * be shown again.
 */
export async function rejectExperience(
  trx: Tx,
  input: { tenant: Tenant; id: string; agentId: string; reason: string; now: Date },
): Promise<Moderated> {
  const row = await trx
    .selectFrom('experiences')
    .select(['status', 'contact_email', 'masked_title'])
    .where('id', '=', input.id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return { ok: false, reason: 'not_found' };
  if (row.status === 'rejetee') return { ok: false, reason: 'already_rejected' };
  await trx.deleteFrom('experience_actions').where('experience_id', '=', input.id).execute();
  await trx
    .updateTable('experiences')
    .set({
      status: 'rejetee',
      rejection_reason: input.reason,
      published_title: null,
      published_story: null,
      answer: null,
      answer_signature: null,
      answered_by: null,
      answered_at: null,
      story: null,
      moderated_by: input.agentId,
      moderated_at: input.now,
    })
    .where('id', '=', input.id)
    .execute();
  if (row.contact_email)
    await queueMail(
      trx,
      input.tenant.id,
      rejectedMail({ tenant: input.tenant, to: row.contact_email, title: row.masked_title, reason: input.reason }),
    );
  return { ok: true };
}
