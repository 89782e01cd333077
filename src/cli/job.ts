/**
 * `npm run job -- <name>`: runs one daily job now, against the configured database, and prints
 * its summary. `npm run job` alone lists the jobs.
 */
import { runJob } from '../platform/jobs/daily.ts';
import { createLogger } from '../platform/logging.ts';
import { buildServices } from '../services.ts';
import { loadConfigOrExit, openDatabaseOrExit } from '../startup.ts';

const config = loadConfigOrExit();
const logger = createLogger(config);
const name = process.argv[2];
const database = await openDatabaseOrExit(config, { poolSize: 2, who: 'The job' });
const jobs = buildServices(config, database, logger, { mailWorker: false }).dailyJobs.jobs;
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
