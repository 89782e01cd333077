import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { saveArticle, type SaveArticleResult } from './save-article.ts';
import { findVersion } from './repository.ts';

/**
 * « Restaurer »: an old version becomes the next one, as a draft (nothing is overwritten; what
 * citizens see changes only when it is published). `baseVersion` as for saveArticle.
 */
export async function restoreArticleVersion(
  trx: Tx,
  input: { tenantId: string; demarcheId: string; number: number; baseVersion: number; authorId: string; now: Date },
): Promise<SaveArticleResult> {
  const old = await findVersion(trx, input.demarcheId, input.number);
  if (!old) throw new AppError('not_found', 'Cette version n’existe pas.');
  return saveArticle(trx, {
    tenantId: input.tenantId,
    demarcheId: input.demarcheId,
    baseVersion: input.baseVersion,
    title: old.title,
    summary: old.summary,
    bodyMarkdown: old.bodyMarkdown,
    keywords: old.keywords,
    serviceId: old.serviceId,
    audience: old.audience,
    note: `Restauration de la version ${old.number}`,
    authorId: input.authorId,
    now: input.now,
  });
}
