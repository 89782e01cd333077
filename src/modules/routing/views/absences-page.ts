import { attr, html, type SafeHtml } from '../../../platform/html.ts';
import { formatDateFr } from '../../../platform/format.ts';
import { errorOf, type FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { ABSENCE_REASON_MAX, type AbsenceValues } from '../forms.ts';

export const ABSENCES_PAGE = '/agent/absences';

export interface AbsencesPageInput {
  /** Current and coming absences the viewer may see and cancel. */
  absences: { id: string; display_name: string; starts_on: string; ends_on: string; reason: string }[];
  /** Whom the viewer may declare an absence for (themselves first). */
  agents: { id: string; display_name: string }[];
  values: AbsenceValues;
  errors: FieldError[];
  notice?: string;
}

/** « Absences »: the viewer's own, and those of the agents they supervise; no round-robin while away. */
export function absencesPage(ctx: PageContext, input: AbsencesPageInput): SafeHtml {
  const v = input.values;
  const input_ = (name: 'du' | 'au' | 'motif', label: string, hint: string) => {
    const error = errorOf(input.errors, name);
    return html`<div class="field${error ? ' field-error' : ''}">
      <label for="${name}">${label}</label>
      <span class="hint" id="${name}-hint">${hint}</span>
      ${error ? html`<span class="error-message" id="${name}-error">${error}</span>` : ''}
      <input
        type="text"
        id="${name}"
        name="${name}"
        value="${v[name]}"
        aria-describedby="${name}-hint${error ? ` ${name}-error` : ''}"
        ${error ? html`aria-invalid="true"` : ''}
      />
    </div>`;
  };
  const agentError = errorOf(input.errors, 'agent');
  const main = html`${errorSummary(input.errors)}
    <h1>Absences</h1>
    <p>
      Pendant une absence, les demandes attribuées à tour de rôle vont aux collègues présents, et les listes
      « Confier à » signalent l’absence.
    </p>
    <h2>Absences en cours et à venir</h2>
    ${
      input.absences.length === 0
        ? html`<p>Aucune absence déclarée.</p>`
        : html`<div class="table-wrap">
            <table class="absences">
              <caption>
                Absences que vous pouvez voir et annuler
              </caption>
              <thead>
                <tr>
                  <th scope="col">Agent</th>
                  <th scope="col">Du</th>
                  <th scope="col">Au</th>
                  <th scope="col">Motif</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                ${input.absences.map(
                  (a) =>
                    html`<tr>
                      <th scope="row">${a.display_name}</th>
                      <td data-label="Du">${formatDateFr(a.starts_on)}</td>
                      <td data-label="Au">${formatDateFr(a.ends_on)}</td>
                      <td data-label="Motif">${a.reason || '–'}</td>
                      <td data-label="Action">
                        <form method="post" action="${url(ctx, `${ABSENCES_PAGE}/${a.id}/annuler`)}" class="inline-form">
                          ${csrfField(ctx)}
                          <button type="submit" class="button secondary">
                            Annuler l’absence de ${a.display_name} du ${formatDateFr(a.starts_on)}
                          </button>
                        </form>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
    <h2>Déclarer une absence</h2>
    <form method="post" action="${url(ctx, ABSENCES_PAGE)}" novalidate>
      ${csrfField(ctx)}
      ${
        input.agents.length > 1
          ? html`<div class="field${agentError ? ' field-error' : ''}">
              <label for="agent">Agent absent</label>
              ${agentError ? html`<span class="error-message" id="agent-error">${agentError}</span>` : ''}
              <select id="agent" name="agent" ${agentError ? html`aria-describedby="agent-error" aria-invalid="true"` : ''}>
                ${input.agents.map((a) => html`<option value="${a.id}" ${attr('selected', v.agent === a.id)}>${a.display_name}</option>`)}
              </select>
            </div>`
          : html`<input type="hidden" name="agent" value="${input.agents[0]?.id ?? ''}" />`
      }
      ${input_('du', 'Premier jour d’absence', 'Par exemple 23/12/2026.')}
      ${input_('au', 'Dernier jour d’absence', 'Par exemple 03/01/2027. Le même jour pour une seule journée.')}
      ${input_('motif', 'Motif (facultatif)', `Congés, formation… Vos collègues le voient. ${ABSENCE_REASON_MAX} caractères au plus.`)}
      <button type="submit" class="button">Déclarer l’absence</button>
    </form>`;
  return layout(ctx, {
    title: 'Absences',
    main,
    area: 'agent',
    errors: input.errors,
    notice: input.notice,
    breadcrumbs: [{ label: 'Demandes', href: '/agent/demandes' }, { label: 'Absences' }],
  });
}
