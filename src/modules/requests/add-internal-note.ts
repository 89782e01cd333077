import { formatCharactersFr } from '../../platform/format.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { queueMail } from '../../platform/mail.ts';
import { renderMail } from '../../platform/mail-template.ts';
import type { FormResult } from '../../platform/web/form.ts';
import { MESSAGE_MAX_LENGTH } from './change-request-status.ts';
import { recordMentions } from '../inbox/repository.ts';
import { mentionedNames, mentionErrorMessage, resolveMentions } from './note-mentions.ts';

export interface AddInternalNoteInput {
  tenantId: string;
  requestId: string;
  agentId: string;
  body: string;
  /** For the mail to the agents the note mentions: who wrote it, where the item is. */
  mentions?: { tenantName: string; reference: string; authorName: string; baseUrl: string };
}

/**
 * Adds a note for colleagues to a request's timeline. Never shown to the citizen, never mailed
 * to them. The agents it mentions (« @Camille », « @camille.voirie ») are mailed a link to the
 * item, and the item shows « Mentionné » in their inbox until they open it; a mention that names no agent of the tenant, or several, is a field error listing the
 * names, and nothing is stored. An empty or too long note comes back as a field error too.
 */
export async function addInternalNote(
  trx: Tx,
  input: AddInternalNoteInput,
): Promise<FormResult<{ mentioned: number }>> {
  const body = input.body.replace(/\r\n/g, '\n').trim();
  if (body === '') return { ok: false, errors: [{ field: 'note', message: 'Écrivez le texte de la note.' }] };
  if (body.length > MESSAGE_MAX_LENGTH) {
    const message = `La note est trop longue : ${formatCharactersFr(MESSAGE_MAX_LENGTH)} au maximum.`;
    return { ok: false, errors: [{ field: 'note', message }] };
  }
  const mentions = await resolveMentions(trx, mentionedNames(body));
  const mentionError = mentionErrorMessage(mentions);
  if (mentionError) return { ok: false, errors: [{ field: 'note', message: mentionError }] };
  const event = await trx
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
    .returning('created_at')
    .executeTakeFirstOrThrow();
  // The item shows « Mentionné » to each of them until they open it (the inbox's « Mentions » view).
  await recordMentions(trx, {
    tenantId: input.tenantId,
    requestId: input.requestId,
    agentIds: mentions.agents.filter((a) => a.id !== input.agentId).map((a) => a.id),
    at: event.created_at,
  });
  const notified = input.mentions ? mentions.agents.filter((a) => a.id !== input.agentId) : [];
  for (const agent of notified) {
    const m = input.mentions!;
    // Like the mail about a citizen's message: no personal data, the note is read behind the login.
    await queueMail(
      trx,
      input.tenantId,
      renderMail({
        to: agent.email,
        requestId: input.requestId,
        subject: `${m.authorName} vous mentionne – demande ${m.reference}`,
        greeting: `Bonjour ${agent.display_name},`,
        blocks: [
          {
            kind: 'paragraph',
            text: `${m.authorName} vous a mentionné dans une note interne sur la demande ${m.reference}.`,
          },
          {
            kind: 'button',
            label: 'Lire la note',
            url: `${m.baseUrl}/agent/demandes/${encodeURIComponent(m.reference)}`,
          },
        ],
        signature: `Guichet – ${m.tenantName}`,
      }),
    );
  }
  return { ok: true, value: { mentioned: notified.length } };
}
