import { loadConfigOrExit, openDatabaseOrExit } from '../startup.ts';

/** `npm run migrate`: applies pending migrations and exits. */
const config = loadConfigOrExit();
const database = await openDatabaseOrExit(config, { poolSize: 1, who: 'npm run migrate' });
await database.close();
console.log(
  `Migrations applied (${config.databaseUrl ? 'PostgreSQL server' : `embedded database in ${config.dataDir}`}).`,
);
