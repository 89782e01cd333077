import { randomBytes } from 'node:crypto';
import type { AssistantMessage } from '../../db/schema.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import type { Services } from '../../services.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { answerQuestion, type AnswerQuestionInput, type AssistantAnswer } from './answer-question.ts';
import { findConversation, insertConversation, updateConversationMessages } from './repository.ts';

/** The most messages a conversation keeps (questions and answers); older ones drop off. */
const MAX_MESSAGES = 40;
const CONVERSATION_ID = /^[A-Za-z0-9_-]{22,64}$/;

/** A new conversation's id: 128 random bits, URL-safe; whoever holds it reads the conversation. */
export function newConversationId(): string {
  return randomBytes(16).toString('base64url');
}

export function isConversationId(value: unknown): value is string {
  return typeof value === 'string' && CONVERSATION_ID.test(value);
}

/**
 * A question within a conversation: answered (answer-question.ts), then the question and the
 * answer are appended to the conversation, which is created when the id is missing, unknown,
 * or of the other audience. Nothing but what was typed and answered is stored.
 */
export async function askAssistant(
  services: Pick<Services, 'db' | 'llm' | 'clock' | 'caches'>,
  tenant: Pick<Tenant, 'id' | 'name' | 'contact'>,
  input: Omit<AnswerQuestionInput, 'links'> & {
    conversationId: string | null;
    links: (conversationId: string) => AnswerQuestionInput['links'];
  },
): Promise<{ conversationId: string; answer: AssistantAnswer }> {
  const now = services.clock.now();
  const existing = isConversationId(input.conversationId)
    ? await inTenant(services.db, tenant.id, (trx) => findConversation(trx, input.conversationId!))
    : null;
  const conversation = existing && existing.audience === input.audience ? existing : null;
  const conversationId = conversation?.id ?? newConversationId();
  const answer = await answerQuestion(services, tenant, { ...input, links: input.links(conversationId) });
  const asked: AssistantMessage = { role: 'question', text: input.question.trim(), at: now.toISOString() };
  const messages: AssistantMessage[] = [
    ...(conversation?.messages ?? []),
    asked,
    {
      role: 'answer' as const,
      text: answer.answer,
      at: now.toISOString(),
      citations: answer.citations,
      declined: answer.declined,
    },
  ].slice(-MAX_MESSAGES);
  await inTenant(services.db, tenant.id, async (trx) => {
    if (conversation) await updateConversationMessages(trx, conversation.id, messages, now);
    else
      await insertConversation(trx, {
        tenantId: tenant.id,
        id: conversationId,
        audience: input.audience,
        messages,
        now,
      });
  });
  return { conversationId, answer };
}
