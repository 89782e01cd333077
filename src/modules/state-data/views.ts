import type { FormField } from '../catalogue/form-definition.ts';
import { html, type SafeHtml } from '../../platform/html.ts';
import { obtainedFrom, stateDataValueLines } from './present.ts';
import { stateDataFieldName, type ObtainedStateData } from './obtained.ts';

/** What the form needs to offer the State's data: where the button posts, and what is already obtained. */
export interface StateDataFormState {
  /** The URL the « Récupérer… » buttons post the whole form to. */
  action: string;
  obtained: ObtainedStateData[];
  /** Signs the hidden fields (sessionSecret and the tenant and démarche scope). */
  sign: (d: ObtainedStateData) => string;
}

const BUTTONS: Record<string, string> = {
  quotient_familial: 'Récupérer mon quotient familial',
  statut_etudiant: 'Vérifier mon statut étudiant',
  statut_demandeur_emploi: 'Vérifier mon inscription à France Travail',
};

/**
 * Under a consent checkbox that allows asking API Particulier: the data already obtained (with a
 * signed hidden field that carries it to the submission), or the button that asks for it by
 * sending the form as it is (no JavaScript needed; what was typed comes back).
 */
export function stateDataControl(field: FormField, state: StateDataFormState, cond: SafeHtml): SafeHtml {
  const kind = field.stateData?.kind;
  if (!kind) return html``;
  const got = state.obtained.find((d) => d.kind === kind);
  if (got) {
    return html`<div class="state-data state-data-obtained" id="${field.name}-donnees" role="status" ${cond}>
      <p><strong>${obtainedFrom(got)}.</strong></p>
      <ul>
        ${stateDataValueLines(got).map((l) => html`<li>${l.label} : ${l.value}</li>`)}
      </ul>
      <p>Vous n’avez pas de document à joindre pour cela.</p>
      <input type="hidden" name="${stateDataFieldName(kind)}" value="${state.sign(got)}" />
    </div>`;
  }
  return html`<div class="state-data" ${cond}>
    <button
      type="submit"
      class="button button-secondary"
      formaction="${state.action}"
      formnovalidate
      name="_donnees"
      value="${kind}"
    >
      ${BUTTONS[kind] ?? 'Récupérer mes données'}
    </button>
  </div>`;
}
