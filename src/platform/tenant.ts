import type { TenantContact, TenantDpo, TenantTheme } from '../db/schema.ts';

/** A collectivité served by this deployment, as the rest of the application sees it. */
export interface Tenant {
  id: string;
  slug: string;
  name: string;
  kind: string;
  inseeCode: string | null;
  departementName: string | null;
  regionName: string | null;
  population: number | null;
  referencePrefix: string;
  contact: TenantContact;
  theme: TenantTheme;
  /** The data protection officer, as the tenant declared it (empty: see privacy/dpo.ts). */
  dpo: TenantDpo;
  /** The address citizens write to, when set per tenant; else <slug>@INBOUND_DOMAIN (inbound-mail). */
  inboundAddress?: string | null;
  /** The tenant's SIRET (14 digits), sent to API Particulier as `recipient`; null when not set. */
  siret?: string | null;
}
