import { randomString } from './random.ts';
import type { FastifyInstance, FastifyReply } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** Fresh for every request: the only inline style or script element the browser will apply carries it. */
    cspNonce: string;
  }
  interface FastifyContextConfig {
    /**
     * The route shows personal data, or its URL holds a secret (a tracking code): neither a
     * shared cache nor the browser's history keeps its answers, and no Referer carries its URL.
     */
    personalData?: boolean;
  }
}

export interface SecurityHeadersOptions {
  production: boolean;
  /**
   * Other origins a form may lead to. Browsers apply form-action to the redirects that follow
   * a form post too, and logging out of FranceConnect or ProConnect is a form post answered
   * by a redirect to the provider.
   */
  formActionOrigins?: string[];
  /** Cookies whose presence means "this page may show a signed-in person's data". */
  sessionCookies?: string[];
}

/** Query parameters that hold a secret (tracking code, mailed token, OpenID Connect code and state). */
const SECRET_PARAMS = /(?:^|[?&])(?:cle|code|state|jeton|token)=/;

const PERMISSIONS_POLICY = [
  'accelerometer=()',
  'camera=()',
  'display-capture=()',
  'geolocation=()',
  'gyroscope=()',
  'magnetometer=()',
  'microphone=()',
  'payment=()',
  'usb=()',
].join(', ');

/** Only the origin of a configured URL (scheme, host, port): paths have no place in CSP sources. */
export function originOf(value: string | undefined | null): string | null {
  if (!value) return null;
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : null;
  } catch {
    return null;
  }
}

export function contentSecurityPolicy(nonce: string, formActionOrigins: string[] = []): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    `form-action 'self'${formActionOrigins.map((o) => ` ${o}`).join('')}`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
  ].join('; ');
}

const SECURE_ATTRIBUTE = /;\s*secure\s*(;|$)/i;

/** Adds `Secure` to every cookie the app sets, should a route have forgotten it (production only). */
function secureCookies(reply: FastifyReply): void {
  const current = reply.getHeader('set-cookie');
  if (current === undefined) return;
  const list = [current].flat().map(String);
  if (list.every((c) => SECURE_ATTRIBUTE.test(c))) return;
  const fixed = list.map((c) => (SECURE_ATTRIBUTE.test(c) ? c : `${c}; Secure`));
  // Fastify appends to set-cookie: remove first, or both versions would be sent.
  reply.removeHeader('set-cookie');
  reply.header('set-cookie', fixed);
}

/** A fresh CSP nonce (128 random bits, base64). */
export function newCspNonce(): string {
  return randomString(16, 'base64');
}

/**
 * The security headers of every answer: a strict Content-Security-Policy with a per-request
 * nonce, no framing, no MIME sniffing, no Referer where the URL holds a secret, no cache for
 * personal pages, HSTS in production. A route that set its own CSP (a sandboxed download) or
 * its own Referrer-Policy keeps it.
 */
export function registerSecurityHeaders(app: FastifyInstance, options: SecurityHeadersOptions): void {
  const formActionOrigins = [...new Set(options.formActionOrigins ?? [])];
  const sessionCookies = options.sessionCookies ?? [];
  app.decorateRequest('cspNonce', '');

  // Hooks in callback form: they do no I/O, and a promise per hook per request is measurable on
  // the hot pages (docs/performance.md).
  app.addHook('onRequest', (request, _reply, done) => {
    request.cspNonce = newCspNonce();
    done();
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    const personal = request.routeOptions.config?.personalData === true;
    if (!reply.hasHeader('content-security-policy')) {
      reply.header('content-security-policy', contentSecurityPolicy(request.cspNonce, formActionOrigins));
    }
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    reply.header('permissions-policy', PERMISSIONS_POLICY);
    if (!reply.hasHeader('referrer-policy')) {
      const secret = personal || SECRET_PARAMS.test(request.url);
      reply.header('referrer-policy', secret ? 'no-referrer' : 'strict-origin-when-cross-origin');
    }
    const signedIn = sessionCookies.some((name) => request.cookies?.[name]);
    if (signedIn || personal) {
      // Neither a shared cache nor the browser's history keeps a page with personal data.
      if (!/no-store/.test(String(reply.getHeader('cache-control') ?? ''))) reply.header('cache-control', 'no-store');
    }
    if (options.production) {
      reply.header('strict-transport-security', 'max-age=63072000; includeSubDomains');
      secureCookies(reply);
    }
    done(null, payload);
  });
}
