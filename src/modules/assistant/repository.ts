import type { AssistantMessage } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';

export interface Conversation {
  id: string;
  audience: 'public' | 'agent';
  messages: AssistantMessage[];
  createdAt: Date;
  handedOffRequestId: string | null;
}

export async function findConversation(trx: Tx, id: string): Promise<Conversation | null> {
  const row = await trx.selectFrom('assistant_conversations').selectAll().where('id', '=', id).executeTakeFirst();
  return row
    ? {
        id: row.id,
        audience: row.audience,
        messages: row.messages,
        createdAt: row.created_at,
        handedOffRequestId: row.handed_off_request_id,
      }
    : null;
}

export async function insertConversation(
  trx: Tx,
  input: { tenantId: string; id: string; audience: 'public' | 'agent'; messages: AssistantMessage[]; now: Date },
): Promise<void> {
  await trx
    .insertInto('assistant_conversations')
    .values({
      tenant_id: input.tenantId,
      id: input.id,
      audience: input.audience,
      messages: JSON.stringify(input.messages),
      created_at: input.now,
      updated_at: input.now,
    })
    .execute();
}

export async function updateConversationMessages(
  trx: Tx,
  id: string,
  messages: AssistantMessage[],
  now: Date,
): Promise<void> {
  await trx
    .updateTable('assistant_conversations')
    .set({ messages: JSON.stringify(messages), updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function markHandedOff(trx: Tx, id: string, requestId: string): Promise<void> {
  await trx
    .updateTable('assistant_conversations')
    .set({ handed_off_request_id: requestId })
    .where('id', '=', id)
    .execute();
}

export async function deleteConversationsBefore(trx: Tx, cutoff: Date): Promise<number> {
  const result = await trx.deleteFrom('assistant_conversations').where('created_at', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The tenant's choice to send personal data to the language model unmasked. */
export async function readLlmPersonalData(trx: Tx): Promise<boolean> {
  const row = await trx.selectFrom('tenants').select('llm_personal_data').executeTakeFirst();
  return row?.llm_personal_data ?? false;
}

export async function writeLlmPersonalData(trx: Tx, tenantId: string, value: boolean): Promise<void> {
  await trx.updateTable('tenants').set({ llm_personal_data: value }).where('id', '=', tenantId).execute();
}

/** The articles the answer is composed from, by slug (public or, for agents, internal too). */
export async function findArticles(
  trx: Tx,
  slugs: string[],
  audience: 'public' | 'agent',
): Promise<
  {
    slug: string;
    title: string;
    summary: string;
    sections: Record<string, string>;
    form: unknown;
    channels: string[];
    kind: string;
    audience: 'public' | 'internal';
    /** Booked online (modules/appointments): it has an active appointment motif. */
    bookable: boolean;
  }[]
> {
  if (slugs.length === 0) return [];
  return trx
    .selectFrom('demarches')
    .select(['slug', 'title', 'summary', 'sections', 'form', 'channels', 'kind', 'audience'])
    .select(({ exists, selectFrom }) =>
      exists(
        selectFrom('appointment_motifs as m')
          .select('m.id')
          .whereRef('m.demarche_id', '=', 'demarches.id')
          .where('m.active', '=', true),
      ).as('bookable'),
    )
    .where('slug', 'in', slugs)
    .where('published_at', 'is not', null)
    .where('kind', '!=', 'contact')
    .$if(audience === 'public', (qb) => qb.where('audience', '=', 'public'))
    .execute()
    .then((rows) => rows.map((r) => ({ ...r, bookable: Boolean(r.bookable) })));
}
