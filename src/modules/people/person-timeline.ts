import { sql } from 'kysely';
import type { RequestStatus } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { formatDateFr } from '../../platform/format.ts';
import { AGENT_STATUS_LABELS } from '../requests/status.ts';
import { eventAuthor, eventTitle } from '../requests/timeline.ts';

/** One line of a citizen's timeline, whatever it comes from: all are shown the same way. */
export interface PersonTimelineEntry {
  at: Date;
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

/** What a source may show: the record's items in the agent's services (null: every service). */
export interface TimelineScope {
  personId: string;
  scopeIds: string[] | null;
  /** At most this many entries from each source, the latest. */
  limit: number;
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
    select r.reference, r.channel, r.status, r.submitted_at, to_char(r.due_on, 'YYYY-MM-DD') as due_on, r.closed_at,
           d.title as demarche_title, s.name as service_name, r.data ->> 'objet' as subject
      from requests r
      join demarches d on d.tenant_id = r.tenant_id and d.id = r.demarche_id
      join services s on s.tenant_id = r.tenant_id and s.id = r.service_id
     where r.person_id = ${scope.personId} and ${inScope(scope.scopeIds)}
     order by r.submitted_at desc limit ${scope.limit}`.execute(trx);
  return rows.map((r) => {
    const contact = NOTED[r.channel];
    const title = contact
      ? contact
      : r.channel === 'courriel'
        ? 'Courriel reçu, nouvelle demande'
        : `Demande déposée : ${r.demarche_title}`;
    return {
      at: new Date(r.submitted_at),
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
    reference: string;
    kind: string;
    status_to: string | null;
    body: string;
    author_kind: string;
    agent_name: string | null;
    visible_to_citizen: boolean;
    created_at: Date;
  }>`
    select r.reference, e.kind, e.status_to, e.body, e.author_kind, a.display_name as agent_name,
           e.visible_to_citizen, e.created_at
      from requests r
      join request_events e on e.tenant_id = r.tenant_id and e.request_id = r.id
      left join agents a on a.tenant_id = e.tenant_id and a.id = e.author_agent_id
     where r.person_id = ${scope.personId} and ${inScope(scope.scopeIds)} and e.kind <> 'submitted'
     order by e.created_at desc limit ${scope.limit}`.execute(trx);
  return rows.map((e) => ({
    at: new Date(e.created_at),
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
export const TIMELINE_SOURCES: readonly TimelineSource[] = [itemEntries, eventEntries];

/** Entries shown at most on a record's page. */
export const TIMELINE_LIMIT = 200;

/**
 * A record's timeline, latest first, from every source, within the agent's scope; and how many of
 * its items are in other services (counted, never shown).
 */
export async function personTimeline(
  trx: Tx,
  input: { personId: string; scopeIds: string[] | null; sources?: readonly TimelineSource[] },
): Promise<{ entries: PersonTimelineEntry[]; otherItems: number; otherServices: number }> {
  const scope: TimelineScope = { personId: input.personId, scopeIds: input.scopeIds, limit: TIMELINE_LIMIT };
  const lists: PersonTimelineEntry[] = [];
  // One after the other: they share the transaction's connection.
  for (const source of input.sources ?? TIMELINE_SOURCES) lists.push(...(await source(trx, scope)));
  const entries = lists.sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, TIMELINE_LIMIT);
  const hidden =
    input.scopeIds === null
      ? { n: 0, services: 0 }
      : ((
          await sql<{ n: number; services: number }>`
            select count(*)::int as n, count(distinct r.service_id)::int as services from requests r
             where r.person_id = ${input.personId} and not (r.service_id = any(${input.scopeIds}::uuid[]))`.execute(trx)
        ).rows[0] ?? { n: 0, services: 0 });
  return { entries, otherItems: hidden.n, otherServices: hidden.services };
}
