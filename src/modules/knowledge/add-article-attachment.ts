import { createHash } from 'node:crypto';
import type { Tx } from '../../db/tenant-scope.ts';
import type { UploadedFile } from '../../platform/web/form-body.ts';
import type { FormResult } from '../../platform/web/form.ts';
import { checkUploadedFile, storedFilename } from '../requests/file-check.ts';
import { lockedArticle } from './locked-article.ts';

/**
 * Attaches files to an article (a form to print, a procedure). The same checks as the citizens'
 * documents: the type from the content (PDF, JPEG, PNG), the size limits of the upload. Nothing is
 * stored if one file is refused.
 */
export async function addArticleAttachment(
  trx: Tx,
  input: { tenantId: string; demarcheId: string; files: UploadedFile[]; agentId: string; now: Date },
): Promise<FormResult<{ count: number }>> {
  if (input.files.length === 0)
    return { ok: false, errors: [{ field: 'fichier', message: 'Choisissez un fichier à joindre.' }] };
  const checked = [];
  for (const file of input.files) {
    const result = await checkUploadedFile(file);
    if (!result.ok) return { ok: false, errors: [{ field: 'fichier', message: result.message }] };
    checked.push({ file, mimeType: result.mimeType });
  }
  await lockedArticle(trx, input);
  for (const { file, mimeType } of checked) {
    await trx
      .insertInto('article_attachments')
      .values({
        tenant_id: input.tenantId,
        demarche_id: input.demarcheId,
        filename: storedFilename(file.filename, mimeType),
        mime_type: mimeType,
        size_bytes: file.data.length,
        sha256: createHash('sha256').update(file.data).digest('hex'),
        content: file.data,
        uploaded_by: input.agentId,
        created_at: input.now,
      })
      .execute();
  }
  return { ok: true, value: { count: checked.length } };
}
