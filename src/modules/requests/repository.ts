import { createHash } from 'node:crypto';
import { sql, type InferResult } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { precompiled } from '../../db/precompiled.ts';
import type { Db, Tx } from '../../db/tenant-scope.ts';
import type { AuditChannel, RequestStatus } from '../../db/schema.ts';
import type { FormConsent } from '../privacy/consents.ts';

/** SQL of the citizen side of requests. No business rules here. */

export async function findOnlineDemarche(trx: Tx, slug: string) {
  return trx
    .selectFrom('demarches')
    .select(['id', 'service_id', 'slug', 'title', 'summary', 'delay_days', 'form', 'kind', 'audience', 'life_events'])
    .where('slug', '=', slug)
    .where('audience', '=', 'public')
    .where('published_at', 'is not', null)
    .executeTakeFirst();
}

/**
 * Stores a new request with its first timeline event ("submitted", status reçue), its consents
 * and its queued confirmation mail, in ONE statement: atomic on its own, one round trip to the
 * database. Returns null when the reference is already taken (the caller draws another).
 */
export async function insertSubmission(
  db: Db,
  row: {
    tenantId: string;
    reference: string;
    demarcheId: string;
    serviceId: string;
    channel: string;
    data: Record<string, unknown>;
    applicantName: string | null;
    applicantEmail: string | null;
    applicantPhone: string | null;
    trackingSecretHash: string;
    /** requests/tracking-seal.ts */
    trackingSecretSealed: string;
    dueOn: string;
    citizenId: string | null;
    identitySource: 'franceconnect' | null;
    /** The citizen record (people/find-or-create-person.ts). */
    personId: string | null;
    consents: FormConsent[];
    mail: { to: string; subject: string; text: string; html?: string; replyTo?: string } | null;
    /** Filed by an agent for the citizen: who, and the event the citizen reads about it. */
    filedBy?: { agentId: string; body: string } | null;
  },
): Promise<{ id: string; eventId: string } | null> {
  const filedBy = row.filedBy ?? null;
  const consents = row.consents.map((c) => ({
    citizen_id: c.citizenId,
    demarche_id: c.demarcheId,
    subject: c.subject,
    wording: c.wording,
    version: c.version,
    method: c.method,
    given_at: c.givenAt.toISOString(),
    withdrawable: c.withdrawable,
  }));
  const mails = row.mail
    ? [
        {
          to_address: row.mail.to,
          subject: row.mail.subject,
          text_body: row.mail.text,
          html_body: row.mail.html ?? null,
          reply_to: row.mail.replyTo ?? null,
        },
      ]
    : [];
  // Data-modifying CTEs run together, in one snapshot, and all or nothing. When the reference
  // is taken, `r` is empty and so are the other inserts.
  const result = await sql<{ id: string; event_id: string }>`
    with r as (
      insert into requests (tenant_id, reference, demarche_id, service_id, channel, data, applicant_name,
        applicant_email, applicant_phone, tracking_secret_hash, tracking_secret_sealed, due_on, citizen_id,
        identity_source, filed_by_agent_id, person_id)
      values (${row.tenantId}, ${row.reference}, ${row.demarcheId}, ${row.serviceId}, ${row.channel},
        ${JSON.stringify(row.data)}, ${row.applicantName}, ${row.applicantEmail}, ${row.applicantPhone},
        ${row.trackingSecretHash}, ${row.trackingSecretSealed}, ${row.dueOn}, ${row.citizenId}, ${row.identitySource},
        ${filedBy?.agentId ?? null}, ${row.personId})
      on conflict (tenant_id, reference) do nothing
      returning tenant_id, id
    ), e as (
      insert into request_events (tenant_id, request_id, kind, body, status_to, author_kind, visible_to_citizen,
        channel)
      select tenant_id, id, 'submitted', '', 'recue', 'citizen', true, ${submissionChannel(row.channel)} from r
      returning id, request_id
    ), f as (
      -- After the submission (it reads e's row), a millisecond later: the timeline shows it second.
      insert into request_events (tenant_id, request_id, kind, body, author_kind, author_agent_id,
        visible_to_citizen, created_at)
      select r.tenant_id, r.id, 'filed_on_behalf', ${filedBy?.body ?? ''}, 'agent', ${filedBy?.agentId ?? null}::uuid,
        true, clock_timestamp() + interval '1 millisecond'
      from r join e on e.request_id = r.id where ${filedBy !== null}
    ), c as (
      insert into consents (tenant_id, citizen_id, request_id, demarche_id, subject, wording, version, method,
        given_at, withdrawable)
      select r.tenant_id, x.citizen_id, r.id, x.demarche_id, x.subject, x.wording, x.version, x.method,
        x.given_at, x.withdrawable
      from r, jsonb_to_recordset(${JSON.stringify(consents)}::jsonb) as x(citizen_id uuid, demarche_id uuid,
        subject text, wording text, version text, method text, given_at timestamptz, withdrawable boolean)
    ), m as (
      insert into mail_outbox (tenant_id, to_address, subject, text_body, html_body, reply_to, request_id)
      select r.tenant_id, x.to_address, x.subject, x.text_body, x.html_body, x.reply_to, r.id
      from r, jsonb_to_recordset(${JSON.stringify(mails)}::jsonb) as x(to_address text, subject text,
        text_body text, html_body text, reply_to text)
    )
    select r.id, e.id as event_id from r join e on e.request_id = r.id`.execute(db);
  const inserted = result.rows[0];
  return inserted ? { id: inserted.id, eventId: inserted.event_id } : null;
}

/** The audit channel of a submission, from the request's channel ('en-ligne', 'api', 'courriel'…). */
function submissionChannel(requestChannel: string): AuditChannel {
  if (requestChannel === 'api') return 'api';
  if (requestChannel === 'courriel') return 'mail';
  return 'web';
}

export async function insertEvent(
  trx: Tx,
  event: {
    tenantId: string;
    requestId: string;
    kind: 'submitted' | 'status_changed' | 'citizen_message';
    body?: string;
    statusFrom?: RequestStatus | null;
    statusTo?: RequestStatus | null;
    authorKind: 'citizen' | 'system';
    /** How it came; by default the database's rule (citizen: tracking page, system: a job). */
    channel?: AuditChannel;
  },
): Promise<string> {
  const r = await trx
    .insertInto('request_events')
    .values({
      tenant_id: event.tenantId,
      request_id: event.requestId,
      kind: event.kind,
      body: event.body ?? '',
      status_from: event.statusFrom ?? null,
      status_to: event.statusTo ?? null,
      author_kind: event.authorKind,
      author_agent_id: null,
      visible_to_citizen: true,
      channel: event.channel,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function insertDocument(
  trx: Db,
  doc: {
    tenantId: string;
    requestId: string;
    eventId: string | null;
    fieldName: string | null;
    filename: string;
    mimeType: string;
    content: Buffer;
    /** The agent who attached it to a reply; absent for the citizen's files. */
    authorAgentId?: string;
  },
): Promise<string> {
  const row = await trx
    .insertInto('request_documents')
    .values({
      tenant_id: doc.tenantId,
      request_id: doc.requestId,
      event_id: doc.eventId,
      field_name: doc.fieldName,
      filename: doc.filename,
      mime_type: doc.mimeType,
      size_bytes: doc.content.length,
      sha256: createHash('sha256').update(doc.content).digest('hex'),
      content: doc.content,
      author_agent_id: doc.authorAgentId ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** What a request page shows of a request and its démarche (citizen and agent sides). */
const REQUEST_COLUMNS = [
  'requests.id',
  'requests.reference',
  'requests.status',
  'requests.service_id',
  'requests.citizen_id',
  'requests.demarche_id',
  'requests.data',
  'requests.applicant_name',
  'requests.applicant_email',
  'requests.tracking_secret_hash',
  'requests.submitted_at',
  'requests.due_on',
  'requests.closed_at',
  'demarches.title as demarche_title',
  'demarches.slug as demarche_slug',
  'demarches.delay_days',
] as const;

export async function findRequestByReference(trx: Tx, reference: string) {
  return trx
    .selectFrom('requests')
    .innerJoin('demarches', (j) =>
      j.onRef('demarches.tenant_id', '=', 'requests.tenant_id').onRef('demarches.id', '=', 'requests.demarche_id'),
    )
    .select([...REQUEST_COLUMNS, 'demarches.form'])
    .where('requests.reference', '=', reference)
    .executeTakeFirst();
}

/**
 * A request as its citizen sees it, with its visible timeline and its documents, in one
 * statement (one round trip). The démarche's form is not included: it is read through a cache.
 * The row comes back as one JSON value: the driver then parses one column instead of nineteen
 * (a tenth of the tracking page's CPU, docs/performance.md).
 */
function requestWithTimelineSelect(db: Db, reference: string) {
  return db
    .selectFrom('requests')
    .innerJoin('demarches', (j) =>
      j.onRef('demarches.tenant_id', '=', 'requests.tenant_id').onRef('demarches.id', '=', 'requests.demarche_id'),
    )
    .select((eb) => [
      ...REQUEST_COLUMNS,
      jsonArrayFrom(
        eb
          .selectFrom('request_events')
          .select(['id', 'kind', 'status_to', 'body', 'author_kind', 'created_at'])
          .whereRef('request_events.tenant_id', '=', 'requests.tenant_id')
          .whereRef('request_events.request_id', '=', 'requests.id')
          .where('visible_to_citizen', '=', true)
          .orderBy('created_at'),
      ).as('events'),
      jsonArrayFrom(
        eb
          .selectFrom('request_documents')
          .select(['id', 'event_id', 'field_name', 'filename', 'mime_type', 'size_bytes', 'created_at'])
          .whereRef('request_documents.tenant_id', '=', 'requests.tenant_id')
          .whereRef('request_documents.request_id', '=', 'requests.id')
          .orderBy('created_at'),
      ).as('documents'),
    ])
    .where('requests.reference', '=', reference);
}

/** A row as `to_json` writes it: timestamps become text. */
type AsJson<T> = {
  [K in keyof T]: T[K] extends Date
    ? string
    : T[K] extends Date | null
      ? string | null
      : T[K] extends (infer U)[]
        ? AsJson<U>[]
        : T[K];
};
type RequestWithTimelineJson = AsJson<InferResult<ReturnType<typeof requestWithTimelineSelect>>[number]>;

const requestWithTimeline = precompiled<{ reference: string }>()((db, slot) =>
  db
    .selectFrom(requestWithTimelineSelect(db, slot('reference')).as('r'))
    .select(sql<RequestWithTimelineJson>`to_json(r)`.as('request')),
);

export async function findRequestWithTimeline(db: Db, reference: string) {
  const [found] = await requestWithTimeline(db, { reference });
  if (!found) return undefined;
  const row = found.request;
  return {
    ...row,
    submitted_at: new Date(row.submitted_at),
    closed_at: row.closed_at === null ? null : new Date(row.closed_at),
    events: row.events.map((e) => ({ ...e, created_at: new Date(e.created_at) })),
    documents: row.documents.map((d) => ({
      ...d,
      size_bytes: Number(d.size_bytes),
      created_at: new Date(d.created_at),
    })),
  };
}

/** A démarche's form definition (JSON as stored). */
export async function findDemarcheForm(db: Db, demarcheId: string): Promise<unknown> {
  const row = await db.selectFrom('demarches').select('form').where('id', '=', demarcheId).executeTakeFirst();
  return row?.form ?? null;
}

export async function listDocuments(trx: Tx, requestId: string) {
  return trx
    .selectFrom('request_documents')
    .select(['id', 'event_id', 'field_name', 'filename', 'mime_type', 'size_bytes', 'created_at'])
    .where('request_id', '=', requestId)
    .orderBy('created_at')
    .execute();
}

export async function setStatus(trx: Tx, requestId: string, status: RequestStatus): Promise<void> {
  await trx.updateTable('requests').set({ status, updated_at: new Date() }).where('id', '=', requestId).execute();
}

/** The démarches an agent can file for a citizen: those citizens can file online, with their service. */
export async function listFileableDemarches(trx: Tx) {
  const rows = await trx
    .selectFrom('demarches as d')
    .innerJoin('services as s', (j) => j.onRef('s.tenant_id', '=', 'd.tenant_id').onRef('s.id', '=', 'd.service_id'))
    .select(['d.slug', 'd.title', 's.name as service_name'])
    .where('d.kind', '=', 'demarche')
    .where('d.audience', '=', 'public')
    .where('d.published_at', 'is not', null)
    .where('d.form', 'is not', null)
    .execute();
  return rows.sort(
    (a, b) => a.service_name.localeCompare(b.service_name, 'fr') || a.title.localeCompare(b.title, 'fr'),
  );
}

/** Just after the item's latest event: what follows the event that opened an item shows after it. */
export function afterLastEvent(requestId: string) {
  return sql<Date>`coalesce((select max(e.created_at) from request_events e where e.request_id = ${requestId}), now()) + interval '1 millisecond'`;
}

/**
 * An item an agent acts on (transfer, escalation), locked until the transaction ends, with its
 * service's name and démarche's title for the timeline and the mails. Undefined: unknown.
 */
export async function lockItemForAgentAction(trx: Tx, requestId: string) {
  return trx
    .selectFrom('requests as r')
    .innerJoin('services as s', (j) => j.onRef('s.tenant_id', '=', 'r.tenant_id').onRef('s.id', '=', 'r.service_id'))
    .innerJoin('demarches as d', (j) => j.onRef('d.tenant_id', '=', 'r.tenant_id').onRef('d.id', '=', 'r.demarche_id'))
    .select([
      'r.id',
      'r.reference',
      'r.revision',
      'r.service_id',
      'r.closed_at',
      'r.escalated_at',
      's.name as service_name',
      'd.title as demarche_title',
    ])
    .where('r.id', '=', requestId)
    .forUpdate('r')
    .executeTakeFirst();
}
