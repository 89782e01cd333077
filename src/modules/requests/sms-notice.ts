import type { Tx } from '../../db/tenant-scope.ts';
import { normaliseMobile } from '../../platform/sms/phone.ts';
import { queueSms } from '../../platform/sms/outbox.ts';
import { smsLength, SMS_MAX_SEGMENTS, toGsmFriendly } from '../../platform/sms/segments.ts';
import { ofName } from '../../platform/tenant-wording.ts';
import { readPreferences } from '../citizens/preferences.ts';
import { surveySmsText } from '../satisfaction/survey-mail.ts';
import { trackingOrLookupUrl } from './notifications.ts';

/** Whether an item's citizen can be texted, and whether they asked to be. */
export interface SmsContact {
  /** The item's mobile number in E.164 (the request's phone, else its citizen record's); null: none. */
  mobile: string | null;
  /** The citizen chose SMS (their record's preferred channel, or their account's preferences). */
  chosen: boolean;
}

export async function smsContactOf(trx: Tx, requestId: string): Promise<SmsContact> {
  const row = await trx
    .selectFrom('requests as r')
    .leftJoin('people as p', (j) => j.onRef('p.tenant_id', '=', 'r.tenant_id').onRef('p.id', '=', 'r.person_id'))
    .leftJoin('citizens as c', (j) => j.onRef('c.tenant_id', '=', 'r.tenant_id').onRef('c.id', '=', 'r.citizen_id'))
    .select(['r.applicant_phone', 'r.anonymised_at', 'p.phone', 'p.preferred_channel', 'c.preferences'])
    .where('r.id', '=', requestId)
    .executeTakeFirst();
  if (!row || row.anonymised_at) return { mobile: null, chosen: false };
  const mobile = normaliseMobile(row.applicant_phone) ?? normaliseMobile(row.phone);
  const accountChoice = row.preferences ? readPreferences(row.preferences).channel : null;
  return { mobile, chosen: row.preferred_channel === 'sms' || accountChoice === 'sms' };
}

const WHAT = {
  reply: 'a une nouvelle réponse',
  status: 'a changé de statut',
} as const;

/** Who signs a text message: « Mairie de Villebelle », or the collectivité's name. */
function smsSender(tenant: { name: string; kind?: string }): string {
  return tenant.kind === 'commune' || tenant.kind === undefined ? `Mairie ${ofName(tenant.name)}` : tenant.name;
}

/**
 * The notice, with no personal content: who writes, the reference, what happened, the link.
 * The direct tracking link when it fits in SMS_MAX_SEGMENTS parts, else the lookup page's.
 */
export function smsNoticeText(input: {
  tenant: { name: string; kind?: string };
  reference: string;
  purpose: keyof typeof WHAT;
  baseUrl: string;
  trackingSecret: string | null;
}): string | null {
  const who = smsSender(input.tenant);
  const candidates = [input.trackingSecret, null].map(
    (secret) =>
      `${who} : votre demande ${input.reference} ${WHAT[input.purpose]}. Consultez-la : ${trackingOrLookupUrl(input.baseUrl, input.reference, secret)}`,
  );
  return candidates.map(toGsmFriendly).find((text) => smsLength(text).segments <= SMS_MAX_SEGMENTS) ?? null;
}

/** Queues the notice to the item's mobile in the caller's transaction; false when it cannot go. */
export async function queueSmsNotice(
  trx: Tx,
  input: Parameters<typeof smsNoticeText>[0] & { tenantId: string; requestId: string; mobile: string },
): Promise<boolean> {
  const text = smsNoticeText(input);
  if (!text) return false;
  await queueSms(trx, input.tenantId, { requestId: input.requestId, to: input.mobile, text, purpose: input.purpose });
  return true;
}

/** Queues the satisfaction survey's link by text message; false when it does not fit. */
export async function queueSurveySms(
  trx: Tx,
  input: {
    tenantId: string;
    tenant: { name: string; kind?: string };
    requestId: string;
    reference: string;
    mobile: string;
    url: string;
  },
): Promise<boolean> {
  const text = toGsmFriendly(surveySmsText(smsSender(input.tenant), input.reference, input.url));
  if (smsLength(text).segments > SMS_MAX_SEGMENTS) return false;
  await queueSms(trx, input.tenantId, { requestId: input.requestId, to: input.mobile, text, purpose: 'survey' });
  return true;
}
