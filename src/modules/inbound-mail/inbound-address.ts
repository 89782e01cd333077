import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Tenant } from '../tenants/tenant.ts';

/**
 * Each tenant's inbound address, and the per-item reply addresses made from it by
 * plus-addressing: `villebelle+vb-2026-4f7k2-3f9a0c12de@guichet.example` reaches the item
 * VB-2026-4F7K2. The tag ends with an HMAC of the tenant and the reference (key derived from
 * SESSION_SECRET), so that nobody can write onto an item by guessing its reference.
 */

/** The address citizens write to: the tenant's own, or `<slug>@INBOUND_DOMAIN`. */
export function tenantInboundAddress(tenant: Pick<Tenant, 'slug' | 'inboundAddress'>, domain: string): string {
  return (tenant.inboundAddress?.trim() || `${tenant.slug}@${domain}`).toLowerCase();
}

/** `local+tag@domain` → the address without its tag, and the tag (null when there is none). */
export function splitPlusAddress(address: string): { base: string; tag: string | null } {
  const at = address.lastIndexOf('@');
  if (at <= 0) return { base: address.toLowerCase(), tag: null };
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  const plus = local.indexOf('+');
  if (plus < 0) return { base: `${local}@${domain}`.toLowerCase(), tag: null };
  return { base: `${local.slice(0, plus)}@${domain}`.toLowerCase(), tag: local.slice(plus + 1).toLowerCase() };
}

function signature(sessionSecret: string, tenantId: string, reference: string): string {
  return createHmac('sha256', sessionSecret)
    .update(`inbound-reply:${tenantId}:${reference.toUpperCase()}`)
    .digest('hex')
    .slice(0, 10);
}

/** The item's own reply address: the tenant's address tagged with its reference and a signature. */
export function itemReplyAddress(
  inboundAddress: string,
  sessionSecret: string,
  item: { tenantId: string; reference: string },
): string {
  const { base } = splitPlusAddress(inboundAddress);
  const at = base.lastIndexOf('@');
  const tag = `${item.reference.toLowerCase()}-${signature(sessionSecret, item.tenantId, item.reference)}`;
  return `${base.slice(0, at)}+${tag}@${base.slice(at + 1)}`;
}

/** The reference a reply address's tag names, when its signature is right; null otherwise. */
export function referenceOfReplyTag(sessionSecret: string, tenantId: string, tag: string | null): string | null {
  const m = tag ? /^([a-z]{2,4}-\d{4}-[a-z0-9]{5})-([0-9a-f]{10})$/.exec(tag) : null;
  if (!m) return null;
  const reference = m[1]!.toUpperCase();
  const expected = Buffer.from(signature(sessionSecret, tenantId, reference));
  const given = Buffer.from(m[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? reference : null;
}
