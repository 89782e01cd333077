import { sql, type RawBuilder } from 'kysely';
import type { AuditChannel } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import type { JournalAction } from './journal-actions.ts';

/** What the journal is narrowed to; null: no filter on that. Dates are 'YYYY-MM-DD', both included. */
export interface JournalFilter {
  agentId: string | null;
  from: string | null;
  to: string | null;
  action: JournalAction | null;
  reference: string | null;
  /** Part of the citizen's name or address (no case, no accents). */
  citizen: string | null;
}

/** Where a page of the journal starts: entries strictly older than this one. */
export interface JournalCursor {
  /** The entry's instant to the microsecond, ISO 8601 in UTC. */
  at: string;
  id: string;
}

export interface JournalEntry {
  id: string;
  at: Date;
  /** The cursor of this entry: the next page starts after it. */
  atKey: string;
  source: 'access' | 'event' | 'tenant';
  actorKind: 'agent' | 'citizen' | 'system';
  actorId: string | null;
  actorLabel: string;
  action: JournalAction;
  reference: string | null;
  applicantName: string | null;
  serviceName: string | null;
  channel: AuditChannel;
  /** What changed, when the action needs saying more (a new status, a transfer's reason, a day). */
  detail: string;
  statusTo: string | null;
}

// Timeline events whose body says what changed (not what someone wrote): the journal shows it.
const DESCRIBED_KINDS = [
  'assigned',
  'transferred',
  'deadline_extended',
  'anonymised',
  'routed',
  'escalated',
  'tags_changed',
  'person_changed',
];

const TIME_ZONE = 'Europe/Paris';

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The journal's entries, most recent first, from the three append-only sources, within `scope`
 * (the services whose items the reader may see; null: everything, entries about no item
 * included), narrowed by `filter`, after `cursor` (keyset pagination: a page costs the same
 * however deep it is, and entries written meanwhile never shift it).
 */
export async function listJournalEntries(
  trx: Tx,
  input: { scope: string[] | null; filter: JournalFilter; cursor: JournalCursor | null; limit: number },
): Promise<JournalEntry[]> {
  const { filter, scope, cursor } = input;
  const conditions: RawBuilder<unknown>[] = [];
  if (scope !== null) {
    conditions.push(
      scope.length === 0 ? sql`false` : sql`j.service_id in (${sql.join(scope.map((id) => sql`${id}::uuid`))})`,
    );
  }
  if (filter.agentId) conditions.push(sql`j.actor_kind = 'agent' and j.actor_id = ${filter.agentId}::uuid`);
  if (filter.from) conditions.push(sql`j.at >= (${filter.from}::date::timestamp at time zone ${TIME_ZONE})`);
  if (filter.to) conditions.push(sql`j.at < ((${filter.to}::date + 1)::timestamp at time zone ${TIME_ZONE})`);
  if (filter.action) conditions.push(sql`j.action = ${filter.action}`);
  if (filter.reference) conditions.push(sql`j.reference = ${filter.reference}`);
  if (filter.citizen)
    conditions.push(sql`guichet_fold(j.citizen_text) like guichet_fold(${likePattern(filter.citizen)})`);
  if (cursor) conditions.push(sql`(j.at, j.id) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)`);
  const where = conditions.length > 0 ? sql`where ${sql.join(conditions, sql` and `)}` : sql``;
  const result = await sql<{
    id: string;
    at: Date;
    at_key: string;
    source: JournalEntry['source'];
    actor_kind: JournalEntry['actorKind'];
    actor_id: string | null;
    actor_label: string;
    action: JournalAction;
    reference: string | null;
    applicant_name: string | null;
    service_name: string | null;
    channel: AuditChannel;
    detail: string;
    status_to: string | null;
  }>`
    select j.id, j.at, to_char(j.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at_key, j.source,
           j.actor_kind, j.actor_id, j.actor_label, j.action, j.reference, j.applicant_name, s.name as service_name,
           j.channel, j.detail, j.status_to
      from (
        select l.id, l.at, 'access' as source, l.actor_kind, l.actor_id, l.actor_label, l.action,
               coalesce(r.reference, l.request_reference) as reference, r.service_id, r.applicant_name,
               concat_ws(' ', r.applicant_name, r.applicant_email::text, c.given_name, c.family_name, c.email::text)
                 as citizen_text,
               l.channel, '' as detail, null::text as status_to
          from personal_data_access_log l
          left join requests r on r.tenant_id = l.tenant_id and r.id = l.request_id
          left join citizens c on c.tenant_id = l.tenant_id and c.id = l.citizen_id
        union all
        select e.id, e.created_at, 'event', e.author_kind, e.author_agent_id,
               case e.author_kind when 'agent' then coalesce(a.display_name, 'Un agent')
                 when 'citizen' then 'L’usager' else 'Guichet' end,
               e.kind, r.reference, r.service_id, r.applicant_name,
               concat_ws(' ', r.applicant_name, r.applicant_email::text),
               e.channel,
               case when e.kind in (${sql.join(DESCRIBED_KINDS)}) then left(e.body, 300) else '' end,
               e.status_to
          from request_events e
          join requests r on r.tenant_id = e.tenant_id and r.id = e.request_id
          left join agents a on a.tenant_id = e.tenant_id and a.id = e.author_agent_id
        union all
        select t.id, t.at, 'tenant', t.actor_kind, t.actor_id, t.actor_label, t.action, null, null::uuid, null, '',
               t.channel, t.detail, null
          from tenant_audit_log t
      ) j
      left join services s on s.id = j.service_id
      ${where}
     order by j.at desc, j.id desc
     limit ${input.limit}`.execute(trx);
  return result.rows.map((r) => ({
    id: r.id,
    at: new Date(r.at),
    atKey: r.at_key,
    source: r.source,
    actorKind: r.actor_kind,
    actorId: r.actor_id,
    actorLabel: r.actor_label,
    action: r.action,
    reference: r.reference,
    applicantName: r.applicant_name,
    serviceName: r.service_name,
    channel: r.channel,
    detail: r.detail,
    statusTo: r.status_to,
  }));
}

/** The tenant's agents, for the journal's filter (the inactive ones too: their past acts count). */
export async function listJournalAgents(trx: Tx): Promise<{ id: string; name: string }[]> {
  const rows = await trx.selectFrom('agents').select(['id', 'display_name']).orderBy('display_name').execute();
  return rows.map((r) => ({ id: r.id, name: r.display_name }));
}
