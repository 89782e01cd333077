import type { Logger } from 'pino';
import type { Db } from '../../db/tenant-scope.ts';
import type { Job } from '../../platform/jobs/daily.ts';
import { runRetention } from './retention.ts';

/** The privacy module's daily jobs. */
export function privacyJobs(db: Db, logger: Logger): Job[] {
  return [
    {
      name: 'retention',
      description:
        'Anonymise closed requests past their démarche’s retention period; purge access-log entries older than a year and inbound mail tied to no item past the contact démarche’s retention.',
      run: async (now) => {
        const results = await runRetention(db, now, logger);
        return {
          tenants: results.length,
          anonymised: results.reduce((n, r) => n + r.anonymised, 0),
          accessLogPurged: results.reduce((n, r) => n + r.accessLogPurged, 0),
          unlinkedMailPurged: results.reduce((n, r) => n + r.unlinkedMailPurged, 0),
        };
      },
    },
  ];
}
