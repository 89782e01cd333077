import { attr, html, type SafeHtml } from '../../../platform/html.ts';
import { errorOf, type FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { adminNav } from '../../agents/views/admin-nav.ts';
import { LIFE_EVENTS } from '../../catalogue/taxonomy.ts';
import { INTAKE_CHANNELS } from '../../requests/route-item.ts';
import type { RoutingTestValues } from '../forms.ts';
import type { RoutingRuleRow } from '../repository.ts';

export const ROUTING_PAGE = '/agent/admin/routage';

export interface RoutingPageInput {
  rules: RoutingRuleRow[];
  services: { id: string; name: string; auto_assign: boolean; agent_count: number | null }[];
  demarches: { id: string; title: string }[];
  /** The « Tester » form: what was typed, its errors, and the answer. */
  test: { values: RoutingTestValues; errors: FieldError[]; outcome?: string };
  autoAssignErrors?: FieldError[];
  notice?: string;
}

const THEME_LABELS = Object.fromEntries(LIFE_EVENTS.map((e) => [e.slug, e.label]));

/** « Démarche : X ou Y ; mots-clés : … »: a rule's conditions in one sentence. */
export function describeConditions(rule: RoutingRuleRow, demarches: { id: string; title: string }[]): string {
  const parts: string[] = [];
  const or = (items: string[]) => items.join(' ou ');
  if (rule.demarche_ids.length > 0) {
    const titles = rule.demarche_ids.map((id) => demarches.find((d) => d.id === id)?.title ?? 'démarche supprimée');
    parts.push(`démarche ${or(titles.map((t) => `« ${t} »`))}`);
  }
  if (rule.themes.length > 0) parts.push(`thème ${or(rule.themes.map((t) => `« ${THEME_LABELS[t] ?? t} »`))}`);
  if (rule.keywords.length > 0) parts.push(`texte contenant ${or(rule.keywords.map((k) => `« ${k} »`))}`);
  if (rule.places.length > 0) parts.push(`adresse à ${or(rule.places)}`);
  if (rule.channels.length > 0) {
    const labels = rule.channels.map((c) => (INTAKE_CHANNELS as Record<string, string>)[c] ?? c);
    parts.push(`reçue par ${or(labels.map((l) => l.toLowerCase()))}`);
  }
  const sentence = parts.join(', et ');
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

function postButton(ctx: PageContext, action: string, label: string, fields: Record<string, string> = {}): SafeHtml {
  return html`<form method="post" action="${url(ctx, action)}" class="inline-form">
    ${csrfField(ctx)}
    ${Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`)}
    <button type="submit" class="button secondary">${label}</button>
  </form>`;
}

function rulesList(ctx: PageContext, input: RoutingPageInput): SafeHtml {
  if (input.rules.length === 0) {
    return html`<p>Aucune règle pour le moment : chaque demande va au service de sa démarche.</p>`;
  }
  return html`<ol class="routing-rules">
    ${input.rules.map((r, i) => {
      const base = `${ROUTING_PAGE}/${r.id}`;
      return html`<li class="routing-rule${r.active ? '' : ' inactive'}">
        <h3>
          <a href="${url(ctx, base)}">${r.name}</a>
          ${r.active ? '' : html`<strong class="tag">Désactivée</strong>`}
        </h3>
        <p>${describeConditions(r, input.demarches)} : service <strong>${r.service_name}</strong>.</p>
        <div class="routing-actions">
          ${i > 0 ? postButton(ctx, `${base}/deplacer`, `Monter « ${r.name} »`, { sens: 'haut' }) : ''}
          ${i < input.rules.length - 1 ? postButton(ctx, `${base}/deplacer`, `Descendre « ${r.name} »`, { sens: 'bas' }) : ''}
          ${postButton(ctx, `${base}/activation`, r.active ? `Désactiver « ${r.name} »` : `Activer « ${r.name} »`, {
            actif: r.active ? 'non' : 'oui',
          })}
          ${postButton(ctx, `${base}/supprimer`, `Supprimer « ${r.name} »`)}
        </div>
      </li>`;
    })}
  </ol>`;
}

function autoAssignForm(ctx: PageContext, input: RoutingPageInput): SafeHtml {
  const error = errorOf(input.autoAssignErrors ?? [], 'services');
  return html`<form method="post" action="${url(ctx, `${ROUTING_PAGE}/attribution`)}">
    ${csrfField(ctx)}
    <fieldset class="field${error ? ' field-error' : ''}" id="services" tabindex="-1">
      <legend>Services qui attribuent leurs nouvelles demandes à tour de rôle</legend>
      <span class="hint" id="services-hint"
        >Chaque nouvelle demande va à l’agent du service qui attend depuis le plus longtemps, sauf s’il est absent
        ce jour-là.</span
      >
      ${error ? html`<span class="error-message" id="services-error">${error}</span>` : ''}
      ${input.services.map(
        (s, i) =>
          html`<div class="choice">
            <input
              type="checkbox"
              id="services-${i}"
              name="services"
              value="${s.id}"
              ${attr('checked', s.auto_assign)}
              aria-describedby="services-hint"
            />
            <label for="services-${i}"
              >${s.name} (${s.agent_count === 1 ? '1 agent' : `${s.agent_count ?? 0} agents`})</label
            >
          </div>`,
      )}
    </fieldset>
    <button type="submit" class="button secondary">Enregistrer l’attribution</button>
  </form>`;
}

function testForm(ctx: PageContext, input: RoutingPageInput): SafeHtml {
  const v = input.test.values;
  const errors = input.test.errors;
  const field = (name: keyof RoutingTestValues, label: string, control: SafeHtml, hint?: string) => {
    const error = errorOf(errors, name);
    return html`<div class="field${error ? ' field-error' : ''}">
      <label for="test-${name}">${label}</label>
      ${hint ? html`<span class="hint" id="test-${name}-hint">${hint}</span>` : ''}
      ${error ? html`<span class="error-message" id="test-${name}-error">${error}</span>` : ''} ${control}
    </div>`;
  };
  const described = (name: string, hint = false) => {
    const error = errorOf(errors, name);
    const ids = [hint ? `test-${name}-hint` : '', error ? `test-${name}-error` : ''].filter(Boolean).join(' ');
    return html`${ids ? html`aria-describedby="${ids}"` : ''} ${error ? html`aria-invalid="true"` : ''}`;
  };
  return html`<form method="post" action="${url(ctx, `${ROUTING_PAGE}/tester`)}">
      ${csrfField(ctx)}
      ${field(
        'demarche',
        'Démarche',
        html`<select id="test-demarche" name="demarche" ${described('demarche')}>
          ${input.demarches.map((d) => html`<option value="${d.id}" ${attr('selected', v.demarche === d.id)}>${d.title}</option>`)}
        </select>`,
      )}
      ${field(
        'canal',
        'Canal',
        html`<select id="test-canal" name="canal" ${described('canal')}>
          ${Object.entries(INTAKE_CHANNELS).map(
            ([key, label]) => html`<option value="${key}" ${attr('selected', v.canal === key)}>${label}</option>`,
          )}
        </select>`,
      )}
      ${field(
        'texte',
        'Texte de la demande (facultatif)',
        html`<textarea id="test-texte" name="texte" rows="3" ${described('texte', true)}>
${v.texte}</textarea
        >`,
        'Ce que l’usager écrirait : les mots-clés y sont cherchés.',
      )}
      ${field(
        'code_postal',
        'Code postal de l’adresse (facultatif)',
        html`<input
          type="text"
          inputmode="numeric"
          id="test-code_postal"
          name="code_postal"
          value="${v.code_postal}"
          ${described('code_postal')}
        />`,
      )}
      ${field(
        'commune',
        'Commune ou quartier de l’adresse (facultatif)',
        html`<input type="text" id="test-commune" name="commune" value="${v.commune}" ${described('commune')} />`,
      )}
      <button type="submit" class="button secondary">Tester</button>
    </form>
    ${input.test.outcome ? html`<p class="routing-outcome" role="status">${input.test.outcome}</p>` : ''}`;
}

/** « Orientation des demandes »: the rules in order, the round-robin services, and the test. */
export function routingPage(ctx: PageContext, input: RoutingPageInput): SafeHtml {
  const errors = [
    ...input.test.errors.map((e) => ({ ...e, anchor: `test-${e.field}` })),
    ...(input.autoAssignErrors ?? []),
  ];
  const main = html`${adminNav(ctx, ROUTING_PAGE)} ${errorSummary(errors)}
    <h1>Orientation des demandes</h1>
    <p>
      Chaque nouvelle demande (en ligne, par courriel, au téléphone ou à l’accueil) est comparée aux règles dans
      l’ordre : la première règle active dont toutes les conditions sont remplies l’envoie à son service. Si aucune ne
      convient, la demande va au service de sa démarche.
    </p>
    <p><a class="button" href="${url(ctx, `${ROUTING_PAGE}/nouvelle`)}">Ajouter une règle</a></p>
    <h2>Règles, dans l’ordre où elles sont essayées</h2>
    ${rulesList(ctx, input)}
    <h2>Tester les règles</h2>
    <p>Décrivez une demande : la page dit quelle règle s’appliquerait. Rien n’est enregistré.</p>
    ${testForm(ctx, input)}
    <h2>Attribution à tour de rôle</h2>
    ${autoAssignForm(ctx, input)}`;
  return layout(ctx, {
    title: 'Orientation des demandes',
    main,
    area: 'agent',
    errors,
    notice: input.notice,
    breadcrumbs: [{ label: 'Demandes', href: '/agent/demandes' }, { label: 'Orientation des demandes' }],
  });
}
