import { formatCharactersFr } from '../../platform/format.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import type { FormResult } from '../../platform/web/form.ts';
import { MESSAGE_MAX_LENGTH } from './change-request-status.ts';

export interface AddInternalNoteInput {
  tenantId: string;
  requestId: string;
  agentId: string;
  body: string;
}

/**
 * Adds a note for colleagues to a request's timeline. Never shown to the citizen, never mailed.
 * An empty or too long note comes back as a field error, nothing stored.
 */
export async function addInternalNote(trx: Tx, input: AddInternalNoteInput): Promise<FormResult<null>> {
  const body = input.body.replace(/\r\n/g, '\n').trim();
  if (body === '') return { ok: false, errors: [{ field: 'note', message: 'Écrivez le texte de la note.' }] };
  if (body.length > MESSAGE_MAX_LENGTH) {
    const message = `La note est trop longue : ${formatCharactersFr(MESSAGE_MAX_LENGTH)} au maximum.`;
    return { ok: false, errors: [{ field: 'note', message }] };
  }
  await trx
    .insertInto('request_events')
    .values({
      tenant_id: input.tenantId,
      request_id: input.requestId,
      kind: 'internal_note',
      body,
      author_kind: 'agent',
      author_agent_id: input.agentId,
      visible_to_citizen: false,
    })
    .execute();
  return { ok: true, value: null };
}
