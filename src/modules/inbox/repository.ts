import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.ts';
import { sortFr } from '../../platform/format.ts';

/** The tenant's tags, in French order, with how many items carry each. */
export async function listTags(trx: Tx) {
  const rows = await trx
    .selectFrom('tags as t')
    .leftJoin('request_tags as rt', (j) => j.onRef('rt.tenant_id', '=', 't.tenant_id').onRef('rt.tag_id', '=', 't.id'))
    .select(['t.id', 't.label', sql<number>`count(rt.request_id)::int`.as('uses')])
    .groupBy(['t.id', 't.label'])
    .execute();
  return sortFr(
    rows.map((r) => ({ ...r, uses: Number(r.uses) })),
    (t) => t.label,
  );
}
export type TagRow = Awaited<ReturnType<typeof listTags>>[number];

export async function findTag(trx: Tx, id: string) {
  return trx.selectFrom('tags').select(['id', 'label']).where('id', '=', id).executeTakeFirst();
}

/** The tag with this label, case ignored. */
export async function findTagByLabel(trx: Tx, label: string) {
  return trx
    .selectFrom('tags')
    .select(['id', 'label'])
    .where(sql<string>`lower(label)`, '=', label.toLowerCase())
    .executeTakeFirst();
}

/** The tags of each of these items, by request id, labels in French order. */
export async function tagsOfRequests(trx: Tx, requestIds: readonly string[]) {
  const byRequest = new Map<string, { id: string; label: string }[]>();
  if (requestIds.length === 0) return byRequest;
  const rows = await trx
    .selectFrom('request_tags as rt')
    .innerJoin('tags as t', (j) => j.onRef('t.tenant_id', '=', 'rt.tenant_id').onRef('t.id', '=', 'rt.tag_id'))
    .select(['rt.request_id', 't.id', 't.label'])
    .where('rt.request_id', 'in', [...requestIds])
    .execute();
  for (const r of sortFr(rows, (x) => x.label)) {
    const list = byRequest.get(r.request_id) ?? [];
    list.push({ id: r.id, label: r.label });
    byRequest.set(r.request_id, list);
  }
  return byRequest;
}

/** The saved views an agent sees: their own, and those shared with one of their services. */
export async function listSavedViews(trx: Tx, agentId: string, serviceIds: readonly string[] | null) {
  const rows = await trx
    .selectFrom('saved_views as v')
    .innerJoin('agents as a', (j) => j.onRef('a.tenant_id', '=', 'v.tenant_id').onRef('a.id', '=', 'v.agent_id'))
    .leftJoin('services as s', (j) =>
      j.onRef('s.tenant_id', '=', 'v.tenant_id').onRef('s.id', '=', 'v.shared_service_id'),
    )
    .select([
      'v.id',
      'v.name',
      'v.query',
      'v.agent_id',
      'v.shared_service_id',
      's.name as shared_service_name',
      'a.display_name as owner_name',
    ])
    .where((eb) => {
      const shared =
        serviceIds === null
          ? eb('v.shared_service_id', 'is not', null)
          : serviceIds.length === 0
            ? eb.val(false)
            : eb('v.shared_service_id', 'in', [...serviceIds]);
      return eb.or([eb('v.agent_id', '=', agentId), shared]);
    })
    .execute();
  // One's own views first, then the shared ones.
  return sortFr(rows, (v) => `${v.agent_id === agentId ? 0 : 1} ${v.name}`);
}
export type SavedViewRow = Awaited<ReturnType<typeof listSavedViews>>[number];

export async function findSavedView(trx: Tx, id: string) {
  return trx
    .selectFrom('saved_views')
    .select(['id', 'agent_id', 'name', 'query', 'shared_service_id'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Marks an item « Mentionné » for these agents until they open it again. */
export async function recordMentions(
  trx: Tx,
  input: { tenantId: string; requestId: string; agentIds: readonly string[]; at: Date },
) {
  if (input.agentIds.length === 0) return;
  await trx
    .insertInto('request_mentions')
    .values(
      input.agentIds.map((agentId) => ({
        tenant_id: input.tenantId,
        request_id: input.requestId,
        agent_id: agentId,
        mentioned_at: input.at,
      })),
    )
    .onConflict((oc) => oc.columns(['tenant_id', 'request_id', 'agent_id']).doUpdateSet({ mentioned_at: input.at }))
    .execute();
}
