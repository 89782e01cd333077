import { sql } from 'kysely';
import { createApp } from './app.ts';
import { seedDemo } from './demo/seed-demo.ts';
import { startInboundSmtp, type InboundSmtpServer } from './modules/inbound-mail/smtp-listener.ts';
import { buildServices } from './services.ts';
import { loadConfigOrExit, openDatabaseOrExit } from './startup.ts';
import { createLogger } from './platform/logging.ts';
import { preloadInseePlaces } from './modules/identity/insee-places.ts';

/**
 * Starts Guichet: reads the configuration, opens and migrates the database, seeds the demo
 * commune on an empty database, serves HTTP, sends queued mail and runs background jobs until SIGTERM or SIGINT.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config);

  const database = await openDatabaseOrExit(config, { poolSize: config.databasePoolSize, who: 'Guichet' });

  const tenants = await sql<{ n: number }>`select count(*)::int as n from guichet_tenant_ids()`.execute(database.db);
  if ((tenants.rows[0]?.n ?? 0) === 0 && config.demo) {
    const demo = await seedDemo(database, { sampleRequests: true });
    console.log(
      `\nDemo commune "Villebelle" created, with ${demo.sampleRequests} sample requests. Agent accounts (change these passwords):`,
    );
    for (const c of demo.credentials)
      console.log(`  ${c.email} / ${c.password}  (${c.role}: ${c.services.join(', ')})`);
    console.log(
      'The admin account asks for a second factor: at its first login, scan the QR code shown with an\n' +
        'authenticator app (FreeOTP, Aegis, Google or Microsoft Authenticator…) and type the 6-digit code.',
    );
    console.log('');
  }

  if (config.demoFranceconnect) {
    // The demo's FranceConnect-like provider: the relying party is pointed at it.
    const publicHost = config.host === '0.0.0.0' ? 'localhost' : config.host;
    try {
      // Loaded only for the demo: a deployment does not carry an OpenID provider in memory.
      const { startDemoFranceConnectProvider } = await import('./demo/franceconnect-provider.ts');
      const fc = await startDemoFranceConnectProvider({
        host: config.host,
        port: config.demoFranceconnectPort,
        guichetOrigins: [...new Set([publicHost, 'localhost', '127.0.0.1', 'villebelle.localhost'])].flatMap((h) => [
          `http://${h}:${config.port}`,
          `http://${h}:${config.port}/t/villebelle`,
        ]),
      });
      config.franceconnect = {
        ...config.franceconnect,
        issuer: fc.issuer,
        clientId: fc.clientId,
        clientSecret: fc.clientSecret,
      };
      console.log(`Demo FranceConnect provider: ${fc.issuer}/ (fictitious people, no password)`);
    } catch (err) {
      console.error(`The demo FranceConnect provider could not start: ${(err as Error).message}`);
    }
  }

  if (config.demoApiParticulier) {
    // The demo's API Particulier: fictitious families, students and job seekers.
    try {
      const { startDemoApiParticulier } = await import('./demo/api-particulier-provider.ts');
      const ap = await startDemoApiParticulier({ host: config.host, port: config.demoApiParticulierPort });
      config.apiParticulier = { ...config.apiParticulier, url: ap.url, token: ap.token };
      console.log(
        `Demo API Particulier: ${ap.url}/ (fictitious people, e.g. Camille Louise MARTIN, born 14/07/1988 in Nantes)`,
      );
    } catch (err) {
      console.error(`The demo API Particulier could not start: ${(err as Error).message}`);
    }
  }

  const services = buildServices(config, database, logger);
  const app = await createApp(services, { logger });
  services.mail.start();
  // Every instance queues the daily jobs' next runs; the queue runs each once, somewhere.
  services.dailyJobs.start();
  services.mailboxPolls.start();
  // Background jobs, unless JOBS_ENABLED=false (then another instance or `npm run worker` runs them).
  services.jobs.start();
  await app.listen({ host: config.host, port: config.port });
  // The commune list (birthplaces, civil status): read now rather than at a citizen's first form.
  void preloadInseePlaces().catch((err: unknown) =>
    logger.warn({ err }, 'the commune list could not be read in advance: it will be at first use'),
  );
  console.log(`Guichet is running: http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}/`);
  let inbound: InboundSmtpServer | null = null;
  if (config.inbound.smtpPort !== 0) {
    try {
      inbound = await startInboundSmtp(services, {
        host: config.inbound.smtpHost,
        port: config.inbound.smtpPort,
        logger,
      });
    } catch (err) {
      console.error(
        `Guichet cannot receive mail on ${config.inbound.smtpHost}:${config.inbound.smtpPort}: ${(err as Error).message}. ` +
          'Set INBOUND_SMTP_PORT to a free port, or to 0 to receive no mail.',
      );
      process.exit(1);
    }
    console.log(
      `Inbound mail: smtp://${config.inbound.smtpHost}:${inbound.port} (addresses <commune>@${config.inbound.domain})`,
    );
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      logger.error('shutdown took too long, exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    // A keep-alive connection whose request was in flight when close() began stays open once
    // answered, and would hold the process until the forced exit: close such connections as
    // soon as they fall idle.
    const idleSweep = setInterval(() => app.server.closeIdleConnections(), 100);
    idleSweep.unref();
    try {
      await inbound?.close();
      await app.close();
      clearInterval(idleSweep);
      // Claims no more jobs and waits for the handlers running now.
      services.dailyJobs.stop();
      services.mailboxPolls.stop();
      await services.jobs.stop();
      await services.mail.stop();
      await services.sessionCache.close();
      await database.close();
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

await main();
