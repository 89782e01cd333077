/**
 * The one error type. `code` is stable (API clients and tests rely on it); `message` is French,
 * safe to show to a user. Only the central HTTP error handler turns codes into statuses.
 */
export const ERROR_CODES = {
  validation_failed: 400,
  invalid_input: 400,
  invalid_host: 400,
  invalid_csrf_token: 403,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  tenant_not_found: 404,
  request_not_found: 404,
  demarche_not_found: 404,
  conflict: 409,
  invalid_transition: 409,
  request_closed: 409,
  payload_too_large: 413,
  unsupported_file_type: 415,
  rate_limited: 429,
  /** Appointments (modules/appointments): the slot asked for, and what may be done with a booking. */
  slot_full: 409,
  slot_not_found: 404,
  slot_in_past: 422,
  slot_outside_opening_hours: 422,
  slot_closed_day: 422,
  slot_beyond_horizon: 422,
  appointment_overlap: 409,
  email_required: 400,
  appointment_not_found: 404,
  link_already_used: 410,
  appointment_started: 409,
  cancel_deadline_passed: 409,
  calendar_file_invalid: 400,
  calendar_file_too_large: 413,
  /** The counter (modules/counter): checking in an appointment, the tickets of the day. */
  already_checked_in: 409,
  appointment_not_today: 422,
  appointment_other_site: 422,
  appointment_not_booked: 409,
  ticket_not_found: 404,
  ticket_not_current: 409,
  /** The assistant's question: empty, over 2,000 characters, or not text (modules/assistant). */
  question_required: 400,
  question_too_long: 400,
  question_invalid: 400,
  internal_error: 500,
  database_unavailable: 503,
  franceconnect_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_CODES[this.code];
  }
}

/** PostgreSQL and network failures that mean "the database is not reachable right now". */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  if (!e) return false;
  const netCodes = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'];
  if (e.code && netCodes.includes(e.code)) return true;
  // 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 08xxx connection exceptions
  if (e.code && (/^08/.test(e.code) || ['57P01', '57P02', '57P03'].includes(e.code))) return true;
  const m = e.message ?? '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|terminating connection/i.test(
    m,
  );
}
