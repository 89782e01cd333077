/**
 * The absolute address of a tenant's site, for links written outside any HTTP request (the first
 * administrator's invitation printed and mailed by `npm run tenant:create`). Never built from a
 * request's Host header.
 *
 * - With a host name: https://<host>, or http://<host>:<port> for a local name (localhost,
 *   *.localhost, 127.0.0.1), which `npm start` serves directly.
 * - Without: the platform's public base address (PUBLIC_BASE_URL once configured) followed by
 *   /t/<slug>; by default http://localhost:<port>.
 */
export function tenantSiteUrl(
  tenant: { slug: string; hosts: string[] },
  options: { port: number; publicBaseUrl?: string },
): string {
  const host = tenant.hosts[0]?.toLowerCase();
  if (host) {
    const local = host === 'localhost' || host.endsWith('.localhost') || host === '127.0.0.1';
    return local ? `http://${host}:${options.port}` : `https://${host}`;
  }
  const base = (options.publicBaseUrl ?? `http://localhost:${options.port}`).replace(/\/+$/, '');
  return `${base}/t/${tenant.slug}`;
}
