import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';

/** `npm run migrate`: applies pending migrations and exits. */
const config = loadConfig();
try {
  const database = await openDatabase({
    url: config.databaseUrl,
    ownerUrl: config.databaseOwnerUrl,
    dataDir: config.dataDir,
    poolSize: 1,
  });
  await database.close();
  console.log(
    `Migrations applied (${config.databaseUrl ? 'PostgreSQL server' : `embedded database in ${config.dataDir}`}).`,
  );
} catch (err) {
  console.error(`Migration failed: ${(err as Error).message}`);
  process.exit(1);
}
