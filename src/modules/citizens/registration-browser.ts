import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import { TOKEN_LIFETIME_MS } from './tokens.ts';

/**
 * The browser an email confirmation link was asked from. Registering (or asking for a new link)
 * leaves a random value in an HttpOnly cookie of that browser and stores its sha256 with the
 * link. The link confirms the address at once only when it comes back with that cookie; opened
 * anywhere else it asks for the account's password. Whoever registers someone else's address
 * therefore gets nothing from the genuine owner clicking the mail in their own browser.
 */
export const REGISTRATION_COOKIE = 'guichet_inscription';
const FORMAT = /^[\w-]{43}$/;

function hashOf(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * This browser's registration value and its hash, creating the value when the browser has none.
 * Nothing is sent yet: `rememberRegistrationBrowser` sets the cookie once the registration went
 * through, so that a refused form leaves no cookie behind.
 */
export function registrationBrowser(request: FastifyRequest): { value: string; hash: string } {
  const sent = request.cookies[REGISTRATION_COOKIE];
  const value = sent && FORMAT.test(sent) ? sent : randomBytes(32).toString('base64url');
  return { value, hash: hashOf(value) };
}

/** Leaves the registration value in this browser, for as long as a confirmation link lasts. */
export function rememberRegistrationBrowser(reply: FastifyReply, config: Pick<Config, 'env'>, value: string): void {
  reply.setCookie(REGISTRATION_COOKIE, value, {
    path: '/',
    httpOnly: true,
    // Lax: the cookie comes with the top-level navigation of a link clicked in a mail.
    sameSite: 'lax',
    secure: config.env === 'production',
    maxAge: TOKEN_LIFETIME_MS.verify_email / 1000,
  });
}

/**
 * The hash of this browser's registration value, creating the value (and its cookie) when the
 * browser has none.
 */
export function bindRegistrationBrowser(
  request: FastifyRequest,
  reply: FastifyReply,
  config: Pick<Config, 'env'>,
): string {
  const browser = registrationBrowser(request);
  rememberRegistrationBrowser(reply, config, browser.value);
  return browser.hash;
}

/** The hash of the registration value this browser sent, or null when it sent none. */
export function registrationBrowserHash(request: FastifyRequest): string | null {
  const sent = request.cookies[REGISTRATION_COOKIE];
  return sent && FORMAT.test(sent) ? hashOf(sent) : null;
}

/** Whether two browser hashes are the same, in constant time. */
export function sameBrowser(stored: string | null, sent: string | null): boolean {
  if (!stored || !sent) return false;
  const a = Buffer.from(stored);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}
