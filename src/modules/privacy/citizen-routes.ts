import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { uploadedFileHeaders } from '../../platform/web/download.ts';
import { parseForm } from '../../platform/web/form.ts';
import { readFormBody } from '../../platform/web/form-body.ts';
import { url } from '../../platform/web/layout.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { pageContext, requireTenant } from '../../platform/web/request-context.ts';
import { can } from '../authorization.ts';
import { citizenActor, ownAccount } from '../citizens/policy.ts';
import { clearCitizenCookie, currentCitizen, forgetCurrentCitizen, type CitizenSession } from '../citizens/sessions.ts';
import { requestResource } from '../requests/policy.ts';
import { listAccessLogForCitizen, logPersonalDataAccess, SELF_LABEL } from './access-log.ts';
import { listCitizenConsents } from './consents.ts';
import { dataController } from './data-controller.ts';
import { dataProtectionOfficer } from './dpo.ts';
import { assessErasure, eraseCitizen, requestErasure } from './erasure.ts';
import { collectCitizenData } from './export-data.ts';
import { erasureConfirmationForm } from './forms.ts';
import { findDocumentForDownload, listMyDocuments } from './my-documents.ts';
import { findPendingErasure } from './repository.ts';
import { attachment, CitizenLoginRequired, UUID } from './route-support.ts';
import { erasedPage, erasureConfirmPage, myDataPage } from './views/pages.ts';
import { withdrawConsent } from './withdraw-consent.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';

const DONE_NOTICES: Record<string, string> = {
  effacement: 'Votre demande d’effacement est enregistrée.',
  accord: 'Votre accord est retiré. La mairie ne l’utilisera plus à partir de maintenant.',
  'accord-deja': 'Cet accord était déjà retiré.',
};

/** The citizen's own data: the page, the exports, consents, documents and erasure. */
export function registerCitizenDataRoutes(scope: FastifyInstance, services: Services): void {
  /** The signed-in citizen, allowed to do `action` on their own account. */
  async function requireCitizen(
    request: FastifyRequest,
    action: 'export_own_data' | 'request_erasure' | 'withdraw_consent' = 'export_own_data',
  ): Promise<CitizenSession> {
    const session = await currentCitizen(request, services);
    if (!session) throw new CitizenLoginRequired(request.method === 'GET' ? request.url : '/mon-espace/donnees');
    const actor = citizenActor(requireTenant(request).id, session);
    if (!can(actor, action, ownAccount(actor))) throw new AppError('forbidden', 'Ces données ne sont pas les vôtres.');
    return session;
  }

  async function exportFor(request: FastifyRequest, session: CitizenSession, format: 'json' | 'pdf') {
    const tenant = requireTenant(request);
    const now = services.clock.now();
    return inTenant(services.db, tenant.id, async (trx) => {
      await logPersonalDataAccess(trx, {
        tenantId: tenant.id,
        actor: { kind: 'citizen', id: session.citizenId, label: SELF_LABEL },
        action: 'export',
        citizenId: session.citizenId,
        ip: request.ip,
        now,
      });
      const data = await collectCitizenData(trx, session.citizenId, dataController(tenant), now);
      if (!data) throw new AppError('not_found', 'Ce compte n’existe plus.');
      if (format === 'json') return JSON.stringify(data, null, 2);
      const { renderDataExportPdf } = await import('./export-pdf.ts');
      return renderDataExportPdf(data);
    });
  }

  scope.get('/mon-espace/donnees', async (request, reply) => {
    const session = await requireCitizen(request);
    const tenant = requireTenant(request);
    const done = queryParam(request, 'fait');
    const page = await inTenant(services.db, tenant.id, async (trx) => {
      const [accessLog, consents, documents, pending] = await Promise.all([
        listAccessLogForCitizen(trx, session.citizenId),
        listCitizenConsents(trx, session.citizenId),
        listMyDocuments(trx, session.citizenId),
        findPendingErasure(trx, session.citizenId),
      ]);
      return myDataPage(pageContext(request), {
        accessLog,
        consents,
        documents,
        dpo: dataProtectionOfficer(tenant),
        pendingErasure: pending ? { requested_at: new Date(pending.requested_at) } : null,
        notice: Object.hasOwn(DONE_NOTICES, done) ? DONE_NOTICES[done] : undefined,
      });
    });
    return sendHtml(reply, page);
  });

  scope.get('/mon-espace/donnees/export.json', async (request, reply) => {
    const session = await requireCitizen(request);
    const body = await exportFor(request, session, 'json');
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', attachment('mes-donnees.json'))
      .send(body);
  });

  scope.get('/mon-espace/donnees/export.pdf', async (request, reply) => {
    const session = await requireCitizen(request);
    const body = await exportFor(request, session, 'pdf');
    return reply
      .type('application/pdf')
      .header('content-disposition', attachment('mes-donnees.pdf'))
      .send(Buffer.from(body as Uint8Array));
  });

  scope.post('/mon-espace/donnees/consentements/:id/retrait', async (request, reply) => {
    const session = await requireCitizen(request, 'withdraw_consent');
    const tenant = requireTenant(request);
    const id = (request.params as { id: string }).id;
    if (!UUID.test(id)) throw new AppError('not_found', 'Cet accord n’existe pas ou n’est pas le vôtre.');
    const outcome = await inTenant(services.db, tenant.id, (trx) =>
      withdrawConsent(trx, {
        tenantId: tenant.id,
        citizenId: session.citizenId,
        consentId: id,
        ip: request.ip,
        now: services.clock.now(),
      }),
    );
    if (!outcome.already) request.log.info({ consentId: id }, 'consent withdrawn by the citizen');
    return reply.redirect(
      url(request, `/mon-espace/donnees?fait=${outcome.already ? 'accord-deja' : 'accord'}#accords`),
      303,
    );
  });

  scope.get('/mon-espace/donnees/documents/:id', async (request, reply) => {
    const session = await requireCitizen(request);
    const tenant = requireTenant(request);
    const id = (request.params as { id: string }).id;
    const actor = citizenActor(tenant.id, session);
    const doc = await inTenant(services.db, tenant.id, async (trx) => {
      const found = UUID.test(id) ? await findDocumentForDownload(trx, id) : undefined;
      // Another citizen's document is answered like an unknown one.
      if (!found || !can(actor, 'download_own_document', requestResource(tenant.id, found))) return undefined;
      await logPersonalDataAccess(trx, {
        tenantId: tenant.id,
        actor: { kind: 'citizen', id: session.citizenId, label: SELF_LABEL },
        action: 'download_document',
        requestId: found.request_id,
        ip: request.ip,
        now: services.clock.now(),
      });
      return found;
    });
    if (!doc) throw new AppError('not_found', 'Ce document n’existe pas ou n’est pas dans votre espace.');
    return reply.headers(uploadedFileHeaders(doc)).send(doc.content);
  });

  scope.get('/mon-espace/donnees/effacement', async (request, reply) => {
    const session = await requireCitizen(request, 'request_erasure');
    const tenant = requireTenant(request);
    const assessment = await inTenant(services.db, tenant.id, (trx) =>
      assessErasure(trx, session.citizenId, services.clock.now()),
    );
    return sendHtml(reply, erasureConfirmPage(pageContext(request), { assessment, errors: [] }));
  });

  scope.post('/mon-espace/donnees/effacement', async (request, reply) => {
    const session = await requireCitizen(request, 'request_erasure');
    const tenant = requireTenant(request);
    const form = parseForm(erasureConfirmationForm, readFormBody(request).fields);
    const now = services.clock.now();
    const outcome = await inTenant(services.db, tenant.id, async (trx) => {
      const assessment = await assessErasure(trx, session.citizenId, now);
      if (!form.ok) return { kind: 'unconfirmed' as const, assessment, errors: form.errors };
      if (assessment.immediate) {
        await eraseCitizen(trx, session.citizenId, now);
        return { kind: 'erased' as const };
      }
      const c = session.citizen;
      await requestErasure(trx, {
        tenant,
        citizen: {
          id: session.citizenId,
          email: c.email,
          name: [c.givenName, c.familyName].filter(Boolean).join(' ') || (c.email ?? 'Usager'),
        },
        assessment,
        now,
        baseUrl: requestBaseUrl(services.config, request),
      });
      return { kind: 'requested' as const };
    });
    if (outcome.kind === 'unconfirmed') {
      const page = erasureConfirmPage(pageContext(request), { assessment: outcome.assessment, errors: outcome.errors });
      return sendHtml(reply, page, 400);
    }
    if (outcome.kind === 'erased') {
      forgetCurrentCitizen(request);
      clearCitizenCookie(reply);
      return reply.redirect(url(request, '/mon-espace/donnees-effacees'), 303);
    }
    services.mail.kick();
    return reply.redirect(url(request, '/mon-espace/donnees?fait=effacement'), 303);
  });

  scope.get('/mon-espace/donnees-effacees', async (request, reply) =>
    sendHtml(reply, erasedPage(pageContext(request))),
  );
}
