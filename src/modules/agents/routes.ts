import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { pageContext, requireTenant } from '../../platform/web/request-context.ts';
import type { RequestStatus } from '../../db/schema.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { fieldValue, readFormBody } from '../../platform/web/form-body.ts';
import { uploadedFileHeaders } from '../../platform/web/download.ts';
import { url, type PageContext } from '../../platform/web/layout.ts';
import { addInternalNote } from '../requests/add-internal-note.ts';
import { changeRequestStatus, isRequestStatus } from '../requests/change-request-status.ts';
import { loginEmail } from '../../platform/security/email.ts';
import { beginLoginAttempt } from '../../platform/security/login-throttle.ts';
import { authenticateAgent } from './authenticate-agent.ts';
import { can } from '../authorization.ts';
import { requestResource, requestScope, type RequestAction } from '../requests/policy.ts';
import { agentActor } from './policy.ts';
import {
  findDocument,
  findRequestByReference,
  listDocuments,
  listEvents,
  listRequests,
  listServices,
  type RequestDetailRow,
} from './repository.ts';
import { agentArea } from './agent-area.ts';
import { pathForStage, registerAgentLoginRoutes } from './identity-routes.ts';
import { currentAgent, requireAgent, safeReturnPath } from './require-agent.ts';
import { stageAfterFirstFactor } from './second-factor.ts';
import {
  AGENT_COOKIE,
  createSession,
  deleteSession,
  SESSION_ABSOLUTE_MS,
  sessionIdToken,
  type SessionAgent,
} from './sessions.ts';
import { FLOW_LIFETIME_MS, logoutUrl } from './proconnect.ts';
import { loggedOutPage } from './views/identity-pages.ts';
import { logPersonalDataAccess } from '../privacy/access-log.ts';
import { listRequestConsents } from '../privacy/consents.ts';
import { parisDay } from '../../platform/format.ts';
import { loginPage } from './views/login-page.ts';
import { requestDetailPage, type FieldError, type RequestDetailPageInput } from './views/request-detail-page.ts';
import { requestListPage } from './views/request-list-page.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';

const LOGIN_FAILED = 'Adresse électronique ou mot de passe incorrect.';
/** The state of a logout through ProConnect, checked when the provider sends the browser back. */
const LOGOUT_COOKIE = 'guichet_proconnect_logout';
const REFERENCE = /^[A-Z]{2,4}-\d{4}-[A-Z0-9]{3,12}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NOTICES: Record<string, string> = {
  statut: 'Le statut de la demande est changé.',
  note: 'La note interne est ajoutée.',
};

function agentContext(request: FastifyRequest, agent: SessionAgent | null): PageContext {
  return { ...pageContext(request), agent: agent ? { name: agent.name } : null };
}

function queryParam(request: FastifyRequest, name: string): string | null {
  const v = (request.query as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' && v !== '' ? v : null;
}

function sendHtml(reply: FastifyReply, page: { toString(): string }, status = 200) {
  return reply.code(status).type('text/html; charset=utf-8').send(page.toString());
}

/** Unknown and forbidden requests get the same answer, so references cannot be probed. */
function notFound(): AppError {
  return new AppError('request_not_found', "Cette demande n'existe pas ou vous n'y avez pas accès.");
}

/** A request the agent may act on, or the not-found error. */
function authorised(
  tenantId: string,
  agent: SessionAgent,
  action: RequestAction,
  row: RequestDetailRow | undefined,
): RequestDetailRow {
  if (!row || !can(agentActor(tenantId, agent), action, requestResource(tenantId, row))) throw notFound();
  return row;
}

function referenceParam(request: FastifyRequest): string {
  const reference = (request.params as { reference?: string }).reference ?? '';
  if (!REFERENCE.test(reference)) throw notFound();
  return reference;
}

export function registerAgentRoutes(app: FastifyInstance, services: Services): void {
  const secureCookie = services.config.env === 'production';
  const proconnect = services.config.proconnect;

  async function renderDetail(
    request: FastifyRequest,
    reply: FastifyReply,
    agent: SessionAgent,
    reference: string,
    extra: Pick<RequestDetailPageInput, 'form' | 'notice'>,
    status = 200,
  ) {
    const tenant = requireTenant(request);
    const page = await inTenant(services.db, tenant.id, async (trx) => {
      const row = authorised(tenant.id, agent, 'view', await findRequestByReference(trx, reference));
      await logPersonalDataAccess(trx, {
        tenantId: tenant.id,
        actor: { kind: 'agent', id: agent.id, label: agent.name },
        action: 'view_request',
        requestId: row.id,
        ip: request.ip,
        now: services.clock.now(),
      });
      const [documents, events, consents] = await Promise.all([
        listDocuments(trx, row.id),
        listEvents(trx, row.id),
        listRequestConsents(trx, row.id),
      ]);
      return requestDetailPage(agentContext(request, agent), {
        request: row,
        documents,
        events,
        consents,
        canChangeStatus: can(agentActor(tenant.id, agent), 'change_status', requestResource(tenant.id, row)),
        canAddNote: can(agentActor(tenant.id, agent), 'add_note', requestResource(tenant.id, row)),
        today: parisDay(services.clock.now()),
        ...extra,
      });
    });
    return sendHtml(reply, page, status);
  }

  agentArea(app, (scope) => {
    scope.get('/agent', async (request, reply) => reply.redirect(url(request, '/agent/demandes'), 303));
    registerAgentLoginRoutes(scope, services);

    scope.get('/agent/connexion', async (request, reply) => {
      const retour = safeReturnPath(queryParam(request, 'retour'));
      if (await currentAgent(request, services)) return reply.redirect(url(request, retour), 303);
      const notice =
        queryParam(request, 'deconnexion') === '1'
          ? 'Vous êtes déconnecté.'
          : queryParam(request, 'mot-de-passe') === '1'
            ? 'Votre mot de passe est changé et toutes vos sessions sont fermées. Connectez-vous avec le nouveau.'
            : undefined;
      return sendHtml(
        reply,
        loginPage(agentContext(request, null), { email: '', retour, error: null, notice, proconnect: !!proconnect }),
      );
    });

    scope.post(
      '/agent/connexion',
      { config: { rateLimit: { max: services.config.loginRateLimit, timeWindow: '1 minute' } } },
      async (request, reply) => {
        const tenant = requireTenant(request);
        const body = readFormBody(request);
        const email = fieldValue(body, 'email').trim().slice(0, 320);
        const password = fieldValue(body, 'password').slice(0, 1024);
        const retour = safeReturnPath(fieldValue(body, 'retour'));
        const previous = request.cookies[AGENT_COOKIE];
        // Progressive delay after failed attempts on this address or from this client.
        const attempt = await beginLoginAttempt(request, reply, 'agent', email);
        const now = services.clock.now();
        const opened = await inTenant(services.db, tenant.id, async (trx) => {
          // A look-alike address (NFKC-normalised, then ASCII only) never matches an account.
          const agentId = await authenticateAgent(trx, loginEmail(email) ?? '', password, now);
          if (!agentId) return null;
          // A new session at every login: a session id planted before login is worth nothing.
          if (previous) await deleteSession(trx, previous);
          // With a second factor the session opens half-way and gives access to nothing else.
          const stage = await stageAfterFirstFactor(trx, agentId);
          return { token: await createSession(trx, tenant.id, agentId, now, stage), stage };
        });
        if (!opened) {
          attempt.failed();
          return sendHtml(
            reply,
            loginPage(agentContext(request, null), { email, retour, error: LOGIN_FAILED, proconnect: !!proconnect }),
            401,
          );
        }
        const { token, stage } = opened;
        attempt.succeeded();
        reply.setCookie(AGENT_COOKIE, token, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: secureCookie,
          maxAge: SESSION_ABSOLUTE_MS / 1000,
        });
        return reply.redirect(url(request, pathForStage(stage, retour)), 303);
      },
    );

    scope.post('/agent/deconnexion', async (request, reply) => {
      const tenant = requireTenant(request);
      const token = request.cookies[AGENT_COOKIE];
      const idToken = token
        ? await inTenant(services.db, tenant.id, async (trx) => {
            const kept = await sessionIdToken(trx, token);
            await deleteSession(trx, token);
            return kept;
          })
        : null;
      reply.clearCookie(AGENT_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookie });
      // A ProConnect session is closed at the provider too, when it offers a logout endpoint;
      // the local session is already gone whatever the provider answers.
      if (idToken && proconnect) {
        const state = randomBytes(24).toString('base64url');
        let target: URL | null = null;
        try {
          target = await logoutUrl(
            { ...proconnect, allowHttp: services.config.env !== 'production' },
            {
              idToken,
              state,
              postLogoutRedirectUri: `${requestBaseUrl(services.config, request)}/agent/deconnexion/retour`,
            },
          );
        } catch (err) {
          request.log.warn({ err }, 'ProConnect discovery failed at logout');
        }
        if (target) {
          reply.setCookie(LOGOUT_COOKIE, state, {
            path: '/',
            httpOnly: true,
            // Lax: the cookie must come back on the top-level redirect from the provider.
            sameSite: 'lax',
            secure: secureCookie,
            maxAge: FLOW_LIFETIME_MS / 1000,
          });
          return reply.redirect(target.href, 303);
        }
      }
      return reply.redirect(url(request, '/agent/connexion?deconnexion=1'), 303);
    });

    scope.get('/agent/deconnexion/retour', async (request, reply) => {
      const expected = request.cookies[LOGOUT_COOKIE];
      const state = queryParam(request, 'state');
      reply.clearCookie(LOGOUT_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookie });
      const confirmed =
        !!expected &&
        !!state &&
        expected.length === state.length &&
        timingSafeEqual(Buffer.from(expected), Buffer.from(state));
      return sendHtml(reply, loggedOutPage(agentContext(request, null), { confirmed }), confirmed ? 200 : 400);
    });

    scope.get('/agent/demandes', async (request, reply) => {
      const agent = await requireAgent(request, services);
      const tenant = requireTenant(request);
      const statusParam = queryParam(request, 'statut');
      const status: RequestStatus | null = statusParam && isRequestStatus(statusParam) ? statusParam : null;
      const pageParam = Number(queryParam(request, 'page') ?? '1');
      const page = Number.isInteger(pageParam) && pageParam >= 1 && pageParam <= 100_000 ? pageParam : 1;
      const actor = agentActor(tenant.id, agent);
      if (!can(actor, 'list_requests', { kind: 'tenant', tenantId: tenant.id })) throw notFound();
      const scopeIds = requestScope(actor);
      const html = await inTenant(services.db, tenant.id, async (trx) => {
        const visibleServices = await listServices(trx, scopeIds);
        const serviceParam = queryParam(request, 'service');
        // A service outside the agent's own is ignored rather than trusted.
        const serviceId = visibleServices.some((s) => s.id === serviceParam) ? serviceParam : null;
        const { items, total } = await listRequests(trx, { serviceIds: scopeIds, status, serviceId, page });
        return requestListPage(agentContext(request, agent), {
          items,
          total,
          page,
          services: visibleServices,
          status,
          serviceId,
          today: parisDay(services.clock.now()),
          // The link to the agents page is shown to whoever the policy lets manage agents.
          isAdmin: can(actor, 'manage_agents', { kind: 'tenant', tenantId: tenant.id }),
        });
      });
      return sendHtml(reply, html);
    });

    scope.get('/agent/demandes/:reference', async (request, reply) => {
      const agent = await requireAgent(request, services);
      const reference = referenceParam(request);
      const done = queryParam(request, 'fait');
      return renderDetail(request, reply, agent, reference, { notice: done ? NOTICES[done] : undefined });
    });

    scope.get('/agent/demandes/:reference/documents/:id', async (request, reply) => {
      const agent = await requireAgent(request, services);
      const tenant = requireTenant(request);
      const reference = referenceParam(request);
      const id = (request.params as { id: string }).id;
      const doc = await inTenant(services.db, tenant.id, async (trx) => {
        const row = authorised(tenant.id, agent, 'download_document', await findRequestByReference(trx, reference));
        const found = UUID.test(id) ? await findDocument(trx, row.id, id) : undefined;
        if (found) {
          await logPersonalDataAccess(trx, {
            tenantId: tenant.id,
            actor: { kind: 'agent', id: agent.id, label: agent.name },
            action: 'download_document',
            requestId: row.id,
            ip: request.ip,
            now: services.clock.now(),
          });
        }
        return found;
      });
      if (!doc) throw new AppError('not_found', "Ce document n'existe pas.");
      // A citizen's file is never run as a page of this site, even if a browser tried to open it.
      return reply.headers(uploadedFileHeaders(doc)).send(doc.content);
    });

    scope.post('/agent/demandes/:reference/statut', async (request, reply) => {
      const agent = await requireAgent(request, services);
      const tenant = requireTenant(request);
      const reference = referenceParam(request);
      const body = readFormBody(request);
      const values = { statut: fieldValue(body, 'statut'), message: fieldValue(body, 'message') };
      try {
        await inTenant(services.db, tenant.id, async (trx) => {
          const row = authorised(tenant.id, agent, 'change_status', await findRequestByReference(trx, reference));
          await changeRequestStatus(trx, {
            tenant,
            requestId: row.id,
            agentId: agent.id,
            to: values.statut,
            message: values.message,
            baseUrl: requestBaseUrl(services.config, request),
            sessionSecret: services.config.sessionSecret,
            now: services.clock.now(),
          });
        });
      } catch (err) {
        if (err instanceof AppError && (err.code === 'validation_failed' || err.code === 'invalid_transition')) {
          const errors = (err.details as FieldError[] | undefined) ?? [{ field: 'statut', message: err.message }];
          return renderDetail(request, reply, agent, reference, { form: { kind: 'statut', errors, values } }, 400);
        }
        throw err;
      }
      services.mail.kick();
      return reply.redirect(url(request, `/agent/demandes/${encodeURIComponent(reference)}?fait=statut`), 303);
    });

    scope.post('/agent/demandes/:reference/notes', async (request, reply) => {
      const agent = await requireAgent(request, services);
      const tenant = requireTenant(request);
      const reference = referenceParam(request);
      const values = { note: fieldValue(readFormBody(request), 'note') };
      try {
        await inTenant(services.db, tenant.id, async (trx) => {
          const row = authorised(tenant.id, agent, 'add_note', await findRequestByReference(trx, reference));
          await addInternalNote(trx, { tenantId: tenant.id, requestId: row.id, agentId: agent.id, body: values.note });
        });
      } catch (err) {
        if (err instanceof AppError && err.code === 'validation_failed') {
          const errors = (err.details as FieldError[] | undefined) ?? [{ field: 'note', message: err.message }];
          return renderDetail(request, reply, agent, reference, { form: { kind: 'note', errors, values } }, 400);
        }
        throw err;
      }
      return reply.redirect(url(request, `/agent/demandes/${encodeURIComponent(reference)}?fait=note`), 303);
    });
  });
}
