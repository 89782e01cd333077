import { html, type SafeHtml } from '../../../platform/html.ts';
import type { FieldError } from '../../../platform/web/form.ts';
import { errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import type { BulkSummary } from '../../inbox/bulk-summary.ts';
import { CHANNEL_LABELS, hasFilters, inboxQueryString, LEAD_VIEWS, type InboxQuery } from '../../inbox/inbox-query.ts';
import type { CountedSavedView, InboxFilterChoices } from '../list-agent-requests.ts';
import {
  COUNT_CAP,
  INBOX_VIEWS,
  PAGE_SIZE,
  type EscalatedItem,
  type InboxView,
  type RequestListItem,
} from '../repository.ts';
import { escalationAlert } from './escalation-alert.ts';
import {
  bulkActionFields,
  type BulkFormValues,
  bulkSummaryNotice,
  inboxFilterForm,
  saveViewForm,
} from './inbox-tools.ts';
import { formatDateFr, formatDeadlineFr, formatNumberFr } from '../../../platform/format.ts';
import { agentSearchBox } from '../../search/views/search-box.ts';
import { adminNav } from './admin-nav.ts';
import { isLate, statusBadge } from './status-badge.ts';

export interface RequestListPageInput {
  items: (RequestListItem & { tags: { id: string; label: string }[] })[];
  total: number;
  query: InboxQuery;
  /** Parameters of the URL that could not be applied. */
  errors: FieldError[];
  choices: InboxFilterChoices;
  savedViews: CountedSavedView[];
  counts: Record<InboxView, number>;
  today: string;
  viewerId: string;
  /** A message at the top, e.g. after a transfer. */
  notice?: string;
  /** What a bulk action did, after its redirect. */
  bulkSummary?: BulkSummary | null;
  /** Administrators see the menu of the administration pages. */
  isAdmin?: boolean;
  /** Supervisors see the menu of the pages open to them (journal, deadlines, templates). */
  isSupervisor?: boolean;
  /** Supervisors and administrators may give items to someone else. */
  canAssign?: boolean;
  /** « Pour la sélection » sent back with errors: what was ticked and typed. */
  bulkForm?: BulkFormValues;
  /** Supervisors and administrators: the items raised to them (in-app notification). */
  escalations?: EscalatedItem[];
  /** Complaints waiting for their acknowledgement or past their answer date (complaints module). */
  complaintCheck?: SafeHtml | '';
}

const VIEW_LABELS: Record<InboxView, string> = {
  ouvertes: 'À traiter',
  mes: 'Mes demandes',
  mentions: 'Mentions',
  'non-attribuees': 'Non prises en charge',
  attente: 'En attente de l’usager',
  echeance: 'En retard ou à échéance',
  escaladees: 'Escaladées',
  toutes: 'Toutes, closes comprises',
};

function listHref(ctx: PageContext, q: InboxQuery, options: { page?: number; view?: InboxView } = {}): string {
  const qs = inboxQueryString(q, options);
  return url(ctx, `/agent/demandes${qs ? `?${qs}` : ''}`);
}

function emptyMessage(q: InboxQuery): string {
  if (hasFilters(q)) return 'Aucune demande ne correspond à ces filtres.';
  if (q.view === 'mentions') return 'Personne ne vous a mentionné dans une note depuis votre dernière lecture.';
  if (q.view !== 'ouvertes') return 'Aucune demande dans cette vue.';
  return 'Aucune demande à traiter pour vos services.';
}

function itemRow(
  ctx: PageContext,
  r: RequestListPageInput['items'][number],
  today: string,
  selected: readonly string[],
): SafeHtml {
  const late = isLate(r.status, r.due_on, today);
  const open = r.status !== 'traitee' && r.status !== 'refusee';
  const bold = r.unread || r.mentioned;
  const id = `sel-${r.reference}`;
  return html`<tr${bold ? html` class="unread"` : ''}>
    <td class="select">
      <input
        type="checkbox"
        name="selection"
        value="${r.reference}:${String(r.revision)}"
        id="${id}"
        ${selected.includes(`${r.reference}:${String(r.revision)}`) ? html`checked` : ''}
      />
      <label for="${id}" class="visually-hidden">Sélectionner la demande ${r.reference}</label>
    </td>
    <th scope="row" class="reference">
      <a href="${url(ctx, `/agent/demandes/${encodeURIComponent(r.reference)}`)}">${r.reference}</a>
      ${r.unread ? html` <strong class="tag">${r.opened ? 'Nouveau message' : 'Nouvelle'}</strong>` : ''}
      ${r.mentioned ? html` <strong class="tag mention">Mentionné</strong>` : ''}
      ${r.escalated ? html` <strong class="tag escalated">Escaladée</strong>` : ''}
    </th>
    <td data-label="Démarche">
      ${r.demarche_title}${r.channel !== 'en-ligne' ? html` <span class="hint">(${CHANNEL_LABELS[r.channel] ?? r.channel})</span>` : ''}
      ${
        r.tags.length > 0
          ? html`<ul class="item-tags" aria-label="Étiquettes">
              ${r.tags.map((t) => html`<li class="tag">${t.label}</li>`)}
            </ul>`
          : ''
      }
    </td>
    <td data-label="Demandeur">${r.applicant_name ?? 'Non renseigné'}</td>
    <td data-label="Prise en charge">${r.assignee_name ?? 'Personne'}</td>
    <td data-label="Statut">${statusBadge(r.status)}</td>
    <td data-label="À traiter avant le" class="due">
      ${formatDateFr(r.due_on)}${
        open && r.status !== 'en_attente_usager'
          ? html`<br /><span class="${late ? 'tag late' : 'hint'}">${formatDeadlineFr(r.due_on, today)}</span>`
          : ''
      }
    </td>
  </tr>`;
}

/** A view's count, « 10 000 ou plus » once counting stopped at COUNT_CAP. */
function countLabel(n: number): string {
  return n >= COUNT_CAP ? `${formatNumberFr(COUNT_CAP)} ou plus` : formatNumberFr(n);
}

export function requestListPage(ctx: PageContext, input: RequestListPageInput): SafeHtml {
  const q = input.query;
  const pages = Math.max(1, Math.ceil(input.total / PAGE_SIZE));
  // A view counted up to COUNT_CAP has an unknown number of pages: « Page suivante » while pages are full.
  const capped = input.total >= COUNT_CAP;
  const first = input.items.length === 0 ? 0 : (q.page - 1) * PAGE_SIZE + 1;
  const last = first === 0 ? 0 : first + input.items.length - 1;
  const hasNext = capped ? input.items.length === PAGE_SIZE : q.page < pages;
  const current = inboxQueryString(q);
  const main = html`<h1>Demandes</h1>
    ${input.isAdmin ? adminNav(ctx) : input.isSupervisor ? adminNav(ctx, undefined, 'supervisor') : ''} ${errorSummary(input.errors)}
    ${escalationAlert(ctx, input.escalations ?? [])} ${input.complaintCheck ?? ''}
    ${input.bulkSummary ? bulkSummaryNotice(ctx, input.bulkSummary) : ''} ${agentSearchBox(ctx, '')}
    <p class="actions-inline">
      <a class="button secondary" href="${url(ctx, '/agent/contacts/nouveau')}">Noter un appel ou une visite</a>
      <a class="button secondary" href="${url(ctx, '/agent/deposer')}">Déposer une démarche pour une personne</a>
    </p>
    ${inboxFilterForm(ctx, q, input.choices, input.errors.length > 0 && !input.bulkForm)}
    <nav aria-label="Vues de la boîte de réception">
      <ul class="inbox-views">
        ${INBOX_VIEWS.filter((v) => input.canAssign || !LEAD_VIEWS.includes(v)).map(
          (v) =>
            html`<li>
              <a href="${listHref(ctx, q, { view: v })}" ${v === q.view ? html`aria-current="page"` : ''}
                >${VIEW_LABELS[v]} (${countLabel(input.counts[v])})</a
              >
            </li>`,
        )}
      </ul>
      ${
        input.savedViews.length > 0
          ? html`<ul class="inbox-views saved-views" aria-label="Vues enregistrées">
              ${input.savedViews.map(
                (v) =>
                  html`<li>
                    <a
                      href="${url(ctx, `/agent/demandes${v.query ? `?${v.query}` : ''}`)}"
                      ${v.query === current ? html`aria-current="page"` : ''}
                      >${v.name} (${formatNumberFr(v.count)})${
                        v.agent_id !== input.viewerId
                          ? html` <span class="hint">– partagée par ${v.owner_name}</span>`
                          : ''
                      }</a
                    >
                  </li>`,
              )}
            </ul>`
          : ''
      }
    </nav>
    ${saveViewForm(ctx, current, input.choices)}
    ${
      input.items.length === 0
        ? html`<p>${emptyMessage(q)}</p>`
        : html`<form method="post" action="${url(ctx, '/agent/demandes/selection')}" class="inbox-selection">
            ${bulkActionFields(ctx, {
              choices: input.choices,
              canAssign: input.canAssign ?? false,
              queryString: current,
              form: input.bulkForm,
              errors: input.bulkForm ? input.errors : [],
            })}
            <div class="table-wrap">
              <table class="inbox">
                <caption>
                  ${VIEW_LABELS[q.view]} : demandes ${first} à ${last} sur ${countLabel(input.total)},
                  ${SORT_CAPTIONS[q.sort]}
                </caption>
                <thead>
                  <tr>
                    <td class="select"><span class="visually-hidden">Sélection</span></td>
                    <th scope="col">Référence</th>
                    <th scope="col">Démarche</th>
                    <th scope="col">Demandeur</th>
                    <th scope="col">Prise en charge</th>
                    <th scope="col">Statut</th>
                    <th scope="col">À traiter avant le</th>
                  </tr>
                </thead>
                <tbody>
                  ${input.items.map((r) => itemRow(ctx, r, input.today, input.bulkForm?.selected ?? []))}
                </tbody>
              </table>
            </div>
          </form>
          <script src="/static/inbox.js" defer></script>`
    }
    ${
      pages > 1 || hasNext
        ? html`<nav aria-label="Pages de résultats">
            <ul class="pagination">
              ${q.page > 1 ? html`<li><a href="${listHref(ctx, q, { page: q.page - 1 })}">Page précédente</a></li>` : ''}
              <li>Page ${q.page}${capped ? '' : ` sur ${pages}`}</li>
              ${hasNext ? html`<li><a href="${listHref(ctx, q, { page: q.page + 1 })}">Page suivante</a></li>` : ''}
            </ul>
          </nav>`
        : ''
    }`;
  const csv = url(ctx, `/agent/demandes.csv${current ? `?${current}` : ''}`);
  const withExport = html`${main}
    ${input.total > 0 ? html`<p><a href="${csv}" download>Télécharger cette vue en tableur (CSV)</a></p>` : ''}`;
  return layout(ctx, {
    title: q.page > 1 ? `Demandes – page ${q.page}` : 'Demandes',
    main: withExport,
    area: 'agent',
    notice: input.notice,
    errors: input.errors,
  });
}

const SORT_CAPTIONS: Record<InboxQuery['sort'], string> = {
  echeance: 'de la date limite la plus proche à la plus lointaine',
  activite: 'du dernier message de l’usager au plus ancien',
  depot: 'de la plus récente à la plus ancienne',
};
