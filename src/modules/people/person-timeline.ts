import { sql } from 'kysely';
import type { RequestStatus } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { formatDateFr, formatDateTimeFr } from '../../platform/format.ts';
import { AGENT_STATUS_LABELS } from '../requests/status.ts';
import { eventAuthor, eventTitle } from '../requests/timeline.ts';

/** One line of a citizen's timeline, whatever it comes from: all are shown the same way. */
export interface PersonTimelineEntry {
  at: Date;
  /** Where the entry stands in the timeline: its instant to the microsecond and its row's id. */
  position: TimelinePosition;
  /** What it is: 'item' (a request, an email, a call, a visit) or a request event kind. */
  kind: string;
  title: string;
  /** Who did it, as agents call them ('' when it says nothing). */
  author: string;
  body: string;
  /** Facts shown under the title (reference, démarche, status, due date). */
  facts: string[];
  /** The item it concerns, linked. */
  item: { reference: string; label: string } | null;
  /** Agents only (internal notes, assignments, transfers…). */
  internal: boolean;
}

/**
 * A point of the timeline, as a page's « Entrées plus anciennes » link carries it: an instant as
 * PostgreSQL keeps it (microseconds, which a JavaScript Date would round) and a row's id, so that
 * entries at the same instant are neither repeated nor skipped from one page to the next.
 */
export interface TimelinePosition {
  /** 'YYYY-MM-DDTHH:MM:SS.ffffffZ'. */
  at: string;
  id: string;
}

/** What a source may show: the record's items in the agent's services (null: every service). */
export interface TimelineScope {
  personId: string;
  scopeIds: string[] | null;
  /** At most this many entries from each source, the latest before `before`. */
  limit: number;
  /** Only entries older than this one (keyset pagination); null: from the latest. */
  before: TimelinePosition | null;
}

const POSITION =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** A position as the page link carries it (`avant`). */
export function positionParam(p: TimelinePosition): string {
  return `${p.at}_${p.id}`;
}

/** The `avant` parameter read back; anything else than a position is null (the first page). */
export function parsePosition(value: string): TimelinePosition | null {
  const m = POSITION.exec(value);
  return m ? { at: m[1]!, id: m[2]!.toLowerCase() } : null;
}

/** The instant of a row as a position's `at`. */
const atKey = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`);

/** Rows strictly older than the position, in the timeline's order (instant, then id). */
const olderThan = (at: string, id: string, before: TimelinePosition | null) =>
  before === null
    ? sql<boolean>`true`
    : sql<boolean>`(${sql.ref(at)}, ${sql.ref(id)}) < (${before.at}::timestamptz, ${before.id}::uuid)`;

/** Latest first; at the same instant, the greater id first (as PostgreSQL orders uuids). */
function newestFirst(a: TimelinePosition, b: TimelinePosition): number {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * A source of timeline entries. Each channel or module adds one (appointments and feedback will
 * be sources of their own); the timeline merges them by date.
 */
export type TimelineSource = (trx: Tx, scope: TimelineScope) => Promise<PersonTimelineEntry[]>;

const inScope = (scopeIds: string[] | null) =>
  scopeIds === null ? sql<boolean>`true` : sql<boolean>`r.service_id = any(${scopeIds}::uuid[])`;

/** Items noted by an agent, by channel (requests/record-contact.ts). */
const NOTED: Record<string, string> = { telephone: 'Appel téléphonique noté', guichet: 'Visite à l’accueil notée' };

/** Each item of the record: a request filed, an email received, a call or a visit noted. */
export const itemEntries: TimelineSource = async (trx, scope) => {
  const { rows } = await sql<{
    id: string;
    at_key: string;
    reference: string;
    channel: string;
    status: RequestStatus;
    submitted_at: Date;
    due_on: string;
    closed_at: Date | null;
    demarche_title: string;
    service_name: string;
    subject: string | null;
  }>`
    select r.id, ${atKey('r.submitted_at')} as at_key, r.reference, r.channel, r.status, r.submitted_at, to_char(r.due_on, 'YYYY-MM-DD') as due_on, r.closed_at,
           d.title as demarche_title, s.name as service_name, r.data ->> 'objet' as subject
      from requests r
      join demarches d on d.tenant_id = r.tenant_id and d.id = r.demarche_id
      join services s on s.tenant_id = r.tenant_id and s.id = r.service_id
     where r.person_id = ${scope.personId} and ${inScope(scope.scopeIds)}
       and ${olderThan('r.submitted_at', 'r.id', scope.before)}
     order by r.submitted_at desc, r.id desc limit ${scope.limit}`.execute(trx);
  return rows.map((r) => {
    const contact = NOTED[r.channel];
    const title = contact
      ? contact
      : r.channel === 'courriel'
        ? 'Courriel reçu, nouvelle demande'
        : `Demande déposée : ${r.demarche_title}`;
    return {
      at: new Date(r.submitted_at),
      position: { at: r.at_key, id: r.id },
      kind: 'item',
      title,
      author: '',
      body: contact || r.channel === 'courriel' ? (r.subject ?? '') : '',
      facts: [
        `${r.reference} · ${r.demarche_title} · ${r.service_name}`,
        `Statut : ${AGENT_STATUS_LABELS[r.status]}`,
        r.closed_at ? `Close le ${formatDateFr(new Date(r.closed_at))}` : `Échéance : ${formatDateFr(r.due_on)}`,
      ],
      item: { reference: r.reference, label: `Ouvrir la demande ${r.reference}` },
      internal: false,
    };
  });
};

/** What happened on the record's items: messages both ways, statuses, notes, assignments. */
export const eventEntries: TimelineSource = async (trx, scope) => {
  const { rows } = await sql<{
    id: string;
    at_key: string;
    reference: string;
    kind: string;
    status_to: string | null;
    body: string;
    author_kind: string;
    agent_name: string | null;
    visible_to_citizen: boolean;
    created_at: Date;
  }>`
    select e.id, ${atKey('e.created_at')} as at_key, r.reference, e.kind, e.status_to, e.body, e.author_kind, a.display_name as agent_name,
           e.visible_to_citizen, e.created_at
      from requests r
      join request_events e on e.tenant_id = r.tenant_id and e.request_id = r.id
      left join agents a on a.tenant_id = e.tenant_id and a.id = e.author_agent_id
     where r.person_id = ${scope.personId} and ${inScope(scope.scopeIds)} and e.kind <> 'submitted'
       and ${olderThan('e.created_at', 'e.id', scope.before)}
     order by e.created_at desc, e.id desc limit ${scope.limit}`.execute(trx);
  return rows.map((e) => ({
    at: new Date(e.created_at),
    position: { at: e.at_key, id: e.id },
    kind: e.kind,
    title: eventTitle({ kind: e.kind, statusTo: e.status_to, body: e.body }, 'agent'),
    author: eventAuthor({ authorKind: e.author_kind, agentName: e.agent_name }, 'agent'),
    body: e.body,
    facts: [],
    item: { reference: e.reference, label: e.reference },
    internal: !e.visible_to_citizen,
  }));
};

/** Every source of a record's timeline, in no particular order. */
const APPOINTMENT_STATUS: Record<string, string> = {
  booked: 'réservé',
  cancelled: 'annulé',
  seen: 'reçu',
  excused: 'excusé',
  no_show: 'absent',
};
const APPOINTMENT_CHANNEL: Record<string, string> = {
  web: 'en ligne',
  api: 'par le site de la commune',
  phone: 'par téléphone, par un agent',
  counter: 'à l’accueil',
  kiosk: 'à la borne',
};

/** The record's appointments (modules/appointments), dated when they were booked; all services see them. */
export const appointmentEntries: TimelineSource = async (trx, scope) => {
  const { rows } = await sql<{
    id: string;
    at_key: string;
    created_at: Date;
    reference: string;
    starts_at: Date;
    status: string;
    channel: string;
    motif: string;
    site: string;
    agent: string | null;
  }>`
    select a.id, ${atKey('a.created_at')} as at_key, a.created_at, a.reference, a.starts_at, a.status, a.channel,
           m.name as motif, s.name as site, g.display_name as agent
      from appointments a
      join appointment_motifs m on m.tenant_id = a.tenant_id and m.id = a.motif_id
      join appointment_sites s on s.tenant_id = a.tenant_id and s.id = a.site_id
      left join agents g on g.tenant_id = a.tenant_id and g.id = a.booked_by_agent_id
     where a.person_id = ${scope.personId} and ${olderThan('a.created_at', 'a.id', scope.before)}
     order by a.created_at desc, a.id desc limit ${scope.limit}`.execute(trx);
  return rows.map((r) => ({
    at: new Date(r.created_at),
    position: { at: r.at_key, id: r.id },
    kind: 'appointment',
    title: `Rendez-vous pris ${APPOINTMENT_CHANNEL[r.channel] ?? ''} : ${r.motif}`,
    author: r.agent ?? '',
    body: '',
    facts: [
      `${r.reference} · ${formatDateTimeFr(new Date(r.starts_at))} · ${r.site}`,
      `État : ${APPOINTMENT_STATUS[r.status] ?? r.status}`,
    ],
    item: null,
    internal: false,
  }));
};

export const TIMELINE_SOURCES: readonly TimelineSource[] = [itemEntries, eventEntries, appointmentEntries];

/** Entries on one page of a record's timeline; the older ones are a link away. */
export const TIMELINE_PAGE = 50;

/**
 * One page of a record's timeline, latest first, from every source, within the agent's scope,
 * older than `before` (keyset pagination: each source reads at most a page and one more entry,
 * however busy the citizen and however deep the page); where the next page starts (null: none);
 * and how many of the person's items are in other services (counted, never shown).
 */
export async function personTimeline(
  trx: Tx,
  input: {
    personId: string;
    scopeIds: string[] | null;
    before?: TimelinePosition | null;
    sources?: readonly TimelineSource[];
  },
): Promise<{
  entries: PersonTimelineEntry[];
  next: TimelinePosition | null;
  otherItems: number;
  otherServices: number;
}> {
  const scope: TimelineScope = {
    personId: input.personId,
    scopeIds: input.scopeIds,
    limit: TIMELINE_PAGE + 1,
    before: input.before ?? null,
  };
  const lists: PersonTimelineEntry[] = [];
  // One after the other: they share the transaction's connection.
  for (const source of input.sources ?? TIMELINE_SOURCES) lists.push(...(await source(trx, scope)));
  const merged = lists.sort((a, b) => newestFirst(a.position, b.position));
  const entries = merged.slice(0, TIMELINE_PAGE);
  const next = merged.length > TIMELINE_PAGE ? entries[entries.length - 1]!.position : null;
  const hidden =
    input.scopeIds === null
      ? { n: 0, services: 0 }
      : ((
          await sql<{ n: number; services: number }>`
            select count(*)::int as n, count(distinct r.service_id)::int as services from requests r
             where r.person_id = ${input.personId} and not (r.service_id = any(${input.scopeIds}::uuid[]))`.execute(trx)
        ).rows[0] ?? { n: 0, services: 0 });
  return { entries, next, otherItems: hidden.n, otherServices: hidden.services };
}
