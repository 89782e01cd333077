import { addDays, dayClock, instantMsAt, isoWeekday, minutesOf } from './local-time.ts';

/**
 * Free slots, computed from the opening periods rather than stored (decision 39): a slot is a
 * wall time of a resource's opening period on a day that is no holiday, outside every closure,
 * within the motif's booking window, and with a seat left. Pure: the inputs are read by
 * `find-slots.ts`, the database alone decides at booking time (exclusion constraints).
 */

export interface MotifRules {
  id: string;
  durationMinutes: number;
  bufferMinutes: number;
  minLeadMinutes: number;
  maxLeadDays: number;
  capacity: number;
}

export interface OpeningPeriod {
  weekday: number;
  /** 'HH:MM[:SS]' wall times. */
  opensAt: string;
  closesAt: string;
  validFrom: string | null;
  validUntil: string | null;
}

export interface ResourceHours {
  id: string;
  siteId: string;
  periods: OpeningPeriod[];
}

export interface Closure {
  siteId: string | null;
  resourceId: string | null;
  start: number;
  end: number;
}

/** A live appointment of a resource, as the constraints see it. */
export interface BusyRange {
  resourceId: string;
  start: number;
  busyUntil: number;
  slotKey: string;
}

export interface AvailabilityInput {
  motif: MotifRules;
  resources: ResourceHours[];
  closures: Closure[];
  busy: BusyRange[];
  /** Whether a calendar day is closed for everyone (public holiday, the tenant's closing days). */
  isClosedDay: (day: string) => boolean;
  /** First and last calendar days to look at, both included. */
  from: string;
  to: string;
  now: Date;
  /** Today in the commune, 'YYYY-MM-DD'. */
  today: string;
  timeZone?: string;
}

/** A resource's place in a slot: how many seats are left on it. */
export interface ResourceSeats {
  resourceId: string;
  free: number;
}

export interface Slot {
  siteId: string;
  start: Date;
  end: Date;
  /** Seats left at the site for this time, all its resources together. */
  remaining: number;
  resources: ResourceSeats[];
}

/** `<motif>@<start ISO>`: the key overlapping appointments of one resource must share. */
export function slotKeyOf(motifId: string, start: Date): string {
  return `${motifId}@${start.toISOString()}`;
}

/** The first bookable instant and the last bookable day of a motif, from now. */
export function bookingWindow(motif: Pick<MotifRules, 'minLeadMinutes' | 'maxLeadDays'>, now: Date, today: string) {
  return { earliest: now.getTime() + motif.minLeadMinutes * 60_000, lastDay: addDays(today, motif.maxLeadDays) };
}

/** Every slot of the motif with a seat left, sorted by start then site. */
export function freeSlots(input: AvailabilityInput): Slot[] {
  return computeSlots(input).filter((s) => s.remaining > 0);
}

/** Every slot of the motif, full ones included (remaining 0). */
export function computeSlots(input: AvailabilityInput): Slot[] {
  const { motif } = input;
  const window = bookingWindow(motif, input.now, input.today);
  const last = input.to < window.lastDay ? input.to : window.lastDay;
  const first = input.from > input.today ? input.from : input.today;
  const step = motif.durationMinutes + motif.bufferMinutes;
  const bySiteAndStart = new Map<string, Slot>();
  const busyByResource = groupBusy(input.busy);
  const hours = input.resources.map((resource) => ({
    resource,
    busy: busyByResource.get(resource.id) ?? [],
    periods: resource.periods.map((period) => ({
      period,
      opens: minutesOf(period.opensAt),
      closes: minutesOf(period.closesAt),
    })),
  }));
  for (let day = first; day <= last; day = addDays(day, 1)) {
    if (input.isClosedDay(day)) continue;
    const weekday = isoWeekday(day);
    const clock = dayClock(day, input.timeZone);
    for (const { resource, busy, periods } of hours) {
      for (const { period, opens, closes } of periods) {
        if (period.weekday !== weekday) continue;
        if (period.validFrom && day < period.validFrom) continue;
        if (period.validUntil && day > period.validUntil) continue;
        for (let m = opens; m + step <= closes; m += step) {
          const startMs = instantMsAt(clock, m);
          if (startMs === null) continue; // the hour skipped in spring
          if (startMs < window.earliest) continue;
          const endMs = startMs + motif.durationMinutes * 60_000;
          const busyUntil = endMs + motif.bufferMinutes * 60_000;
          if (input.closures.some((c) => closes_(c, resource, startMs, busyUntil))) continue;
          const free = seatsLeft(busy, motif, startMs, busyUntil);
          const key = `${resource.siteId}|${startMs}`;
          let slot = bySiteAndStart.get(key);
          if (!slot) {
            slot = {
              siteId: resource.siteId,
              start: new Date(startMs),
              end: new Date(endMs),
              remaining: 0,
              resources: [],
            };
            bySiteAndStart.set(key, slot);
          }
          slot.remaining += free;
          slot.resources.push({ resourceId: resource.id, free });
        }
      }
    }
  }
  return [...bySiteAndStart.values()].sort(
    (a, b) => a.start.getTime() - b.start.getTime() || a.siteId.localeCompare(b.siteId),
  );
}

function closes_(c: Closure, resource: ResourceHours, start: number, busyUntil: number): boolean {
  if (c.resourceId && c.resourceId !== resource.id) return false;
  if (c.siteId && c.siteId !== resource.siteId) return false;
  return c.start < busyUntil && start < c.end;
}

/** Sorted by start, per resource. */
function groupBusy(busy: BusyRange[]): Map<string, BusyRange[]> {
  const map = new Map<string, BusyRange[]>();
  for (const b of busy) {
    let list = map.get(b.resourceId);
    if (!list) map.set(b.resourceId, (list = []));
    list.push(b);
  }
  for (const list of map.values()) list.sort((a, b) => a.start - b.start);
  return map;
}

/**
 * Seats left on a resource for a slot: none when anything else overlaps it (another slot, another
 * motif), else the capacity less the appointments already in this very slot.
 */
function seatsLeft(busy: BusyRange[], motif: MotifRules, start: number, busyUntil: number): number {
  // Appointments last at most a day: start the scan at the first that may overlap.
  let lo = 0;
  let hi = busy.length;
  const from = start - 86_400_000;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (busy[mid]!.start < from) lo = mid + 1;
    else hi = mid;
  }
  let taken = 0;
  let key: string | undefined; // built only when a range overlaps
  for (let i = lo; i < busy.length && busy[i]!.start < busyUntil; i++) {
    const b = busy[i]!;
    if (b.busyUntil <= start) continue;
    if (b.slotKey !== (key ??= slotKeyOf(motif.id, new Date(start)))) return 0;
    taken++;
  }
  return Math.max(0, motif.capacity - taken);
}
