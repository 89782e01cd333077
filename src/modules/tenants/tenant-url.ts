import type { Config } from '../../config.ts';
import { tenantBaseUrl } from '../../platform/web/public-url.ts';

/**
 * The absolute address of a tenant's site, for links written outside any HTTP request (the first
 * administrator's invitation printed and mailed by `npm run tenant:create`): its first host name
 * with PUBLIC_BASE_URL's scheme and port, or `<PUBLIC_BASE_URL>/t/<slug>` without one — the same
 * rule as links built during a request (platform/web/public-url.ts), never a Host header.
 */
export function tenantSiteUrl(
  tenant: { slug: string; hosts: string[] },
  config: Pick<Config, 'publicBaseUrl'>,
): string {
  const host = tenant.hosts[0]?.toLowerCase();
  return tenantBaseUrl(config, host ? { host } : { slug: tenant.slug });
}
