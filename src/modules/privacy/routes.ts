import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { pageContext, requireTenant } from '../../platform/web/request-context.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { can } from '../authorization.ts';
import { agentActor } from '../agents/policy.ts';
import { citizenActor, ownAccount } from '../citizens/policy.ts';
import { requestResource } from '../requests/policy.ts';
import { findTrackedRequest } from '../requests/find-tracked-request.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { uploadedFileHeaders } from '../../platform/web/download.ts';
import { fieldValue, readFormBody } from '../../platform/web/form-body.ts';
import { url, type PageContext } from '../../platform/web/layout.ts';
import { AgentLoginRequired, requireAgent } from '../agents/require-agent.ts';
import type { SessionAgent } from '../agents/sessions.ts';
import { clearCitizenCookie, currentCitizen, forgetCurrentCitizen, type CitizenSession } from '../citizens/sessions.ts';
import { listAccessLogForCitizen, logPersonalDataAccess, SELF_LABEL, TRACKING_CODE_LABEL } from './access-log.ts';
import { listCitizenConsents } from './consents.ts';
import {
  dataProtectionOfficer,
  dpoFormValues,
  saveDpoSettings,
  validateDpoSettings,
  type DpoFormValues,
} from './dpo.ts';
import { assessErasure, canDecideErasure, decideErasure, eraseCitizen, requestErasure } from './erasure.ts';
import { collectCitizenData, collectTrackedRequestData, type DataController } from './export-data.ts';
import { findDocumentForDownload, listMyDocuments } from './my-documents.ts';
import { buildRegister, registerToCsv } from './register.ts';
import { withdrawConsent } from './withdraw-consent.ts';
import {
  dpoSettingsPage,
  erasedPage,
  erasureConfirmPage,
  erasureListPage,
  myDataPage,
  processingRegisterPage,
  type ErasureListItem,
  type FieldError,
} from './views/pages.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Thrown on citizen pages without a session: turned into a redirect to the citizen login. */
class CitizenLoginRequired extends AppError {
  constructor(readonly retour: string) {
    super('unauthenticated', 'Connectez-vous pour accéder à cette page.');
  }
}

function sendHtml(reply: FastifyReply, page: { toString(): string }, status = 200) {
  return reply.code(status).type('text/html; charset=utf-8').send(page.toString());
}

function agentContext(request: FastifyRequest, agent: SessionAgent): PageContext {
  return { ...pageContext(request), agent: { name: agent.name } };
}

function attachment(name: string): string {
  return `attachment; filename="${name}"`;
}

/** Who keeps the data and how to reach their data protection officer, as every export says. */
export function dataController(tenant: Tenant): DataController {
  const dpo = dataProtectionOfficer(tenant);
  return {
    name: tenant.name,
    email: tenant.contact.email ?? null,
    dpo: { name: dpo.name, email: dpo.email, postalAddress: dpo.postalAddress },
  };
}

const DONE_NOTICES: Record<string, string> = {
  effacement: 'Votre demande d’effacement est enregistrée.',
  accord: 'Votre accord est retiré. La mairie ne l’utilisera plus à partir de maintenant.',
  'accord-deja': 'Cet accord était déjà retiré.',
};

export function registerPrivacyRoutes(app: FastifyInstance, services: Services): void {
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

  void app.register(async (scope) => {
    scope.setErrorHandler(async (err, request, reply) => {
      if (err instanceof CitizenLoginRequired) {
        return reply.redirect(url({ base: request.base }, `/connexion?retour=${encodeURIComponent(err.retour)}`), 303);
      }
      if (err instanceof AgentLoginRequired) {
        return reply.redirect(
          url({ base: request.base }, `/agent/connexion?retour=${encodeURIComponent(err.retour)}`),
          303,
        );
      }
      throw err;
    });
    // These pages and files hold personal data: no shared or browser cache keeps them.
    scope.addHook('onSend', async (_request, reply) => {
      reply.header('cache-control', 'no-store');
    });

    scope.get('/mon-espace/donnees', async (request, reply) => {
      const session = await requireCitizen(request);
      const tenant = requireTenant(request);
      const done = (request.query as Record<string, unknown>).fait;
      const page = await inTenant(services.db, tenant.id, async (trx) => {
        const [accessLog, consents, documents, pending] = await Promise.all([
          listAccessLogForCitizen(trx, session.citizenId),
          listCitizenConsents(trx, session.citizenId),
          listMyDocuments(trx, session.citizenId),
          trx
            .selectFrom('erasure_requests')
            .select('requested_at')
            .where('citizen_id', '=', session.citizenId)
            .where('status', '=', 'pending')
            .executeTakeFirst(),
        ]);
        return myDataPage(pageContext(request), {
          accessLog,
          consents,
          documents,
          dpo: dataProtectionOfficer(tenant),
          pendingErasure: pending ? { requested_at: new Date(pending.requested_at) } : null,
          notice: typeof done === 'string' ? DONE_NOTICES[done] : undefined,
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

    // The data of one request, for whoever filed it without an account: the reference and the
    // tracking code open it, as they open the tracking page (same answer for a wrong code or an
    // unknown reference, and the same rate-limit budget: one per address for every look-up route).
    const lookupLimit = { rateLimitBudget: 'tracking' } as const;
    async function trackedExport(request: FastifyRequest, format: 'json' | 'pdf') {
      const tenant = requireTenant(request);
      const reference = (request.params as { reference: string }).reference;
      const secret = (request.query as { cle?: unknown }).cle;
      const tracked = await findTrackedRequest(services, tenant, reference, typeof secret === 'string' ? secret : '');
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
      const confirmed = fieldValue(readFormBody(request), 'confirmation') === 'oui';
      const now = services.clock.now();
      const outcome = await inTenant(services.db, tenant.id, async (trx) => {
        const assessment = await assessErasure(trx, session.citizenId, now);
        if (!confirmed) return { kind: 'unconfirmed' as const, assessment };
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
        const errors: FieldError[] = [
          { field: 'confirmation', message: 'Cochez la case pour confirmer l’effacement de vos données.' },
        ];
        return sendHtml(
          reply,
          erasureConfirmPage(pageContext(request), { assessment: outcome.assessment, errors }),
          400,
        );
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

    async function renderErasures(
      request: FastifyRequest,
      reply: FastifyReply,
      agent: SessionAgent,
      extra: { errors: FieldError[]; errorFor?: string; reason?: string; notice?: string },
      status = 200,
    ) {
      const tenant = requireTenant(request);
      const rows = await inTenant(services.db, tenant.id, (trx) =>
        trx
          .selectFrom('erasure_requests')
          .select([
            'id',
            'citizen_name',
            'grounds',
            'status',
            'requested_at',
            'decided_at',
            'decision_reason',
            'service_ids',
          ])
          .orderBy('requested_at', 'desc')
          .limit(500)
          .execute(),
      );
      const items: ErasureListItem[] = rows
        .filter((r) => canDecideErasure(tenant.id, agent, r))
        .map((r) => ({ ...r, requested_at: new Date(r.requested_at) }));
      return sendHtml(reply, erasureListPage(agentContext(request, agent), { items, ...extra }), status);
    }

    scope.get('/agent/rgpd/effacements', async (request, reply) => {
      const agent = await requireAgent(request, services);
      const tenantId = requireTenant(request).id;
      if (!can(agentActor(tenantId, agent), 'list_erasures', { kind: 'tenant', tenantId })) {
        throw new AppError('forbidden', 'Cette page est réservée aux agents de la collectivité.');
      }
      const done = (request.query as Record<string, unknown>).fait;
      return renderErasures(request, reply, agent, {
        errors: [],
        notice: done === '1' ? 'La décision est enregistrée et le demandeur est prévenu par courriel.' : undefined,
      });
    });

    scope.post('/agent/rgpd/effacements/:id', async (request, reply) => {
      const agent = await requireAgent(request, services);
      const tenant = requireTenant(request);
      const id = (request.params as { id: string }).id;
      if (!UUID.test(id)) throw new AppError('not_found', "Cette demande d'effacement n'existe pas.");
      const body = readFormBody(request);
      const decision = fieldValue(body, 'decision');
      const reason = fieldValue(body, 'motif');
      if (decision !== 'approve' && decision !== 'refuse') {
        throw new AppError('validation_failed', 'Choisissez d’accepter ou de refuser.');
      }
      try {
        await inTenant(services.db, tenant.id, (trx) =>
          decideErasure(trx, {
            tenant,
            agent,
            erasureId: id,
            decision,
            reason,
            now: services.clock.now(),
            ip: request.ip,
          }),
        );
      } catch (err) {
        if (err instanceof AppError && err.code === 'validation_failed') {
          const errors = (err.details as FieldError[] | undefined) ?? [{ field: 'motif', message: err.message }];
          return renderErasures(request, reply, agent, { errors, errorFor: id, reason }, 400);
        }
        throw err;
      }
      services.mail.kick();
      return reply.redirect(url(request, '/agent/rgpd/effacements?fait=1'), 303);
    });

    async function registerFor(request: FastifyRequest) {
      const agent = await requireAgent(request, services);
      const tenant = requireTenant(request);
      // The register describes every service's processing: the tenant's administrators (and
      // through them the DPO) keep it.
      if (!can(agentActor(tenant.id, agent), 'view_register', { kind: 'tenant', tenantId: tenant.id })) {
        throw new AppError('forbidden', 'Le registre des traitements est réservé aux administrateurs.');
      }
      const register = await inTenant(services.db, tenant.id, (trx) =>
        buildRegister(trx, tenant, services.clock.now()),
      );
      return { agent, register };
    }

    scope.get('/agent/rgpd/registre', async (request, reply) => {
      const { agent, register } = await registerFor(request);
      return sendHtml(reply, processingRegisterPage(agentContext(request, agent), register));
    });
    scope.get('/agent/rgpd/registre.json', async (request, reply) => {
      const { register } = await registerFor(request);
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', attachment('registre-des-traitements.json'))
        .send(JSON.stringify(register, null, 2));
    });
    scope.get('/agent/rgpd/registre.csv', async (request, reply) => {
      const { register } = await registerFor(request);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', attachment('registre-des-traitements.csv'))
        .send(registerToCsv(register));
    });

    /** A tenant administrator, allowed to declare the data protection officer. */
    async function requirePrivacyAdmin(request: FastifyRequest) {
      const agent = await requireAgent(request, services);
      const tenantId = requireTenant(request).id;
      if (!can(agentActor(tenantId, agent), 'manage_privacy_settings', { kind: 'tenant', tenantId })) {
        throw new AppError('forbidden', 'Les réglages de protection des données sont réservés aux administrateurs.');
      }
      return agent;
    }

    scope.get('/agent/admin/protection-des-donnees', async (request, reply) => {
      const agent = await requirePrivacyAdmin(request);
      const tenant = requireTenant(request);
      // Read from the database, not from the tenant cached for the request: the form shows what is saved.
      const stored = await inTenant(services.db, tenant.id, (trx) =>
        trx.selectFrom('tenants').select('dpo').where('id', '=', tenant.id).executeTakeFirstOrThrow(),
      );
      const done = (request.query as Record<string, unknown>).fait === '1';
      return sendHtml(
        reply,
        dpoSettingsPage(agentContext(request, agent), {
          values: dpoFormValues(stored.dpo ?? {}),
          errors: [],
          fallback: dataProtectionOfficer({ ...tenant, dpo: {} }),
          notice: done ? 'Les coordonnées du délégué à la protection des données sont enregistrées.' : undefined,
        }),
      );
    });

    scope.post('/agent/admin/protection-des-donnees', async (request, reply) => {
      const agent = await requirePrivacyAdmin(request);
      const tenant = requireTenant(request);
      const body = readFormBody(request);
      const values: DpoFormValues = {
        name: fieldValue(body, 'dpo_nom').slice(0, 1000),
        email: fieldValue(body, 'dpo_courriel').slice(0, 1000),
        postalAddress: fieldValue(body, 'dpo_adresse').slice(0, 5000),
      };
      const result = validateDpoSettings(values);
      if (!result.ok) {
        return sendHtml(
          reply,
          dpoSettingsPage(agentContext(request, agent), {
            values,
            errors: result.errors,
            fallback: dataProtectionOfficer({ ...tenant, dpo: {} }),
          }),
          400,
        );
      }
      await inTenant(services.db, tenant.id, (trx) => saveDpoSettings(trx, tenant.id, result.value));
      // Pages read the tenant from a short-lived cache: drop it so they show the new contact now.
      services.tenants.clear();
      request.log.info({ agentId: agent.id }, 'data protection officer updated');
      return reply.redirect(url(request, '/agent/admin/protection-des-donnees?fait=1'), 303);
    });
  });
}
