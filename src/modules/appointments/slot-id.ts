/**
 * A slot's id, as the booking pages and the API pass it: the motif, the site and the start
 * instant (UTC, to the minute), e.g. `<motif uuid>.<site uuid>.20261207T0830Z`. It names a place
 * the citizen may ask for, not a reservation: the booking checks it against the opening periods
 * and the database decides who gets it.
 */

export interface SlotRef {
  motifId: string;
  siteId: string;
  start: Date;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const SLOT_ID = new RegExp(`^(${UUID})\\.(${UUID})\\.(\\d{4})(\\d{2})(\\d{2})T(\\d{2})(\\d{2})Z$`);

export function slotIdOf(ref: SlotRef): string {
  const iso = ref.start.toISOString();
  const compact = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
  return `${ref.motifId}.${ref.siteId}.${compact}`;
}

/** The slot an id names, or null when it cannot be one. */
export function parseSlotId(id: string): SlotRef | null {
  const m = SLOT_ID.exec(
    id
      .trim()
      .toLowerCase()
      .replace(/t(\d{4})z$/, 'T$1Z'),
  );
  if (!m) return null;
  const start = new Date(Date.UTC(Number(m[3]), Number(m[4]) - 1, Number(m[5]), Number(m[6]), Number(m[7])));
  if (Number.isNaN(start.getTime()) || start.toISOString().slice(0, 16) !== `${m[3]}-${m[4]}-${m[5]}T${m[6]}:${m[7]}`)
    return null;
  return { motifId: m[1]!, siteId: m[2]!, start };
}
