import type { RequestStatus } from '../../../db/schema.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { AGENT_STATUS_LABELS as STATUS_LABELS } from '../../requests/status.ts';
import { PAGE_SIZE, type RequestListItem } from '../repository.ts';
import { formatDateFr } from '../../../platform/format.ts';
import { adminNav } from './admin-nav.ts';
import { isLate, statusBadge } from './status-badge.ts';

export interface RequestListPageInput {
  items: RequestListItem[];
  total: number;
  page: number;
  services: { id: string; name: string }[];
  status: RequestStatus | null;
  serviceId: string | null;
  today: string;
  /** Administrators see the menu of the administration pages. */
  isAdmin?: boolean;
}

function listHref(ctx: PageContext, input: RequestListPageInput, page: number): string {
  const params = new URLSearchParams();
  if (input.status) params.set('statut', input.status);
  if (input.serviceId) params.set('service', input.serviceId);
  if (page > 1) params.set('page', String(page));
  const qs = params.toString();
  return url(ctx, `/agent/demandes${qs ? `?${qs}` : ''}`);
}

export function requestListPage(ctx: PageContext, input: RequestListPageInput): SafeHtml {
  const pages = Math.max(1, Math.ceil(input.total / PAGE_SIZE));
  const first = input.total === 0 ? 0 : (input.page - 1) * PAGE_SIZE + 1;
  const last = Math.min(input.total, input.page * PAGE_SIZE);
  const filtered = input.status !== null || input.serviceId !== null;
  const main = html`<h1>Demandes</h1>
    ${input.isAdmin ? adminNav(ctx) : ''}
    <form method="get" action="${url(ctx, '/agent/demandes')}" class="filters" aria-label="Filtrer les demandes">
      <div class="field">
        <label for="statut">Statut</label>
        <select id="statut" name="statut">
          <option value="">Tous les statuts</option>
          ${(Object.keys(STATUS_LABELS) as RequestStatus[]).map(
            (s) => html`<option value="${s}" ${input.status === s ? html` selected` : ''}>${STATUS_LABELS[s]}</option>`,
          )}
        </select>
      </div>
      ${
        input.services.length > 1
          ? html`<div class="field">
              <label for="service">Service</label>
              <select id="service" name="service">
                <option value="">Tous mes services</option>
                ${input.services.map(
                  (s) =>
                    html`<option value="${s.id}" ${input.serviceId === s.id ? html` selected` : ''}>${s.name}</option>`,
                )}
              </select>
            </div>`
          : ''
      }
      <button type="submit" class="button secondary">Filtrer</button>
    </form>
    ${
      input.items.length === 0
        ? html`<p>${filtered ? 'Aucune demande ne correspond à ces filtres.' : 'Aucune demande pour vos services.'}</p>`
        : html`<div class="table-wrap">
            <table>
              <caption>
                Demandes ${first} à ${last} sur ${input.total}, de la date limite la plus proche à la plus lointaine
              </caption>
              <thead>
                <tr>
                  <th scope="col">Référence</th>
                  <th scope="col">Démarche</th>
                  <th scope="col">Demandeur</th>
                  <th scope="col">Déposée le</th>
                  <th scope="col">Statut</th>
                  <th scope="col">À traiter avant le</th>
                </tr>
              </thead>
              <tbody>
                ${input.items.map((r) => {
                  const late = isLate(r.status, r.due_on, input.today);
                  return html`<tr>
                    <th scope="row">
                      <a href="${url(ctx, `/agent/demandes/${encodeURIComponent(r.reference)}`)}">${r.reference}</a>
                    </th>
                    <td>${r.demarche_title}</td>
                    <td>${r.applicant_name ?? 'Non renseigné'}</td>
                    <td>${formatDateFr(r.submitted_at)}</td>
                    <td>${statusBadge(r.status)}</td>
                    <td>${formatDateFr(r.due_on)}${late ? html` <strong class="tag late">En retard</strong>` : ''}</td>
                  </tr>`;
                })}
              </tbody>
            </table>
          </div>`
    }
    ${
      pages > 1
        ? html`<nav aria-label="Pages de résultats">
            <ul class="pagination">
              ${input.page > 1 ? html`<li><a href="${listHref(ctx, input, input.page - 1)}">Page précédente</a></li>` : ''}
              <li>Page ${input.page} sur ${pages}</li>
              ${input.page < pages ? html`<li><a href="${listHref(ctx, input, input.page + 1)}">Page suivante</a></li>` : ''}
            </ul>
          </nav>`
        : ''
    }`;
  return layout(ctx, { title: input.page > 1 ? `Demandes – page ${input.page}` : 'Demandes', main, area: 'agent' });
}
