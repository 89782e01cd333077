export type { Tenant } from '../../platform/tenant.ts';
