import { attr, html, type SafeHtml } from '../../../platform/html.ts';
import { errorOf, type FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { adminNav } from '../../agents/views/admin-nav.ts';
import { LIFE_EVENTS } from '../../catalogue/taxonomy.ts';
import { INTAKE_CHANNELS } from '../../requests/route-item.ts';
import { KEYWORD_MAX, RULE_NAME_MAX, type RoutingRuleValues } from '../forms.ts';
import { ROUTING_PAGE } from './routing-page.ts';

export interface RoutingRuleEditorInput {
  /** null: a new rule. */
  id: string | null;
  values: RoutingRuleValues;
  errors: FieldError[];
  services: { id: string; name: string }[];
  demarches: { id: string; title: string }[];
}

function errorLine(errors: FieldError[], field: string): SafeHtml | '' {
  const message = errorOf(errors, field);
  return message ? html`<span class="error-message" id="${field}-error">${message}</span>` : '';
}

function checkboxes(
  name: string,
  legend: string,
  hint: string,
  options: { value: string; label: string }[],
  checked: readonly string[],
  errors: FieldError[],
): SafeHtml {
  const error = errorOf(errors, name);
  return html`<fieldset class="field${error ? ' field-error' : ''}">
    <legend>${legend}</legend>
    <span class="hint" id="${name}-hint">${hint}</span>
    ${errorLine(errors, name)}
    <div class="choice-columns">
      ${options.map(
        (o, i) =>
          html`<div class="choice">
            <input
              type="checkbox"
              id="${name}-${i}"
              name="${name}"
              value="${o.value}"
              ${attr('checked', checked.includes(o.value))}
              aria-describedby="${name}-hint${error ? ` ${name}-error` : ''}"
            />
            <label for="${name}-${i}">${o.label}</label>
          </div>`,
      )}
    </div>
  </fieldset>`;
}

function textList(name: 'mots_cles' | 'lieux', label: string, hint: string, value: string, errors: FieldError[]) {
  const error = errorOf(errors, name);
  return html`<div class="field${error ? ' field-error' : ''}">
    <label for="${name}">${label}</label>
    <span class="hint" id="${name}-hint">${hint}</span>
    ${errorLine(errors, name)}
    <textarea
      id="${name}"
      name="${name}"
      rows="4"
      aria-describedby="${name}-hint${error ? ` ${name}-error` : ''}"
      ${error ? html`aria-invalid="true"` : ''}
    >
${value}</textarea
    >
  </div>`;
}

/** A routing rule's form: its name, its conditions (all must hold; each may list several values), its service. */
export function routingRuleEditor(ctx: PageContext, input: RoutingRuleEditorInput): SafeHtml {
  const v = input.values;
  const nameError = errorOf(input.errors, 'nom');
  const serviceError = errorOf(input.errors, 'service');
  const title = input.id ? 'Modifier la règle' : 'Nouvelle règle d’orientation';
  const main = html`${adminNav(ctx, ROUTING_PAGE)} ${errorSummary(input.errors)}
    <h1>${title}</h1>
    <p>
      Toutes les conditions remplies envoient la demande au service choisi ; une condition laissée vide ne compte pas.
      Dans une condition, une seule valeur suffit.
    </p>
    <form method="post" action="${url(ctx, `${ROUTING_PAGE}/${input.id ?? 'nouvelle'}`)}">
      ${csrfField(ctx)}
      <div class="field${nameError ? ' field-error' : ''}">
        <label for="nom">Nom de la règle</label>
        <span class="hint" id="nom-hint">Il est écrit dans l’historique des demandes qu’elle oriente. ${RULE_NAME_MAX} caractères au plus.</span>
        ${errorLine(input.errors, 'nom')}
        <input
          type="text"
          id="nom"
          name="nom"
          value="${v.nom}"
          aria-describedby="nom-hint${nameError ? ' nom-error' : ''}"
          ${nameError ? html`aria-invalid="true"` : ''}
        />
      </div>
      ${checkboxes(
        'demarches',
        'Démarches',
        'La demande concerne l’une de ces démarches (les courriels, appels et visites ont chacun la leur).',
        input.demarches.map((d) => ({ value: d.id, label: d.title })),
        v.demarches,
        input.errors,
      )}
      ${checkboxes(
        'themes',
        'Thèmes',
        'La démarche de la demande appartient à l’un de ces thèmes.',
        LIFE_EVENTS.map((e) => ({ value: e.slug, label: e.label })),
        v.themes,
        input.errors,
      )}
      ${textList(
        'mots_cles',
        'Mots-clés',
        `Un par ligne. La demande contient l’un d’eux, sans tenir compte des majuscules ni des accents (« lampadaire » trouve « Lampadaires »). ${KEYWORD_MAX} caractères au plus chacun.`,
        v.mots_cles,
        input.errors,
      )}
      ${textList(
        'lieux',
        'Communes, quartiers ou codes postaux',
        'Un par ligne. Une adresse de la demande a ce code postal, ou ce nom de commune ou de quartier.',
        v.lieux,
        input.errors,
      )}
      ${checkboxes(
        'canaux',
        'Canaux',
        'La demande est arrivée par l’un de ces canaux.',
        Object.entries(INTAKE_CHANNELS).map(([value, label]) => ({ value, label })),
        v.canaux,
        input.errors,
      )}
      <div class="field${serviceError ? ' field-error' : ''}">
        <label for="service">Service qui reçoit la demande</label>
        ${errorLine(input.errors, 'service')}
        <select id="service" name="service" ${serviceError ? html`aria-describedby="service-error" aria-invalid="true"` : ''}>
          ${input.services.map((s) => html`<option value="${s.id}" ${attr('selected', v.service === s.id)}>${s.name}</option>`)}
        </select>
      </div>
      <div class="choice">
        <input type="checkbox" id="actif" name="actif" value="oui" ${attr('checked', v.actif)} />
        <label for="actif">Règle active</label>
      </div>
      <button type="submit" class="button">Enregistrer la règle</button>
    </form>
    <p><a href="${url(ctx, ROUTING_PAGE)}">Revenir aux règles</a></p>`;
  return layout(ctx, {
    title,
    main,
    area: 'agent',
    errors: input.errors,
    breadcrumbs: [
      { label: 'Demandes', href: '/agent/demandes' },
      { label: 'Orientation des demandes', href: ROUTING_PAGE },
      { label: title },
    ],
  });
}
