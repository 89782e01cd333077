import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.ts';
import { formatCharactersFr } from '../../platform/format.ts';
import type { FormResult } from '../../platform/web/form.ts';
import { BODY_MAX } from './forms.ts';
import { analyseReadability } from '../../platform/plain-language/readability.ts';

export interface SaveReplyTemplateInput {
  tenantId: string;
  /** null: a new template. */
  id: string | null;
  title: string;
  /** null: for every service. */
  serviceId: string | null;
  body: string;
}

/**
 * Creates or updates a reply template. The caller has checked that the agent may manage
 * templates of this service (and of the template's former service, on an update).
 */
export async function saveReplyTemplate(trx: Tx, input: SaveReplyTemplateInput): Promise<FormResult<{ id: string }>> {
  const body = input.body.replace(/\r\n/g, '\n').trim();
  if (body === '') return { ok: false, errors: [{ field: 'texte', message: 'Écrivez le texte du modèle.' }] };
  if (body.length > BODY_MAX)
    return {
      ok: false,
      errors: [{ field: 'texte', message: `Le texte est trop long : ${formatCharactersFr(BODY_MAX)} au plus.` }],
    };
  if (input.serviceId !== null) {
    const service = await trx.selectFrom('services').select('id').where('id', '=', input.serviceId).executeTakeFirst();
    if (!service) return { ok: false, errors: [{ field: 'service', message: 'Choisissez un service de la liste.' }] };
  }
  const readability = JSON.stringify(analyseReadability(body));
  if (input.id === null) {
    const row = await trx
      .insertInto('reply_templates')
      .values({ tenant_id: input.tenantId, service_id: input.serviceId, title: input.title, body, readability })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { ok: true, value: { id: row.id } };
  }
  await trx
    .updateTable('reply_templates')
    .set({ title: input.title, service_id: input.serviceId, body, readability, updated_at: sql<Date>`now()` })
    .where('id', '=', input.id)
    .execute();
  return { ok: true, value: { id: input.id } };
}
