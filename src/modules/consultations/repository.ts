import { sql } from 'kysely';
import type { Db, Tx } from '../../db/tenant-scope.ts';
import type { Question } from './questionnaire.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Is this an identifier a row could have? (Anything else is an unknown consultation.) */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

const CONSULTATION_COLUMNS = [
  'id',
  'title',
  'description',
  'audience',
  'anonymous',
  'opens_at',
  'closes_at',
  'published_at',
  'created_at',
  'updated_at',
] as const;

export async function findConsultation(db: Db | Tx, id: string) {
  if (!isUuid(id)) return undefined;
  return db.selectFrom('consultations').select(CONSULTATION_COLUMNS).where('id', '=', id).executeTakeFirst();
}
export type ConsultationRow = NonNullable<Awaited<ReturnType<typeof findConsultation>>>;

/** Every consultation with its number of answers, the latest created first (the agents' list). */
export async function listConsultations(db: Db | Tx) {
  return db
    .selectFrom('consultations as c')
    .select(CONSULTATION_COLUMNS.map((c) => `c.${c}` as const))
    .select((eb) =>
      eb
        .selectFrom('consultation_responses as r')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('r.consultation_id', '=', 'c.id')
        .as('response_count'),
    )
    .orderBy('c.created_at', 'desc')
    .execute();
}

/** The public consultations open at `now`, closing soonest first (the citizens' list). */
export async function listOpenPublicConsultations(db: Db | Tx, now: Date) {
  return db
    .selectFrom('consultations')
    .select(CONSULTATION_COLUMNS)
    .where('published_at', 'is not', null)
    .where('audience', '=', 'public')
    .where('opens_at', '<=', now)
    .where('closes_at', '>', now)
    .orderBy('closes_at')
    .execute();
}

export async function listQuestions(db: Db | Tx, consultationId: string): Promise<Question[]> {
  const rows = await db
    .selectFrom('consultation_questions')
    .selectAll()
    .where('consultation_id', '=', consultationId)
    .orderBy('position')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    position: r.position,
    kind: r.kind,
    label: r.label,
    hint: r.hint,
    required: r.required,
    options: r.options,
    scaleMin: r.scale_min,
    scaleMax: r.scale_max,
    scaleMinLabel: r.scale_min_label,
    scaleMaxLabel: r.scale_max_label,
    conditionQuestionId: r.condition_question_id,
    conditionValues: r.condition_values,
  }));
}

/** The answers, oldest first (numbered in that order in the exports). */
export async function listResponses(db: Db | Tx, consultationId: string) {
  return db
    .selectFrom('consultation_responses')
    .select(['id', 'submitted_at', 'answers', 'respondent_name', 'respondent_email'])
    .where('consultation_id', '=', consultationId)
    .orderBy('submitted_at')
    .orderBy('id')
    .execute();
}
export type ResponseRow = Awaited<ReturnType<typeof listResponses>>[number];

/** How many invitations were sent and how many have answered. */
export async function countInvitations(db: Db | Tx, consultationId: string) {
  const row = await db
    .selectFrom('consultation_invitations')
    .select([sql<number>`count(*)::int`.as('sent'), sql<number>`count(used_at)::int`.as('used')])
    .where('consultation_id', '=', consultationId)
    .executeTakeFirstOrThrow();
  return { sent: Number(row.sent), used: Number(row.used) };
}

export async function findInvitationByHash(db: Db | Tx, tokenHash: string) {
  return db
    .selectFrom('consultation_invitations')
    .select(['id', 'consultation_id', 'email', 'used_at'])
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
}
