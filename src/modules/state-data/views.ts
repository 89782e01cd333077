import type { FormField } from '../catalogue/form-definition.ts';
import { attr, html, type SafeHtml } from '../../platform/html.ts';
import { obtainedFrom, stateDataValueLines } from './present.ts';
import { stateDataFieldName, type ObtainedStateData } from './obtained.ts';
import { COMMUNE_CHOICE_FIELD, type CommuneChoice } from './civil-status.ts';

/** What the form needs to offer the State's data: where the button posts, and what is already obtained. */
export interface StateDataFormState {
  /** The URL the « Récupérer… » buttons post the whole form to. */
  action: string;
  obtained: ObtainedStateData[];
  /** Signs the hidden fields (sessionSecret and the tenant and démarche scope). */
  sign: (d: ObtainedStateData) => string;
  /** Several communes bear the name typed as the commune of birth: the citizen chooses. */
  communeChoice?: CommuneChoice;
}

/**
 * Under the field where a commune of birth was typed, when several communes bear that name: one
 * radio button each (« Saint-Denis (93) », « Saint-Denis (974) »…); the next click on the button
 * sends the choice.
 */
export function communeChoiceControl(field: FormField, state: StateDataFormState): SafeHtml {
  const choice = state.communeChoice;
  if (!choice || choice.field !== field.name) return html``;
  return html`<fieldset class="field field-error" aria-describedby="${COMMUNE_CHOICE_FIELD}-hint">
    <legend>Dans quelle commune « ${choice.typed} » êtes-vous né ou née ?</legend>
    <span class="hint" id="${COMMUNE_CHOICE_FIELD}-hint"
      >Plusieurs communes portent ce nom. Choisissez la vôtre, puis cliquez à nouveau sur « ${BUTTONS.quotient_familial} ».
      Le numéro entre parenthèses est celui du département.</span
    >
    ${choice.options.map(
      (o, i) =>
        html`<div class="choice">
          <input
            type="radio"
            id="${COMMUNE_CHOICE_FIELD}-${i}"
            name="${COMMUNE_CHOICE_FIELD}"
            value="${o.code}"
            ${attr('checked', choice.chosen === o.code)}
          />
          <label for="${COMMUNE_CHOICE_FIELD}-${i}">${o.label}</label>
        </div>`,
    )}
  </fieldset>`;
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
