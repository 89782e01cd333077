import { buildServices } from './services.ts';
import { createLogger } from './platform/logging.ts';
import { loadConfigOrExit, openDatabaseOrExit } from './startup.ts';

/**
 * `npm run worker`: sends queued mail and runs background and daily jobs (the job queue), without serving HTTP. Run it beside
 * web processes started with MAIL_WORKER_ENABLED=false (and JOBS_ENABLED=false), so that sending
 * mail does not take CPU from answering pages.
 */
const config = loadConfigOrExit();
const logger = createLogger(config);
if (!config.databaseUrl) {
  // The embedded database belongs to one process: there, the web process sends mail itself.
  console.error(
    'The worker needs a PostgreSQL server (DATABASE_URL); with the embedded database, npm start sends mail.',
  );
  process.exit(1);
}
const db = await openDatabaseOrExit(config, { poolSize: 2, who: 'The worker' });
// The worker process exists to do this work: JOBS_ENABLED=false is meant for the web processes.
const services = buildServices({ ...config, jobsEnabled: true }, db, logger, { mailWorker: true });
services.mail.start();
services.dailyJobs.start();
services.mailboxPolls.start();
services.jobs.start();
console.log('Guichet worker is running: sending mail and running background and daily jobs.');

const stop = async () => {
  services.dailyJobs.stop();
  services.mailboxPolls.stop();
  await services.jobs.stop();
  await services.mail.stop();
  await db.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
