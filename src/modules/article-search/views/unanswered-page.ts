import { formatDateFr } from '../../../platform/format.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { layout, type PageContext } from '../../../platform/web/layout.ts';
import { adminNav } from '../../agents/views/admin-nav.ts';
import type { UnansweredQuery } from '../repository.ts';

export const UNANSWERED_PATH = '/agent/admin/recherches-sans-reponse';

/** Frequent searches no article answered: what editors should write next. */
export function unansweredPage(
  ctx: PageContext,
  input: { queries: UnansweredQuery[]; days: number; audience: 'admin' | 'supervisor' },
): SafeHtml {
  const main = html`${adminNav(ctx, UNANSWERED_PATH, input.audience)}
    <h1>Recherches sans réponse</h1>
    <p>
      Ce que les habitants et les agents ont cherché ces ${input.days} derniers jours sans trouver de page qui réponde.
      Une recherche fréquente ici est souvent une page à écrire, ou un synonyme à ajouter.
    </p>
    ${
      input.queries.length === 0
        ? html`<p>Aucune recherche sans réponse sur cette période.</p>`
        : html`<table>
          <caption>
            Recherches sans réponse, les plus fréquentes d’abord
          </caption>
          <thead>
            <tr>
              <th scope="col">Recherche</th>
              <th scope="col">Nombre</th>
              <th scope="col">Dernière fois</th>
              <th scope="col">Par</th>
            </tr>
          </thead>
          <tbody>
            ${input.queries.map(
              (q) =>
                html`<tr>
                  <td>${q.query}</td>
                  <td>${q.count}</td>
                  <td>${formatDateFr(q.lastSeen)}</td>
                  <td>${q.audiences.map((a) => (a === 'agent' ? 'agents' : 'habitants')).join(', ')}</td>
                </tr>`,
            )}
          </tbody>
        </table>`
    }`;
  return layout(ctx, { title: 'Recherches sans réponse', main, area: 'agent' });
}
