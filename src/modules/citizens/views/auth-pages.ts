import { html, type SafeHtml } from '../../../platform/html.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { franceConnectButton } from '../../identity/views.ts';
import type { FieldError } from '../../../platform/web/form.ts';
import { inputField } from '../../../platform/web/fields.ts';

const PASSWORD_HINT =
  'Au moins 12 caractères. Une phrase de plusieurs mots est facile à retenir, par exemple « lavande moulin piano 27 ».';

/**
 * FranceConnect first, then the email and password form, as FranceConnect's guidelines ask. The
 * separator is a paragraph, not a rule, so that screen readers also hear the choice.
 */
function franceConnectChoice(ctx: PageContext, retour: string | null): SafeHtml {
  return html`${franceConnectButton(ctx, retour)}
    <p class="separator"><span>ou</span></p>`;
}

function page(
  ctx: PageContext,
  title: string,
  main: SafeHtml,
  options: { errors?: FieldError[]; notice?: string } = {},
) {
  return layout(ctx, {
    title,
    errors: options.errors,
    main,
    notice: options.notice,
    breadcrumbs: [{ label: 'Accueil', href: '/' }, { label: title }],
  });
}

export function registrationPage(ctx: PageContext, state: { email: string; errors: FieldError[] }): SafeHtml {
  return page(
    ctx,
    'Créer un compte',
    html`<h1>Créer un compte</h1>
      ${errorSummary(state.errors)}
      <p>
        Un compte vous permet de retrouver toutes vos demandes au même endroit. Il n'est pas obligatoire : toutes les
        démarches sont possibles sans compte.
      </p>
      ${franceConnectChoice(ctx, '/mon-espace')}
      <form method="post" action="${url(ctx, '/inscription')}" novalidate>
        ${csrfField(ctx)}
        ${inputField({ name: 'email', label: 'Adresse électronique', type: 'email', value: state.email, autocomplete: 'email', hint: 'Nous vous enverrons un lien pour la confirmer.', errors: state.errors })}
        ${inputField({ name: 'password', label: 'Mot de passe', type: 'password', autocomplete: 'new-password', hint: PASSWORD_HINT, errors: state.errors })}
        ${inputField({ name: 'confirmation', label: 'Confirmez le mot de passe', type: 'password', autocomplete: 'new-password', errors: state.errors })}
        <button type="submit" class="button">Créer mon compte</button>
      </form>
      <p>Vous avez déjà un compte ? <a href="${url(ctx, '/connexion')}">Se connecter</a></p>`,
    { errors: state.errors },
  );
}

/** The same page whether the address was new or already had an account. */
export function checkMailPage(ctx: PageContext, input: { title: string; text: string }): SafeHtml {
  return page(
    ctx,
    input.title,
    html`<h1>${input.title}</h1>
      <p>${input.text}</p>
      <p>Le courriel peut mettre quelques minutes à arriver. Pensez à regarder dans les courriers indésirables.</p>
      <p><a href="${url(ctx, '/connexion')}">Aller à la page de connexion</a></p>`,
  );
}

export function messagePage(
  ctx: PageContext,
  input: { title: string; text: string; link?: { href: string; label: string } },
): SafeHtml {
  return page(
    ctx,
    input.title,
    html`<h1>${input.title}</h1>
      <p>${input.text}</p>
      ${input.link ? html`<p><a href="${url(ctx, input.link.href)}">${input.link.label}</a></p>` : ''}`,
  );
}

export interface LoginState {
  email: string;
  retour: string;
  errors: FieldError[];
  notice?: string;
  /** The password was right but the address was never confirmed. */
  unverified?: boolean;
}

export function loginPage(ctx: PageContext, state: LoginState): SafeHtml {
  return page(
    ctx,
    'Se connecter',
    html`<h1>Se connecter</h1>
      ${errorSummary(state.errors)}
      ${
        state.unverified
          ? html`<div class="notice" role="alert">
              <p>
                Votre adresse électronique n'est pas encore confirmée. Ouvrez le lien que nous vous avons envoyé par
                courriel.
              </p>
              <form method="post" action="${url(ctx, '/inscription/renvoyer')}">
                ${csrfField(ctx)}
                <input type="hidden" name="email" value="${state.email}" />
                <button type="submit" class="button button-secondary">Recevoir un nouveau lien</button>
              </form>
            </div>`
          : ''
      }
      ${franceConnectChoice(ctx, state.retour)}
      <form method="post" action="${url(ctx, '/connexion')}" novalidate>
        ${csrfField(ctx)}
        <input type="hidden" name="retour" value="${state.retour}" />
        ${inputField({ name: 'email', label: 'Adresse électronique', type: 'email', value: state.email, autocomplete: 'username', errors: state.errors })}
        ${inputField({ name: 'password', label: 'Mot de passe', type: 'password', autocomplete: 'current-password', errors: state.errors })}
        <button type="submit" class="button">Se connecter</button>
      </form>
      <p><a href="${url(ctx, '/mot-de-passe-oublie')}">Mot de passe oublié ?</a></p>
      <p>Pas encore de compte ? <a href="${url(ctx, '/inscription')}">Créer un compte</a></p>
      <p>Vous pouvez aussi faire vos démarches sans compte, depuis la page <a href="${url(ctx, '/demarches')}">Démarches</a>.</p>`,
    { errors: state.errors, notice: state.notice },
  );
}

export function forgotPasswordPage(ctx: PageContext, state: { email: string; errors: FieldError[] }): SafeHtml {
  return page(
    ctx,
    'Mot de passe oublié',
    html`<h1>Mot de passe oublié</h1>
      ${errorSummary(state.errors)}
      <p>Indiquez l'adresse électronique de votre compte. Nous vous enverrons un lien pour choisir un nouveau mot de passe.</p>
      <form method="post" action="${url(ctx, '/mot-de-passe-oublie')}" novalidate>
        ${csrfField(ctx)}
        ${inputField({ name: 'email', label: 'Adresse électronique', type: 'email', value: state.email, autocomplete: 'email', errors: state.errors })}
        <button type="submit" class="button">Recevoir le lien</button>
      </form>`,
    { errors: state.errors },
  );
}

export function newPasswordPage(ctx: PageContext, state: { token: string; errors: FieldError[] }): SafeHtml {
  return page(
    ctx,
    'Choisir un nouveau mot de passe',
    html`<h1>Choisir un nouveau mot de passe</h1>
      ${errorSummary(state.errors)}
      <p>Après le changement, vous serez déconnecté de tous vos appareils.</p>
      <form method="post" action="${url(ctx, '/mot-de-passe/nouveau')}" novalidate>
        ${csrfField(ctx)}
        <input type="hidden" name="jeton" value="${state.token}" />
        ${inputField({ name: 'password', label: 'Nouveau mot de passe', type: 'password', autocomplete: 'new-password', hint: PASSWORD_HINT, errors: state.errors })}
        ${inputField({ name: 'confirmation', label: 'Confirmez le mot de passe', type: 'password', autocomplete: 'new-password', errors: state.errors })}
        <button type="submit" class="button">Enregistrer le mot de passe</button>
      </form>`,
    { errors: state.errors },
  );
}

/**
 * A confirmation link opened in another browser than the one that registered: the account's
 * password is asked, so that a person who receives a mail for an account someone else created
 * with their address does not confirm that account by clicking.
 */
export function confirmEmailPage(ctx: PageContext, state: { token: string; errors: FieldError[] }): SafeHtml {
  return page(
    ctx,
    'Confirmer votre adresse électronique',
    html`<h1>Confirmer votre adresse électronique</h1>
      ${errorSummary(state.errors)}
      <p>
        Ce lien est ouvert sur un autre navigateur que celui qui a servi à créer le compte. Pour confirmer l'adresse,
        indiquez le mot de passe choisi à l'inscription.
      </p>
      <form method="post" action="${url(ctx, '/inscription/confirmer')}" novalidate>
        ${csrfField(ctx)}
        <input type="hidden" name="jeton" value="${state.token}" />
        ${inputField({ name: 'password', label: 'Mot de passe du compte', type: 'password', autocomplete: 'current-password', errors: state.errors })}
        <button type="submit" class="button">Confirmer mon adresse</button>
      </form>
      <h2>Vous n'avez pas créé ce compte, ou vous avez oublié son mot de passe ?</h2>
      <p>
        Ne confirmez rien. Si cette adresse est la vôtre, choisissez un nouveau mot de passe : le lien sera envoyé à cette
        adresse, et le compte sera à vous seul.
      </p>
      <p><a href="${url(ctx, '/mot-de-passe-oublie')}">Choisir un nouveau mot de passe</a></p>`,
    { errors: state.errors },
  );
}

export const INVALID_LINK = {
  title: 'Ce lien ne fonctionne plus',
  text: 'Ce lien a déjà été utilisé ou il a expiré. Vous pouvez demander un nouveau lien.',
};
