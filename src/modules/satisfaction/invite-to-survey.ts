import type { SurveyInteraction } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { signSurveyToken } from './survey-token.ts';

export interface SurveyLink {
  invitationId: string;
  token: string;
  /** `<baseUrl>/avis/<token>`: for the mail, the text message, the QR code. */
  url: string;
  expiresAt: Date;
}

export function surveyUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/avis/${token}`;
}

export interface InviteToSurveyInput {
  tenantId: string;
  sessionSecret: string;
  /** The tenant's public address (platform/web/public-url.ts). */
  baseUrl: string;
  /** SURVEY_LINK_DAYS. */
  linkDays: number;
  now: Date;
  interaction: SurveyInteraction;
  /** The request's channel (en-ligne, telephone, guichet, courriel…), or 'assistant'. */
  channel: string;
  requestId?: string | null;
  conversationId?: string | null;
  serviceId?: string | null;
  demarcheId?: string | null;
  /** Where it took place: the site of a counter visit. */
  siteId?: string | null;
  /** The counter ticket served, for a visit: one invitation per ticket. */
  ticketId?: string | null;
}

/**
 * The survey link of one interaction, in the caller's transaction: one invitation per request,
 * per assistant conversation or per counter ticket served, made at the first call and given again afterwards (its link
 * renewed when it had expired unanswered). Null once it was answered: one answer per
 * interaction, and no second mail asking for it.
 */
export async function inviteToSurvey(trx: Tx, input: InviteToSurveyInput): Promise<SurveyLink | null> {
  const expiresAt = new Date(input.now.getTime() + input.linkDays * 86_400_000);
  // Whole seconds: the token carries the expiry in seconds.
  expiresAt.setUTCMilliseconds(0);
  const values = {
    tenant_id: input.tenantId,
    interaction: input.interaction,
    channel: input.channel.slice(0, 40),
    request_id: input.requestId ?? null,
    conversation_id: input.conversationId ?? null,
    service_id: input.serviceId ?? null,
    demarche_id: input.demarcheId ?? null,
    site_id: input.siteId ?? null,
    ticket_id: input.ticketId ?? null,
    created_at: input.now,
    expires_at: expiresAt,
  };
  const key = input.requestId
    ? ({ column: 'request_id', value: input.requestId } as const)
    : input.conversationId
      ? ({ column: 'conversation_id', value: input.conversationId } as const)
      : input.ticketId
        ? ({ column: 'ticket_id', value: input.ticketId } as const)
        : null;
  let row: { id: string; expires_at: Date; answered_at: Date | null } | undefined;
  if (key) {
    row = await trx
      .selectFrom('survey_invitations')
      .select(['id', 'expires_at', 'answered_at'])
      .where(key.column, '=', key.value)
      .forUpdate()
      .executeTakeFirst();
    if (row?.answered_at) return null;
    if (row && row.expires_at.getTime() <= input.now.getTime()) {
      await trx.updateTable('survey_invitations').set({ expires_at: expiresAt }).where('id', '=', row.id).execute();
      row = { ...row, expires_at: expiresAt };
    }
  }
  row ??= await trx
    .insertInto('survey_invitations')
    .values(values)
    .returning(['id', 'expires_at', 'answered_at'])
    .executeTakeFirstOrThrow();
  const token = signSurveyToken(input.sessionSecret, {
    tenantId: input.tenantId,
    invitationId: row.id,
    expiresAt: new Date(row.expires_at),
  });
  return { invitationId: row.id, token, url: surveyUrl(input.baseUrl, token), expiresAt: new Date(row.expires_at) };
}
