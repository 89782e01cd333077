import { sql } from 'kysely';
import type { ActionStatus, ExperienceStatus, ExperienceTone } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';

/** The tenant's services, for the « service concerné » choice and the actions' service. */
export async function listServiceChoices(trx: Tx) {
  return trx.selectFrom('services').select(['id', 'name']).orderBy('name').execute();
}

export interface PublishedExperience {
  id: string;
  tone: ExperienceTone;
  title: string;
  story: string;
  serviceName: string | null;
  publishedAt: Date;
  createdAt: Date;
  answer: string | null;
  answerSignature: string | null;
  answeredAt: Date | null;
  actions: { id: string; title: string; status: ActionStatus }[];
}

/** Published experiences, newest first, with their answer and actions: what the public page shows. */
export async function listPublishedExperiences(trx: Tx, limit = 100): Promise<PublishedExperience[]> {
  const rows = await trx
    .selectFrom('experiences as e')
    .leftJoin('services as s', (j) => j.onRef('s.tenant_id', '=', 'e.tenant_id').onRef('s.id', '=', 'e.service_id'))
    .select([
      'e.id',
      'e.tone',
      'e.published_title',
      'e.published_story',
      's.name as service_name',
      'e.moderated_at',
      'e.created_at',
      'e.answer',
      'e.answer_signature',
      'e.answered_at',
    ])
    // Only published rows: a rejected or pending one never reaches this list (decision 37).
    .where('e.status', '=', 'publiee')
    .orderBy('e.moderated_at', 'desc')
    .limit(limit)
    .execute();
  const actions = await actionsOfExperiences(
    trx,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    tone: r.tone,
    title: r.published_title ?? '',
    story: r.published_story ?? '',
    serviceName: r.service_name,
    publishedAt: r.moderated_at!,
    createdAt: r.created_at,
    answer: r.answer,
    answerSignature: r.answer_signature,
    answeredAt: r.answered_at,
    actions: actions.get(r.id) ?? [],
  }));
}

async function actionsOfExperiences(trx: Tx, ids: string[]) {
  const byExperience = new Map<string, { id: string; title: string; status: ActionStatus }[]>();
  if (ids.length === 0) return byExperience;
  const rows = await trx
    .selectFrom('experience_actions as ea')
    .innerJoin('improvement_actions as a', (j) =>
      j.onRef('a.tenant_id', '=', 'ea.tenant_id').onRef('a.id', '=', 'ea.action_id'),
    )
    .select(['ea.experience_id', 'a.id', 'a.title', 'a.status'])
    .where('ea.experience_id', 'in', ids)
    .orderBy('a.title')
    .execute();
  for (const r of rows) {
    const list = byExperience.get(r.experience_id) ?? [];
    list.push({ id: r.id, title: r.title, status: r.status });
    byExperience.set(r.experience_id, list);
  }
  return byExperience;
}

/** The agents' list: to moderate first (oldest first), then the others (newest first). */
export async function listExperiencesForAgents(trx: Tx, status: ExperienceStatus | null, limit = 200) {
  let q = trx
    .selectFrom('experiences as e')
    .leftJoin('services as s', (j) => j.onRef('s.tenant_id', '=', 'e.tenant_id').onRef('s.id', '=', 'e.service_id'))
    .select([
      'e.id',
      'e.tone',
      'e.masked_title',
      'e.published_title',
      'e.status',
      'e.created_at',
      'e.answered_at',
      'e.service_id',
      's.name as service_name',
    ])
    .orderBy(sql`e.status = 'a_moderer'`, 'desc')
    .orderBy(sql`case when e.status = 'a_moderer' then e.created_at end`, 'asc')
    .orderBy('e.created_at', 'desc')
    .limit(limit);
  if (status) q = q.where('e.status', '=', status);
  return q.execute();
}

export async function countExperiencesToModerate(trx: Tx): Promise<number> {
  const row = await trx
    .selectFrom('experiences')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', '=', 'a_moderer')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findExperience(trx: Tx, id: string) {
  return trx
    .selectFrom('experiences as e')
    .leftJoin('services as s', (j) => j.onRef('s.tenant_id', '=', 'e.tenant_id').onRef('s.id', '=', 'e.service_id'))
    .leftJoin('agents as m', (j) => j.onRef('m.tenant_id', '=', 'e.tenant_id').onRef('m.id', '=', 'e.moderated_by'))
    .selectAll('e')
    .select(['s.name as service_name', 'm.display_name as moderator_name'])
    .where('e.id', '=', id)
    .executeTakeFirst();
}
export type ExperienceDetailRow = NonNullable<Awaited<ReturnType<typeof findExperience>>>;

export async function experienceActionIds(trx: Tx, experienceId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('experience_actions')
    .select('action_id')
    .where('experience_id', '=', experienceId)
    .execute();
  return rows.map((r) => r.action_id);
}

export interface ActionWithExperiences {
  id: string;
  title: string;
  description: string;
  status: ActionStatus;
  serviceId: string | null;
  serviceName: string | null;
  updatedAt: Date;
  doneAt: Date | null;
  /** Published experiences tagged with it (titles), never the others. */
  experiences: { id: string; title: string; tone: ExperienceTone }[];
}

/** Every improvement action, with the published experiences that led to it. */
export async function listActions(trx: Tx): Promise<ActionWithExperiences[]> {
  const rows = await trx
    .selectFrom('improvement_actions as a')
    .leftJoin('services as s', (j) => j.onRef('s.tenant_id', '=', 'a.tenant_id').onRef('s.id', '=', 'a.service_id'))
    .select([
      'a.id',
      'a.title',
      'a.description',
      'a.status',
      'a.service_id',
      's.name as service_name',
      'a.updated_at',
      'a.done_at',
    ])
    .orderBy(sql`case a.status when 'en_cours' then 0 when 'prevue' then 1 else 2 end`)
    .orderBy('a.updated_at', 'desc')
    .execute();
  const links = await trx
    .selectFrom('experience_actions as ea')
    .innerJoin('experiences as e', (j) =>
      j.onRef('e.tenant_id', '=', 'ea.tenant_id').onRef('e.id', '=', 'ea.experience_id'),
    )
    .select(['ea.action_id', 'e.id', 'e.published_title', 'e.tone'])
    .where('e.status', '=', 'publiee')
    .orderBy('e.moderated_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    description: r.description,
    status: r.status,
    serviceId: r.service_id,
    serviceName: r.service_name,
    updatedAt: r.updated_at,
    doneAt: r.done_at,
    experiences: links
      .filter((l) => l.action_id === r.id)
      .map((l) => ({ id: l.id, title: l.published_title ?? '', tone: l.tone })),
  }));
}
