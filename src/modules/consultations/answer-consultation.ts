import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { formatDateTimeFr } from '../../platform/format.ts';
import { parseForm, type FieldError, type FormResult, type SubmittedFields } from '../../platform/web/form.ts';
import { respondentForm } from './forms.ts';
import { parisInstant, parisLocal } from './paris-time.ts';
import { hashInvitationToken, isWellFormedToken } from './invitation-token.ts';
import { consultationState, readAnswers, type Question } from './questionnaire.ts';
import { findInvitationByHash, type ConsultationRow } from './repository.ts';

/**
 * The key answers from one client address are counted under: an HMAC of the consultation and the
 * address with the server's secret, so the address itself is never stored and two consultations'
 * counts cannot be joined.
 */
export function sourceKey(secret: string, consultationId: string, address: string): string {
  return createHmac('sha256', secret)
    .update(`consultation:${consultationId}:${address}`)
    .digest('base64url')
    .slice(0, 32);
}

function parisDayStart(now: Date): Date {
  return parisInstant(parisLocal(now).day, '00:00') ?? now;
}

/** Why an answer cannot be taken at all (not a form error): the page says it, with this status. */
export function assertOpen(c: ConsultationRow, now: Date): void {
  const state = consultationState(c, now);
  if (state === 'draft') throw new AppError('not_found', 'Cette consultation n’existe pas.');
  if (state === 'scheduled') {
    throw new AppError(
      'conflict',
      `Cette consultation n’est pas encore ouverte : elle ouvrira le ${formatDateTimeFr(c.opens_at)}.`,
    );
  }
  if (state === 'closed') {
    throw new AppError(
      'conflict',
      `Cette consultation est close depuis le ${formatDateTimeFr(c.closes_at)} : elle ne reçoit plus de réponses.`,
    );
  }
}

/**
 * The invitation a token opens for this consultation. A token that is not one of this tenant's
 * (tampered, another tenant's: row-level security hides it) or of another consultation is
 * « not valid »; a used one says it already served.
 */
export async function checkInvitation(trx: Tx, c: ConsultationRow, token: string) {
  const invitation = isWellFormedToken(token) ? await findInvitationByHash(trx, hashInvitationToken(token)) : undefined;
  if (!invitation || invitation.consultation_id !== c.id) {
    throw new AppError(
      'not_found',
      'Ce lien d’invitation n’est pas valable. Vérifiez que vous avez copié le lien du courriel en entier.',
    );
  }
  if (invitation.used_at) {
    throw new AppError('conflict', 'Cette invitation a déjà servi : on ne peut répondre qu’une fois par invitation.');
  }
  return invitation;
}

export interface AnswerInput {
  tenantId: string;
  consultation: ConsultationRow;
  questions: readonly Question[];
  fields: SubmittedFields;
  /** Consultations open to a list: the invitation's token (the hidden field). */
  token: string;
  /** Public consultations: the client address's key (`sourceKey`) and the answers it may give per hour. */
  source: { key: string; perHour: number } | null;
  now: Date;
}

/**
 * Takes one answer. Checked in this order: the consultation is open now (between its opening
 * and closing instants, in this transaction's clock); the invitation token for a consultation
 * open to a list (spent in the same statement that checks it is unused, so two posts of one
 * token give one answer); the answers against the questions (`readAnswers`: conditional
 * questions whose condition is false are ignored); for a public consultation, at most
 * `perHour` answers from one address in the last hour (ballot stuffing). An anonymous
 * consultation keeps neither name, address nor invitation with the answer.
 */
export async function answerConsultation(trx: Tx, input: AnswerInput): Promise<FormResult<{ responseId: string }>> {
  const c = input.consultation;
  assertOpen(c, input.now);
  const errors: FieldError[] = [];
  let respondent: { name: string | null; email: string | null } = { name: null, email: null };
  let invitationId: string | null = null;
  if (c.audience === 'invited') {
    const invitation = await checkInvitation(trx, c, input.token);
    invitationId = invitation.id;
    if (!c.anonymous) respondent = { name: null, email: invitation.email };
  } else if (!c.anonymous) {
    const who = parseForm(respondentForm, input.fields);
    if (who.ok) respondent = { name: who.value.nom, email: who.value.email.toLowerCase() };
    else errors.push(...who.errors);
  }
  const read = readAnswers(input.questions, input.fields);
  if (!read.ok) errors.push(...read.errors);
  if (errors.length > 0 || !read.ok) return { ok: false, errors };

  if (input.source) {
    const { key, perHour } = input.source;
    // One address's answers are counted one at a time, so that simultaneous posts cannot all pass.
    await sql`select pg_advisory_xact_lock(hashtext(${`${c.id}:${key}`}))`.execute(trx);
    const hourAgo = new Date(input.now.getTime() - 3_600_000);
    const recent = await trx
      .selectFrom('consultation_throttle')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('consultation_id', '=', c.id)
      .where('source_key', '=', key)
      .where('at', '>', hourAgo)
      .executeTakeFirstOrThrow();
    if (Number(recent.n) >= perHour) {
      throw new AppError(
        'rate_limited',
        'Trop de réponses à cette consultation depuis votre connexion en une heure. Réessayez plus tard.',
      );
    }
    await trx
      .deleteFrom('consultation_throttle')
      .where('consultation_id', '=', c.id)
      .where('at', '<', new Date(input.now.getTime() - 86_400_000))
      .execute();
    await trx
      .insertInto('consultation_throttle')
      .values({ tenant_id: input.tenantId, consultation_id: c.id, source_key: key, at: input.now })
      .execute();
  }
  if (invitationId) {
    const spent = await trx
      .updateTable('consultation_invitations')
      .set({ used_at: input.now })
      .where('id', '=', invitationId)
      .where('used_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!spent)
      throw new AppError('conflict', 'Cette invitation a déjà servi : on ne peut répondre qu’une fois par invitation.');
  }
  const inserted = await trx
    .insertInto('consultation_responses')
    .values({
      tenant_id: input.tenantId,
      consultation_id: c.id,
      // An invited answer's instant would tie it to its invitation's `used_at`: anonymous ones keep the day only.
      submitted_at: c.anonymous && invitationId ? parisDayStart(input.now) : input.now,
      answers: JSON.stringify(read.answers),
      respondent_name: respondent.name,
      respondent_email: respondent.email,
      invitation_id: c.anonymous ? null : invitationId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ok: true, value: { responseId: inserted.id } };
}
