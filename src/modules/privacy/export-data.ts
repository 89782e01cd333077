import type { Tx } from '../../db/tenant-scope.ts';
import { presentAnswers, verifiedIdentity, type PresentedAnswer } from '../requests/form-engine/present.ts';
import { listAccessLogForCitizen, listAccessLogForRequest, type AccessLogRow } from './access-log.ts';
import { listCitizenConsents, listRequestConsents, type ConsentRow } from './consents.ts';

/** The controller (the collectivité) and its data protection officer, at the top of every export. */
export interface DataController {
  name: string;
  email: string | null;
  dpo: { name: string; email: string | null; postalAddress: string[] | null };
}

type ExportedConsent = Omit<ConsentRow, 'given_at' | 'withdrawn_at' | 'id'> & {
  given_at: string;
  withdrawn_at: string | null;
};

export interface ExportedRequest {
  reference: string;
  demarche: string;
  service: string;
  status: string;
  channel: string;
  /** « FranceConnect » when the request was filed under an identity it verified, and when. */
  identityVerifiedBy: string | null;
  identityVerifiedAt: string | null;
  submittedAt: string;
  dueOn: string;
  closedAt: string | null;
  /** The answers as stored, for programs. */
  answers: Record<string, unknown>;
  /** The same answers as the citizen reads them on their pages and receipt. */
  presentedAnswers: Omit<PresentedAnswer, 'name'>[];
  events: {
    at: string;
    kind: string;
    statusFrom: string | null;
    statusTo: string | null;
    author: string;
    body: string;
  }[];
  documents: { id: string; filename: string; mimeType: string; sizeBytes: number; sha256: string; addedAt: string }[];
}

/** What every export holds: who keeps the data, the requests, the consents, who accessed them. */
interface ExportBase {
  generatedAt: string;
  controller: DataController;
  consents: ExportedConsent[];
  requests: ExportedRequest[];
  accessLog: (Omit<AccessLogRow, 'at'> & { at: string })[];
}

/** One request, as the person who filed it without an account gets it with its tracking code. */
export interface RequestDataExport extends ExportBase {
  scope: 'request';
}

export interface CitizenDataExport extends ExportBase {
  scope: 'account';
  account: {
    email: string | null;
    emailVerifiedAt: string | null;
    givenName: string | null;
    familyName: string | null;
    preferredUsername: string | null;
    birthdate: string | null;
    birthplace: string | null;
    birthcountry: string | null;
    gender: string | null;
    franceconnectLinked: boolean;
    identityVerifiedAt: string | null;
    createdAt: string;
    lastLoginAt: string | null;
  };
  preferences: Record<string, unknown>;
  /** The commune's record of the person (fiche usager), as agents see it; null when there is none. */
  record: {
    givenName: string | null;
    familyName: string | null;
    name: string;
    birthdate: string | null;
    email: string | null;
    phone: string | null;
    postalAddress: string;
    preferredChannel: string | null;
    language: string;
    accessibilityNeeds: string;
    identityVerifiedBy: string | null;
    identityVerifiedAt: string | null;
    createdAt: string;
    updatedAt: string;
  } | null;
  sessions: {
    method: string;
    createdAt: string;
    lastSeenAt: string;
    expiresAt: string;
    userAgent: string | null;
    ip: string | null;
  }[];
  erasureRequests: { requestedAt: string; status: string; decidedAt: string | null; decisionReason: string | null }[];
}

const iso = (d: Date | string | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/**
 * Requests with their answers, the events and messages shown to the citizen, and the list of
 * their documents (the files themselves are downloaded one by one). Internal notes are left
 * out: they are the service's working documents (to be given on request under CRPA rules).
 */
async function collectRequests(
  trx: Tx,
  which: { citizenId: string } | { requestId: string },
): Promise<{ id: string; exported: ExportedRequest }[]> {
  const requests = await trx
    .selectFrom('requests as r')
    .innerJoin('demarches as d', (j) => j.onRef('d.tenant_id', '=', 'r.tenant_id').onRef('d.id', '=', 'r.demarche_id'))
    .innerJoin('services as s', (j) => j.onRef('s.tenant_id', '=', 'r.tenant_id').onRef('s.id', '=', 'r.service_id'))
    .select([
      'r.id',
      'r.reference',
      'd.title as demarche',
      's.name as service',
      'r.status',
      'r.channel',
      'r.submitted_at',
      'r.due_on',
      'r.closed_at',
      'r.data',
      'd.form',
    ])
    .where((eb) => ('citizenId' in which ? eb('r.citizen_id', '=', which.citizenId) : eb('r.id', '=', which.requestId)))
    .orderBy('r.submitted_at')
    .execute();
  const ids = requests.map((r) => r.id);
  const events = ids.length
    ? await trx
        .selectFrom('request_events')
        .select(['request_id', 'created_at', 'kind', 'status_from', 'status_to', 'author_kind', 'body'])
        .where('request_id', 'in', ids)
        .where('visible_to_citizen', '=', true)
        .orderBy('created_at')
        .execute()
    : [];
  const documents = ids.length
    ? await trx
        .selectFrom('request_documents')
        .select(['id', 'request_id', 'filename', 'mime_type', 'size_bytes', 'sha256', 'created_at'])
        .where('request_id', 'in', ids)
        .orderBy('created_at')
        .execute()
    : [];
  return requests.map((r) => ({
    id: r.id,
    exported: {
      reference: r.reference,
      demarche: r.demarche,
      service: r.service,
      status: r.status,
      channel: r.channel,
      submittedAt: iso(r.submitted_at)!,
      dueOn: String(r.due_on),
      closedAt: iso(r.closed_at),
      answers: r.data,
      identityVerifiedBy: verifiedIdentity(r.data)?.source ?? null,
      identityVerifiedAt: verifiedIdentity(r.data)?.verifiedAt ?? null,
      presentedAnswers: presentAnswers(r.form, r.data).map(({ label, value, kind, verifiedBy }) => ({
        label,
        value,
        kind,
        ...(verifiedBy ? { verifiedBy } : {}),
      })),
      events: events
        .filter((e) => e.request_id === r.id)
        .map((e) => ({
          at: iso(e.created_at)!,
          kind: e.kind,
          statusFrom: e.status_from,
          statusTo: e.status_to,
          author: e.author_kind,
          body: e.body,
        })),
      documents: documents
        .filter((d) => d.request_id === r.id)
        .map((d) => ({
          id: d.id,
          filename: d.filename,
          mimeType: d.mime_type,
          sizeBytes: d.size_bytes,
          sha256: d.sha256,
          addedAt: iso(d.created_at)!,
        })),
    },
  }));
}

function exportConsents(consents: ConsentRow[]): ExportedConsent[] {
  return consents.map(({ id: _id, ...c }) => ({
    ...c,
    given_at: c.given_at.toISOString(),
    withdrawn_at: iso(c.withdrawn_at),
  }));
}

function exportAccessLog(rows: AccessLogRow[]): ExportBase['accessLog'] {
  return rows.map((a) => ({ ...a, at: a.at.toISOString() }));
}

/**
 * Everything the commune holds about a signed-in citizen (RGPD art. 15 and 20): the account,
 * preferences, consents, their requests with answers, the messages and events shown to them,
 * the list of their documents, their sessions and who accessed their data.
 */
export async function collectCitizenData(
  trx: Tx,
  citizenId: string,
  controller: DataController,
  now: Date,
): Promise<CitizenDataExport | null> {
  const citizen = await trx.selectFrom('citizens').selectAll().where('id', '=', citizenId).executeTakeFirst();
  if (!citizen) return null;
  const requests = await collectRequests(trx, { citizenId });
  const sessions = await trx
    .selectFrom('citizen_sessions')
    .select(['method', 'created_at', 'last_seen_at', 'expires_at', 'user_agent', 'ip'])
    .where('citizen_id', '=', citizenId)
    .orderBy('created_at')
    .execute();
  const erasures = await trx
    .selectFrom('erasure_requests')
    .select(['requested_at', 'status', 'decided_at', 'decision_reason'])
    .where('citizen_id', '=', citizenId)
    .orderBy('requested_at')
    .execute();
  const consents = await listCitizenConsents(trx, citizenId);
  const accessLog = await listAccessLogForCitizen(trx, citizenId);
  const person = await trx.selectFrom('people').selectAll().where('citizen_id', '=', citizenId).executeTakeFirst();

  return {
    scope: 'account',
    generatedAt: now.toISOString(),
    controller,
    account: {
      email: citizen.email,
      emailVerifiedAt: iso(citizen.email_verified_at),
      givenName: citizen.given_name,
      familyName: citizen.family_name,
      preferredUsername: citizen.preferred_username,
      birthdate: citizen.birthdate ? String(citizen.birthdate).slice(0, 10) : null,
      birthplace: citizen.birthplace,
      birthcountry: citizen.birthcountry,
      gender: citizen.gender,
      franceconnectLinked: citizen.franceconnect_sub !== null,
      identityVerifiedAt: iso(citizen.identity_verified_at),
      createdAt: iso(citizen.created_at)!,
      lastLoginAt: iso(citizen.last_login_at),
    },
    preferences: (citizen.preferences ?? {}) as Record<string, unknown>,
    record: person
      ? {
          givenName: person.given_name,
          familyName: person.family_name,
          name: person.display_name,
          birthdate: person.birthdate,
          email: person.email,
          phone: person.phone,
          postalAddress: person.postal_address,
          preferredChannel: person.preferred_channel,
          language: person.language,
          accessibilityNeeds: person.accessibility_needs,
          identityVerifiedBy: person.identity_source,
          identityVerifiedAt: iso(person.identity_verified_at),
          createdAt: iso(person.created_at)!,
          updatedAt: iso(person.updated_at)!,
        }
      : null,
    consents: exportConsents(consents),
    requests: requests.map((r) => r.exported),
    sessions: sessions.map((s) => ({
      method: s.method,
      createdAt: iso(s.created_at)!,
      lastSeenAt: iso(s.last_seen_at)!,
      expiresAt: iso(s.expires_at)!,
      userAgent: s.user_agent,
      ip: s.ip,
    })),
    accessLog: exportAccessLog(accessLog),
    erasureRequests: erasures.map((e) => ({
      requestedAt: iso(e.requested_at)!,
      status: e.status,
      decidedAt: iso(e.decided_at),
      decisionReason: e.decision_reason,
    })),
  };
}

/**
 * The data of one request, for the person who filed it without an account (RGPD art. 15 and
 * 20), opened with its reference and tracking code: the request with its answers, events and
 * documents, the consents given on it and who accessed it. Nothing of any account: the code
 * opens the request, not the account it may be linked to.
 */
export async function collectTrackedRequestData(
  trx: Tx,
  requestId: string,
  controller: DataController,
  now: Date,
): Promise<RequestDataExport | null> {
  const requests = await collectRequests(trx, { requestId });
  if (requests.length === 0) return null;
  const [consents, accessLog] = [
    await listRequestConsents(trx, requestId),
    await listAccessLogForRequest(trx, requestId),
  ];
  return {
    scope: 'request',
    generatedAt: now.toISOString(),
    controller,
    consents: exportConsents(consents),
    requests: requests.map((r) => r.exported),
    accessLog: exportAccessLog(accessLog),
  };
}
