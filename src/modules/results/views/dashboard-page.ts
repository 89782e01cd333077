import { formatDateFr, formatDateTimeFr, formatNumberFr } from '../../../platform/format.ts';
import { attr, html, type SafeHtml } from '../../../platform/html.ts';
import { errorOf, type FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { adminNav } from '../../agents/views/admin-nav.ts';
import type { ResultsDocument, SiteResultsDocument } from '../compute-results.ts';
import type { DrillDown } from '../read-drill-down.ts';
import { RESULTS_PATH, resultFigures, siteFigures } from './results-page.ts';

export const DASHBOARD_PATH = '/agent/admin/resultats';
export const MISSED_CALLS_PATH = '/agent/appels-manques';
/** The dashboard's value of a site's scope: `lieu:<id>`. */
export const SITE_SCOPE = 'lieu:';

/** One choice of « Périmètre »: the collectivité (group null), a service, a site. */
export interface DashboardScope {
  value: string;
  label: string;
  group: 'service' | 'lieu' | null;
}

export interface DashboardPageInput {
  /** The published document of the scope chosen: a collectivité's or service's, or a site's. */
  shown: { kind: 'scope'; doc: ResultsDocument | null } | { kind: 'site'; doc: SiteResultsDocument | null };
  /** The scopes this agent may open: '' is the whole collectivité (administrators). */
  scopes: DashboardScope[];
  scope: string;
  audience: 'admin' | 'supervisor';
}

function scopeOptions(input: DashboardPageInput): SafeHtml {
  const option = (s: DashboardScope) =>
    html`<option value="${s.value}" ${attr('selected', s.value === input.scope)}>${s.label}</option>`;
  const group = (name: 'service' | 'lieu', label: string) => {
    const list = input.scopes.filter((s) => s.group === name);
    return list.length ? html`<optgroup label="${label}">${list.map(option)}</optgroup>` : '';
  };
  return html`${input.scopes.filter((s) => s.group === null).map(option)} ${group('service', 'Services')}
  ${group('lieu', 'Lieux d’accueil')}`;
}

/**
 * The supervisors' results: the published indicators of their services (administrators: of the
 * collectivité, each service and each site), each count a link to the items behind it.
 */
export function dashboardPage(ctx: PageContext, input: DashboardPageInput): SafeHtml {
  const drill = (indicator: string, period: 'courante' | 'precedente') => {
    const q = new URLSearchParams({ indicateur: indicator, periode: period });
    if (input.scope) q.set('service', input.scope);
    return url(ctx, `${DASHBOARD_PATH}/detail?${q.toString()}`);
  };
  const doc = input.shown.doc;
  const main = html`${adminNav(ctx, DASHBOARD_PATH, input.audience)}
    <h1>Résultats et satisfaction</h1>
    <p>
      Les indicateurs publiés dans « <a href="${url(ctx, RESULTS_PATH)}">Nos résultats</a> », calculés chaque nuit. Chaque
      nombre souligné ouvre la liste des éléments qui le composent (à jour, exportable en CSV).
    </p>
    <form method="get" action="${url(ctx, DASHBOARD_PATH)}" class="inline-form">
      <div class="field">
        <label for="service">Périmètre</label>
        <select id="service" name="service">
          ${scopeOptions(input)}
        </select>
      </div>
      <button type="submit" class="button">Afficher</button>
    </form>
    ${
      doc
        ? html`<p>
              Période du ${formatDateFr(doc.current.from)} au ${formatDateFr(doc.current.to)}, calculée le
              ${formatDateTimeFr(doc.computedAt)}.
            </p>
            ${
              input.shown.kind === 'site'
                ? siteFigures(ctx, input.shown.doc!, drill)
                : resultFigures(input.shown.doc!, drill)
            }`
        : html`<div class="no-data-panel">
            <h2>Pas encore de données</h2>
            <p>Rien n’est encore calculé pour ce périmètre : les chiffres apparaissent le lendemain des premières demandes et des premiers avis.</p>
          </div>`
    }
    <p><a href="${url(ctx, MISSED_CALLS_PATH)}">Noter des appels restés sans réponse</a></p>`;
  return layout(ctx, { title: 'Résultats et satisfaction', area: 'agent', main });
}

/** The items behind one figure, one row each, and the CSV of all of them. */
export function drillDownPage(
  ctx: PageContext,
  input: { drill: DrillDown; from: string; to: string; csvHref: string; limit: number; backHref: string },
): SafeHtml {
  const d = input.drill;
  const title = `${d.title} du ${formatDateFr(input.from)} au ${formatDateFr(input.to)}`;
  const main = html`<h1>${title}</h1>
    <p>
      ${formatNumberFr(d.total)} élément${d.total > 1 ? 's' : ''}${
        d.total > input.limit ? html` ; les ${formatNumberFr(input.limit)} plus récents sont affichés` : ''
      }.
      <a href="${input.csvHref}" download>Télécharger la liste complète (CSV)</a>
    </p>
    ${
      d.rows.length === 0
        ? html`<p class="no-data">Aucun élément sur cette période.</p>`
        : html`<div class="table-wrap">
            <table class="table">
              <caption class="visually-hidden">${title}</caption>
              <thead>
                <tr>
                  ${d.columns.map((c) => html`<th scope="col">${c}</th>`)}
                </tr>
              </thead>
              <tbody>
                ${d.rows.map(
                  (row) =>
                    html`<tr>
                      ${row.map((cell, i) =>
                        i === d.referenceColumn && cell
                          ? html`<td><a href="${url(ctx, `/agent/demandes/${encodeURIComponent(cell)}`)}">${cell}</a></td>`
                          : html`<td class="keep-lines">${cell}</td>`,
                      )}
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
    <p><a href="${input.backHref}">Retour aux résultats</a></p>`;
  return layout(ctx, {
    title,
    area: 'agent',
    main,
    breadcrumbs: [{ label: 'Résultats et satisfaction', href: DASHBOARD_PATH }, { label: d.title }],
  });
}

export interface MissedCallsValues {
  jour: string;
  appels: string;
  service: string;
}

/** « Appels restés sans réponse »: a day, a number of calls, a service. */
export function missedCallsPage(
  ctx: PageContext,
  input: {
    values: MissedCallsValues;
    errors: FieldError[];
    services: { id: string; name: string }[];
    allowAll: boolean;
    notice?: string;
  },
): SafeHtml {
  const field = (name: keyof MissedCallsValues, label: string, hint: string, type: string) => {
    const error = errorOf(input.errors, name);
    return html`<div class="field${error ? ' field-error' : ''}">
      <label for="${name}">${label}</label>
      <span class="hint" id="${name}-hint">${hint}</span>
      ${error ? html`<span class="error-message" id="${name}-error">${error}</span>` : ''}
      <input type="${type}" id="${name}" name="${name}" value="${input.values[name]}" ${type === 'number' ? html`min="1" inputmode="numeric" class="input-short"` : ''}
        aria-describedby="${name}-hint${error ? ` ${name}-error` : ''}" ${error ? html`aria-invalid="true"` : ''} />
    </div>`;
  };
  const serviceError = errorOf(input.errors, 'service');
  const main = html`<h1>Appels restés sans réponse</h1>
    ${errorSummary(input.errors)}
    <p>
      Relevez chaque jour, sur le standard ou le répondeur, les appels qu’aucun agent n’a pris. Avec les appels que vous
      notez, ils donnent le taux de décroché publié dans « Nos résultats ».
    </p>
    <form method="post" action="${url(ctx, MISSED_CALLS_PATH)}" novalidate>
      ${csrfField(ctx)}
      ${field('jour', 'Jour', 'Par exemple 03/12/2026.', 'date')}
      ${field('appels', 'Nombre d’appels sans réponse', 'Un nombre entier, par exemple 4.', 'number')}
      <div class="field${serviceError ? ' field-error' : ''}">
        <label for="service">Service appelé</label>
        ${serviceError ? html`<span class="error-message" id="service-error">${serviceError}</span>` : ''}
        <select id="service" name="service" ${serviceError ? html`aria-invalid="true" aria-describedby="service-error"` : ''}>
          ${input.allowAll ? html`<option value="" ${attr('selected', input.values.service === '')}>Standard de la mairie (tous services)</option>` : ''}
          ${input.services.map(
            (s) => html`<option value="${s.id}" ${attr('selected', input.values.service === s.id)}>${s.name}</option>`,
          )}
        </select>
      </div>
      <button type="submit" class="button">Enregistrer</button>
    </form>`;
  return layout(ctx, {
    title: 'Appels restés sans réponse',
    area: 'agent',
    main,
    errors: input.errors,
    ...(input.notice ? { notice: input.notice } : {}),
  });
}
