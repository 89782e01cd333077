import { timingSafeEqual } from 'node:crypto';
import type { Services } from '../../services.ts';
import type { RequestStatus } from '../../db/schema.ts';
import { withTenantConnection, type Db } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { hashTrackingSecret, normalizeReference } from './reference.ts';
import { findDemarcheForm, findRequestWithTimeline } from './repository.ts';
import { STATUS_LABELS } from './status.ts';

export interface TrackedRequest {
  id: string;
  reference: string;
  status: RequestStatus;
  statusLabel: string;
  demarcheTitle: string;
  demarcheSlug: string;
  delayDays: number | null;
  applicantName: string | null;
  applicantEmail: string | null;
  data: Record<string, unknown>;
  form: unknown;
  submittedAt: Date;
  dueOn: string;
  events: {
    id: string;
    kind: string;
    at: Date;
    statusTo: string | null;
    statusLabel: string | null;
    body: string;
    author: 'citizen' | 'agent' | 'system';
  }[];
  documents: { id: string; eventId: string | null; fieldName: string | null; filename: string; sizeBytes: number }[];
}

export const NOT_FOUND_MESSAGE =
  "Nous n'avons pas trouvé de demande avec ce numéro et ce code de suivi. Vérifiez-les dans le courriel de confirmation ou sur votre récépissé.";

/**
 * The form of a démarche, to present a request's answers with their labels. Forms change rarely
 * and tracking pages are read often: each démarche's form is kept a minute.
 */
export async function cachedDemarcheForm(
  services: Pick<Services, 'caches'>,
  conn: Db,
  tenantId: string,
  demarcheId: string,
): Promise<unknown> {
  return services.caches
    .named<unknown>('demarche-forms', { ttlMs: 60_000 })
    .getOrLoad(`${tenantId}:${demarcheId}`, () => findDemarcheForm(conn, demarcheId));
}

/**
 * A request as its citizen sees it, given its reference and tracking code. An unknown
 * reference and a wrong code give the same error, so that references cannot be probed.
 */
export async function findTrackedRequest(
  services: Services,
  tenant: Tenant,
  reference: string,
  secret: string,
): Promise<TrackedRequest> {
  const ref = normalizeReference(reference);
  const given = Buffer.from(hashTrackingSecret(secret ?? ''));
  const found = await withTenantConnection(services.db, tenant.id, async (conn) => {
    const row = ref ? await findRequestWithTimeline(conn, ref) : undefined;
    // Compare even when nothing was found, so both failures take the same time.
    const expected = Buffer.from(row?.tracking_secret_hash ?? hashTrackingSecret('no-such-request'));
    const match = expected.length === given.length && timingSafeEqual(expected, given);
    if (!row || !match) return null;
    return { row, form: await cachedDemarcheForm(services, conn, tenant.id, row.demarche_id) };
  });
  if (!found) throw new AppError('request_not_found', NOT_FOUND_MESSAGE);
  const { row, form } = found;
  const { events, documents } = row;
  return {
    id: row.id,
    reference: row.reference,
    status: row.status,
    statusLabel: STATUS_LABELS[row.status],
    demarcheTitle: row.demarche_title,
    demarcheSlug: row.demarche_slug,
    delayDays: row.delay_days,
    applicantName: row.applicant_name,
    applicantEmail: row.applicant_email,
    data: row.data,
    form,
    submittedAt: row.submitted_at,
    dueOn: row.due_on,
    events: events.map((e) => ({
      id: e.id,
      kind: e.kind,
      at: e.created_at,
      statusTo: e.status_to,
      statusLabel: e.status_to ? STATUS_LABELS[e.status_to] : null,
      body: e.body,
      author: e.author_kind,
    })),
    documents: documents.map((d) => ({
      id: d.id,
      eventId: d.event_id,
      fieldName: d.field_name,
      filename: d.filename,
      sizeBytes: d.size_bytes,
    })),
  };
}
