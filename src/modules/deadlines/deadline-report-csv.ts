import { toCsv } from '../../platform/csv.ts';
import type { DeadlineReport } from './read-deadline-report.ts';

/** The report's figures per service and démarche, as CSV (shares as plain numbers, for sums). */
export function deadlineReportToCsv(report: DeadlineReport): string {
  const share = (closed: number, inTime: number) =>
    closed === 0 ? '' : ((inTime / closed) * 100).toFixed(1).replace('.', ',');
  return toCsv(
    [
      'Service',
      'Démarche',
      'Du',
      'Au',
      'Closes sur la période',
      'Dont dans le délai',
      'Part dans le délai (%)',
      'En retard aujourd’hui',
    ],
    [
      ...report.rows.map((r) => [
        r.serviceName,
        r.demarcheTitle,
        report.from,
        report.to,
        String(r.closed),
        String(r.inTime),
        share(r.closed, r.inTime),
        String(r.overdueNow),
      ]),
      [
        'Ensemble',
        '',
        report.from,
        report.to,
        String(report.totals.closed),
        String(report.totals.inTime),
        share(report.totals.closed, report.totals.inTime),
        String(report.totals.overdueNow),
      ],
    ],
  );
}
