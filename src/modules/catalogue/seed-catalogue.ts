import type { Db } from '../../db/tenant-scope.ts';

/** Loads services, démarches and information pages from a folder of corpus articles. */
export async function seedCatalogue(_db: Db, _tenantId: string, _corpusDir: string): Promise<void> {}
