import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { createFirstVersions } from './create-first-versions.ts';
import { findArticle, type Article } from './repository.ts';

export function articleNotFound(): AppError {
  return new AppError('not_found', 'Cette page de la base de connaissances n’existe pas.');
}

/**
 * The article, locked for a change of its workflow (two clicks at once are serialised). A page
 * made outside the knowledge base gets its version 1 first. `version`: the version the agent was
 * shown; another one saved since refuses the change (they would act on a text they have not read).
 */
export async function lockedArticle(
  trx: Tx,
  input: { tenantId: string; demarcheId: string; now: Date; version?: number | null },
): Promise<Article> {
  await createFirstVersions(trx, { tenantId: input.tenantId, now: input.now, demarcheIds: [input.demarcheId] });
  const article = await findArticle(trx, input.demarcheId, true);
  if (!article || article.kind === 'contact') throw articleNotFound();
  if (input.version !== undefined && input.version !== null && input.version !== article.latestVersion)
    throw new AppError(
      'conflict',
      `Une version plus récente (version ${article.latestVersion}) a été enregistrée entre-temps. Rien n’a changé : relisez-la, puis recommencez.`,
    );
  return article;
}
