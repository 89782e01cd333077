import { html, unsafeRaw, type SafeHtml } from '../../../platform/html.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import type { FieldError } from '../../../platform/web/form.ts';
import { agentEmailField } from './login-page.ts';

function errorFor(errors: FieldError[], field: string): FieldError | undefined {
  return errors.find((e) => e.field === field);
}

function errorMessage(error: FieldError | undefined, id: string): SafeHtml {
  return error ? html`<span class="error-message" id="${id}-error">${error.message}</span>` : html``;
}

function invalid(error: FieldError | undefined, id: string, hint?: string): SafeHtml {
  const described = [hint, error ? `${id}-error` : undefined].filter(Boolean).join(' ');
  return html`${described ? html`aria-describedby="${described}"` : ''} ${error ? html`aria-invalid="true"` : ''}`;
}

/** Second step of the login: a code from the app, or a recovery code. */
export function secondFactorPage(ctx: PageContext, input: { retour: string; error: string | null }): SafeHtml {
  const error = input.error ? { field: 'code', message: input.error } : undefined;
  const main = html`<h1>Code de vérification</h1>
    ${errorSummary(error ? [error] : [])}
    <p>Votre mot de passe est correct. Pour terminer la connexion, ouvrez votre application d'authentification et saisissez le code à 6 chiffres affiché pour ${ctx.tenant.name}.</p>
    <form method="post" action="${url(ctx, '/agent/connexion/code')}" novalidate>
      ${csrfField(ctx)}
      <input type="hidden" name="retour" value="${input.retour}" />
      <div class="field${error ? ' field-error' : ''}">
        <label for="code">Code à 6 chiffres</label>
        <span class="hint" id="code-hint">Vous n'avez pas votre téléphone ? Saisissez un de vos codes de secours (par exemple abcde-fghij).</span>
        ${errorMessage(error, 'code')}
        <input
          type="text"
          id="code"
          name="code"
          autocomplete="one-time-code"
          spellcheck="false"
          required
          ${invalid(error, 'code', 'code-hint')}
        />
      </div>
      <button type="submit" class="button">Valider</button>
    </form>
    <form method="post" action="${url(ctx, '/agent/deconnexion')}">
      ${csrfField(ctx)}
      <button type="submit" class="button secondary">Annuler et se déconnecter</button>
    </form>`;
  return layout(ctx, { title: 'Code de vérification', main, area: 'agent', errors: error ? [error] : [] });
}

export interface EnrolmentPageInput {
  secret: string;
  uri: string;
  qrSvg: string;
  /** The agent cannot go elsewhere before finishing (administrators, tenants requiring it). */
  mandatory: boolean;
  error: string | null;
}

/** Setting up TOTP: the QR code and the same key as text, then a first code to confirm. */
export function enrolmentPage(ctx: PageContext, input: EnrolmentPageInput): SafeHtml {
  const error = input.error ? { field: 'code', message: input.error } : undefined;
  const grouped = input.secret.replace(/(.{4})/g, '$1 ').trim();
  const main = html`<h1>Activer la double authentification</h1>
    ${errorSummary(error ? [error] : [])}
    ${
      input.mandatory
        ? html`<p>
            Votre compte doit être protégé par un deuxième facteur : en plus du mot de passe, vous donnerez à
            chaque connexion un code affiché par une application sur votre téléphone.
          </p>`
        : html`<p>En plus du mot de passe, vous donnerez à chaque connexion un code affiché par votre téléphone.</p>`
    }
    <ol>
      <li>
        Installez une application d'authentification si vous n'en avez pas (par exemple FreeOTP, Aegis, Google
        Authenticator ou Microsoft Authenticator).
      </li>
      <li>Dans l'application, ajoutez un compte en scannant ce QR code :</li>
    </ol>
    <figure class="qr-code">
      ${unsafeRaw(input.qrSvg.replace('<svg ', '<svg role="img" aria-label="QR code à scanner" width="220" height="220" '))}
      <figcaption>
        Vous ne pouvez pas scanner ? Saisissez cette clé dans l'application :
        <code id="totp-secret">${grouped}</code>
      </figcaption>
    </figure>
    <details>
      <summary>Adresse complète à copier (otpauth)</summary>
      <p><code id="totp-uri">${input.uri}</code></p>
    </details>
    <form method="post" action="${url(ctx, '/agent/double-authentification')}" novalidate>
      ${csrfField(ctx)}
      <div class="field${error ? ' field-error' : ''}">
        <label for="code">Code à 6 chiffres affiché par l'application</label>
        ${errorMessage(error, 'code')}
        <input
          type="text"
          id="code"
          name="code"
          inputmode="numeric"
          autocomplete="one-time-code"
          spellcheck="false"
          required
          ${invalid(error, 'code')}
        />
      </div>
      <button type="submit" class="button">Activer</button>
    </form>
    ${
      input.mandatory
        ? html`<form method="post" action="${url(ctx, '/agent/deconnexion')}">
            ${csrfField(ctx)}
            <button type="submit" class="button secondary">Plus tard : se déconnecter</button>
          </form>`
        : ''
    }`;
  return layout(ctx, {
    title: 'Activer la double authentification',
    main,
    area: 'agent',
    errors: error ? [error] : [],
  });
}

/** Already set up: nothing to do here. */
export function enrolmentDonePage(ctx: PageContext): SafeHtml {
  const main = html`<h1>Double authentification</h1>
    <p>La double authentification est active sur votre compte.</p>
    <p>Si vous avez perdu votre téléphone et vos codes de secours, demandez à un administrateur.</p>
    <p><a href="${url(ctx, '/agent/demandes')}">Retour aux demandes</a></p>`;
  return layout(ctx, { title: 'Double authentification', main, area: 'agent' });
}

/**
 * The recovery codes, shown once, right after the set-up is confirmed. This page answers the
 * POST directly instead of redirecting: the codes exist nowhere else in clear.
 */
export function recoveryCodesPage(ctx: PageContext, input: { codes: string[]; next: string }): SafeHtml {
  const main = html`<h1>Vos codes de secours</h1>
    <p>La double authentification est activée.</p>
    <p>
      Si vous n'avez pas votre téléphone, chacun de ces codes permet de vous connecter une fois.
      <strong>Notez-les ou imprimez-les maintenant et gardez-les en lieu sûr : ils ne seront plus affichés.</strong>
    </p>
    <ul class="recovery-codes">
      ${input.codes.map((c) => html`<li><code>${c}</code></li>`)}
    </ul>
    <p><a class="button" href="${url(ctx, input.next)}">J'ai noté mes codes, continuer</a></p>`;
  return layout(ctx, { title: 'Vos codes de secours', main, area: 'agent' });
}

/** An invited agent chooses their password. */
export function invitationPage(
  ctx: PageContext,
  input: { token: string; name: string; email: string; errors: FieldError[]; reset?: boolean },
): SafeHtml {
  const password = errorFor(input.errors, 'password');
  const confirmation = errorFor(input.errors, 'confirmation');
  // The same form serves the invitation and the password reset (two single-use links).
  const title = input.reset ? 'Choisir un nouveau mot de passe' : 'Choisir votre mot de passe';
  const main = html`<h1>${title}</h1>
    ${errorSummary(input.errors)}
    <p>
      Bonjour ${input.name}, choisissez ${input.reset ? 'le nouveau' : 'le'} mot de passe de votre compte agent
      (${input.email}).
    </p>
    ${
      input.reset
        ? html`<p>Toutes vos sessions ouvertes seront fermées. La double authentification reste active.</p>`
        : ''
    }
    <form method="post" action="${url(ctx, input.reset ? '/agent/mot-de-passe/nouveau' : '/agent/invitation')}" novalidate>
      ${csrfField(ctx)}
      <input type="hidden" name="jeton" value="${input.token}" />
      <input type="hidden" name="email" autocomplete="username" value="${input.email}" />
      <div class="field${password ? ' field-error' : ''}">
        <label for="password">Mot de passe</label>
        <span class="hint" id="password-hint"
          >Au moins 12 caractères. Une phrase de quelques mots est plus facile à retenir et plus sûre, par exemple
          « lavande moulin piano 27 ». Évitez votre nom et celui de la commune.</span
        >
        ${errorMessage(password, 'password')}
        <input
          type="password"
          id="password"
          name="password"
          autocomplete="new-password"
          required
          ${invalid(password, 'password', 'password-hint')}
        />
      </div>
      <div class="field${confirmation ? ' field-error' : ''}">
        <label for="confirmation">Confirmez le mot de passe</label>
        ${errorMessage(confirmation, 'confirmation')}
        <input
          type="password"
          id="confirmation"
          name="confirmation"
          autocomplete="new-password"
          required
          ${invalid(confirmation, 'confirmation')}
        />
      </div>
      <button type="submit" class="button">Enregistrer mon mot de passe</button>
    </form>`;
  return layout(ctx, { title, main, area: 'agent', errors: input.errors });
}

/** ProConnect said who the person is, but Guichet cannot let them in here. */
export function proconnectRefusedPage(
  ctx: PageContext,
  reason: 'unknown_agent' | 'other_tenant' | 'failed' | 'unavailable',
): SafeHtml {
  const texts: Record<typeof reason, { title: string; body: SafeHtml }> = {
    unknown_agent: {
      title: "Vous n'avez pas encore de compte agent",
      body: html`<p>
          ProConnect vous a bien identifié, mais aucun compte agent actif de ${ctx.tenant.name} ne correspond à votre
          adresse électronique.
        </p>
        <p><strong>Demandez à un administrateur de vous inviter.</strong> Vous recevrez un lien par courriel.</p>`,
    },
    other_tenant: {
      title: 'Ce compte ProConnect ne dépend pas de cette collectivité',
      body: html`<p>
        Votre compte ProConnect est rattaché à un autre établissement que ${ctx.tenant.name}. Connectez-vous depuis
        l'adresse de votre propre collectivité, ou demandez à un administrateur de ${ctx.tenant.name} de vous inviter.
      </p>`,
    },
    failed: {
      title: 'La connexion avec ProConnect a échoué',
      body: html`<p>
        La réponse de ProConnect n'a pas pu être vérifiée, ou la connexion a pris trop de temps. Vous n'êtes pas
        connecté. Recommencez depuis la page de connexion.
      </p>`,
    },
    unavailable: {
      title: 'ProConnect est indisponible',
      body: html`<p>
        ProConnect ne répond pas pour le moment. Réessayez dans quelques minutes, ou connectez-vous avec votre
        adresse électronique et votre mot de passe.
      </p>`,
    },
  };
  const t = texts[reason];
  const main = html`<h1>${t.title}</h1>
    ${t.body}
    <p><a href="${url(ctx, '/agent/connexion')}">Retour à la page de connexion</a></p>`;
  return layout(ctx, { title: t.title, main, area: 'agent' });
}

/** Asks for the address a reset link goes to; after sending, the same notice whatever the address. */
export function forgotPasswordPage(
  ctx: PageContext,
  input: { email: string; error: string | null; sent: boolean },
): SafeHtml {
  const errors = input.error ? [{ field: 'email', message: input.error }] : [];
  const main = html`<h1>Mot de passe oublié</h1>
    ${errorSummary(errors)}
    ${
      input.sent
        ? html`<div class="notice" role="status">
            <p>
              Si un compte agent actif correspond à cette adresse, un courriel vient de lui être envoyé avec un lien pour
              choisir un nouveau mot de passe. Le lien vaut 1 heure.
            </p>
          </div>`
        : ''
    }
    <p>
      Indiquez l'adresse électronique de votre compte agent. Vous recevrez un lien pour choisir un nouveau mot de
      passe.
    </p>
    <form method="post" action="${url(ctx, '/agent/mot-de-passe-oublie')}" novalidate>
      ${csrfField(ctx)}
      ${agentEmailField(input.email, input.error)}
      <button type="submit" class="button">Recevoir le lien</button>
    </form>
    <p><a href="${url(ctx, '/agent/connexion')}">Retour à la page de connexion</a></p>`;
  return layout(ctx, { title: 'Mot de passe oublié', main, area: 'agent', errors });
}

/** Back from the provider's logout page (or not: a state that does not match says so). */
export function loggedOutPage(ctx: PageContext, input: { confirmed: boolean }): SafeHtml {
  const title = input.confirmed ? 'Vous êtes déconnecté' : 'Déconnexion de ProConnect non confirmée';
  const main = html`<h1>${title}</h1>
    ${
      input.confirmed
        ? html`<p>Votre session de ${ctx.tenant.name} et votre session ProConnect sont fermées.</p>`
        : html`<p>
            Votre session de ${ctx.tenant.name} est fermée, mais la réponse de ProConnect n'a pas pu être vérifiée. Si
            vous êtes sur un ordinateur partagé, fermez le navigateur.
          </p>`
    }
    <p><a href="${url(ctx, '/agent/connexion')}">Se connecter à nouveau</a></p>`;
  return layout(ctx, { title, main, area: 'agent' });
}
