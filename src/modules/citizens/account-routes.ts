import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { loginEmail } from '../../platform/security/email.ts';
import { beginLoginAttempt } from '../../platform/security/login-throttle.ts';
import { parseForm, type FieldError } from '../../platform/web/form.ts';
import { fieldValue, readFormBody } from '../../platform/web/form-body.ts';
import { url } from '../../platform/web/layout.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import { logoutThroughFranceConnect } from '../identity/logout-through-franceconnect.ts';
import { authenticateCitizen } from './authenticate-citizen.ts';
import { citizenContext } from './citizen-page-context.ts';
import {
  confirmEmailForm,
  forgotPasswordForm,
  loginForm,
  newPasswordForm,
  registrationForm,
  resendLinkForm,
} from './forms.ts';
import { registerCitizen } from './register-citizen.ts';
import {
  bindRegistrationBrowser,
  registrationBrowser,
  registrationBrowserHash,
  rememberRegistrationBrowser,
} from './registration-browser.ts';
import { resendVerificationLink } from './resend-verification-link.ts';
import { requestPasswordReset, resetPassword } from './reset-password.ts';
import { safeCitizenReturn } from './require-citizen.ts';
import { logoutCitizen, signInCitizen } from './session-cookie.ts';
import { clearCitizenCookie, currentCitizen } from './sessions.ts';
import { inspectToken } from './tokens.ts';
import { verificationLinkEmail, verifyEmail } from './verify-email.ts';
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
import { requestBaseUrl } from '../../platform/web/public-url.ts';

const LOGIN_FAILED = 'Adresse électronique ou mot de passe incorrect.';

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

/**
 * The account pages, for anyone: registration and email confirmation, login and logout,
 * forgotten password. Registered inside the citizens' scope (routes.ts), which sends the
 * anonymous visitor of a space page to the login page and marks every answer no-store.
 */
export function registerAccountRoutes(scope: FastifyInstance, services: Services): void {
  const now = () => services.clock.now();
  // Everything that checks a password, a mailed link or sends mail to an address typed by
  // anyone spends the login budget (LOGIN_RATE_LIMIT, security/rate-limits.ts), the pages that
  // consume one-time links included.
  const loginLimit = { config: { rateLimitBudget: 'login' } } as const;

  // ---- Registration and email verification ----

  scope.get('/inscription', async (request, reply) => {
    const session = await currentCitizen(request, services);
    if (session) return reply.redirect(url(request, '/mon-espace'), 303);
    return sendHtml(reply, registrationPage(citizenContext(request, null), { email: '', errors: [] }));
  });

  scope.post('/inscription', loginLimit, async (request, reply) => {
    const tenant = requireTenant(request);
    const body = readFormBody(request);
    const again = (errors: FieldError[]) =>
      sendHtml(
        reply,
        registrationPage(citizenContext(request, null), { email: fieldValue(body, 'email').trim(), errors }),
        400,
      );
    const form = parseForm(registrationForm, body.fields);
    if (!form.ok) return again(form.errors);
    // Every registration marks this browser, whatever the address: the answer stays the same.
    const browser = registrationBrowser(request);
    const result = await inTenant(services.db, tenant.id, (trx) =>
      registerCitizen(trx, tenant, {
        ...form.value,
        now: now(),
        siteUrl: requestBaseUrl(services.config, request),
        browserHash: browser.hash,
      }),
    );
    if (!result.ok) return again(result.errors);
    rememberRegistrationBrowser(reply, services.config, browser.value);
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
  scope.get('/inscription/confirmer', loginLimit, async (request, reply) => {
    const tenant = requireTenant(request);
    const token = queryParam(request, 'jeton');
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

  scope.post('/inscription/confirmer', loginLimit, async (request, reply) => {
    const tenant = requireTenant(request);
    const body = readFormBody(request);
    const form = parseForm(confirmEmailForm, body.fields);
    if (!form.ok) {
      const token = confirmEmailForm.shape.jeton.parse(body.fields.jeton);
      return sendHtml(reply, confirmEmailPage(citizenContext(request, null), { token, errors: form.errors }), 400);
    }
    const { jeton: token, password } = form.value;
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
  scope.post('/inscription/renvoyer', loginLimit, async (request, reply) => {
    const tenant = requireTenant(request);
    const form = parseForm(resendLinkForm, readFormBody(request).fields);
    const email = form.ok ? loginEmail(form.value.email) : null;
    if (email) {
      const browserHash = bindRegistrationBrowser(request, reply, services.config);
      await inTenant(services.db, tenant.id, (trx) =>
        resendVerificationLink(trx, tenant, {
          email,
          now: now(),
          siteUrl: requestBaseUrl(services.config, request),
          browserHash,
        }),
      );
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

  scope.post('/connexion', loginLimit, async (request, reply) => {
    const tenant = requireTenant(request);
    const body = readFormBody(request);
    const ctx = citizenContext(request, null);
    const typed = fieldValue(body, 'email').trim();
    const form = parseForm(loginForm, body.fields);
    if (!form.ok) {
      const retour = loginForm.shape.retour.parse(body.fields.retour);
      return sendHtml(reply, loginPage(ctx, { email: typed, retour, errors: form.errors }), 400);
    }
    const { email, password, retour } = form.value;
    // Progressive delay after failed attempts on this address or from this client.
    const attempt = await beginLoginAttempt(request, reply, 'citizen', email);
    const result = await inTenant(services.db, tenant.id, (trx) =>
      authenticateCitizen(trx, loginEmail(email), password),
    );
    if (result.outcome === 'failed') attempt.failed();
    else attempt.succeeded();
    if (result.outcome === 'failed') {
      return sendHtml(
        reply,
        loginPage(ctx, { email, retour, errors: [{ field: 'email', message: LOGIN_FAILED }] }),
        401,
      );
    }
    if (result.outcome === 'unverified') {
      return sendHtml(reply, loginPage(ctx, { email, retour, errors: [], unverified: true }), 403);
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

  scope.post('/mot-de-passe-oublie', loginLimit, async (request, reply) => {
    const tenant = requireTenant(request);
    const body = readFormBody(request);
    const form = parseForm(forgotPasswordForm, body.fields);
    if (!form.ok) {
      // Only the form of the address is judged here, never whether it has an account.
      return sendHtml(
        reply,
        forgotPasswordPage(citizenContext(request, null), {
          email: fieldValue(body, 'email').trim(),
          errors: form.errors,
        }),
        400,
      );
    }
    await inTenant(services.db, tenant.id, (trx) =>
      requestPasswordReset(trx, tenant, {
        email: form.value.email,
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

  scope.get('/mot-de-passe/nouveau', loginLimit, async (request, reply) => {
    const tenant = requireTenant(request);
    const token = queryParam(request, 'jeton');
    const state = await inTenant(services.db, tenant.id, (trx) => inspectToken(trx, token, 'reset_password', now()));
    if (state.state !== 'valid') return invalidLink(request, reply);
    return sendHtml(reply, newPasswordPage(citizenContext(request, null), { token, errors: [] }));
  });

  scope.post('/mot-de-passe/nouveau', loginLimit, async (request, reply) => {
    const tenant = requireTenant(request);
    const body = readFormBody(request);
    const again = (errors: FieldError[]) =>
      sendHtml(
        reply,
        newPasswordPage(citizenContext(request, null), {
          token: newPasswordForm.shape.jeton.parse(body.fields.jeton),
          errors,
        }),
        400,
      );
    const form = parseForm(newPasswordForm, body.fields);
    if (!form.ok) return again(form.errors);
    const { jeton: token, password, confirmation } = form.value;
    const result = await inTenant(services.db, tenant.id, (trx) =>
      resetPassword(trx, tenant, { token, password, confirmation, now: now() }),
    );
    if (!result) return invalidLink(request, reply);
    if (!result.ok) return again(result.errors);
    // This browser's session, if any, was closed with the others.
    clearCitizenCookie(reply);
    return reply.redirect(url(request, '/connexion?mot-de-passe=1'), 303);
  });
}
