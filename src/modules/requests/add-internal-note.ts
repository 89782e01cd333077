import { formatCharactersFr } from '../../platform/format.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { MESSAGE_MAX_LENGTH } from './change-request-status.ts';

export interface AddInternalNoteInput {
  tenantId: string;
  requestId: string;
  agentId: string;
  body: string;
}

/** Adds a note for colleagues to a request's timeline. Never shown to the citizen, never mailed. */
export async function addInternalNote(trx: Tx, input: AddInternalNoteInput): Promise<void> {
  const body = input.body.replace(/\r\n/g, '\n').trim();
  if (body === '') {
    const msg = 'Écrivez le texte de la note.';
    throw new AppError('validation_failed', msg, [{ field: 'note', message: msg }]);
  }
  if (body.length > MESSAGE_MAX_LENGTH) {
    const msg = `La note est trop longue : ${formatCharactersFr(MESSAGE_MAX_LENGTH)} au maximum.`;
    throw new AppError('validation_failed', msg, [{ field: 'note', message: msg }]);
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
}
