import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { pageContext, requireTenant } from '../../platform/web/request-context.ts';
import { inTenant, withTenantConnection } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { queueMail } from '../../platform/mail.ts';
import { fieldValue, readFormBody, type FormBody } from '../../platform/web/form-body.ts';
import { url, type PageContext } from '../../platform/web/layout.ts';
import { checkPassword } from '../agents/password-policy.ts';
import { logoutThroughFranceConnect } from '../identity/logout-through-franceconnect.ts';
import { presentAnswers } from '../requests/form-engine/present.ts';
import { normalizeReference } from '../requests/reference.ts';
import { cachedDemarcheForm } from '../requests/find-tracked-request.ts';
import { findRequestWithTimeline } from '../requests/repository.ts';
import { isOpen } from '../requests/status.ts';
import { requestResource } from '../requests/policy.ts';
import { can } from '../authorization.ts';
import { citizenActor } from './policy.ts';
import { checkEmail, loginEmail } from '../../platform/security/email.ts';
import { beginLoginAttempt } from '../../platform/security/login-throttle.ts';
import { authenticateCitizen } from './authenticate-citizen.ts';
import { linkRequestWithTrackingCode } from './link-request.ts';
import { bindRegistrationBrowser, registrationBrowserHash } from './registration-browser.ts';
import { verifyEmailMail } from './mails.ts';
import { readPreferences, validatePreferences } from './preferences.ts';
import { registerCitizen } from './register-citizen.ts';
import { listMyMessages, listMyRequests, listMySessions, revokeMySession, savePreferences } from './repository.ts';
import { CitizenLoginRequired, requireCitizen, safeCitizenReturn } from './require-citizen.ts';
import { citizenEmail, requestPasswordReset, resetPassword } from './reset-password.ts';
import { logoutCitizen, signInCitizen } from './session-cookie.ts';
import {
  CITIZEN_COOKIE,
  clearCitizenCookie,
  currentCitizen,
  forgetCurrentCitizen,
  type CitizenSession,
} from './sessions.ts';
import {
  checkMailPage,
  confirmEmailPage,
  forgotPasswordPage,
  INVALID_LINK,
  loginPage,
  messagePage,
  newPasswordPage,
  registrationPage,
} from './views/auth-pages.ts';
import type { FieldErrors } from '../../platform/web/fields.ts';
import {
  displayName,
  linkRequestPage,
  myMessagesPage,
  myRequestPage,
  myRequestsPage,
  preferencesPage,
  sessionsPage,
  spaceHomePage,
} from './views/space-pages.ts';
import { inspectToken, issueToken } from './tokens.ts';
import { verificationLinkEmail, verifyEmail } from './verify-email.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';

const LOGIN_FAILED = 'Adresse électronique ou mot de passe incorrect.';
const PASSWORD_MAX_INPUT = 1024;

const CHECK_MAIL_REGISTER = {
  title: 'Vérifiez votre messagerie',
  text: 'Nous avons envoyé un courriel à l’adresse indiquée. Ouvrez le lien qu’il contient pour continuer.',
};
const CHECK_MAIL_RESET = {
  title: 'Vérifiez votre messagerie',
  text: 'Si un compte existe avec cette adresse, nous venons de lui envoyer un lien pour choisir un nouveau mot de passe. Le lien fonctionne pendant 1 heure.',
};
const CHECK_MAIL_RESEND = {
  title: 'Vérifiez votre messagerie',
  text: 'Si un compte non confirmé existe avec cette adresse, nous venons de lui envoyer un nouveau lien de confirmation.',
};

function sendHtml(reply: FastifyReply, page: { toString(): string }, status = 200) {
  return reply.code(status).type('text/html; charset=utf-8').send(page.toString());
}

function queryParam(request: FastifyRequest, name: string): string | null {
  const v = (request.query as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' && v !== '' ? v.slice(0, 2000) : null;
}

function passwordErrors(body: FormBody, email: string, tenantName: string): FieldErrors {
  const password = fieldValue(body, 'password').slice(0, PASSWORD_MAX_INPUT);
  const confirmation = fieldValue(body, 'confirmation').slice(0, PASSWORD_MAX_INPUT);
  const errors: FieldErrors = [];
  const check = checkPassword(password, { email, tenantName });
  if (!check.ok) errors.push({ field: 'password', message: check.message });
  if (password !== confirmation) {
    errors.push({ field: 'confirmation', message: 'Les deux mots de passe ne sont pas identiques.' });
  }
  return errors;
}

/** The page context with the signed-in citizen, for the header's "Mon espace" link. */
function citizenContext(request: FastifyRequest, session: CitizenSession | null): PageContext {
  return { ...pageContext(request), citizen: session ? { name: displayName(session.citizen) } : null };
}

export function registerCitizenRoutes(app: FastifyInstance, services: Services): void {
  const now = () => services.clock.now();
  // POST routes get LOGIN_RATE_LIMIT from the platform's rule table (security/rate-limits.ts);
  // the table covers POST only, so the GET pages that consume one-time links say it here.
  const linkLimit = { config: { rateLimit: { max: services.config.loginRateLimit, timeWindow: '1 minute' } } };

  // Pages show "Mon espace" in the header to a signed-in citizen: the session is looked up once
  // per page when the cookie is there (anonymous visitors cost nothing), before the view runs.
  app.addHook('preHandler', async (request) => {
    if (request.method !== 'GET' || !request.tenant || !request.cookies[CITIZEN_COOKIE]) return;
    await currentCitizen(request, services);
  });

  void app.register(async (scope) => {
    scope.setErrorHandler(async (err, request, reply) => {
      if (err instanceof CitizenLoginRequired) {
        return reply.redirect(url(request, `/connexion?retour=${encodeURIComponent(err.retour)}`), 303);
      }
      throw err;
    });
    // Account pages and the space show personal data or carry one-time links: never cached.
    scope.addHook('onSend', async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      reply.header('referrer-policy', 'no-referrer');
    });

    // ---- Registration and email verification ----

    scope.get('/inscription', async (request, reply) => {
      const session = await currentCitizen(request, services);
      if (session) return reply.redirect(url(request, '/mon-espace'), 303);
      return sendHtml(reply, registrationPage(citizenContext(request, null), { email: '', errors: [] }));
    });

    scope.post('/inscription', async (request, reply) => {
      const tenant = requireTenant(request);
      const body = readFormBody(request);
      const typed = fieldValue(body, 'email').slice(0, 400);
      const email = checkEmail(typed);
      const errors: FieldErrors = [];
      if (!email.ok) errors.push({ field: 'email', message: email.message });
      errors.push(...passwordErrors(body, email.ok ? email.email : typed, tenant.name));
      if (errors.length || !email.ok) {
        return sendHtml(reply, registrationPage(citizenContext(request, null), { email: typed.trim(), errors }), 400);
      }
      // Every registration marks this browser, whatever the address: the answer stays the same.
      const browserHash = bindRegistrationBrowser(request, reply, services.config);
      await inTenant(services.db, tenant.id, (trx) =>
        registerCitizen(trx, tenant, {
          email: email.email,
          password: fieldValue(body, 'password'),
          now: now(),
          siteUrl: requestBaseUrl(services.config, request),
          browserHash,
        }),
      );
      services.mail.kick();
      return reply.redirect(url(request, '/inscription/courriel-envoye'), 303);
    });

    scope.get('/inscription/courriel-envoye', async (request, reply) =>
      sendHtml(reply, checkMailPage(citizenContext(request, null), CHECK_MAIL_REGISTER)),
    );

    const confirmationEnd = (request: FastifyRequest, reply: FastifyReply, result: 'already_used' | 'invalid') => {
      const ctx = citizenContext(request, null);
      if (result === 'already_used') {
        return sendHtml(
          reply,
          messagePage(ctx, {
            title: 'Adresse déjà confirmée',
            text: 'Ce lien a déjà servi : votre adresse électronique est confirmée. Vous pouvez vous connecter.',
            link: { href: '/connexion', label: 'Se connecter' },
          }),
        );
      }
      return sendHtml(
        reply,
        messagePage(ctx, {
          ...INVALID_LINK,
          text: 'Ce lien de confirmation a expiré ou n’est pas valide. Connectez-vous avec votre adresse et votre mot de passe : vous pourrez recevoir un nouveau lien.',
          link: { href: '/connexion', label: 'Se connecter' },
        }),
        400,
      );
    };

    // Confirms at once in the browser that registered; anywhere else, asks for the password.
    scope.get('/inscription/confirmer', linkLimit, async (request, reply) => {
      const tenant = requireTenant(request);
      const token = queryParam(request, 'jeton') ?? '';
      const browserHash = registrationBrowserHash(request);
      const result = await inTenant(services.db, tenant.id, (trx) =>
        verifyEmail(trx, { token, browserHash, now: now() }),
      );
      if (result === 'verified') return reply.redirect(url(request, '/connexion?confirme=1'), 303);
      if (result === 'password_needed' || result === 'wrong_password') {
        return sendHtml(reply, confirmEmailPage(citizenContext(request, null), { token, errors: [] }));
      }
      return confirmationEnd(request, reply, result);
    });

    scope.post('/inscription/confirmer', async (request, reply) => {
      const tenant = requireTenant(request);
      const body = readFormBody(request);
      const token = fieldValue(body, 'jeton').slice(0, 100);
      const password = fieldValue(body, 'password').slice(0, PASSWORD_MAX_INPUT);
      const email = await inTenant(services.db, tenant.id, (trx) => verificationLinkEmail(trx, token, now()));
      if (!email) {
        const used = await inTenant(services.db, tenant.id, (trx) =>
          verifyEmail(trx, { token, browserHash: null, now: now() }),
        );
        return confirmationEnd(request, reply, used === 'already_used' ? 'already_used' : 'invalid');
      }
      // Password guesses here count with those on the login form, for the account and the client.
      const attempt = await beginLoginAttempt(request, reply, 'citizen', email);
      const result = await inTenant(services.db, tenant.id, (trx) =>
        verifyEmail(trx, { token, browserHash: registrationBrowserHash(request), password, now: now() }),
      );
      if (result === 'wrong_password' || result === 'password_needed') {
        attempt.failed();
        return sendHtml(
          reply,
          confirmEmailPage(citizenContext(request, null), {
            token,
            errors: [{ field: 'password', message: 'Ce mot de passe n’est pas celui du compte.' }],
          }),
          401,
        );
      }
      attempt.succeeded();
      if (result === 'verified') return reply.redirect(url(request, '/connexion?confirme=1'), 303);
      return confirmationEnd(request, reply, result);
    });

    // Sends a new verification link to an unconfirmed account; the same answer for any address.
    scope.post('/inscription/renvoyer', async (request, reply) => {
      const tenant = requireTenant(request);
      const email = loginEmail(fieldValue(readFormBody(request), 'email').slice(0, 400));
      if (email) {
        const base = requestBaseUrl(services.config, request);
        const browserHash = bindRegistrationBrowser(request, reply, services.config);
        await inTenant(services.db, tenant.id, async (trx) => {
          const citizen = await trx
            .selectFrom('citizens')
            .select(['id', 'email_verified_at', 'password_hash'])
            .where('email', '=', email)
            .executeTakeFirst();
          if (!citizen || citizen.email_verified_at || !citizen.password_hash) return;
          const token = await issueToken(trx, {
            tenantId: tenant.id,
            citizenId: citizen.id,
            purpose: 'verify_email',
            now: now(),
            browserHash,
          });
          await queueMail(
            trx,
            tenant.id,
            verifyEmailMail(tenant, email, `${base}/inscription/confirmer?jeton=${token}`),
          );
        });
        services.mail.kick();
      }
      return reply.redirect(url(request, '/inscription/lien-renvoye'), 303);
    });

    scope.get('/inscription/lien-renvoye', async (request, reply) =>
      sendHtml(reply, checkMailPage(citizenContext(request, null), CHECK_MAIL_RESEND)),
    );

    // ---- Login and logout ----

    scope.get('/connexion', async (request, reply) => {
      const retour = safeCitizenReturn(queryParam(request, 'retour'));
      if (await currentCitizen(request, services)) return reply.redirect(url(request, retour), 303);
      const notice =
        queryParam(request, 'confirme') === '1'
          ? 'Votre adresse électronique est confirmée. Vous pouvez vous connecter.'
          : queryParam(request, 'mot-de-passe') === '1'
            ? 'Votre mot de passe est changé. Connectez-vous avec le nouveau.'
            : queryParam(request, 'deconnexion') === '1'
              ? 'Vous êtes déconnecté.'
              : undefined;
      return sendHtml(reply, loginPage(citizenContext(request, null), { email: '', retour, errors: [], notice }));
    });

    scope.post('/connexion', async (request, reply) => {
      const tenant = requireTenant(request);
      const body = readFormBody(request);
      const typed = fieldValue(body, 'email').trim().slice(0, 320);
      const password = fieldValue(body, 'password').slice(0, PASSWORD_MAX_INPUT);
      const retour = safeCitizenReturn(fieldValue(body, 'retour'));
      // Progressive delay after failed attempts on this address or from this client.
      const attempt = await beginLoginAttempt(request, reply, 'citizen', typed);
      const result = await inTenant(services.db, tenant.id, (trx) =>
        authenticateCitizen(trx, loginEmail(typed), password),
      );
      const ctx = citizenContext(request, null);
      if (result.outcome === 'failed') attempt.failed();
      else attempt.succeeded();
      if (result.outcome === 'failed') {
        return sendHtml(
          reply,
          loginPage(ctx, { email: typed, retour, errors: [{ field: 'email', message: LOGIN_FAILED }] }),
          401,
        );
      }
      if (result.outcome === 'unverified') {
        return sendHtml(reply, loginPage(ctx, { email: typed, retour, errors: [], unverified: true }), 403);
      }
      await signInCitizen(request, reply, services, { citizenId: result.citizenId, method: 'password' });
      return reply.redirect(url(request, retour), 303);
    });

    scope.post('/deconnexion', async (request, reply) => {
      // A FranceConnect session logs out at the provider first (identity module).
      if (await logoutThroughFranceConnect(request, reply, services)) return reply;
      await logoutCitizen(request, reply, services);
      return reply.redirect(url(request, '/connexion?deconnexion=1'), 303);
    });

    // ---- Password reset ----

    scope.get('/mot-de-passe-oublie', async (request, reply) =>
      sendHtml(reply, forgotPasswordPage(citizenContext(request, null), { email: '', errors: [] })),
    );

    scope.post('/mot-de-passe-oublie', async (request, reply) => {
      const tenant = requireTenant(request);
      const typed = fieldValue(readFormBody(request), 'email').slice(0, 400);
      const check = checkEmail(typed);
      if (!check.ok) {
        // Only the form of the address is judged here, never whether it has an account.
        return sendHtml(
          reply,
          forgotPasswordPage(citizenContext(request, null), {
            email: typed.trim(),
            errors: [{ field: 'email', message: check.message }],
          }),
          400,
        );
      }
      await inTenant(services.db, tenant.id, (trx) =>
        requestPasswordReset(trx, tenant, {
          email: check.email,
          now: now(),
          siteUrl: requestBaseUrl(services.config, request),
        }),
      );
      services.mail.kick();
      return reply.redirect(url(request, '/mot-de-passe-oublie/courriel-envoye'), 303);
    });

    scope.get('/mot-de-passe-oublie/courriel-envoye', async (request, reply) =>
      sendHtml(reply, checkMailPage(citizenContext(request, null), CHECK_MAIL_RESET)),
    );

    const invalidLink = (request: FastifyRequest, reply: FastifyReply) =>
      sendHtml(
        reply,
        messagePage(citizenContext(request, null), {
          ...INVALID_LINK,
          link: { href: '/mot-de-passe-oublie', label: 'Demander un nouveau lien' },
        }),
        400,
      );

    scope.get('/mot-de-passe/nouveau', linkLimit, async (request, reply) => {
      const tenant = requireTenant(request);
      const token = queryParam(request, 'jeton') ?? '';
      const state = await inTenant(services.db, tenant.id, (trx) => inspectToken(trx, token, 'reset_password', now()));
      if (state.state !== 'valid') return invalidLink(request, reply);
      return sendHtml(reply, newPasswordPage(citizenContext(request, null), { token, errors: [] }));
    });

    scope.post('/mot-de-passe/nouveau', async (request, reply) => {
      const tenant = requireTenant(request);
      const body = readFormBody(request);
      const token = fieldValue(body, 'jeton').slice(0, 100);
      const outcome = await inTenant(services.db, tenant.id, async (trx) => {
        const state = await inspectToken(trx, token, 'reset_password', now());
        if (state.state !== 'valid') return { kind: 'invalid' as const };
        const errors = passwordErrors(body, await citizenEmail(trx, state.citizenId), tenant.name);
        if (errors.length) return { kind: 'errors' as const, errors };
        const done = await resetPassword(trx, {
          token,
          password: fieldValue(body, 'password'),
          now: now(),
        });
        return done ? { kind: 'done' as const } : { kind: 'invalid' as const };
      });
      if (outcome.kind === 'invalid') return invalidLink(request, reply);
      if (outcome.kind === 'errors') {
        return sendHtml(reply, newPasswordPage(citizenContext(request, null), { token, errors: outcome.errors }), 400);
      }
      // This browser's session, if any, was closed with the others.
      clearCitizenCookie(reply);
      return reply.redirect(url(request, '/connexion?mot-de-passe=1'), 303);
    });

    // ---- The citizen space ----

    scope.get('/mon-espace', async (request, reply) => {
      const session = await requireCitizen(request, services);
      const tenant = requireTenant(request);
      const { requests, messages } = await inTenant(services.db, tenant.id, async (trx) => ({
        requests: await listMyRequests(trx, session.citizenId),
        messages: await listMyMessages(trx, session.citizenId),
      }));
      return sendHtml(
        reply,
        spaceHomePage(citizenContext(request, session), {
          citizen: session.citizen,
          openRequests: requests.filter((r) => isOpen(r.status)).length,
          totalRequests: requests.length,
          messages: messages.length,
        }),
      );
    });

    scope.get('/mon-espace/demandes', async (request, reply) => {
      const session = await requireCitizen(request, services);
      const tenant = requireTenant(request);
      const requests = await inTenant(services.db, tenant.id, (trx) => listMyRequests(trx, session.citizenId));
      const linked = queryParam(request, 'rattachee');
      const notice = linked ? `La demande ${linked.slice(0, 40)} est dans votre espace.` : undefined;
      return sendHtml(reply, myRequestsPage(citizenContext(request, session), requests, notice));
    });

    // A request filed without an account joins the space only with its tracking code (decision 10).
    const lookupLimit = { config: { rateLimit: { max: services.config.trackingRateLimit, timeWindow: '1 minute' } } };

    scope.get('/mon-espace/demandes/rattacher', async (request, reply) => {
      const session = await requireCitizen(request, services);
      return sendHtml(
        reply,
        linkRequestPage(citizenContext(request, session), { reference: '', code: '', errors: [] }),
      );
    });

    scope.post('/mon-espace/demandes/rattacher', lookupLimit, async (request, reply) => {
      const session = await requireCitizen(request, services);
      const tenant = requireTenant(request);
      const body = readFormBody(request);
      const reference = fieldValue(body, 'reference').trim().slice(0, 40);
      const code = fieldValue(body, 'cle').trim().slice(0, 100);
      const again = (errors: FieldErrors, status: number) =>
        sendHtml(reply, linkRequestPage(citizenContext(request, session), { reference, code, errors }), status);
      const errors: FieldErrors = [];
      if (!reference) errors.push({ field: 'reference', message: 'Indiquez le numéro de la demande.' });
      if (!code) errors.push({ field: 'cle', message: 'Indiquez le code de suivi de la demande.' });
      if (errors.length) return again(errors, 400);
      try {
        const result = await linkRequestWithTrackingCode(services, tenant, {
          citizenId: session.citizenId,
          reference,
          code,
          ip: request.ip,
        });
        return reply.redirect(
          url(request, `/mon-espace/demandes?rattachee=${encodeURIComponent(result.reference)}`),
          303,
        );
      } catch (err) {
        if (!(err instanceof AppError) || (err.code !== 'request_not_found' && err.code !== 'conflict')) throw err;
        return again([{ field: 'reference', message: err.message }], err.code === 'conflict' ? 409 : 404);
      }
    });

    scope.get<{ Params: { reference: string } }>('/mon-espace/demandes/:reference', async (request, reply) => {
      const session = await requireCitizen(request, services);
      const tenant = requireTenant(request);
      const notFound = new AppError('request_not_found', "Cette demande n'existe pas ou n'est pas dans votre espace.");
      // Links from the list carry the stored reference as is; a hand-typed one is normalised.
      const raw = request.params.reference.slice(0, 40).toUpperCase();
      const reference = /^[A-Z]{2,4}-\d{4}-[A-Z0-9]{3,12}$/.test(raw) ? raw : normalizeReference(raw);
      if (!reference) throw notFound;
      const detail = await withTenantConnection(services.db, tenant.id, async (conn) => {
        const row = await findRequestWithTimeline(conn, reference);
        // Someone else's request is answered like an unknown one: references cannot be probed.
        if (!row || !can(citizenActor(tenant.id, session), 'view_as_citizen', requestResource(tenant.id, row))) {
          return null;
        }
        return { row, form: await cachedDemarcheForm(services, conn, tenant.id, row.demarche_id) };
      });
      if (!detail) throw notFound;
      const { row, form } = detail;
      const { events, documents } = row;
      return sendHtml(
        reply,
        myRequestPage(citizenContext(request, session), {
          reference: row.reference,
          demarcheTitle: row.demarche_title,
          status: row.status,
          submittedAt: new Date(row.submitted_at),
          dueOn: row.due_on,
          events: events.map((e) => ({
            id: e.id,
            kind: e.kind,
            at: new Date(e.created_at),
            statusTo: e.status_to,
            body: e.body,
            author: e.author_kind,
          })),
          documents: documents.map((d) => ({
            id: d.id,
            eventId: d.event_id,
            filename: d.filename,
            sizeBytes: d.size_bytes,
          })),
          answers: presentAnswers(form, row.data),
        }),
      );
    });

    scope.get('/mon-espace/messages', async (request, reply) => {
      const session = await requireCitizen(request, services);
      const tenant = requireTenant(request);
      const messages = await inTenant(services.db, tenant.id, (trx) => listMyMessages(trx, session.citizenId));
      return sendHtml(reply, myMessagesPage(citizenContext(request, session), messages));
    });

    scope.get('/mon-espace/preferences', async (request, reply) => {
      const session = await requireCitizen(request, services);
      const notice = queryParam(request, 'enregistre') === '1' ? 'Vos préférences sont enregistrées.' : undefined;
      return sendHtml(
        reply,
        preferencesPage(citizenContext(request, session), {
          value: readPreferences(session.citizen.preferences),
          errors: [],
          notice,
        }),
      );
    });

    scope.post('/mon-espace/preferences', async (request, reply) => {
      const session = await requireCitizen(request, services);
      const tenant = requireTenant(request);
      const body = readFormBody(request);
      const needs = body.fields.needs;
      const input = {
        channel: fieldValue(body, 'channel'),
        language: fieldValue(body, 'language'),
        needs: (Array.isArray(needs) ? needs : needs ? [needs] : []).slice(0, 20),
        needsText: fieldValue(body, 'needsText').slice(0, 10_000),
      };
      const result = validatePreferences(input);
      if (!result.ok) {
        const kept = readPreferences({ ...input, needsText: input.needsText });
        return sendHtml(
          reply,
          preferencesPage(citizenContext(request, session), {
            value: { ...kept, needsText: input.needsText },
            errors: result.errors,
          }),
          400,
        );
      }
      const merged = { ...session.citizen.preferences, ...result.value };
      await inTenant(services.db, tenant.id, (trx) => savePreferences(trx, session.citizenId, merged, now()));
      return reply.redirect(url(request, '/mon-espace/preferences?enregistre=1'), 303);
    });

    scope.get('/mon-espace/sessions', async (request, reply) => {
      const session = await requireCitizen(request, services);
      const tenant = requireTenant(request);
      const sessions = await inTenant(services.db, tenant.id, (trx) => listMySessions(trx, session.citizenId, now()));
      const notice = queryParam(request, 'revoque') === '1' ? 'L’appareil est déconnecté.' : undefined;
      return sendHtml(
        reply,
        sessionsPage(citizenContext(request, session), { sessions, currentId: session.id, notice }),
      );
    });

    scope.post('/mon-espace/sessions/revoquer', async (request, reply) => {
      const session = await requireCitizen(request, services);
      const tenant = requireTenant(request);
      const target = fieldValue(readFormBody(request), 'session');
      if (!/^[0-9a-f]{64}$/.test(target)) {
        throw new AppError('validation_failed', 'Cette connexion n’existe pas ou est déjà fermée.');
      }
      await inTenant(services.db, tenant.id, (trx) => revokeMySession(trx, session.citizenId, target));
      if (target === session.id) {
        forgetCurrentCitizen(request);
        clearCitizenCookie(reply);
        return reply.redirect(url(request, '/connexion?deconnexion=1'), 303);
      }
      return reply.redirect(url(request, '/mon-espace/sessions?revoque=1'), 303);
    });
  });
}
