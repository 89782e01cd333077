import { privacyJobs } from './modules/privacy/jobs.ts';
import { DailyJobScheduler } from './platform/jobs.ts';
import { buildServices } from './services.ts';
import { createLogger } from './platform/logging.ts';
import { loadConfigOrExit, openDatabaseOrExit } from './startup.ts';

/**
 * `npm run worker`: sends queued mail and runs the daily jobs, without serving HTTP. Run it beside
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
const services = buildServices(config, db, logger, { mailWorker: true });
const jobs = new DailyJobScheduler(privacyJobs(db.db, logger), {
  dailyAt: config.jobsDailyAt,
  clock: services.clock,
  logger,
});
services.mail.start();
jobs.start();
console.log('Guichet worker is running: sending mail and running daily jobs.');

const stop = async () => {
  await jobs.stop();
  await services.mail.stop();
  await db.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
