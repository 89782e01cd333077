import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { queryParam } from '../../platform/web/reply.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import { findTrackedRequest } from '../requests/find-tracked-request.ts';
import { logPersonalDataAccess, TRACKING_CODE_LABEL } from './access-log.ts';
import { dataController } from './data-controller.ts';
import { collectTrackedRequestData } from './export-data.ts';
import { attachment } from './route-support.ts';
import { findDocumentForDownload } from './my-documents.ts';
import { uploadedFileHeaders } from '../../platform/web/download.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The data of one request, for whoever filed it without an account: the reference and the
 * tracking code open it, as they open the tracking page (same answer for a wrong code or an
 * unknown reference, and the same rate-limit budget: one per address for every look-up route).
 */
export function registerTrackingExportRoutes(scope: FastifyInstance, services: Services): void {
  const lookupLimit = { rateLimitBudget: 'tracking', personalData: true } as const;

  async function trackedExport(request: FastifyRequest, format: 'json' | 'pdf') {
    const tenant = requireTenant(request);
    const reference = (request.params as { reference: string }).reference;
    const tracked = await findTrackedRequest(services, tenant, reference, queryParam(request, 'cle'));
    const now = services.clock.now();
    const data = await inTenant(services.db, tenant.id, async (trx) => {
      await logPersonalDataAccess(trx, {
        tenantId: tenant.id,
        actor: { kind: 'citizen', id: null, label: TRACKING_CODE_LABEL },
        action: 'export',
        requestId: tracked.id,
        ip: request.ip,
        now,
      });
      return collectTrackedRequestData(trx, tracked.id, dataController(tenant), now);
    });
    if (!data) throw new AppError('request_not_found', 'Cette demande n’existe plus.');
    const name = `donnees-${tracked.reference}`;
    if (format === 'json') return { name: `${name}.json`, body: JSON.stringify(data, null, 2) };
    const { renderDataExportPdf } = await import('./export-pdf.ts');
    return { name: `${name}.pdf`, body: Buffer.from(await renderDataExportPdf(data)) };
  }

  scope.get('/suivi/:reference/donnees.json', { config: lookupLimit }, async (request, reply) => {
    const file = await trackedExport(request, 'json');
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', attachment(file.name))
      .send(file.body);
  });

  scope.get('/suivi/:reference/donnees.pdf', { config: lookupLimit }, async (request, reply) => {
    const file = await trackedExport(request, 'pdf');
    return reply.type('application/pdf').header('content-disposition', attachment(file.name)).send(file.body);
  });

  // A document of the request (the citizen's own, or one an agent attached to a reply), opened
  // by the tracking code like the page that lists it; logged like a download from the space.
  scope.get('/suivi/:reference/documents/:id', { config: lookupLimit }, async (request, reply) => {
    const tenant = requireTenant(request);
    const { reference, id } = request.params as { reference: string; id: string };
    const tracked = await findTrackedRequest(services, tenant, reference, queryParam(request, 'cle'));
    const visibleEvents = new Set(tracked.events.map((e) => e.id));
    const listed = tracked.documents.find(
      (d) => d.id === id.toLowerCase() && (d.eventId === null || visibleEvents.has(d.eventId)),
    );
    const doc =
      !UUID.test(id) || !listed
        ? undefined
        : await inTenant(services.db, tenant.id, async (trx) => {
            const found = await findDocumentForDownload(trx, listed.id);
            if (!found || found.request_id !== tracked.id) return undefined;
            await logPersonalDataAccess(trx, {
              tenantId: tenant.id,
              actor: { kind: 'citizen', id: null, label: TRACKING_CODE_LABEL },
              action: 'download_document',
              requestId: tracked.id,
              ip: request.ip,
              now: services.clock.now(),
            });
            return found;
          });
    if (!doc) throw new AppError('not_found', 'Ce document n’existe pas ou n’est pas joint à cette demande.');
    return reply.headers(uploadedFileHeaders(doc)).send(doc.content);
  });
}
