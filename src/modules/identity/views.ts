import { html, type SafeHtml } from '../../platform/html.ts';
import { csrfField, layout, url, type PageContext } from '../../platform/web/layout.ts';
import { verifiedIdentityText, type VerifiedIdentity } from '../requests/form-engine/present.ts';

/**
 * « Identité vérifiée par FranceConnect le 3 décembre 2026 », next to a request wherever it is
 * shown (confirmation, tracking, the citizen's space, the agent's page); nothing without one.
 */
export function identityVerifiedNote(identity: VerifiedIdentity | null, tag: 'p' | 'span' = 'p'): SafeHtml {
  if (!identity) return html``;
  return tag === 'p'
    ? html`<p class="identity-verified">${verifiedIdentityText(identity)}</p>`
    : html`<span class="identity-verified">${verifiedIdentityText(identity)}</span>`;
}

/**
 * The FranceConnect button, after FranceConnect's guidelines (their image is not copied: the
 * same look is built in HTML and CSS so that it stays text, readable and zoomable). A GET form
 * so that it works without JavaScript and can sit next to (not inside) another form.
 */
export function franceConnectButton(ctx: PageContext, retour: string | null, lead?: string): SafeHtml {
  return html`<div class="franceconnect">
    ${lead ? html`<p class="franceconnect-lead">${lead}</p>` : ''}
    <form method="get" action="${url(ctx, '/connexion/franceconnect')}">
      ${retour ? html`<input type="hidden" name="retour" value="${retour}" />` : ''}
      <button type="submit" class="franceconnect-button">
        <span class="franceconnect-login">S’identifier avec</span>
        <span class="franceconnect-brand">FranceConnect</span>
      </button>
    </form>
    <p class="franceconnect-about">
      <a href="https://franceconnect.gouv.fr/" target="_blank" rel="noopener"
        >Qu’est-ce que FranceConnect ?<span class="visually-hidden"> (nouvelle fenêtre)</span></a
      >
    </p>
  </div>`;
}

/** The other ways in, when FranceConnect cannot be used. */
function otherWays(ctx: PageContext, retour: string | null = null): SafeHtml {
  const c = ctx.tenant.contact;
  const form = retour && /^\/demarches\/[\w-]+\/demande$/.test(retour) ? retour : null;
  return html`<h2>Les autres façons de faire votre démarche</h2>
    <ul>
      ${
        form
          ? html`<li>
              <a href="${url(ctx, form)}">Remplir le formulaire sans FranceConnect</a> : vous indiquez vous-même votre nom
              et votre prénom.
            </li>`
          : ''
      }
      <li>
        <a href="${url(ctx, '/connexion')}">Se connecter avec une adresse électronique et un mot de passe</a>
        (ou <a href="${url(ctx, '/inscription')}">créer un compte</a>).
      </li>
      ${
        form
          ? ''
          : html`<li>
              <a href="${url(ctx, '/demarches')}">Faire la démarche sans compte</a> : vous remplissez vous-même votre nom
              et votre prénom.
            </li>`
      }
      <li>
        Venir à l’accueil de la mairie${c.address ? html` : ${c.address}${c.postalCode ? `, ${c.postalCode}` : ''}${c.city ? ` ${c.city}` : ''}` : ''}${c.openingHours?.length ? html` (${c.openingHours.join(', ')})` : ''}.
      </li>
      ${c.phone ? html`<li>Appeler la mairie : <a href="tel:${c.phone.replace(/\s/g, '')}">${c.phone}</a>.</li>` : ''}
    </ul>
    <p><a href="${url(ctx, '/contact')}">Toutes nos coordonnées</a></p>`;
}

export function unavailablePage(ctx: PageContext, retour: string | null = null): SafeHtml {
  return layout(ctx, {
    title: 'FranceConnect est indisponible',
    main: html`<h1>FranceConnect est indisponible pour le moment</h1>
      <p>Nous n’arrivons pas à joindre FranceConnect. Ce n’est pas de votre faute. Vous n’êtes pas connecté.</p>
      <p>Vous pouvez réessayer dans quelques minutes, ou faire votre démarche autrement.</p>
      ${otherWays(ctx, retour)}`,
  });
}

export function loginFailedPage(ctx: PageContext, retour: string | null): SafeHtml {
  return layout(ctx, {
    title: 'La connexion avec FranceConnect n’a pas abouti',
    main: html`<h1>La connexion avec FranceConnect n’a pas abouti</h1>
      <p>
        Nous n’avons pas pu vérifier la réponse de FranceConnect, ou le lien de connexion a expiré. Pour votre sécurité,
        vous n’êtes pas connecté.
      </p>
      <p>Vous pouvez recommencer :</p>
      ${franceConnectButton(ctx, retour)} ${otherWays(ctx)}`,
  });
}

export function loginCancelledPage(ctx: PageContext, retour: string | null): SafeHtml {
  return layout(ctx, {
    title: 'Connexion annulée',
    main: html`<h1>Vous n’êtes pas connecté</h1>
      <p>La connexion avec FranceConnect a été annulée. Aucune donnée n’a été transmise.</p>
      ${retour ? html`<p><a href="${url(ctx, retour)}">Revenir à la page précédente</a></p>` : ''} ${otherWays(ctx)}`,
  });
}

export function loggedOutPage(ctx: PageContext): SafeHtml {
  return layout(ctx, {
    title: 'Vous êtes déconnecté',
    main: html`<h1>Vous êtes déconnecté</h1>
      <p>Vous êtes déconnecté de ce site et de FranceConnect.</p>
      <p><a href="${url(ctx, '/')}">Revenir à l’accueil</a></p>`,
  });
}

/** The provider sent the citizen back without the proof we expected: offer to log out here. */
export function logoutUnverifiedPage(ctx: PageContext): SafeHtml {
  return layout(ctx, {
    title: 'Déconnexion non confirmée',
    main: html`<h1>Déconnexion non confirmée</h1>
      <p>Nous n’avons pas pu vérifier le retour de FranceConnect. Pour vous déconnecter de ce site, utilisez ce bouton :</p>
      <form method="post" action="${url(ctx, '/deconnexion')}">
        ${csrfField(ctx)}
        <button type="submit" class="button">Se déconnecter</button>
      </form>`,
  });
}
