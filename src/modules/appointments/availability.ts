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
  // Slots by site then start instant: numbers as keys, no string built per candidate.
  const bySite = new Map<string, Map<number, Slot>>();
  const busyByResource = groupBusy(input.busy);
  const keyOf = slotKeys(motif.id);
  const hours = input.resources.map((resource) => ({
    resource,
    slots: bySite.get(resource.siteId) ?? bySite.set(resource.siteId, new Map()).get(resource.siteId)!,
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
    for (const { resource, slots, busy, periods } of hours) {
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
          const free = seatsLeft(busy, motif, keyOf, startMs, busyUntil);
          let slot = slots.get(startMs);
          if (!slot) {
            slot = {
              siteId: resource.siteId,
              start: new Date(startMs),
              end: new Date(endMs),
              remaining: 0,
              resources: [],
            };
            slots.set(startMs, slot);
          }
          slot.remaining += free;
          slot.resources.push({ resourceId: resource.id, free });
        }
      }
    }
  }
  // By start, then site: the sites ranked once (in the order localeCompare gives) rather than
  // compared with localeCompare at each tie, since most starts are shared by every site.
  const rank = new Map([...bySite.keys()].sort((a, b) => a.localeCompare(b)).map((site, i) => [site, i]));
  const all: Slot[] = [];
  for (const slots of bySite.values()) for (const slot of slots.values()) all.push(slot);
  return all.sort((a, b) => a.start.getTime() - b.start.getTime() || rank.get(a.siteId)! - rank.get(b.siteId)!);
}

/**
 * `slotKeyOf` for one motif, each instant's key built once: the sites' resources share their
 * starts, and a key is needed for every appointment that overlaps a candidate slot.
 */
function slotKeys(motifId: string): (start: number) => string {
  const keys = new Map<number, string>();
  return (start) => {
    let key = keys.get(start);
    if (key === undefined) keys.set(start, (key = slotKeyOf(motifId, new Date(start))));
    return key;
  };
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
  // The database reads them in this order already (the index): check rather than sort.
  for (const list of map.values()) if (!isSortedByStart(list)) list.sort((a, b) => a.start - b.start);
  return map;
}

function isSortedByStart(list: BusyRange[]): boolean {
  for (let i = 1; i < list.length; i++) if (list[i - 1]!.start > list[i]!.start) return false;
  return true;
}

/**
 * Seats left on a resource for a slot: none when anything else overlaps it (another slot, another
 * motif), else the capacity less the appointments already in this very slot.
 */
function seatsLeft(
  busy: BusyRange[],
  motif: MotifRules,
  keyOf: (start: number) => string,
  start: number,
  busyUntil: number,
): number {
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
    if (b.slotKey !== (key ??= keyOf(start))) return 0;
    taken++;
  }
  return Math.max(0, motif.capacity - taken);
}
