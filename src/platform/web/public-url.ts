import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import { AppError } from '../errors.ts';

/**
 * Absolute addresses of a tenant's pages, for links that leave the browser: mails, PDF receipts,
 * OpenID Connect redirect URIs. They are built from configuration only (PUBLIC_BASE_URL and the
 * tenant's host names in `tenant_hosts`), never from the request's `Host` or `X-Forwarded-Host`
 * header: the client chooses those, and a password reset link built from them would carry the
 * token to whoever the client named.
 */

/**
 * How a request reached its tenant: by one of the tenant's configured host names (the
 * `tenant_hosts` row the request's host name was looked up and found as), or by the platform's
 * `/t/<slug>` prefix.
 */
export type TenantEntry = { host: string } | { slug: string };

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the tenant hook with `request.tenant`; null on platform routes. */
    tenantEntry: TenantEntry | null;
  }
}

/** A `Host` header value, checked and split; `name` is lower case, without a final dot. */
export interface RequestHost {
  name: string;
  /** Null when the header names no port. */
  port: number | null;
  /** The platform's own host name (PUBLIC_BASE_URL's, or loopback outside production). */
  platform: boolean;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
/** A DNS name or IPv4 address (one or more labels), or an IPv6 literal; then an optional port. */
const HOST_HEADER = new RegExp(`^(${LABEL}(?:\\.${LABEL})*\\.?|\\[[0-9a-f:.]+\\])(?::(\\d{1,5}))?$`);

/** The base URL of the tenant's pages for links: `<PUBLIC_BASE_URL>/t/<slug>` or its host name. */
export function tenantBaseUrl(config: Pick<Config, 'publicBaseUrl'>, entry: TenantEntry): string {
  const base = new URL(config.publicBaseUrl);
  if ('slug' in entry) return `${base.origin}/t/${encodeURIComponent(entry.slug)}`;
  // Scheme and port stay PUBLIC_BASE_URL's: the tenant's host names are served by the same front.
  base.hostname = entry.host;
  return base.origin;
}

/** The base URL of the tenant's pages as this request reached them (see tenantBaseUrl). */
export function requestBaseUrl(config: Pick<Config, 'publicBaseUrl'>, request: FastifyRequest): string {
  if (!request.tenantEntry) throw new AppError('tenant_not_found', 'Collectivité inconnue.');
  return tenantBaseUrl(config, request.tenantEntry);
}

/** `path` (starting with '/') as an absolute URL on the tenant's configured address. */
export function absoluteUrl(config: Pick<Config, 'publicBaseUrl'>, request: FastifyRequest, path: string): string {
  return `${requestBaseUrl(config, request)}${path}`;
}

/**
 * Checks the host a request names (`request.host`: the `Host` header, or `X-Forwarded-Host`
 * when TRUST_PROXY is on). Null when it is malformed (`localhost:3000@evil.example`, a path, an
 * empty value) or names a port other than PUBLIC_BASE_URL's. Whether the name itself is one of
 * the tenant's is for the caller, which knows the tenant.
 */
export function checkRequestHost(config: Pick<Config, 'publicBaseUrl' | 'env'>, value: string): RequestHost | null {
  if (value.length > 260) return null;
  const m = HOST_HEADER.exec(value.toLowerCase());
  if (!m) return null;
  const name = m[1]!.replace(/\.$/, '');
  const port = m[2] === undefined ? null : Number(m[2]);
  if (name.length > 253 || (port !== null && port > 65535)) return null;
  const base = new URL(config.publicBaseUrl);
  // app.inject (localhost:80) and a demo reached at 127.0.0.1 on any port keep working.
  if (config.env !== 'production' && LOOPBACK.has(name)) return { name, port, platform: true };
  const basePort = Number(base.port || (base.protocol === 'https:' ? 443 : 80));
  if (port !== null && port !== basePort) return null;
  return { name, port, platform: name === base.hostname };
}
