import { html, type SafeHtml } from '../../../platform/html.ts';
import { url, type PageContext } from '../../../platform/web/layout.ts';

/**
 * The administration pages, in the order of the menu shown at the top of each of them;
 * `supervisors`: also open to the supervisors of services (for their services).
 */
export const ADMIN_PAGES = [
  { path: '/agent/admin/agents', label: 'Agents', supervisors: false },
  { path: '/agent/admin/demarches', label: 'Démarches à vérifier', supervisors: false },
  { path: '/agent/admin/commune', label: 'Coordonnées et courriels', supervisors: false },
  { path: '/agent/admin/messagerie', label: 'Messagerie', supervisors: false },
  { path: '/agent/admin/fermetures', label: 'Jours de fermeture', supervisors: false },
  { path: '/agent/admin/rendez-vous', label: 'Rendez-vous', supervisors: false },
  { path: '/agent/admin/modeles-de-reponse', label: 'Modèles de réponse', supervisors: true },
  { path: '/agent/admin/routage', label: 'Orientation des demandes', supervisors: false },
  { path: '/agent/admin/etiquettes', label: 'Étiquettes', supervisors: false },
  { path: '/agent/admin/delais', label: 'Délais de réponse', supervisors: true },
  { path: '/agent/admin/guichet', label: 'Accueil au guichet', supervisors: true },
  { path: '/agent/admin/reclamations', label: 'Réclamations', supervisors: true },
  { path: '/agent/admin/resultats', label: 'Résultats et satisfaction', supervisors: true },
  { path: '/agent/admin/bornes', label: 'Tablettes d’avis', supervisors: false },
  { path: '/agent/admin/journal', label: 'Journal', supervisors: true },
  { path: '/agent/admin/protection-des-donnees', label: 'Protection des données', supervisors: false },
  { path: '/agent/rgpd/registre', label: 'Registre des traitements', supervisors: false },
  { path: '/agent/admin/taches', label: 'Tâches en échec', supervisors: false },
  { path: '/agent/admin/recherches-sans-reponse', label: 'Recherches sans réponse', supervisors: true },
  { path: '/agent/admin/synonymes', label: 'Synonymes de recherche', supervisors: true },
  { path: '/agent/admin/assistant', label: 'Assistant', supervisors: false },
  { path: '/agent/admin/consultations', label: 'Consultations', supervisors: true },
] as const;

export type AdminPagePath = (typeof ADMIN_PAGES)[number]['path'];

/**
 * The menu between the administration pages, the current one marked for screen readers; on the
 * list of requests, the way in. Administrators see every page; supervisors (`audience`
 * 'supervisor') the pages open to them. Plain agents see no menu.
 */
export function adminNav(
  ctx: PageContext,
  current?: AdminPagePath,
  audience: 'admin' | 'supervisor' = 'admin',
): SafeHtml {
  const pages = ADMIN_PAGES.filter((p) => audience === 'admin' || p.supervisors);
  return html`<nav class="admin-nav" aria-label="${audience === 'admin' ? 'Administration' : 'Pilotage'}">
    <ul>
      ${pages.map(
        (p) =>
          html`<li>
            <a href="${url(ctx, p.path)}" ${p.path === current ? html`aria-current="page"` : ''}>${p.label}</a>
          </li>`,
      )}
    </ul>
  </nav>`;
}
