import { formatDateFr, formatDateTimeFr, formatNumberFr } from '../../../platform/format.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { errorOf, type FieldError } from '../../../platform/web/form.ts';
import { errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { adminNav } from '../../agents/views/admin-nav.ts';
import { AGENT_STATUS_LABELS } from '../../requests/status.ts';
import type { DeadlineReport, ReportItem } from '../read-deadline-report.ts';

export const REPORT_PATH = '/agent/admin/delais';

export interface DeadlineReportPageInput {
  values: { du: string; au: string };
  errors: FieldError[];
  report: DeadlineReport | null;
  isAdmin: boolean;
}

/** « 87 % », or « – » when nothing was closed. */
export function shareInTime(closed: number, inTime: number): string {
  return closed === 0 ? '–' : `${formatNumberFr(Math.round((inTime / closed) * 100))} %`;
}

/** A date field of a period form (« du », « au »), with its error; shared by the reports. */
export function periodDateField(
  input: { errors: FieldError[]; values: { du: string; au: string } },
  name: 'du' | 'au',
  label: string,
): SafeHtml {
  const error = errorOf(input.errors, name);
  return html`<div class="field${error ? ' field-error' : ''}">
    <label for="${name}">${label}</label>
    ${error ? html`<span class="error-message" id="${name}-error">${error}</span>` : ''}
    <input
      type="date"
      id="${name}"
      name="${name}"
      value="${input.values[name]}"
      ${error ? html`aria-describedby="${name}-error" aria-invalid="true"` : ''}
    />
  </div>`;
}

function period(ctx: PageContext, input: DeadlineReportPageInput): SafeHtml {
  const dateField = (name: 'du' | 'au', label: string) => periodDateField(input, name, label);
  return html`<form method="get" action="${url(ctx, REPORT_PATH)}" class="filters" aria-label="Période">
    ${dateField('du', 'Demandes closes du')} ${dateField('au', 'au')}
    <button type="submit" class="button secondary">Afficher</button>
  </form>`;
}

function items(ctx: PageContext, caption: string, list: ReportItem[], closed: boolean): SafeHtml {
  return html`<div class="table-wrap">
    <table class="inbox">
      <caption>
        ${caption}
      </caption>
      <thead>
        <tr>
          <th scope="col">Référence</th>
          <th scope="col">Démarche</th>
          <th scope="col">Service</th>
          <th scope="col">Prise en charge</th>
          <th scope="col">${closed ? 'Close le' : 'Statut'}</th>
          <th scope="col">À traiter avant le</th>
        </tr>
      </thead>
      <tbody>
        ${list.map(
          (r) =>
            html`<tr>
              <th scope="row" class="reference">
                <a href="${url(ctx, `/agent/demandes/${encodeURIComponent(r.reference)}`)}">${r.reference}</a>
              </th>
              <td data-label="Démarche">${r.demarcheTitle}</td>
              <td data-label="Service">${r.serviceName}</td>
              <td data-label="Prise en charge">${r.assigneeName ?? 'Personne'}</td>
              <td data-label="${closed ? 'Close le' : 'Statut'}">
                ${closed && r.closedAt ? formatDateTimeFr(r.closedAt) : AGENT_STATUS_LABELS[r.status]}
              </td>
              <td data-label="À traiter avant le" class="due">${formatDateFr(r.dueOn)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

function summary(report: DeadlineReport): SafeHtml {
  return html`<div class="table-wrap">
    <table class="inbox">
      <caption>
        Par service et par démarche
      </caption>
      <thead>
        <tr>
          <th scope="col">Service et démarche</th>
          <th scope="col">Closes sur la période</th>
          <th scope="col">Dont dans le délai</th>
          <th scope="col">Part dans le délai</th>
          <th scope="col">En retard aujourd’hui</th>
        </tr>
      </thead>
      <tbody>
        ${report.rows.map(
          (r) =>
            html`<tr>
              <th scope="row">${r.serviceName} – ${r.demarcheTitle}</th>
              <td data-label="Closes sur la période">${formatNumberFr(r.closed)}</td>
              <td data-label="Dont dans le délai">${formatNumberFr(r.inTime)}</td>
              <td data-label="Part dans le délai">${shareInTime(r.closed, r.inTime)}</td>
              <td data-label="En retard aujourd’hui">${formatNumberFr(r.overdueNow)}</td>
            </tr>`,
        )}
        <tr>
          <th scope="row">Ensemble</th>
          <td data-label="Closes sur la période">${formatNumberFr(report.totals.closed)}</td>
          <td data-label="Dont dans le délai">${formatNumberFr(report.totals.inTime)}</td>
          <td data-label="Part dans le délai">${shareInTime(report.totals.closed, report.totals.inTime)}</td>
          <td data-label="En retard aujourd’hui">${formatNumberFr(report.totals.overdueNow)}</td>
        </tr>
      </tbody>
    </table>
  </div>`;
}

/**
 * « Délais de réponse »: how the committed deadlines are kept, for the reader's services: items
 * late today, items closed late over the period, and the share answered in time per service and
 * démarche (the base of the published results).
 */
export function deadlineReportPage(ctx: PageContext, input: DeadlineReportPageInput): SafeHtml {
  const r = input.report;
  const qs = new URLSearchParams({ du: input.values.du, au: input.values.au }).toString();
  const main = html`${adminNav(ctx, REPORT_PATH, input.isAdmin ? 'admin' : 'supervisor')}
    ${errorSummary(input.errors)}
    <h1>Délais de réponse</h1>
    <p>
      Une demande est dans le délai quand elle est close au plus tard à sa date limite et n’a jamais été trouvée en
      retard. Le temps d’attente d’une réponse de l’usager ne compte pas.
    </p>
    ${period(ctx, input)}
    ${
      r
        ? html`<p class="hint">
              ${r.allServices ? 'Tous les services.' : 'Vos services.'} Période du ${formatDateFr(r.from)} au
              ${formatDateFr(r.to)}.
            </p>
            <p>
              <strong>${shareInTime(r.totals.closed, r.totals.inTime)}</strong> des demandes closes sur la période l’ont été
              dans le délai (${formatNumberFr(r.totals.inTime)} sur ${formatNumberFr(r.totals.closed)}).
              ${formatNumberFr(r.totals.overdueNow)} ${r.totals.overdueNow > 1 ? 'demandes sont' : 'demande est'} en retard
              aujourd’hui.
            </p>
            ${r.rows.length > 0 ? summary(r) : html`<p>Aucune demande close sur la période ni en retard.</p>`}
            <p><a href="${url(ctx, `${REPORT_PATH}.csv?${qs}`)}" download>Télécharger ces chiffres en tableur (CSV)</a></p>
            <h2>En retard aujourd’hui</h2>
            ${r.overdue.length === 0 ? html`<p>Aucune demande en retard.</p>` : items(ctx, 'Demandes ouvertes après leur date limite, la plus ancienne d’abord', r.overdue, false)}
            <h2>Closes en retard sur la période</h2>
            ${
              r.closedLate.length === 0
                ? html`<p>Aucune demande close en retard sur la période.</p>`
                : items(ctx, 'Demandes closes en retard, la plus récente d’abord', r.closedLate, true)
            }`
        : ''
    }`;
  return layout(ctx, { title: 'Délais de réponse', main, area: 'agent', errors: input.errors });
}
