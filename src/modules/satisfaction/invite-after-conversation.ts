import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { inviteToSurvey, type SurveyLink } from './invite-to-survey.ts';

const CONVERSATION_ID = /^[A-Za-z0-9_-]{22,64}$/;

/**
 * « Donner votre avis » under a public conversation with the assistant: its one invitation (made
 * at the first click, given again afterwards), or null once answered. An unknown, erased or
 * agents' conversation is not found.
 */
export async function inviteAfterConversation(
  trx: Tx,
  input: { tenantId: string; conversationId: string; sessionSecret: string; linkDays: number; now: Date },
): Promise<SurveyLink | null> {
  const notFound = () => new AppError('not_found', 'Cette conversation n’existe pas ou a été effacée.');
  if (!CONVERSATION_ID.test(input.conversationId)) throw notFound();
  const conversation = await trx
    .selectFrom('assistant_conversations')
    .select('id')
    .where('id', '=', input.conversationId)
    .where('audience', '=', 'public')
    .executeTakeFirst();
  if (!conversation) throw notFound();
  return inviteToSurvey(trx, {
    tenantId: input.tenantId,
    sessionSecret: input.sessionSecret,
    baseUrl: '',
    linkDays: input.linkDays,
    now: input.now,
    interaction: 'assistant',
    channel: 'assistant',
    conversationId: conversation.id,
  });
}
