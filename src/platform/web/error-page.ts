import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import type { AppError } from '../errors.ts';
import { html, type SafeHtml } from '../html.ts';
import { layout, url } from './layout.ts';

const TITLES: Partial<Record<AppError['code'], string>> = {
  not_found: 'Page introuvable',
  request_not_found: 'Demande introuvable',
  demarche_not_found: 'Démarche introuvable',
  tenant_not_found: 'Collectivité inconnue',
  invalid_host: 'Adresse refusée',
  payload_too_large: 'Fichier trop lourd',
  unsupported_file_type: 'Type de fichier refusé',
  invalid_csrf_token: 'Formulaire expiré',
  invalid_input: 'Caractère non accepté',
  rate_limited: 'Trop de tentatives',
  database_unavailable: 'Service momentanément indisponible',
  unauthenticated: 'Connexion nécessaire',
  forbidden: 'Accès refusé',
  internal_error: 'Erreur inattendue',
};

/**
 * One page for every error; it never shows internals (stack traces, SQL). With `agent` (a page
 * of the agent area, an agent signed in) it has the agents' header and leads back to the inbox.
 */
export function renderErrorPage(
  request: FastifyRequest,
  error: AppError,
  _config: Config,
  agent: { name: string } | null = null,
): SafeHtml {
  const title = TITLES[error.code] ?? 'Erreur';
  const tenant = request.tenant;
  const back =
    error.code === 'payload_too_large' || error.code === 'invalid_csrf_token' || error.code === 'invalid_input';
  const main = html`<h1>${title}</h1>
    <p class="lead">${error.message}</p>
    ${back ? html`<p>Revenez à la page précédente avec le bouton « Retour » de votre navigateur : les informations déjà saisies y sont en général conservées.</p>` : ''}
    <p>
      Code de l'erreur :
      <code>${error.code}</code>${request.id ? html` · identifiant : <code>${String(request.id)}</code>` : ''}
    </p>
    ${
      tenant && agent
        ? html`<p><a href="${url({ base: request.base }, '/agent/demandes')}">Retour aux demandes</a></p>`
        : tenant
          ? html`<p><a href="${url({ base: request.base }, '/')}">Retour à l'accueil</a> · <a href="${url({ base: request.base }, '/contact')}">Nous contacter</a></p>`
          : ''
    }`;
  if (tenant) {
    return layout(
      { tenant, base: request.base, csrfToken: request.csrfToken, cspNonce: request.cspNonce, agent },
      { title, main, area: agent ? 'agent' : 'citizen' },
    );
  }
  return html`<!doctype html>
    <html lang="fr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} – Guichet</title>
        <link rel="stylesheet" href="/static/guichet.css" />
      </head>
      <body>
        <main id="contenu" class="container">${main}</main>
      </body>
    </html>`;
}
