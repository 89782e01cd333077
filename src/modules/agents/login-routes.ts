import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { loginEmail } from '../../platform/security/email.ts';
import { beginLoginAttempt } from '../../platform/security/login-throttle.ts';
import { parseForm, type FieldError } from '../../platform/web/form.ts';
import { readFormBody } from '../../platform/web/form-body.ts';
import { url } from '../../platform/web/layout.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import { typedValue } from '../../platform/web/typed-values.ts';
import { completeSecondFactor, upgradeAgentSession } from './complete-second-factor.ts';
import {
  enrolmentForm,
  forgotPasswordForm,
  loginForm,
  newPasswordForm,
  secondFactorForm,
  WRONG_CODE,
} from './forms.ts';
import { logInAgent, openAgentSession } from './log-in-agent.ts';
import { logOutAgent } from './log-out-agent.ts';
import { acceptInvitation, findInvitation, invalidInvitation } from './accept-invitation.ts';
import {
  findAgentForIdentity,
  finishLogin,
  FLOW_LIFETIME_MS,
  identityMatchesTenant,
  logoutUrl,
  openFlow,
  PROCONNECT_COOKIE,
  sealFlow,
  startLogin,
  type ProConnectSettings,
} from './proconnect.ts';
import {
  currentAgent,
  currentSession,
  ENROLMENT_PATH,
  forgetSession,
  safeReturnPath,
  SECOND_FACTOR_PATH,
} from './require-agent.ts';
import {
  findPasswordReset,
  invalidResetLink,
  requestAgentPasswordReset,
  resetAgentPassword,
} from './reset-agent-password.ts';
import { agentContext, pathForStage, setSessionCookie } from './route-support.ts';
import { confirmEnrolment, startEnrolment } from './second-factor.ts';
import { AGENT_COOKIE } from './sessions.ts';
import { otpauthUri } from './totp.ts';
import { qrCodeSvg } from '../../platform/qr-code.ts';
import {
  enrolmentDonePage,
  enrolmentPage,
  forgotPasswordPage,
  invitationPage,
  loggedOutPage,
  proconnectRefusedPage,
  recoveryCodesPage,
  secondFactorPage,
} from './views/identity-pages.ts';
import { loginPage } from './views/login-page.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';

const LOGIN_FAILED = 'Adresse électronique ou mot de passe incorrect.';
/** The state of a logout through ProConnect, checked when the provider sends the browser back. */
const LOGOUT_COOKIE = 'guichet_proconnect_logout';

/**
 * How an agent gets in and out: password login, second factor and its enrolment, invitation,
 * forgotten password, ProConnect, logout. Registered in the agent module's scope, whose error
 * handler turns "login required" into redirects.
 */
export function registerAgentLoginRoutes(scope: FastifyInstance, services: Services): void {
  const secure = services.config.env === 'production';
  // Everything that checks a password, a code or a mailed link, or mails an address typed by
  // anyone, spends the login budget (LOGIN_RATE_LIMIT, security/rate-limits.ts).
  const loginLimit = { config: { rateLimitBudget: 'login' } } as const;
  const proconnect: ProConnectSettings | null = services.config.proconnect
    ? { ...services.config.proconnect, allowHttp: services.config.env !== 'production' }
    : null;

  /** Opens the session that follows a checked first factor, replacing any previous one. */
  async function openSession(
    request: FastifyRequest,
    reply: FastifyReply,
    agentId: string,
    retour: string,
    idToken: string | null = null,
  ) {
    const tenant = requireTenant(request);
    const { token, stage } = await inTenant(services.db, tenant.id, (trx) =>
      openAgentSession(trx, {
        tenantId: tenant.id,
        agentId,
        previousToken: request.cookies[AGENT_COOKIE],
        idToken,
        now: services.clock.now(),
      }),
    );
    setSessionCookie(reply, token, secure);
    return reply.redirect(url(request, pathForStage(stage, retour)), 303);
  }

  // --- Password login and logout ----------------------------------------------------------

  scope.get('/agent/connexion', async (request, reply) => {
    const retour = safeReturnPath(queryParam(request, 'retour') || null);
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

  scope.post('/agent/connexion', loginLimit, async (request, reply) => {
    const tenant = requireTenant(request);
    const { fields } = readFormBody(request);
    const form = parseForm(loginForm, fields);
    const retour = safeReturnPath(form.ok ? form.value.retour : null);
    if (!form.ok) {
      const page = loginPage(agentContext(request, null), {
        email: typedValue(fields, 'email', 320),
        retour,
        error: form.errors[0]!.message,
        proconnect: !!proconnect,
      });
      return sendHtml(reply, page, 400);
    }
    const { email, password } = form.value;
    // Progressive delay after failed attempts on this address or from this client.
    const attempt = await beginLoginAttempt(request, reply, 'agent', email);
    const opened = await inTenant(services.db, tenant.id, (trx) =>
      logInAgent(trx, {
        tenantId: tenant.id,
        email,
        password,
        previousToken: request.cookies[AGENT_COOKIE],
        now: services.clock.now(),
      }),
    );
    if (!opened) {
      attempt.failed();
      return sendHtml(
        reply,
        loginPage(agentContext(request, null), { email, retour, error: LOGIN_FAILED, proconnect: !!proconnect }),
        401,
      );
    }
    attempt.succeeded();
    setSessionCookie(reply, opened.token, secure);
    return reply.redirect(url(request, pathForStage(opened.stage, retour)), 303);
  });

  scope.post('/agent/deconnexion', async (request, reply) => {
    const tenant = requireTenant(request);
    const token = request.cookies[AGENT_COOKIE];
    const idToken = token ? await inTenant(services.db, tenant.id, (trx) => logOutAgent(trx, token)) : null;
    reply.clearCookie(AGENT_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
    // A ProConnect session is closed at the provider too, when it offers a logout endpoint;
    // the local session is already gone whatever the provider answers.
    if (idToken && proconnect) {
      const state = randomBytes(24).toString('base64url');
      let target: URL | null = null;
      try {
        target = await logoutUrl(proconnect, {
          idToken,
          state,
          postLogoutRedirectUri: `${requestBaseUrl(services.config, request)}/agent/deconnexion/retour`,
        });
      } catch (err) {
        request.log.warn({ err }, 'ProConnect discovery failed at logout');
      }
      if (target) {
        reply.setCookie(LOGOUT_COOKIE, state, {
          path: '/',
          httpOnly: true,
          // Lax: the cookie must come back on the top-level redirect from the provider.
          sameSite: 'lax',
          secure,
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
    reply.clearCookie(LOGOUT_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
    const confirmed =
      !!expected &&
      !!state &&
      expected.length === state.length &&
      timingSafeEqual(Buffer.from(expected), Buffer.from(state));
    return sendHtml(reply, loggedOutPage(agentContext(request, null), { confirmed }), confirmed ? 200 : 400);
  });

  // --- Second step of the login -------------------------------------------------------------

  scope.get(SECOND_FACTOR_PATH, async (request, reply) => {
    const retour = safeReturnPath(queryParam(request, 'retour') || null);
    const session = await currentSession(request, services);
    if (!session) return reply.redirect(url(request, `/agent/connexion?retour=${encodeURIComponent(retour)}`), 303);
    if (session.stage !== 'second_factor')
      return reply.redirect(url(request, pathForStage(session.stage, retour)), 303);
    return sendHtml(reply, secondFactorPage(agentContext(request, null), { retour, error: null }));
  });

  scope.post(SECOND_FACTOR_PATH, loginLimit, async (request, reply) => {
    const tenant = requireTenant(request);
    const form = parseForm(secondFactorForm, readFormBody(request).fields);
    const retour = safeReturnPath(form.ok ? form.value.retour : null);
    const session = await currentSession(request, services);
    if (!session) return reply.redirect(url(request, `/agent/connexion?retour=${encodeURIComponent(retour)}`), 303);
    if (session.stage !== 'second_factor')
      return reply.redirect(url(request, pathForStage(session.stage, retour)), 303);
    const token = await inTenant(services.db, tenant.id, (trx) =>
      completeSecondFactor(trx, {
        tenantId: tenant.id,
        agentId: session.agent.id,
        sessionToken: request.cookies[AGENT_COOKIE]!,
        // A code the form refuses (too long to be one) is a wrong code: counted like any other.
        code: form.ok ? form.value.code : null,
        sessionSecret: services.config.sessionSecret,
        now: services.clock.now(),
      }),
    );
    if (!token)
      return sendHtml(reply, secondFactorPage(agentContext(request, null), { retour, error: WRONG_CODE }), 401);
    forgetSession(request);
    setSessionCookie(reply, token, secure);
    return reply.redirect(url(request, retour), 303);
  });

  // --- TOTP enrolment ---------------------------------------------------------------------

  async function renderEnrolment(request: FastifyRequest, reply: FastifyReply, error: string | null, status = 200) {
    const tenant = requireTenant(request);
    const session = await currentSession(request, services);
    if (!session) return reply.redirect(url(request, `/agent/connexion?retour=${ENROLMENT_PATH}`), 303);
    if (session.stage === 'second_factor') return reply.redirect(url(request, SECOND_FACTOR_PATH), 303);
    const ctx = agentContext(request, session.stage === 'full' ? session.agent : null);
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
    const form = parseForm(enrolmentForm, readFormBody(request).fields);
    if (!form.ok) return renderEnrolment(request, reply, form.errors[0]!.message, 400);
    const now = services.clock.now();
    const token = request.cookies[AGENT_COOKIE]!;
    const outcome = await inTenant(services.db, tenant.id, async (trx) => {
      const codes = await confirmEnrolment(trx, {
        tenantId: tenant.id,
        agentId: session.agent.id,
        code: form.value.code,
        now,
        sessionSecret: services.config.sessionSecret,
      });
      // A mandatory enrolment was the last step of the login: the session becomes a full one.
      const upgraded =
        codes && session.stage === 'enrolment'
          ? await upgradeAgentSession(trx, { tenantId: tenant.id, agentId: session.agent.id, sessionToken: token, now })
          : null;
      return { codes, upgraded };
    });
    if (!outcome.codes) return renderEnrolment(request, reply, WRONG_CODE, 400);
    if (outcome.upgraded) {
      forgetSession(request);
      setSessionCookie(reply, outcome.upgraded, secure);
    }
    return sendHtml(
      reply,
      recoveryCodesPage(agentContext(request, session.agent), { codes: outcome.codes, next: '/agent/demandes' }),
    );
  });

  // --- Invitations ------------------------------------------------------------------------

  async function renderInvitation(
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    errors: FieldError[] = [],
  ) {
    const tenant = requireTenant(request);
    const invitation = await inTenant(services.db, tenant.id, (trx) =>
      findInvitation(trx, token, services.clock.now()),
    );
    if (!invitation) throw invalidInvitation();
    const page = invitationPage(agentContext(request, null), {
      token,
      name: invitation.display_name,
      email: invitation.email,
      errors,
    });
    return sendHtml(reply, page, errors.length > 0 ? 400 : 200);
  }

  scope.get('/agent/invitation', async (request, reply) =>
    renderInvitation(request, reply, queryParam(request, 'jeton')),
  );

  scope.post('/agent/invitation', loginLimit, async (request, reply) => {
    const tenant = requireTenant(request);
    const { fields } = readFormBody(request);
    const form = parseForm(newPasswordForm, fields);
    if (!form.ok) return renderInvitation(request, reply, typedValue(fields, 'jeton', 100), form.errors);
    const accepted = await inTenant(services.db, tenant.id, (trx) =>
      acceptInvitation(trx, {
        ...form.value,
        token: form.value.jeton,
        tenantName: tenant.name,
        now: services.clock.now(),
      }),
    );
    if (!accepted.ok) return renderInvitation(request, reply, form.value.jeton, accepted.errors);
    return openSession(request, reply, accepted.value, '/agent/demandes');
  });

  // --- Password reset ---------------------------------------------------------------------
  // The POST routes fall under the login rule of platform/security/rate-limits.ts.

  scope.get('/agent/mot-de-passe-oublie', async (request, reply) =>
    sendHtml(
      reply,
      forgotPasswordPage(agentContext(request, null), {
        email: '',
        error: null,
        sent: queryParam(request, 'envoye') === '1',
      }),
    ),
  );

  scope.post('/agent/mot-de-passe-oublie', loginLimit, async (request, reply) => {
    const tenant = requireTenant(request);
    const { fields } = readFormBody(request);
    const form = parseForm(forgotPasswordForm, fields);
    if (!form.ok) {
      const page = forgotPasswordPage(agentContext(request, null), {
        email: typedValue(fields, 'email', 320).trim(),
        error: form.errors[0]!.message,
        sent: false,
      });
      return sendHtml(reply, page, 400);
    }
    // Known, unknown or deactivated: the same redirect, so the page tells nothing about accounts.
    await inTenant(services.db, tenant.id, (trx) =>
      requestAgentPasswordReset(trx, {
        tenantId: tenant.id,
        tenantName: tenant.name,
        email: loginEmail(form.value.email),
        baseUrl: requestBaseUrl(services.config, request),
        now: services.clock.now(),
      }),
    );
    services.mail.kick();
    return reply.redirect(url(request, '/agent/mot-de-passe-oublie?envoye=1'), 303);
  });

  async function renderNewPassword(
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    errors: FieldError[] = [],
  ) {
    const tenant = requireTenant(request);
    const reset = await inTenant(services.db, tenant.id, (trx) => findPasswordReset(trx, token, services.clock.now()));
    if (!reset) throw invalidResetLink();
    const page = invitationPage(agentContext(request, null), {
      token,
      name: reset.display_name,
      email: reset.email,
      errors,
      reset: true,
    });
    return sendHtml(reply, page, errors.length > 0 ? 400 : 200);
  }

  scope.get('/agent/mot-de-passe/nouveau', loginLimit, async (request, reply) =>
    renderNewPassword(request, reply, queryParam(request, 'jeton')),
  );

  scope.post('/agent/mot-de-passe/nouveau', loginLimit, async (request, reply) => {
    const tenant = requireTenant(request);
    const { fields } = readFormBody(request);
    const form = parseForm(newPasswordForm, fields);
    if (!form.ok) return renderNewPassword(request, reply, typedValue(fields, 'jeton', 100), form.errors);
    const reset = await inTenant(services.db, tenant.id, (trx) =>
      resetAgentPassword(trx, {
        ...form.value,
        token: form.value.jeton,
        tenantName: tenant.name,
        now: services.clock.now(),
      }),
    );
    if (!reset.ok) return renderNewPassword(request, reply, form.value.jeton, reset.errors);
    // Every session was closed, this browser's too: a fresh login, with the second factor if set.
    reply.clearCookie(AGENT_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
    return reply.redirect(url(request, '/agent/connexion?mot-de-passe=1'), 303);
  });

  // --- ProConnect -------------------------------------------------------------------------

  function redirectUri(request: FastifyRequest): string {
    return `${requestBaseUrl(services.config, request)}/agent/connexion/proconnect/retour`;
  }

  scope.get('/agent/connexion/proconnect', async (request, reply) => {
    const tenant = requireTenant(request);
    if (!proconnect) throw new AppError('not_found', "La connexion avec ProConnect n'est pas proposée ici.");
    const retour = safeReturnPath(queryParam(request, 'retour') || null);
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
      return sendHtml(reply, proconnectRefusedPage(agentContext(request, null), 'unavailable'), 503);
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
      sendHtml(reply, proconnectRefusedPage(agentContext(request, null), reason), status);
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
