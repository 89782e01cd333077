import type { RequestStatus } from '../../../db/schema.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { AGENT_STATUS_LABELS as STATUS_LABELS } from '../../requests/status.ts';
import { COUNT_CAP, INBOX_VIEWS, PAGE_SIZE, type InboxView, type RequestListItem } from '../repository.ts';
import { formatDateFr, formatDeadlineFr, formatNumberFr } from '../../../platform/format.ts';
import { agentSearchBox } from '../../search/views/search-box.ts';
import { adminNav } from './admin-nav.ts';
import { isLate, statusBadge } from './status-badge.ts';

export interface RequestListPageInput {
  items: RequestListItem[];
  total: number;
  page: number;
  services: { id: string; name: string }[];
  status: RequestStatus | null;
  serviceId: string | null;
  view: InboxView;
  sort: 'echeance' | 'activite';
  counts: Record<InboxView, number>;
  today: string;
  /** A message at the top, e.g. after a transfer. */
  notice?: string;
  /** Administrators see the menu of the administration pages. */
  isAdmin?: boolean;
}

const VIEW_LABELS: Record<InboxView, string> = {
  ouvertes: 'À traiter',
  mes: 'Mes demandes',
  'non-attribuees': 'Non prises en charge',
  attente: 'En attente de l’usager',
  echeance: 'En retard ou à échéance',
  toutes: 'Toutes, closes comprises',
};

function listHref(
  ctx: PageContext,
  input: RequestListPageInput,
  page: number,
  change: { view?: InboxView; sort?: 'echeance' | 'activite' } = {},
): string {
  const params = new URLSearchParams();
  const view = change.view ?? input.view;
  const sort = change.sort ?? input.sort;
  if (view !== 'ouvertes') params.set('vue', view);
  if (sort !== 'echeance') params.set('tri', sort);
  if (input.status) params.set('statut', input.status);
  if (input.serviceId) params.set('service', input.serviceId);
  if (page > 1) params.set('page', String(page));
  const qs = params.toString();
  return url(ctx, `/agent/demandes${qs ? `?${qs}` : ''}`);
}

/** A view's count, « 10 000 ou plus » once counting stopped at COUNT_CAP. */
function countLabel(n: number): string {
  return n >= COUNT_CAP ? `${formatNumberFr(COUNT_CAP)} ou plus` : formatNumberFr(n);
}

export function requestListPage(ctx: PageContext, input: RequestListPageInput): SafeHtml {
  const pages = Math.max(1, Math.ceil(input.total / PAGE_SIZE));
  // A view counted up to COUNT_CAP has an unknown number of pages: « Page suivante » while pages are full.
  const capped = input.total >= COUNT_CAP;
  const first = input.items.length === 0 ? 0 : (input.page - 1) * PAGE_SIZE + 1;
  const last = first === 0 ? 0 : first + input.items.length - 1;
  const hasNext = capped ? input.items.length === PAGE_SIZE : input.page < pages;
  const filtered = input.status !== null || input.serviceId !== null;
  const main = html`<h1>Demandes</h1>
    ${input.isAdmin ? adminNav(ctx) : ''} ${agentSearchBox(ctx, '')}
    <p><a class="button secondary" href="${url(ctx, '/agent/contacts/nouveau')}">Noter un appel ou une visite</a></p>
    <nav aria-label="Vues de la boîte de réception">
      <ul class="inbox-views">
        ${INBOX_VIEWS.map(
          (v) =>
            html`<li>
              <a href="${listHref(ctx, input, 1, { view: v })}" ${v === input.view ? html`aria-current="page"` : ''}
                >${VIEW_LABELS[v]} (${countLabel(input.counts[v])})</a
              >
            </li>`,
        )}
      </ul>
    </nav>
    <form method="get" action="${url(ctx, '/agent/demandes')}" class="filters" aria-label="Filtrer les demandes">
      ${input.view !== 'ouvertes' ? html`<input type="hidden" name="vue" value="${input.view}" />` : ''}
      <div class="field">
        <label for="tri">Trier par</label>
        <select id="tri" name="tri">
          <option value="echeance" ${input.sort === 'echeance' ? html` selected` : ''}>Date limite la plus proche</option>
          <option value="activite" ${input.sort === 'activite' ? html` selected` : ''}>
            Dernier message de l’usager
          </option>
        </select>
      </div>
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
        ? html`<p>${
            filtered
              ? 'Aucune demande ne correspond à ces filtres.'
              : input.view !== 'ouvertes'
                ? 'Aucune demande dans cette vue.'
                : 'Aucune demande à traiter pour vos services.'
          }</p>`
        : html`<div class="table-wrap">
            <table class="inbox">
              <caption>
                ${VIEW_LABELS[input.view]} : demandes ${first} à ${last} sur ${countLabel(input.total)},
                ${input.sort === 'activite' ? 'du dernier message de l’usager au plus ancien' : 'de la date limite la plus proche à la plus lointaine'}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Référence</th>
                  <th scope="col">Démarche</th>
                  <th scope="col">Demandeur</th>
                  <th scope="col">Prise en charge</th>
                  <th scope="col">Statut</th>
                  <th scope="col">À traiter avant le</th>
                </tr>
              </thead>
              <tbody>
                ${input.items.map((r) => {
                  const late = isLate(r.status, r.due_on, input.today);
                  const open = r.status !== 'traitee' && r.status !== 'refusee';
                  return html`<tr${r.unread ? html` class="unread"` : ''}>
                    <th scope="row" class="reference">
                      <a href="${url(ctx, `/agent/demandes/${encodeURIComponent(r.reference)}`)}">${r.reference}</a>
                      ${r.unread ? html` <strong class="tag">${r.opened ? 'Nouveau message' : 'Nouvelle'}</strong>` : ''}
                    </th>
                    <td data-label="Démarche">${r.demarche_title}</td>
                    <td data-label="Demandeur">${r.applicant_name ?? 'Non renseigné'}</td>
                    <td data-label="Prise en charge">${r.assignee_name ?? 'Personne'}</td>
                    <td data-label="Statut">${statusBadge(r.status)}</td>
                    <td data-label="À traiter avant le" class="due">
                      ${formatDateFr(r.due_on)}${
                        open && r.status !== 'en_attente_usager'
                          ? html`<br /><span class="${late ? 'tag late' : 'hint'}">${formatDeadlineFr(r.due_on, input.today)}</span>`
                          : ''
                      }
                    </td>
                  </tr>`;
                })}
              </tbody>
            </table>
          </div>`
    }
    ${
      pages > 1 || hasNext
        ? html`<nav aria-label="Pages de résultats">
            <ul class="pagination">
              ${input.page > 1 ? html`<li><a href="${listHref(ctx, input, input.page - 1)}">Page précédente</a></li>` : ''}
              <li>Page ${input.page}${capped ? '' : ` sur ${pages}`}</li>
              ${hasNext ? html`<li><a href="${listHref(ctx, input, input.page + 1)}">Page suivante</a></li>` : ''}
            </ul>
          </nav>`
        : ''
    }`;
  const csv = listHref(ctx, input, 1).replace('/agent/demandes', '/agent/demandes.csv');
  const withExport = html`${main}
    ${input.total > 0 ? html`<p><a href="${csv}" download>Télécharger cette vue en tableur (CSV)</a></p>` : ''}`;
  return layout(ctx, {
    title: input.page > 1 ? `Demandes – page ${input.page}` : 'Demandes',
    main: withExport,
    area: 'agent',
    notice: input.notice,
  });
}
