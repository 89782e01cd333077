import { html, type SafeHtml } from '../../../platform/html.ts';
import { inputField } from '../../../platform/web/fields.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';

export interface LoginPageInput {
  email: string;
  retour: string;
  error: string | null;
  notice?: string;
  /** ProConnect is configured: offer it first, as agents of the State know it. */
  proconnect?: boolean;
}

export function loginPage(ctx: PageContext, input: LoginPageInput): SafeHtml {
  const errors = input.error ? [{ field: 'email', message: input.error }] : [];
  const main = html`<h1>Connexion à l'espace agents</h1>
    ${errorSummary(errors)}
    <p>Cet espace est réservé aux agents de ${ctx.tenant.name}.</p>
    ${
      input.proconnect
        ? html`<div class="proconnect">
              <a
                class="button proconnect-button"
                href="${url(ctx, `/agent/connexion/proconnect?retour=${encodeURIComponent(input.retour)}`)}"
                >Se connecter avec ProConnect</a
              >
              <p class="hint">ProConnect est l'identifiant unique des agents publics.</p>
            </div>
            <p>Ou connectez-vous avec votre adresse électronique et votre mot de passe :</p>`
        : ''
    }
    <form method="post" action="${url(ctx, '/agent/connexion')}" novalidate>
      ${csrfField(ctx)} ${input.retour ? html`<input type="hidden" name="retour" value="${input.retour}" />` : ''}
      ${agentEmailField(input.email, input.error)}
      <div class="field">
        <label for="password">Mot de passe</label>
        <input type="password" id="password" name="password" autocomplete="current-password" required />
      </div>
      <button type="submit" class="button">Se connecter</button>
    </form>
    <p><a href="${url(ctx, '/agent/mot-de-passe-oublie')}">Mot de passe oublié ?</a></p>`;
  return layout(ctx, { title: "Connexion à l'espace agents", main, area: 'agent', notice: input.notice, errors });
}

/** The agent's address field of the login and password-reset forms, its error tied to it. */
export function agentEmailField(email: string, error: string | null | undefined): SafeHtml {
  return inputField({
    name: 'email',
    label: 'Adresse électronique',
    type: 'email',
    value: email,
    autocomplete: 'username',
    errors: error ? [{ field: 'email', message: error }] : [],
  });
}
