import { sql } from 'kysely';
import { inTenant, type Db } from '../../db/tenant-scope.ts';
import type { Job } from '../../platform/jobs/daily.ts';
import { deleteConversationsBefore } from './repository.ts';

/** How long a conversation with the assistant is kept (what was typed, and the answers). */
export const CONVERSATION_RETENTION_DAYS = 30;

/** The assistant's daily job: conversations older than the retention period are deleted. */
export function assistantJobs(db: Db): Job[] {
  return [
    {
      name: 'assistant-purge',
      description: `Delete assistant conversations begun more than ${CONVERSATION_RETENTION_DAYS} days ago.`,
      run: async (now) => {
        const cutoff = new Date(now.getTime() - CONVERSATION_RETENTION_DAYS * 86_400_000);
        const tenants = await sql<{ id: string }>`select guichet_tenant_ids() as id`.execute(db);
        let deleted = 0;
        for (const { id } of tenants.rows) {
          deleted += await inTenant(db, id, (trx) => deleteConversationsBefore(trx, cutoff));
        }
        return { deleted };
      },
    },
  ];
}
