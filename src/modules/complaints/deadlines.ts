import { addWorkingDays, isWorkingDay, localDateAndHour, type WorkingDayOptions } from '../requests/working-days.ts';

/**
 * The two deadlines of a complaint (decision 37).
 *
 * - Acknowledgement « within 48 hours », counted in working days as the commune's agents work:
 *   by the end of the second working day after receipt (received on Friday afternoon: by
 *   Tuesday evening), with the tenant's holidays and closing days. Returned as that day.
 * - Answer within the announced time: `days` calendar days after the day of receipt (or of the
 *   escalation), moved to the next working day when it falls on a day the mairie is closed.
 */
export const ACKNOWLEDGEMENT_WORKING_DAYS = 2;

export function acknowledgementDay(
  receivedAt: Date,
  calendar: Pick<WorkingDayOptions, 'departement' | 'extraHolidays'>,
): string {
  return addWorkingDays(receivedAt, ACKNOWLEDGEMENT_WORKING_DAYS, calendar);
}

export function answerDueOn(
  from: Date,
  days: number,
  calendar: Pick<WorkingDayOptions, 'departement' | 'extraHolidays'>,
): string {
  const start = localDateAndHour(from).date;
  const d = new Date(`${start}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  let day = d.toISOString().slice(0, 10);
  while (!isWorkingDay(day, calendar)) {
    const next = new Date(`${day}T12:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    day = next.toISOString().slice(0, 10);
  }
  return day;
}
