/** Time, injectable so that deadlines and retention can be tested at any date. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };
