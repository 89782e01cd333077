/**
 * `npm run job -- <name>`: runs one daily job now, against the configured database, and prints
 * its summary. `npm run job` alone lists the jobs.
 */
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { privacyJobs } from '../modules/privacy/jobs.ts';
import { runJob } from '../platform/jobs.ts';
import { createLogger } from '../platform/logging.ts';

const config = loadConfig();
const logger = createLogger(config);
const name = process.argv[2];
const database = await openDatabase({
  url: config.databaseUrl,
  ownerUrl: config.databaseOwnerUrl,
  dataDir: config.dataDir,
  poolSize: 2,
}).catch((err: unknown) => {
  console.error(`Cannot open the database: ${(err as Error).message}`);
  process.exit(1);
});
const jobs = privacyJobs(database.db, logger);
let code = 0;
try {
  const job = jobs.find((j) => j.name === name);
  if (!job) {
    console.error(name ? `Unknown job "${name}".` : 'Which job? npm run job -- <name>');
    for (const j of jobs) console.error(`  ${j.name}: ${j.description}`);
    code = 2;
  } else {
    const result = await runJob(job, new Date(), logger);
    console.log(JSON.stringify({ job: job.name, result }));
  }
} catch (err) {
  console.error(`Job ${name} failed: ${(err as Error).message}`);
  code = 1;
} finally {
  await database.close();
}
process.exit(code);
