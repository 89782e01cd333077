import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';

/**
 * Short-lived values that must survive a round trip to FranceConnect (state, nonce, PKCE verifier,
 * where to come back) live in a cookie of this browser, HttpOnly and signed with the server's
 * secret: they are bound to the browser that started the flow and cannot be forged or altered.
 */

export const LOGIN_FLOW_COOKIE = 'guichet_fc_flow';
export const LOGOUT_FLOW_COOKIE = 'guichet_fc_logout';
const FLOW_LIFETIME_S = 10 * 60;
const MAX_COOKIE_LENGTH = 3000;

function sign(secret: string, name: string, payload: string): string {
  return createHmac('sha256', secret).update(`${name}:${payload}`).digest('base64url');
}

export function setFlowCookie(
  reply: FastifyReply,
  config: Pick<Config, 'sessionSecret' | 'env'>,
  name: string,
  value: Record<string, unknown>,
  now: Date,
): void {
  const payload = Buffer.from(JSON.stringify({ ...value, exp: now.getTime() + FLOW_LIFETIME_S * 1000 })).toString(
    'base64url',
  );
  reply.setCookie(name, `${payload}.${sign(config.sessionSecret, name, payload)}`, {
    path: '/',
    httpOnly: true,
    // Lax: the cookie comes back on FranceConnect's top-level redirect to the callback.
    sameSite: 'lax',
    secure: config.env === 'production',
    maxAge: FLOW_LIFETIME_S,
  });
}

/** The cookie's content when present, untampered and not expired; null otherwise. */
export function readFlowCookie(
  request: FastifyRequest,
  config: Pick<Config, 'sessionSecret'>,
  name: string,
  now: Date,
): Record<string, unknown> | null {
  const raw = request.cookies[name];
  if (!raw || raw.length > MAX_COOKIE_LENGTH) return null;
  const [payload, mac, extra] = raw.split('.');
  if (!payload || !mac || extra !== undefined) return null;
  const expected = Buffer.from(sign(config.sessionSecret, name, payload));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof value.exp !== 'number' || value.exp <= now.getTime()) return null;
    return value;
  } catch {
    return null;
  }
}

export function clearFlowCookie(reply: FastifyReply, name: string): void {
  reply.clearCookie(name, { path: '/' });
}

/**
 * A local path to come back to after login: starts with one slash, no scheme or host, no
 * backslash (browsers treat `/\` as `//`). Anything else gives null.
 */
export function safeReturnPath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 300) return null;
  if (!/^\/(?![/\\])[\w\-./?=&%~]*$/.test(value)) return null;
  return value;
}
