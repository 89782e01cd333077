import { createHmac, timingSafeEqual } from 'node:crypto';
import { randomString } from '../security/random.ts';

/**
 * CSRF protection by signed double submit: a random value in an HttpOnly cookie, and in every
 * form an HMAC of it under the server's secret. A third-party site can neither read the cookie
 * nor compute the token.
 */
export const CSRF_COOKIE = 'guichet_csrf';
export const CSRF_FIELD = '_csrf';

export function newCsrfCookieValue(): string {
  return randomString(24, 'base64url');
}

export function csrfTokenFor(secret: string, cookieValue: string): string {
  return createHmac('sha256', secret).update(`csrf:${cookieValue}`).digest('base64url');
}

export function isValidCsrfToken(secret: string, cookieValue: string | undefined, token: unknown): boolean {
  if (!cookieValue || typeof token !== 'string' || token.length === 0) return false;
  const expected = Buffer.from(csrfTokenFor(secret, cookieValue));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
