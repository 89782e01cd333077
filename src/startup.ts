import { ConfigError, loadConfig, type Config } from './config.ts';
import { openDatabase, type DatabaseHandle } from './db/database.ts';
import { isDatabaseUnavailable } from './platform/errors.ts';

/**
 * What every process (the server, the worker, each `npm run` command) does first: read the
 * configuration and open the database, or say in one readable message why it cannot, and exit 1.
 */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

/**
 * Opens (and migrates) the configured database. `who` starts the message: « Guichet », « The
 * worker », « tenant:create »… A URL is shown without its password; "reach" is said only for
 * network failures (an authentication or migration error is a different fix).
 */
export async function openDatabaseOrExit(
  config: Config,
  options: { poolSize: number; who: string },
): Promise<DatabaseHandle> {
  try {
    return await openDatabase({
      url: config.databaseUrl,
      ownerUrl: config.databaseOwnerUrl,
      dataDir: config.dataDir,
      poolSize: options.poolSize,
    });
  } catch (err) {
    const where = config.databaseUrl
      ? `${isDatabaseUnavailable(err) ? 'reach' : 'open'} the database server at ${redactUrl(config.databaseUrl)}`
      : `open the embedded database in ${config.dataDir}`;
    console.error(`${options.who} cannot ${where}: ${(err as Error).message || String(err)}`);
    console.error(
      config.databaseUrl
        ? 'Check that the PostgreSQL server is running and that DATABASE_URL is right, or unset DATABASE_URL to use the embedded database.'
        : 'Check that GUICHET_DATA_DIR is writable and not used by another Guichet process.',
    );
    process.exit(1);
  }
}

/** A connection URL without its password. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
