import { createHmac, hkdfSync } from 'node:crypto';
import type { Tx } from '../../db/tenant-scope.ts';
import { parisDay } from '../../platform/format.ts';
import { maskComment } from './mask-comment.ts';

/** Where the answer comes from: a link of one interaction, or a counter tablet. */
export type SurveySource = { kind: 'invitation'; invitationId: string } | { kind: 'kiosk'; kioskId: string };

export interface SurveyAnswerInput {
  satisfaction: number;
  simple: number | null;
  clear: number | null;
  onlineScore: number | null;
  comment: string;
  /** The citizen chose to link the answer to their request (a link of one request only). */
  linked: boolean;
}

export type AnswerOutcome = { ok: true } | { ok: false; reason: 'answered' | 'rate_limited' | 'invalid' };

/** The key an address is counted under: an HMAC, so that the table holds no address. */
export function clientKeyOf(sessionSecret: string, ip: string): string {
  const key = hkdfSync('sha256', sessionSecret, 'guichet', 'survey-client', 32);
  return createHmac('sha256', Buffer.from(key)).update(ip).digest('base64url').slice(0, 22);
}

/**
 * Records one answer, in the caller's transaction. A link's invitation is locked and marked
 * answered in the same transaction: two posts of the same link give one answer. Each client
 * (an address, or a counter tablet) has a budget of answers a day (SURVEY_RATE_LIMIT,
 * SURVEY_KIOSK_RATE_LIMIT) against ballot stuffing; the refused attempt counts too.
 *
 * The answer keeps the day, never the instant, and the request only when the citizen chose to
 * link it; otherwise its comment is stored with personal data masked (mask-comment.ts) and
 * nothing joins it back to the invitation.
 */
export async function answerSurvey(
  trx: Tx,
  input: {
    tenantId: string;
    source: SurveySource;
    answer: SurveyAnswerInput;
    /** clientKeyOf(address), or the kiosk's. */
    clientKey: string;
    dailyLimit: number;
    now: Date;
  },
): Promise<AnswerOutcome> {
  const day = parisDay(input.now);
  let origin: {
    interaction: 'request' | 'contact' | 'assistant' | 'kiosk' | 'visit';
    channel: string;
    serviceId: string | null;
    siteId: string | null;
    demarcheId: string | null;
    requestId: string | null;
    kioskId: string | null;
  };
  if (input.source.kind === 'invitation') {
    const invitation = await trx
      .selectFrom('survey_invitations')
      .select([
        'id',
        'interaction',
        'channel',
        'service_id',
        'site_id',
        'demarche_id',
        'request_id',
        'answered_at',
        'expires_at',
      ])
      .where('id', '=', input.source.invitationId)
      .forUpdate()
      .executeTakeFirst();
    if (!invitation) return { ok: false, reason: 'invalid' };
    if (invitation.answered_at) return { ok: false, reason: 'answered' };
    origin = {
      interaction: invitation.interaction,
      channel: invitation.channel,
      serviceId: invitation.service_id,
      siteId: invitation.site_id,
      demarcheId: invitation.demarche_id,
      requestId: input.answer.linked ? invitation.request_id : null,
      kioskId: null,
    };
  } else {
    const kiosk = await trx
      .selectFrom('survey_kiosks')
      .select(['id', 'service_id', 'site_id'])
      .where('id', '=', input.source.kioskId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!kiosk) return { ok: false, reason: 'invalid' };
    origin = {
      interaction: 'kiosk',
      channel: 'guichet',
      serviceId: kiosk.service_id,
      siteId: kiosk.site_id,
      demarcheId: null,
      requestId: null,
      kioskId: kiosk.id,
    };
  }
  const counted = await trx
    .insertInto('survey_rate_counts')
    .values({ tenant_id: input.tenantId, client_key: input.clientKey, day, answers: 1 })
    .onConflict((oc) =>
      oc
        .columns(['tenant_id', 'client_key', 'day'])
        .doUpdateSet((eb) => ({ answers: eb('survey_rate_counts.answers', '+', 1) })),
    )
    .returning('answers')
    .executeTakeFirstOrThrow();
  if (counted.answers > input.dailyLimit) return { ok: false, reason: 'rate_limited' };
  const comment = input.answer.comment.replace(/\r\n/g, '\n').trim();
  await trx
    .insertInto('survey_answers')
    .values({
      tenant_id: input.tenantId,
      answered_on: day,
      interaction: origin.interaction,
      channel: origin.channel,
      service_id: origin.serviceId,
      site_id: origin.siteId,
      demarche_id: origin.demarcheId,
      kiosk_id: origin.kioskId,
      request_id: origin.requestId,
      satisfaction: input.answer.satisfaction,
      simple: input.answer.simple,
      clear: input.answer.clear,
      online_score: origin.interaction === 'request' && origin.channel === 'en-ligne' ? input.answer.onlineScore : null,
      comment: origin.requestId ? comment : maskComment(comment),
    })
    .execute();
  if (input.source.kind === 'invitation') {
    await trx
      .updateTable('survey_invitations')
      .set({ answered_at: input.now })
      .where('id', '=', input.source.invitationId)
      .execute();
  }
  return { ok: true };
}
