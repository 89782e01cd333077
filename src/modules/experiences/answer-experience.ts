import type { Tx } from '../../db/tenant-scope.ts';
import { queueMail } from '../../platform/mail.ts';
import type { Tenant } from '../../platform/tenant.ts';
import { answeredMail } from './experience-mails.ts';

/**
 * The service's public answer to a published experience, with its signature; it replaces an
 * earlier one. The citizen who left an address is told at the first answer.
 */
export async function answerExperience(
  trx: Tx,
  input: { tenant: Tenant; id: string; agentId: string; answer: string; signature: string; pageUrl: string; now: Date },
): Promise<{ ok: true } | { ok: false; reason: 'not_found' | 'not_published' }> {
  const row = await trx
    .selectFrom('experiences')
    .select(['status', 'contact_email', 'published_title', 'answered_at'])
    .where('id', '=', input.id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return { ok: false, reason: 'not_found' };
  if (row.status !== 'publiee') return { ok: false, reason: 'not_published' };
  await trx
    .updateTable('experiences')
    .set({
      answer: input.answer,
      answer_signature: input.signature,
      answered_by: input.agentId,
      answered_at: input.now,
    })
    .where('id', '=', input.id)
    .execute();
  if (row.contact_email && row.answered_at === null)
    await queueMail(
      trx,
      input.tenant.id,
      answeredMail({
        tenant: input.tenant,
        to: row.contact_email,
        title: row.published_title ?? '',
        answer: input.answer,
        signature: input.signature,
        pageUrl: input.pageUrl,
      }),
    );
  return { ok: true };
}
