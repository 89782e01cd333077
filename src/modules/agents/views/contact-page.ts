import { attr, html, type SafeHtml } from '../../../platform/html.ts';
import type { FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { CONTACT_CHANNELS, CONTACT_OUTCOMES } from '../../requests/record-contact.ts';

export type ContactValues = Record<
  | 'canal'
  | 'usager'
  | 'recherche'
  | 'nom'
  | 'telephone'
  | 'courriel'
  | 'objet'
  | 'service'
  | 'suite'
  | 'partenaire'
  | 'notes',
  string
>;

/** A citizen record offered in « Qui » (a search's match, or the record the form was opened from). */
export interface ContactPerson {
  id: string;
  name: string;
  details: string;
}

/** The first radio of a group: where the error summary sends the reader. */
const ANCHORS: Record<string, string> = { canal: 'canal-telephone', suite: 'suite-repondu', usager: 'usager-nouvelle' };

/**
 * Enter in a field submits with the form's first submit button, which would be « Chercher »:
 * this one comes first so that Enter saves (the route searches instead when the search box holds
 * words not searched yet). Not seen, not reached by Tab, not announced (the
 * real « Enregistrer » ends the form); no script needed.
 */
const DEFAULT_SUBMIT = html`<button type="submit" class="visually-hidden" tabindex="-1" aria-hidden="true">
  Enregistrer
</button>`;

function message(errors: FieldError[], field: string): SafeHtml | '' {
  const e = errors.find((x) => x.field === field);
  return e ? html`<span class="error-message" id="${field}-error">${e.message}</span>` : '';
}

/**
 * « Noter un appel ou une visite »: who, what, what came of it, in one screen the agent fills
 * while on the phone, with the keyboard alone (radios and fields in reading order, no script).
 */
export function contactPage(
  ctx: PageContext,
  input: {
    values: ContactValues;
    errors: FieldError[];
    services: { id: string; name: string }[];
    /** Records to choose from; `searched`: the agent asked (« Aucune fiche trouvée » when empty). */
    people?: ContactPerson[];
    searched?: boolean;
  },
): SafeHtml {
  const v = input.values;
  const invalid = (field: string) => input.errors.some((e) => e.field === field);
  const described = (field: string, hint?: string) =>
    html`aria-describedby="${[hint, invalid(field) ? `${field}-error` : null].filter(Boolean).join(' ')}"${
      invalid(field) ? html` aria-invalid="true"` : ''
    }`;
  const text = (
    field: keyof ContactValues,
    label: string,
    options: { type?: string; hint?: string; autocomplete?: string } = {},
  ) =>
    html`<div class="field${invalid(field) ? ' field-error' : ''}">
      <label for="${field}">${label}</label>
      ${options.hint ? html`<span class="hint" id="${field}-hint">${options.hint}</span>` : ''}
      ${message(input.errors, field)}
      <input
        type="${options.type ?? 'text'}"
        id="${field}"
        name="${field}"
        value="${v[field]}"
        autocomplete="${options.autocomplete ?? 'off'}"
        ${described(field, options.hint ? `${field}-hint` : undefined)}
      />
    </div>`;
  const main = html`<h1>Noter un appel ou une visite</h1>
    ${errorSummary(input.errors.map((e) => ({ ...e, field: ANCHORS[e.field] ?? e.field })))}
    <p>La personne est suivie comme pour une démarche en ligne : un numéro, une échéance, l’historique.</p>
    <p>
      La personne se plaint d’un service ou conteste une décision ?
      <a href="${url(ctx, '/agent/reclamations/nouvelle')}">Enregistrez une réclamation</a> : elle a son accusé de
      réception et son délai de réponse.
    </p>
    <p>
      Des appels sont restés sans réponse ?
      <a href="${url(ctx, '/agent/appels-manques')}">Noter les appels sans réponse du jour</a>
    </p>
    <form method="post" action="${url(ctx, '/agent/contacts/nouveau')}" novalidate>
      ${csrfField(ctx)}
      ${DEFAULT_SUBMIT}
      <fieldset class="field${invalid('canal') ? ' field-error' : ''}">
        <legend>Comment la personne vous a-t-elle contacté ?</legend>
        ${message(input.errors, 'canal')}
        ${Object.entries(CONTACT_CHANNELS).map(
          ([key, label]) =>
            html`<div class="choice">
              <input type="radio" id="canal-${key}" name="canal" value="${key}" ${attr('checked', v.canal === key)} />
              <label for="canal-${key}">${label}</label>
            </div>`,
        )}
      </fieldset>
      <fieldset class="field${invalid('usager') ? ' field-error' : ''}">
        <legend>Qui ?</legend>
        ${message(input.errors, 'usager')}
        <div class="field">
          <label for="recherche">Chercher une fiche usager</label>
          <span class="hint" id="recherche-hint">Nom, adresse électronique ou numéro de téléphone.</span>
          <input type="search" id="recherche" name="recherche" value="${v.recherche}" autocomplete="off" aria-describedby="recherche-hint" />
        </div>
        ${input.searched ? html`<input type="hidden" name="recherche_faite" value="${v.recherche}" />` : ''}
        <button type="submit" name="action" value="chercher" class="button">Chercher</button>
        ${input.searched && (input.people ?? []).length === 0 ? html`<p role="status">Aucune fiche trouvée : créez-en une avec les coordonnées ci-dessous.</p>` : ''}
        ${(input.people ?? []).map(
          (p) =>
            html`<div class="choice">
              <input type="radio" id="usager-${p.id}" name="usager" value="${p.id}" ${attr('checked', v.usager === p.id)} />
              <label for="usager-${p.id}">${p.name}${p.details ? ` (${p.details})` : ''}</label>
            </div>`,
        )}
        <div class="choice">
          <input type="radio" id="usager-nouvelle" name="usager" value="nouvelle" ${attr('checked', v.usager === '' || v.usager === 'nouvelle')} />
          <label for="usager-nouvelle">Nouvelle fiche avec les coordonnées ci-dessous (ou la fiche qui a déjà cette adresse ou ce numéro)</label>
        </div>
      </fieldset>
      ${text('nom', 'Nom et prénom de la personne', { autocomplete: 'off', hint: 'Facultatif si vous avez choisi une fiche.' })}
      ${text('telephone', 'Téléphone (facultatif)', { type: 'tel', hint: 'Par exemple 06 12 34 56 78.' })}
      ${text('courriel', 'Adresse électronique (facultatif)', {
        type: 'email',
        hint: 'Pour lui écrire la suite de sa demande.',
      })}
      ${text('objet', 'Objet de sa demande', { hint: 'En quelques mots, par exemple « Horaires de la déchetterie ».' })}
      <div class="field${invalid('service') ? ' field-error' : ''}">
        <label for="service">Service concerné</label>
        <span class="hint" id="service-hint">Si vous ne savez pas, les règles d’orientation de la mairie choisissent.</span>
        ${message(input.errors, 'service')}
        <select id="service" name="service" ${described('service', 'service-hint')}>
          ${input.services.map(
            (s) => html`<option value="${s.id}" ${attr('selected', v.service === s.id)}>${s.name}</option>`,
          )}
          <option value="" ${attr('selected', v.service === '')}>Je ne sais pas : selon les règles d’orientation</option>
        </select>
      </div>
      <fieldset class="field${invalid('suite') ? ' field-error' : ''}">
        <legend>Suite donnée</legend>
        ${message(input.errors, 'suite')}
        ${Object.entries(CONTACT_OUTCOMES).map(
          ([key, label]) =>
            html`<div class="choice">
              <input type="radio" id="suite-${key}" name="suite" value="${key}" ${attr('checked', v.suite === key)} />
              <label for="suite-${key}">${label}</label>
            </div>`,
        )}
      </fieldset>
      ${text('partenaire', 'Orienté vers (si vous avez orienté la personne)', {
        hint: 'Par exemple « France services de Villebelle » ou « CAF ».',
      })}
      <div class="field${invalid('notes') ? ' field-error' : ''}">
        <label for="notes">Ce qui a été dit (facultatif)</label>
        <span class="hint" id="notes-hint">Note interne : seuls les agents la lisent.</span>
        ${message(input.errors, 'notes')}
        <textarea id="notes" name="notes" rows="4" ${described('notes', 'notes-hint')}>
${v.notes}</textarea
        >
      </div>
      <button type="submit" class="button">Enregistrer</button>
    </form>`;
  return layout(ctx, {
    title: 'Noter un appel ou une visite',
    errors: input.errors,
    main,
    area: 'agent',
    breadcrumbs: [{ label: 'Demandes', href: '/agent/demandes' }, { label: 'Noter un appel ou une visite' }],
  });
}
