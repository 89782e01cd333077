import { html, type SafeHtml } from '../../../platform/html.ts';
import { url, type PageContext } from '../../../platform/web/layout.ts';

/** The administrators' pages, in the order of the menu shown at the top of each of them. */
export const ADMIN_PAGES = [
  { path: '/agent/admin/agents', label: 'Agents' },
  { path: '/agent/admin/demarches', label: 'Démarches à vérifier' },
  { path: '/agent/admin/commune', label: 'Coordonnées et courriels' },
  { path: '/agent/admin/modeles-de-reponse', label: 'Modèles de réponse' },
  { path: '/agent/admin/routage', label: 'Orientation des demandes' },
  { path: '/agent/admin/protection-des-donnees', label: 'Protection des données' },
  { path: '/agent/rgpd/registre', label: 'Registre des traitements' },
  { path: '/agent/admin/taches', label: 'Tâches en échec' },
] as const;

export type AdminPagePath = (typeof ADMIN_PAGES)[number]['path'];

/**
 * The menu between the administration pages (all reserved to the tenant's administrators, so
 * only they see it), the current one marked for screen readers; on the list of requests, the
 * way in for administrators.
 */
export function adminNav(ctx: PageContext, current?: AdminPagePath): SafeHtml {
  return html`<nav class="admin-nav" aria-label="Administration">
    <ul>
      ${ADMIN_PAGES.map(
        (p) =>
          html`<li>
            <a href="${url(ctx, p.path)}" ${p.path === current ? html`aria-current="page"` : ''}>${p.label}</a>
          </li>`,
      )}
    </ul>
  </nav>`;
}
