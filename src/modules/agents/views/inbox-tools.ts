import type { RequestStatus } from '../../../db/schema.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { csrfField, url, type PageContext } from '../../../platform/web/layout.ts';
import { formatNumberFr } from '../../../platform/format.ts';
import type { FieldError } from '../../../platform/web/form.ts';
import { AGENT_STATUS_LABELS as STATUS_LABELS } from '../../requests/status.ts';
import { TRANSITIONS } from '../../requests/change-request-status.ts';
import { SKIP_REASON_TEXT, type BulkSummary } from '../../inbox/bulk-summary.ts';
import {
  CHANNEL_LABELS,
  DUE_DAYS_MAX,
  hasFilters,
  IDENTITY_FILTERS,
  type InboxQuery,
} from '../../inbox/inbox-query.ts';
import type { InboxFilterChoices } from '../list-agent-requests.ts';

const selected = (on: boolean) => (on ? html` selected` : '');

function select(
  id: string,
  label: string,
  options: { value: string; label: string }[],
  current: string,
  empty: string,
): SafeHtml {
  return html`<div class="field">
    <label for="${id}">${label}</label>
    <select id="${id}" name="${id}">
      <option value="">${empty}</option>
      ${options.map((o) => html`<option value="${o.value}" ${selected(o.value === current)}>${o.label}</option>`)}
    </select>
  </div>`;
}

/**
 * The filter form (GET, no JavaScript needed), folded under its summary unless a filter is on
 * (or the filters were refused): open, it would push the list below the fold even on a wide screen.
 */
export function inboxFilterForm(
  ctx: PageContext,
  q: InboxQuery,
  choices: InboxFilterChoices,
  unfold = false,
): SafeHtml {
  const active = hasFilters(q);
  const assignee = q.assignee === null ? '' : typeof q.assignee === 'string' ? q.assignee : q.assignee.agentId;
  return html`<details class="filter-panel" ${active || unfold ? html`open` : ''}>
    <summary>Filtres et tri${active ? ' (filtres appliqués)' : ''}</summary>
    <form method="get" action="${url(ctx, '/agent/demandes')}" class="filters" aria-label="Filtrer les demandes">
      ${q.view !== 'ouvertes' ? html`<input type="hidden" name="vue" value="${q.view}" />` : ''}
      <div class="field">
        <label for="tri">Trier par</label>
        <select id="tri" name="tri">
          <option value="echeance" ${selected(q.sort === 'echeance')}>Date limite la plus proche</option>
          <option value="activite" ${selected(q.sort === 'activite')}>Dernier message de l’usager</option>
          <option value="depot" ${selected(q.sort === 'depot')}>Dépôt le plus récent</option>
        </select>
      </div>
      ${select(
        'statut',
        'Statut',
        (Object.keys(STATUS_LABELS) as RequestStatus[]).map((s) => ({ value: s, label: STATUS_LABELS[s] })),
        q.status ?? '',
        'Tous les statuts',
      )}
      ${
        choices.services.length > 1
          ? select(
              'service',
              'Service',
              choices.services.map((s) => ({ value: s.id, label: s.name })),
              q.serviceId ?? '',
              'Tous mes services',
            )
          : ''
      }
      ${select(
        'demarche',
        'Démarche',
        choices.demarches.map((d) => ({ value: d.id, label: d.title })),
        q.demarcheId ?? '',
        'Toutes les démarches',
      )}
      ${select(
        'canal',
        'Canal',
        Object.entries(CHANNEL_LABELS).map(([value, label]) => ({ value, label })),
        q.channel ?? '',
        'Tous les canaux',
      )}
      ${select(
        'identite',
        'Identité vérifiée',
        Object.entries(IDENTITY_FILTERS).map(([value, label]) => ({ value, label })),
        q.identity ?? '',
        'Oui ou non',
      )}
      ${select(
        'agent',
        'Prise en charge',
        [
          { value: 'moi', label: 'Par moi' },
          { value: 'personne', label: 'Par personne' },
          ...choices.agents.map((a) => ({ value: a.id, label: a.active ? a.name : `${a.name} (inactif)` })),
        ],
        assignee,
        'Par n’importe qui',
      )}
      ${select(
        'echeance',
        'Échéance',
        [
          { value: 'retard', label: 'En retard' },
          { value: 'jours', label: 'Dans les N jours ouvrés (retards compris)' },
          { value: 'avant', label: 'Avant une date' },
        ],
        q.due?.kind ?? '',
        'Toutes les échéances',
      )}
      <div class="field">
        <label for="jours">N jours ouvrés</label>
        <input
          id="jours"
          name="jours"
          type="number"
          min="0"
          max="${DUE_DAYS_MAX}"
          inputmode="numeric"
          value="${q.due?.kind === 'jours' ? String(q.due.days) : ''}"
        />
      </div>
      <div class="field">
        <label for="avant">Échéance avant le</label>
        <input id="avant" name="avant" type="date" value="${q.due?.kind === 'avant' ? q.due.date : ''}" />
      </div>
      ${
        choices.tags.length > 0
          ? html`<fieldset class="field tag-choices">
              <legend>Étiquettes (toutes)</legend>
              ${choices.tags.map(
                (t, i) =>
                  html`<label
                    ><input type="checkbox" name="etiquette" value="${t.id}" id="etiquette-${i}" ${
                      q.tagIds.includes(t.id) ? html`checked` : ''
                    } />
                    ${t.label}</label
                  >`,
              )}
            </fieldset>`
          : ''
      }
      <button type="submit" class="button secondary">Filtrer</button>
      ${active ? html`<a href="${url(ctx, '/agent/demandes')}">Retirer les filtres</a>` : ''}
    </form>
  </details>`;
}

/** « Enregistrer cette vue »: the current filters and sort under a name, shared with a service or not. */
export function saveViewForm(ctx: PageContext, queryString: string, choices: InboxFilterChoices): SafeHtml {
  return html`<details class="save-view">
    <summary>Enregistrer cette vue</summary>
    <form method="post" action="${url(ctx, '/agent/vues')}" class="filters">
      ${csrfField(ctx)}
      <input type="hidden" name="requete" value="${queryString}" />
      <div class="field">
        <label for="nom-vue">Nom de la vue</label>
        <input id="nom-vue" name="nom" type="text" maxlength="60" required />
      </div>
      ${select(
        'partage',
        'Partager avec',
        choices.services.map((s) => ({ value: s.id, label: `Le service ${s.name}` })),
        '',
        'Personne (vue personnelle)',
      )}
      <button type="submit" class="button secondary">Enregistrer</button>
      <a href="${url(ctx, '/agent/vues')}">Gérer mes vues</a>
    </form>
  </details>`;
}

export interface BulkFormValues {
  selected: string[];
  values: Record<string, string>;
}

/** A field of « Pour la sélection », with its error (the summary links to its id). */
function bulkField(id: string, label: string, errors: readonly FieldError[], control: SafeHtml): SafeHtml {
  const error = errors.find((e) => e.anchor === id);
  return html`<div class="field${error ? ' field-error' : ''}">
    <label for="${id}">${label}</label>
    ${error ? html`<span class="error-message" id="${id}-error">${error.message}</span>` : ''} ${control}
  </div>`;
}

function options(list: { value: string; label: string }[], current: string, empty: string): SafeHtml {
  return html`<option value="">${empty}</option>
    ${list.map((o) => html`<option value="${o.value}" ${selected(o.value === current)}>${o.label}</option>`)}`;
}

/**
 * « Pour la sélection »: one action for the items ticked in the list, posted with the list's
 * revisions. Without JavaScript every field is there; only those of the chosen action are read.
 */
export function bulkActionFields(
  ctx: PageContext,
  input: {
    choices: InboxFilterChoices;
    canAssign: boolean;
    queryString: string;
    form?: BulkFormValues;
    errors: readonly FieldError[];
  },
): SafeHtml {
  const v = input.form?.values ?? {};
  const errors = input.errors;
  const statuses = [...new Set(Object.values(TRANSITIONS).flat())];
  const actions = [
    { value: 'prendre', label: 'Prendre en charge' },
    ...(input.canAssign ? [{ value: 'attribuer', label: 'Confier à un agent' }] : []),
    { value: 'transferer', label: 'Transférer à un service' },
    { value: 'etiqueter', label: 'Ajouter une étiquette' },
    { value: 'statut', label: 'Changer le statut' },
  ];
  return html`<details class="bulk-actions" ${input.form ? html`open` : ''}>
    <summary>Pour la sélection</summary>
    <div class="filters">
      ${csrfField(ctx)}
      <input type="hidden" name="retour" value="${input.queryString}" />
      ${bulkField(
        'bulk-action',
        'Action',
        errors,
        html`<select id="bulk-action" name="action">
          ${actions.map((a) => html`<option value="${a.value}" ${selected(a.value === v.action)}>${a.label}</option>`)}
        </select>`,
      )}
      ${
        input.canAssign
          ? bulkField(
              'bulk-agent',
              'Agent (pour « Confier »)',
              errors,
              html`<select id="bulk-agent" name="agent">
                ${options(
                  input.choices.agents.filter((a) => a.active).map((a) => ({ value: a.id, label: a.name })),
                  v.agent ?? '',
                  'Choisir un agent',
                )}
              </select>`,
            )
          : ''
      }
      ${bulkField(
        'bulk-service',
        'Service (pour « Transférer »)',
        errors,
        html`<select id="bulk-service" name="service">
          ${options(
            input.choices.allServices.map((s) => ({ value: s.id, label: s.name })),
            v.service ?? '',
            'Choisir un service',
          )}
        </select>`,
      )}
      ${bulkField(
        'bulk-tag',
        'Étiquette (pour « Ajouter »)',
        errors,
        html`<input id="bulk-tag" name="etiquette" type="text" maxlength="40" list="known-tags" value="${v.etiquette ?? ''}" />
          <datalist id="known-tags">
            ${input.choices.tags.map((t) => html`<option value="${t.label}"></option>`)}
          </datalist>`,
      )}
      ${bulkField(
        'bulk-statut',
        'Nouveau statut (pour « Changer »)',
        errors,
        html`<select id="bulk-statut" name="statut">
          ${options(
            statuses.map((s) => ({ value: s, label: STATUS_LABELS[s] })),
            v.statut ?? '',
            'Choisir un statut',
          )}
        </select>`,
      )}
      ${bulkField(
        'bulk-texte',
        'Motif du transfert ou message à l’usager',
        errors,
        html`<textarea id="bulk-texte" name="texte" rows="2">${v.texte ?? ''}</textarea>`,
      )}
      <button type="submit" class="button">Appliquer à la sélection</button>
    </div>
  </details>`;
}

/** What a bulk action did, after the redirect: counts, then each item left as it was and why. */
export function bulkSummaryNotice(ctx: PageContext, summary: BulkSummary): SafeHtml {
  const n = (count: number, one: string, many: string) => `${formatNumberFr(count)} ${count === 1 ? one : many}`;
  return html`<div class="bulk-result" role="status">
    <p>
      ${n(summary.done, 'demande modifiée', 'demandes modifiées')}${
        summary.unchanged > 0 ? `, ${n(summary.unchanged, 'déjà dans cet état', 'déjà dans cet état')}` : ''
      }.
      ${summary.skipped.length > 0 ? n(summary.skipped.length, 'demande laissée telle quelle :', 'demandes laissées telles quelles :') : ''}
    </p>
    ${
      summary.skipped.length > 0
        ? html`<ul>
            ${summary.skipped.map(
              (s) =>
                html`<li>
                  <a class="reference" href="${url(ctx, `/agent/demandes/${s.reference}`)}">${s.reference}</a> :
                  ${SKIP_REASON_TEXT[s.reason]}.
                </li>`,
            )}
          </ul>`
        : ''
    }
  </div>`;
}
