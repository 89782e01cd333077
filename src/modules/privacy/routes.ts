import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pageContext, requireTenant, type Services } from '../../app.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { can } from '../../platform/policy.ts';
import { agentActor } from '../agents/policy.ts';
import { citizenActor, ownAccount } from '../citizens/policy.ts';
import { fieldValue, readFormBody } from '../../platform/web/form-body.ts';
import { url, type PageContext } from '../../platform/web/layout.ts';
import { AgentLoginRequired, requireAgent } from '../agents/require-agent.ts';
import type { SessionAgent } from '../agents/sessions.ts';
import { clearCitizenCookie, currentCitizen, forgetCurrentCitizen, type CitizenSession } from '../citizens/sessions.ts';
import { listAccessLogForCitizen, logPersonalDataAccess } from './access-log.ts';
import { listCitizenConsents } from './consents.ts';
import { assessErasure, canDecideErasure, decideErasure, eraseCitizen, requestErasure } from './erasure.ts';
import { collectCitizenData } from './export-data.ts';
import { buildRegister, registerToCsv } from './register.ts';
import {
  erasedPage,
  erasureConfirmPage,
  erasureListPage,
  myDataPage,
  registerPage,
  type ErasureListItem,
  type FieldError,
} from './views/pages.ts';

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

function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}${request.base}`;
}

function attachment(name: string): string {
  return `attachment; filename="${name}"`;
}

export function registerPrivacyRoutes(app: FastifyInstance, services: Services): void {
  /** The signed-in citizen, allowed to do `action` on their own account. */
  async function requireCitizen(
    request: FastifyRequest,
    action: 'export_own_data' | 'request_erasure' = 'export_own_data',
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
        actor: { kind: 'citizen', id: session.citizenId, label: 'Vous' },
        action: 'export',
        citizenId: session.citizenId,
        ip: request.ip,
        now,
      });
      const data = await collectCitizenData(
        trx,
        session.citizenId,
        { name: tenant.name, email: tenant.contact.email ?? null },
        now,
      );
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
        const [accessLog, consents, pending] = await Promise.all([
          listAccessLogForCitizen(trx, session.citizenId),
          listCitizenConsents(trx, session.citizenId),
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
          pendingErasure: pending ? { requested_at: new Date(pending.requested_at) } : null,
          notice: done === 'effacement' ? 'Votre demande d’effacement est enregistrée.' : undefined,
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
          baseUrl: baseUrl(request),
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
      return sendHtml(reply, registerPage(agentContext(request, agent), register));
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
  });
}
