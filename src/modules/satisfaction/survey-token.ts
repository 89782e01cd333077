import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * The survey link's token: `<tenant tag>.<invitation id>.<expiry>.<mac>`, all base64url or
 * digits. The MAC (HMAC-SHA256 with a key derived from SESSION_SECRET for this purpose only)
 * covers the tenant's id, the invitation's id and the expiry, so the link cannot be altered,
 * extended or moved to another commune; nothing secret is stored, and the token of an
 * invitation can be computed again (the agent's QR code page). The tenant tag is not secret: it
 * only lets the page say « ce lien vient d'une autre collectivité » instead of « lien abîmé ».
 * Single use is the invitation's `answered_at` (decision 35).
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function key(sessionSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', sessionSecret, 'guichet', 'survey-link', 32));
}

/** Six characters naming the tenant (not a secret: a hash of its id). */
export function tenantTag(tenantId: string): string {
  return createHash('sha256').update(tenantId).digest('base64url').slice(0, 6);
}

function mac(sessionSecret: string, tenantId: string, id: string, expires: number): string {
  return createHmac('sha256', key(sessionSecret))
    .update(`${tenantId}:${id}:${expires}`)
    .digest('base64url')
    .slice(0, 32);
}

function compact(id: string): string {
  return Buffer.from(id.replace(/-/g, ''), 'hex').toString('base64url');
}

function expand(raw: string): string | null {
  if (!/^[A-Za-z0-9_-]{22}$/.test(raw)) return null;
  const hex = Buffer.from(raw, 'base64url').toString('hex');
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  // The last base64url character carries 4 unused bits that the decoder ignores: without this
  // check, four spellings of one id would all pass the MAC.
  return UUID.test(id) && compact(id) === raw ? id : null;
}

export function signSurveyToken(
  sessionSecret: string,
  input: { tenantId: string; invitationId: string; expiresAt: Date },
): string {
  const expires = Math.floor(input.expiresAt.getTime() / 1000);
  return [
    tenantTag(input.tenantId),
    compact(input.invitationId),
    String(expires),
    mac(sessionSecret, input.tenantId, input.invitationId, expires),
  ].join('.');
}

export type TokenCheck =
  { ok: true; invitationId: string; expiresAt: Date } | { ok: false; reason: 'invalid' | 'other_tenant' | 'expired' };

/**
 * What a token says on this tenant's site at `now`: the invitation, or why not. A token of
 * another tenant is told apart by its tag before its MAC is checked (the MAC would fail too).
 */
export function checkSurveyToken(sessionSecret: string, tenantId: string, token: string, now: Date): TokenCheck {
  const parts = token.split('.');
  if (parts.length !== 4 || token.length > 120) return { ok: false, reason: 'invalid' };
  const [tag, rawId, rawExpires, given] = parts as [string, string, string, string];
  if (!/^[A-Za-z0-9_-]{6}$/.test(tag)) return { ok: false, reason: 'invalid' };
  if (tag !== tenantTag(tenantId)) return { ok: false, reason: 'other_tenant' };
  const id = expand(rawId);
  if (!id || !/^\d{1,12}$/.test(rawExpires)) return { ok: false, reason: 'invalid' };
  const expires = Number(rawExpires);
  const expected = Buffer.from(mac(sessionSecret, tenantId, id, expires));
  const got = Buffer.from(given);
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) return { ok: false, reason: 'invalid' };
  if (expires * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, invitationId: id, expiresAt: new Date(expires * 1000) };
}
