import type { Tx } from '../../db/tenant-scope.ts';
import { signSurveyToken } from './survey-token.ts';

export interface ItemSurveyLink {
  /** The link to show as a QR code, or null when there is none open. */
  url: string | null;
  answered: boolean;
}

/**
 * The survey link of one item (a request) or one visit (a counter ticket served), for the agent
 * who shows its QR code at the counter: the open
 * invitation's link computed again from its id and expiry (nothing secret is stored), none once
 * answered or expired.
 */
export async function readSurveyLink(
  trx: Tx,
  input: {
    tenantId: string;
    of: { requestId: string } | { ticketId: string };
    sessionSecret: string;
    baseUrl: string;
    now: Date;
  },
): Promise<ItemSurveyLink> {
  const found = await trx
    .selectFrom('survey_invitations')
    .select(['id', 'expires_at', 'answered_at'])
    .where(
      'requestId' in input.of ? 'request_id' : 'ticket_id',
      '=',
      'requestId' in input.of ? input.of.requestId : input.of.ticketId,
    )
    .executeTakeFirst();
  const open = found && !found.answered_at && found.expires_at.getTime() > input.now.getTime();
  return {
    url: open
      ? `${input.baseUrl}/avis/${signSurveyToken(input.sessionSecret, {
          tenantId: input.tenantId,
          invitationId: found.id,
          expiresAt: found.expires_at,
        })}`
      : null,
    answered: Boolean(found?.answered_at),
  };
}
