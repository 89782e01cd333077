import type { Tenant } from '../tenants/tenant.ts';
import { dataProtectionOfficer } from './dpo.ts';
import type { DataController } from './export-data.ts';

/** Who keeps the data and how to reach their data protection officer, as every export says. */
export function dataController(tenant: Tenant): DataController {
  const dpo = dataProtectionOfficer(tenant);
  return {
    name: tenant.name,
    email: tenant.contact.email ?? null,
    dpo: { name: dpo.name, email: dpo.email, postalAddress: dpo.postalAddress },
  };
}
