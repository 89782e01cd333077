import type { Db } from '../../db/tenant-scope.ts';

export interface DemoCredential {
  email: string;
  password: string;
  role: string;
  services: string[];
}

/** Creates the demo agents of a tenant and returns their credentials (printed at first start). */
export async function seedDemoAgents(_db: Db, _tenantId: string): Promise<DemoCredential[]> {
  return [];
}
