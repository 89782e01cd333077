import type { RequestStatus } from '../../../db/schema.ts';
import { formatDateTimeFr } from '../../../platform/format.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { errorOf, type FieldError } from '../../../platform/web/form.ts';
import { errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { adminNav } from '../../agents/views/admin-nav.ts';
import { AGENT_STATUS_LABELS } from '../../requests/status.ts';
import { cursorParam } from '../forms.ts';
import { ACTION_GROUPS, CHANNEL_LABELS, JOURNAL_ACTIONS } from '../journal-actions.ts';
import type { JournalEntry } from '../repository.ts';

export const JOURNAL_PATH = '/agent/admin/journal';

/** The filters as typed (kept on the page, errors or not). */
export interface JournalFilterValues {
  agent: string;
  du: string;
  au: string;
  action: string;
  reference: string;
  usager: string;
}

export interface JournalPageInput {
  values: JournalFilterValues;
  errors: FieldError[];
  entries: JournalEntry[];
  next: JournalEntry | null;
  /** Whether this page continues an earlier one (a cursor was given). */
  continued: boolean;
  agents: { id: string; name: string }[];
  allServices: boolean;
  isAdmin: boolean;
}

function query(values: JournalFilterValues, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...values, ...extra })) if (v) params.set(k, v);
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

/** What the entry says beyond its action: a new status, a transfer's reason, a closing day. */
export function entryDetail(e: Pick<JournalEntry, 'detail' | 'statusTo'>): string {
  const status = e.statusTo ? (AGENT_STATUS_LABELS[e.statusTo as RequestStatus] ?? e.statusTo) : '';
  return [status ? `Nouveau statut : ${status}` : '', e.detail].filter(Boolean).join(' – ');
}

function field(
  input: JournalPageInput,
  name: keyof JournalFilterValues,
  label: string,
  control: (aria: SafeHtml) => SafeHtml,
  hint?: string,
): SafeHtml {
  const error = errorOf(input.errors, name);
  const describedBy = [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ');
  const aria = html`${describedBy ? html`aria-describedby="${describedBy}"` : ''}
  ${error ? html`aria-invalid="true"` : ''}`;
  return html`<div class="field${error ? ' field-error' : ''}">
    <label for="${name}">${label}</label>
    ${hint ? html`<span class="hint" id="${name}-hint">${hint}</span>` : ''}
    ${error ? html`<span class="error-message" id="${name}-error">${error}</span>` : ''} ${control(aria)}
  </div>`;
}

function filters(ctx: PageContext, input: JournalPageInput): SafeHtml {
  const v = input.values;
  const textInput =
    (name: keyof JournalFilterValues, type = 'text') =>
    (aria: SafeHtml) =>
      html`<input type="${type}" id="${name}" name="${name}" value="${v[name]}" autocomplete="off" ${aria} />`;
  return html`<form method="get" action="${url(ctx, JOURNAL_PATH)}" class="filters" aria-label="Filtrer le journal">
    ${field(
      input,
      'agent',
      'Agent',
      (aria) =>
        html`<select id="agent" name="agent" ${aria}>
          <option value="">Tous</option>
          ${input.agents.map((a) => html`<option value="${a.id}" ${a.id === v.agent ? html`selected` : ''}>${a.name}</option>`)}
        </select>`,
    )}
    ${field(input, 'du', 'Du', textInput('du', 'date'), 'Par exemple 01/03/2026.')}
    ${field(input, 'au', 'Au', textInput('au', 'date'), 'Inclus.')}
    ${field(
      input,
      'action',
      'Action',
      (aria) =>
        html`<select id="action" name="action" ${aria}>
          <option value="">Toutes</option>
          ${ACTION_GROUPS.map(
            (g) =>
              html`<optgroup label="${g.label}">
                ${Object.entries(g.actions).map(
                  ([code, label]) =>
                    html`<option value="${code}" ${code === v.action ? html`selected` : ''}>${label}</option>`,
                )}
              </optgroup>`,
          )}
        </select>`,
    )}
    ${field(input, 'reference', 'Référence', textInput('reference'), 'Par exemple VB-2026-4F7K2.')}
    ${field(input, 'usager', 'Usager', textInput('usager'), 'Une partie du nom ou de l’adresse électronique.')}
    <button type="submit" class="button secondary">Filtrer</button>
  </form>`;
}

function entriesTable(ctx: PageContext, input: JournalPageInput): SafeHtml {
  if (input.entries.length === 0)
    return html`<p>${input.continued ? 'Il n’y a pas d’entrée plus ancienne.' : 'Aucune entrée ne correspond à ces filtres.'}</p>`;
  return html`<div class="table-wrap">
    <table class="inbox journal">
      <caption>
        Entrées du journal, de la plus récente à la plus ancienne${input.continued ? ' (suite)' : ''}
      </caption>
      <thead>
        <tr>
          <th scope="col">Date et heure</th>
          <th scope="col">Qui</th>
          <th scope="col">Action</th>
          <th scope="col">Demande</th>
          <th scope="col">Usager</th>
          <th scope="col">Canal</th>
          <th scope="col">Détail</th>
        </tr>
      </thead>
      <tbody>
        ${input.entries.map(
          (e) =>
            html`<tr>
              <th scope="row" class="reference">${formatDateTimeFr(e.at)}</th>
              <td data-label="Qui">${e.actorLabel}</td>
              <td data-label="Action">${JOURNAL_ACTIONS[e.action] ?? e.action}</td>
              <td data-label="Demande">
                ${
                  e.reference
                    ? html`<a href="${url(ctx, `/agent/demandes/${encodeURIComponent(e.reference)}`)}">${e.reference}</a>`
                    : '–'
                }${e.serviceName ? html`<br /><span class="hint">${e.serviceName}</span>` : ''}
              </td>
              <td data-label="Usager">${e.applicantName ?? '–'}</td>
              <td data-label="Canal">${CHANNEL_LABELS[e.channel]}</td>
              <td data-label="Détail">${entryDetail(e) || '–'}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/**
 * The audit journal: who saw or changed what, when, through which channel; filters, keyset
 * pages, and the filtered entries as CSV.
 */
export function journalPage(ctx: PageContext, input: JournalPageInput): SafeHtml {
  const v = input.values;
  const main = html`${adminNav(ctx, JOURNAL_PATH, input.isAdmin ? 'admin' : 'supervisor')}
    ${errorSummary(input.errors)}
    <h1>Journal des accès et des modifications</h1>
    <p>
      Chaque consultation des données d’un usager et chaque modification d’une demande y sont inscrites : qui, quand,
      quoi et par quel canal. Personne ne peut les modifier ni les effacer. Votre consultation du journal y est
      inscrite aussi.
    </p>
    <p class="hint">
      ${
        input.allServices
          ? 'Vous voyez les entrées de tous les services et celles des réglages de la collectivité.'
          : 'Vous voyez les entrées des demandes de vos services.'
      }
    </p>
    ${filters(ctx, input)}
    ${input.errors.length === 0 ? entriesTable(ctx, input) : ''}
    ${
      input.errors.length === 0 && (input.next || input.continued)
        ? html`<nav aria-label="Pages du journal">
            <ul class="pagination">
              ${input.continued ? html`<li><a href="${url(ctx, `${JOURNAL_PATH}${query(v)}`)}">Revenir aux plus récentes</a></li>` : ''}
              ${
                input.next
                  ? html`<li>
                      <a href="${url(ctx, `${JOURNAL_PATH}${query(v, { apres: cursorParam(input.next) })}`)}"
                        >Entrées plus anciennes</a
                      >
                    </li>`
                  : ''
              }
            </ul>
          </nav>`
        : ''
    }
    ${
      input.errors.length === 0 && input.entries.length > 0
        ? html`<p><a href="${url(ctx, `${JOURNAL_PATH}.csv${query(v)}`)}" download>Télécharger ces entrées en tableur (CSV)</a></p>`
        : ''
    }`;
  return layout(ctx, { title: 'Journal', main, area: 'agent', errors: input.errors });
}
