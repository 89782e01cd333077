import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { pageContext, requireTenant } from '../../platform/web/request-context.ts';
import type { AgentSessionStage } from '../../db/schema.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { fieldValue, readFormBody, type FormBody } from '../../platform/web/form-body.ts';
import { url, type PageContext } from '../../platform/web/layout.ts';
import { listServices } from './repository.ts';
import {
  acceptInvitation,
  findInvitation,
  invalidInvitation,
  inviteAgent,
  listAgents,
  resetSecondFactor,
  setAgentActive,
  setAgentServices,
  setProConnectMapping,
  setRequireAgent2fa,
  tenantSecuritySettings,
  type FieldError,
} from './manage-agents.ts';
import {
  finishLogin,
  findAgentForIdentity,
  identityMatchesTenant,
  openFlow,
  PROCONNECT_COOKIE,
  FLOW_LIFETIME_MS,
  sealFlow,
  startLogin,
  type ProConnectSettings,
} from './proconnect.ts';
import {
  currentSession,
  ENROLMENT_PATH,
  forgetSession,
  requireAdmin,
  safeReturnPath,
  SECOND_FACTOR_PATH,
} from './require-agent.ts';
import { confirmEnrolment, stageAfterFirstFactor, startEnrolment, verifySecondFactor } from './second-factor.ts';
import {
  AGENT_COOKIE,
  createSession,
  deleteSession,
  recordFailedCode,
  SESSION_ABSOLUTE_MS,
  sessionIdToken,
  type SessionAgent,
} from './sessions.ts';
import { otpauthUri, qrCodeSvg } from './totp.ts';
import { loginEmail } from '../../platform/security/email.ts';
import {
  findPasswordReset,
  invalidResetLink,
  requestAgentPasswordReset,
  resetAgentPassword,
  sendAgentPasswordReset,
} from './reset-agent-password.ts';
import { adminAgentsPage, type InviteValues } from './views/admin-agents-page.ts';
import {
  enrolmentDonePage,
  enrolmentPage,
  forgotPasswordPage,
  invitationPage,
  proconnectRefusedPage,
  recoveryCodesPage,
  secondFactorPage,
} from './views/identity-pages.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WRONG_CODE = 'Ce code est incorrect ou a déjà servi. Saisissez le code affiché en ce moment par l’application.';
const ADMIN_NOTICES: Record<string, string> = {
  invitation: 'L’invitation est envoyée.',
  desactive: 'Le compte est désactivé. Ses sessions sont fermées.',
  reactive: 'Le compte est réactivé.',
  services: 'Les services sont enregistrés.',
  '2fa': 'Le réglage de la double authentification est enregistré.',
  proconnect: 'Les réglages de ProConnect sont enregistrés.',
  '2fa-reinitialisee': 'La double authentification de l’agent est réinitialisée. Ses sessions sont fermées.',
  'mot-de-passe': 'Le lien pour changer de mot de passe est envoyé à l’agent. Il vaut 1 heure.',
};

function context(request: FastifyRequest, agent: SessionAgent | null): PageContext {
  return { ...pageContext(request), agent: agent ? { name: agent.name } : null };
}

function queryParam(request: FastifyRequest, name: string): string | null {
  const v = (request.query as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' && v !== '' ? v : null;
}

function sendHtml(reply: FastifyReply, page: { toString(): string }, status = 200) {
  return reply.code(status).type('text/html; charset=utf-8').send(page.toString());
}

/** Every value of a repeated field (checkboxes). */
function fieldValues(body: FormBody, name: string): string[] {
  const raw = body.fields[name];
  return (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((v) => v !== '');
}

/** Where a session at this stage goes next. */
export function pathForStage(stage: AgentSessionStage, retour: string): string {
  if (stage === 'second_factor') return `${SECOND_FACTOR_PATH}?retour=${encodeURIComponent(retour)}`;
  if (stage === 'enrolment') return ENROLMENT_PATH;
  return retour;
}

export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean): void {
  reply.setCookie(AGENT_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: SESSION_ABSOLUTE_MS / 1000,
  });
}

/**
 * Second factor, enrolment, invitations, the administrators' page and ProConnect. Registered in
 * the agent module's scope, whose error handler turns "login required" into redirects.
 */
export function registerAgentLoginRoutes(scope: FastifyInstance, services: Services): void {
  const secure = services.config.env === 'production';
  const loginLimit = { config: { rateLimit: { max: services.config.loginRateLimit, timeWindow: '1 minute' } } };

  /** Opens the session that follows a checked first factor, replacing any previous one. */
  async function openSession(
    request: FastifyRequest,
    reply: FastifyReply,
    agentId: string,
    retour: string,
    idToken: string | null = null,
  ) {
    const tenant = requireTenant(request);
    const previous = request.cookies[AGENT_COOKIE];
    const now = services.clock.now();
    const { token, stage } = await inTenant(services.db, tenant.id, async (trx) => {
      if (previous) await deleteSession(trx, previous);
      const stage = await stageAfterFirstFactor(trx, agentId);
      return { token: await createSession(trx, tenant.id, agentId, now, stage, idToken), stage };
    });
    setSessionCookie(reply, token, secure);
    return reply.redirect(url(request, pathForStage(stage, retour)), 303);
  }

  /** Replaces a half-open session with a full one: a new id once the second factor is given. */
  async function upgradeSession(request: FastifyRequest, reply: FastifyReply, agentId: string): Promise<void> {
    const tenant = requireTenant(request);
    const previous = request.cookies[AGENT_COOKIE]!;
    const token = await inTenant(services.db, tenant.id, async (trx) => {
      // A ProConnect login keeps its ID token past the second factor, for the logout.
      const idToken = await sessionIdToken(trx, previous);
      await deleteSession(trx, previous);
      return createSession(trx, tenant.id, agentId, services.clock.now(), 'full', idToken);
    });
    forgetSession(request);
    setSessionCookie(reply, token, secure);
  }

  // --- Second step of the login -------------------------------------------------------------

  scope.get(SECOND_FACTOR_PATH, async (request, reply) => {
    const retour = safeReturnPath(queryParam(request, 'retour'));
    const session = await currentSession(request, services);
    if (!session) return reply.redirect(url(request, `/agent/connexion?retour=${encodeURIComponent(retour)}`), 303);
    if (session.stage !== 'second_factor')
      return reply.redirect(url(request, pathForStage(session.stage, retour)), 303);
    return sendHtml(reply, secondFactorPage(context(request, null), { retour, error: null }));
  });

  scope.post(SECOND_FACTOR_PATH, loginLimit, async (request, reply) => {
    const tenant = requireTenant(request);
    const body = readFormBody(request);
    const retour = safeReturnPath(fieldValue(body, 'retour'));
    const session = await currentSession(request, services);
    if (!session) return reply.redirect(url(request, `/agent/connexion?retour=${encodeURIComponent(retour)}`), 303);
    if (session.stage !== 'second_factor')
      return reply.redirect(url(request, pathForStage(session.stage, retour)), 303);
    const code = fieldValue(body, 'code').slice(0, 64);
    const token = request.cookies[AGENT_COOKIE]!;
    const ok = await inTenant(services.db, tenant.id, async (trx) => {
      const valid = await verifySecondFactor(trx, {
        tenantId: tenant.id,
        agentId: session.agent.id,
        code,
        now: services.clock.now(),
        sessionSecret: services.config.sessionSecret,
      });
      if (!valid) await recordFailedCode(trx, token);
      return valid;
    });
    if (!ok) return sendHtml(reply, secondFactorPage(context(request, null), { retour, error: WRONG_CODE }), 401);
    await upgradeSession(request, reply, session.agent.id);
    return reply.redirect(url(request, retour), 303);
  });

  // --- TOTP enrolment ---------------------------------------------------------------------

  async function renderEnrolment(request: FastifyRequest, reply: FastifyReply, error: string | null, status = 200) {
    const tenant = requireTenant(request);
    const session = await currentSession(request, services);
    if (!session) return reply.redirect(url(request, `/agent/connexion?retour=${ENROLMENT_PATH}`), 303);
    if (session.stage === 'second_factor') return reply.redirect(url(request, SECOND_FACTOR_PATH), 303);
    const ctx = context(request, session.stage === 'full' ? session.agent : null);
    const enrolment = await inTenant(services.db, tenant.id, (trx) =>
      startEnrolment(trx, tenant.id, session.agent.id, services.config.sessionSecret),
    );
    if (enrolment.alreadyEnabled) return sendHtml(reply, enrolmentDonePage(ctx));
    const uri = otpauthUri(enrolment.secret, `Guichet ${tenant.name}`, session.agent.email);
    const page = enrolmentPage(ctx, {
      secret: enrolment.secret,
      uri,
      qrSvg: await qrCodeSvg(uri),
      mandatory: session.stage === 'enrolment',
      error,
    });
    return sendHtml(reply, page, status);
  }

  scope.get(ENROLMENT_PATH, async (request, reply) => renderEnrolment(request, reply, null));

  scope.post(ENROLMENT_PATH, loginLimit, async (request, reply) => {
    const tenant = requireTenant(request);
    const session = await currentSession(request, services);
    if (!session || session.stage === 'second_factor') return renderEnrolment(request, reply, null);
    const code = fieldValue(readFormBody(request), 'code').slice(0, 64);
    const codes = await inTenant(services.db, tenant.id, (trx) =>
      confirmEnrolment(trx, {
        tenantId: tenant.id,
        agentId: session.agent.id,
        code,
        now: services.clock.now(),
        sessionSecret: services.config.sessionSecret,
      }),
    );
    if (!codes) return renderEnrolment(request, reply, WRONG_CODE, 400);
    if (session.stage === 'enrolment') await upgradeSession(request, reply, session.agent.id);
    return sendHtml(reply, recoveryCodesPage(context(request, session.agent), { codes, next: '/agent/demandes' }));
  });

  // --- Invitations ------------------------------------------------------------------------

  scope.get('/agent/invitation', async (request, reply) => {
    const tenant = requireTenant(request);
    const token = queryParam(request, 'jeton') ?? '';
    const invitation = await inTenant(services.db, tenant.id, (trx) =>
      findInvitation(trx, token, services.clock.now()),
    );
    if (!invitation) throw invalidInvitation();
    return sendHtml(
      reply,
      invitationPage(context(request, null), {
        token,
        name: invitation.display_name,
        email: invitation.email,
        errors: [],
      }),
    );
  });

  scope.post('/agent/invitation', loginLimit, async (request, reply) => {
    const tenant = requireTenant(request);
    const body = readFormBody(request);
    const token = fieldValue(body, 'jeton').slice(0, 100);
    const now = services.clock.now();
    try {
      const agentId = await inTenant(services.db, tenant.id, (trx) =>
        acceptInvitation(trx, {
          token,
          password: fieldValue(body, 'password').slice(0, 1024),
          confirmation: fieldValue(body, 'confirmation').slice(0, 1024),
          tenantName: tenant.name,
          now,
        }),
      );
      return openSession(request, reply, agentId, '/agent/demandes');
    } catch (err) {
      if (err instanceof AppError && err.code === 'validation_failed') {
        const invitation = await inTenant(services.db, tenant.id, (trx) => findInvitation(trx, token, now));
        if (!invitation) throw invalidInvitation();
        const page = invitationPage(context(request, null), {
          token,
          name: invitation.display_name,
          email: invitation.email,
          errors: err.details as FieldError[],
        });
        return sendHtml(reply, page, 400);
      }
      throw err;
    }
  });

  // --- Password reset ---------------------------------------------------------------------
  // The POST routes fall under the login rule of platform/security/rate-limits.ts.

  scope.get('/agent/mot-de-passe-oublie', async (request, reply) =>
    sendHtml(
      reply,
      forgotPasswordPage(context(request, null), {
        email: '',
        error: null,
        sent: queryParam(request, 'envoye') === '1',
      }),
    ),
  );

  scope.post('/agent/mot-de-passe-oublie', async (request, reply) => {
    const tenant = requireTenant(request);
    const email = fieldValue(readFormBody(request), 'email').trim().slice(0, 320);
    if (email === '') {
      const page = forgotPasswordPage(context(request, null), {
        email,
        error: 'Indiquez l’adresse électronique de votre compte agent.',
        sent: false,
      });
      return sendHtml(reply, page, 400);
    }
    // Known, unknown or deactivated: the same redirect, so the page tells nothing about accounts.
    await inTenant(services.db, tenant.id, (trx) =>
      requestAgentPasswordReset(trx, {
        tenantId: tenant.id,
        tenantName: tenant.name,
        email: loginEmail(email),
        baseUrl: requestBaseUrl(services.config, request),
        now: services.clock.now(),
      }),
    );
    services.mail.kick();
    return reply.redirect(url(request, '/agent/mot-de-passe-oublie?envoye=1'), 303);
  });

  scope.get('/agent/mot-de-passe/nouveau', async (request, reply) => {
    const tenant = requireTenant(request);
    const token = queryParam(request, 'jeton') ?? '';
    const reset = await inTenant(services.db, tenant.id, (trx) => findPasswordReset(trx, token, services.clock.now()));
    if (!reset) throw invalidResetLink();
    return sendHtml(
      reply,
      invitationPage(context(request, null), {
        token,
        name: reset.display_name,
        email: reset.email,
        errors: [],
        reset: true,
      }),
    );
  });

  scope.post('/agent/mot-de-passe/nouveau', async (request, reply) => {
    const tenant = requireTenant(request);
    const body = readFormBody(request);
    const token = fieldValue(body, 'jeton').slice(0, 100);
    const now = services.clock.now();
    try {
      await inTenant(services.db, tenant.id, (trx) =>
        resetAgentPassword(trx, {
          token,
          password: fieldValue(body, 'password').slice(0, 1024),
          confirmation: fieldValue(body, 'confirmation').slice(0, 1024),
          tenantName: tenant.name,
          now,
        }),
      );
    } catch (err) {
      if (err instanceof AppError && err.code === 'validation_failed') {
        const reset = await inTenant(services.db, tenant.id, (trx) => findPasswordReset(trx, token, now));
        if (!reset) throw invalidResetLink();
        const page = invitationPage(context(request, null), {
          token,
          name: reset.display_name,
          email: reset.email,
          errors: err.details as FieldError[],
          reset: true,
        });
        return sendHtml(reply, page, 400);
      }
      throw err;
    }
    // Every session was closed, this browser's too: a fresh login, with the second factor if set.
    reply.clearCookie(AGENT_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
    return reply.redirect(url(request, '/agent/connexion?mot-de-passe=1'), 303);
  });

  // --- Administrators: agents of the tenant ------------------------------------------------

  async function renderAdmin(
    request: FastifyRequest,
    reply: FastifyReply,
    admin: SessionAgent,
    invite: { values: InviteValues; errors: FieldError[] },
    status = 200,
    proconnectForm?: { sirets: string; domains: string; errors: FieldError[] },
  ) {
    const tenant = requireTenant(request);
    const page = await inTenant(services.db, tenant.id, async (trx) => {
      const [agents, servicesList, settings] = await Promise.all([
        listAgents(trx),
        listServices(trx, null),
        tenantSecuritySettings(trx),
      ]);
      const done = queryParam(request, 'fait');
      return adminAgentsPage(context(request, admin), {
        agents,
        services: servicesList,
        selfId: admin.id,
        requireAgent2fa: settings.require_agent_2fa,
        proconnect: {
          configured: services.config.proconnect !== null,
          ...(proconnectForm ?? {
            sirets: settings.proconnect_sirets.join('\n'),
            domains: settings.proconnect_domains.join('\n'),
            errors: [],
          }),
        },
        invite,
        notice: done ? ADMIN_NOTICES[done] : undefined,
      });
    });
    return sendHtml(reply, page, status);
  }

  const emptyInvite = { values: { email: '', name: '', role: 'agent', services: [] }, errors: [] };

  scope.get('/agent/admin/agents', async (request, reply) => {
    const admin = await requireAdmin(request, services);
    return renderAdmin(request, reply, admin, emptyInvite);
  });

  scope.post('/agent/admin/agents/inviter', async (request, reply) => {
    const admin = await requireAdmin(request, services);
    const tenant = requireTenant(request);
    const body = readFormBody(request);
    const values: InviteValues = {
      email: fieldValue(body, 'email').slice(0, 320),
      name: fieldValue(body, 'name').slice(0, 200),
      role: fieldValue(body, 'role'),
      services: fieldValues(body, 'services').slice(0, 200),
    };
    try {
      await inTenant(services.db, tenant.id, (trx) =>
        inviteAgent(trx, {
          tenantId: tenant.id,
          tenantName: tenant.name,
          invitedBy: admin.id,
          email: values.email,
          name: values.name,
          role: values.role,
          serviceIds: values.services,
          baseUrl: requestBaseUrl(services.config, request),
          now: services.clock.now(),
        }),
      );
    } catch (err) {
      if (err instanceof AppError && err.code === 'validation_failed') {
        return renderAdmin(request, reply, admin, { values, errors: err.details as FieldError[] }, 400);
      }
      throw err;
    }
    services.mail.kick();
    return reply.redirect(url(request, '/agent/admin/agents?fait=invitation'), 303);
  });

  function agentIdParam(request: FastifyRequest): string {
    const id = (request.params as { id?: string }).id ?? '';
    if (!UUID.test(id)) throw new AppError('not_found', "Cet agent n'existe pas.");
    return id;
  }

  for (const [action, active] of [
    ['desactiver', false],
    ['reactiver', true],
  ] as const) {
    scope.post(`/agent/admin/agents/:id/${action}`, async (request, reply) => {
      const admin = await requireAdmin(request, services);
      const tenant = requireTenant(request);
      const id = agentIdParam(request);
      await inTenant(services.db, tenant.id, (trx) => setAgentActive(trx, admin.id, id, active));
      return reply.redirect(url(request, `/agent/admin/agents?fait=${active ? 'reactive' : 'desactive'}`), 303);
    });
  }

  scope.post('/agent/admin/agents/:id/reinitialiser-2fa', async (request, reply) => {
    const admin = await requireAdmin(request, services);
    const tenant = requireTenant(request);
    const id = agentIdParam(request);
    await inTenant(services.db, tenant.id, (trx) => resetSecondFactor(trx, admin.id, id));
    return reply.redirect(url(request, '/agent/admin/agents?fait=2fa-reinitialisee'), 303);
  });

  scope.post('/agent/admin/agents/:id/reinitialiser-mot-de-passe', async (request, reply) => {
    const admin = await requireAdmin(request, services);
    const tenant = requireTenant(request);
    const id = agentIdParam(request);
    await inTenant(services.db, tenant.id, (trx) =>
      sendAgentPasswordReset(trx, {
        tenantId: tenant.id,
        tenantName: tenant.name,
        agentId: id,
        adminId: admin.id,
        baseUrl: requestBaseUrl(services.config, request),
        now: services.clock.now(),
      }),
    );
    services.mail.kick();
    return reply.redirect(url(request, '/agent/admin/agents?fait=mot-de-passe'), 303);
  });

  scope.post('/agent/admin/agents/:id/services', async (request, reply) => {
    await requireAdmin(request, services);
    const tenant = requireTenant(request);
    const id = agentIdParam(request);
    const ids = fieldValues(readFormBody(request), 'services').slice(0, 200);
    await inTenant(services.db, tenant.id, (trx) => setAgentServices(trx, tenant.id, id, ids));
    return reply.redirect(url(request, '/agent/admin/agents?fait=services'), 303);
  });

  scope.post('/agent/admin/double-authentification', async (request, reply) => {
    await requireAdmin(request, services);
    const tenant = requireTenant(request);
    const value = fieldValue(readFormBody(request), 'exiger') === 'oui';
    await inTenant(services.db, tenant.id, (trx) => setRequireAgent2fa(trx, tenant.id, value));
    return reply.redirect(url(request, '/agent/admin/agents?fait=2fa'), 303);
  });

  scope.post('/agent/admin/proconnect', async (request, reply) => {
    const admin = await requireAdmin(request, services);
    const tenant = requireTenant(request);
    const body = readFormBody(request);
    const form = {
      sirets: fieldValue(body, 'sirets').slice(0, 5000),
      domains: fieldValue(body, 'domains').slice(0, 5000),
    };
    try {
      await inTenant(services.db, tenant.id, (trx) => setProConnectMapping(trx, tenant.id, form));
    } catch (err) {
      if (err instanceof AppError && err.code === 'validation_failed') {
        const errors = err.details as FieldError[];
        return renderAdmin(request, reply, admin, emptyInvite, 400, { ...form, errors });
      }
      throw err;
    }
    return reply.redirect(url(request, '/agent/admin/agents?fait=proconnect'), 303);
  });

  // --- ProConnect -------------------------------------------------------------------------

  const proconnect: ProConnectSettings | null = services.config.proconnect
    ? { ...services.config.proconnect, allowHttp: services.config.env !== 'production' }
    : null;

  function redirectUri(request: FastifyRequest): string {
    return `${requestBaseUrl(services.config, request)}/agent/connexion/proconnect/retour`;
  }

  scope.get('/agent/connexion/proconnect', async (request, reply) => {
    const tenant = requireTenant(request);
    if (!proconnect) throw new AppError('not_found', "La connexion avec ProConnect n'est pas proposée ici.");
    const retour = safeReturnPath(queryParam(request, 'retour'));
    let started;
    try {
      started = await startLogin(proconnect, {
        redirectUri: redirectUri(request),
        tenantId: tenant.id,
        retour,
        now: services.clock.now(),
      });
    } catch (err) {
      request.log.warn({ err }, 'ProConnect discovery failed');
      return sendHtml(reply, proconnectRefusedPage(context(request, null), 'unavailable'), 503);
    }
    reply.setCookie(PROCONNECT_COOKIE, sealFlow(services.config.sessionSecret, started.flow), {
      path: '/',
      httpOnly: true,
      // Lax: the cookie must come back on the top-level redirect from the provider.
      sameSite: 'lax',
      secure,
      maxAge: FLOW_LIFETIME_MS / 1000,
    });
    return reply.redirect(started.url.href, 303);
  });

  scope.get('/agent/connexion/proconnect/retour', async (request, reply) => {
    const tenant = requireTenant(request);
    if (!proconnect) throw new AppError('not_found', "La connexion avec ProConnect n'est pas proposée ici.");
    const flow = openFlow(services.config.sessionSecret, request.cookies[PROCONNECT_COOKIE], services.clock.now());
    // The flow is spent whatever happens next: a second visit of the same URL finds nothing.
    reply.clearCookie(PROCONNECT_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
    const refuse = (reason: Parameters<typeof proconnectRefusedPage>[1], status: number) =>
      sendHtml(reply, proconnectRefusedPage(context(request, null), reason), status);
    // Started on another tenant's host: the answer is not for this one.
    if (!flow) return refuse('failed', 400);
    if (flow.tenantId !== tenant.id) return refuse('other_tenant', 403);
    const query = request.raw.url?.split('?')[1] ?? '';
    let identity;
    try {
      identity = await finishLogin(proconnect, { callbackUrl: new URL(`${redirectUri(request)}?${query}`), flow });
    } catch (err) {
      request.log.warn({ err }, 'ProConnect login refused');
      return refuse('failed', 400);
    }
    const agentId = await inTenant(services.db, tenant.id, async (trx) => {
      if (!(await identityMatchesTenant(trx, identity))) return 'other_tenant' as const;
      return (await findAgentForIdentity(trx, identity, services.clock.now())) ?? ('unknown_agent' as const);
    });
    if (agentId === 'other_tenant' || agentId === 'unknown_agent') return refuse(agentId, 403);
    // ProConnect counts as the first factor; TOTP still applies (see stageAfterFirstFactor).
    return openSession(request, reply, agentId, flow.retour, identity.idToken ?? null);
  });
}
