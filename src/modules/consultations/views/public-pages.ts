import { attr, html, type SafeHtml } from '../../../platform/html.ts';
import { formatDateTimeFr } from '../../../platform/format.ts';
import { errorOf, type FieldError, type SubmittedFields } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { TEXT_ANSWER_MAX } from '../forms.ts';
import { fieldName, scaleValues, type Question } from '../questionnaire.ts';
import type { ConsultationRow } from '../repository.ts';

export const PUBLIC_LIST = '/consultations';

/** « Consultations en cours »: the tenant's public consultations open now. */
export function publicListPage(ctx: PageContext, input: { consultations: ConsultationRow[] }): SafeHtml {
  const main = html`<h1>Consultations en cours</h1>
    <p>La mairie vous demande votre avis. Répondre prend quelques minutes.</p>
    ${
      input.consultations.length === 0
        ? html`<p>Aucune consultation n’est ouverte en ce moment. Revenez plus tard.</p>`
        : html`<ul class="card-list">
            ${input.consultations.map(
              (c) => html`<li class="card">
                <h2><a href="${url(ctx, `${PUBLIC_LIST}/${c.id}`)}">${c.title}</a></h2>
                ${c.description ? html`<p class="keep-lines">${c.description}</p>` : ''}
                <p class="hint">Vous pouvez répondre jusqu’au ${formatDateTimeFr(c.closes_at)}.</p>
              </li>`,
            )}
          </ul>`
    }`;
  return layout(ctx, {
    title: 'Consultations en cours',
    main,
    breadcrumbs: [{ label: 'Accueil', href: '/' }, { label: 'Consultations' }],
  });
}

function values(fields: SubmittedFields, name: string): string[] {
  const v = fields[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String);
}

function optional(q: Question): SafeHtml | '' {
  return q.required ? '' : html` <span class="optional">(facultatif)</span>`;
}

/** The sentence that says when a conditional question applies (always shown: it is the no-script way). */
function conditionText(q: Question, all: readonly Question[]): string {
  const source = all.find((x) => x.id === q.conditionQuestionId);
  return `Si vous avez répondu « ${q.conditionValues.join(' » ou « ')} » à la question ${source?.position ?? ''}${source ? ` (« ${source.label} »)` : ''}. Sinon, passez-la : elle ne sera pas prise en compte.`;
}

function questionBlock(q: Question, all: readonly Question[], fields: SubmittedFields, errors: FieldError[]): SafeHtml {
  const name = fieldName(q);
  const error = errorOf(errors, name);
  const hints = [
    q.conditionQuestionId ? `${name}-condition` : '',
    q.hint ? `${name}-hint` : '',
    error ? `${name}-error` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const describedBy = hints ? html` aria-describedby="${hints}"` : '';
  const cond = q.conditionQuestionId
    ? html` data-show-if="${fieldName({ id: q.conditionQuestionId })}" data-show-values="${q.conditionValues.join('|')}"`
    : '';
  const help = html`${q.conditionQuestionId ? html`<span class="hint consultation-condition" id="${name}-condition">${conditionText(q, all)}</span>` : ''}
  ${q.hint ? html`<span class="hint" id="${name}-hint">${q.hint}</span>` : ''}
  ${error ? html`<span class="error-message" id="${name}-error">${error}</span>` : ''}`;
  const given = values(fields, name);
  const cls = `field${error ? ' field-error' : ''}`;
  if (q.kind === 'text') {
    return html`<div class="${cls}" ${cond}>
      <label for="${name}">${q.position}. ${q.label}${optional(q)}</label>
      ${help}
      <textarea id="${name}" name="${name}" rows="5" maxlength="${TEXT_ANSWER_MAX}"${describedBy}${error ? html` aria-invalid="true"` : ''}>
${given[0] ?? ''}</textarea
      >
    </div>`;
  }
  const options =
    q.kind === 'scale'
      ? scaleValues(q).map((n) => ({
          value: String(n),
          label:
            n === q.scaleMin && q.scaleMinLabel
              ? `${n} – ${q.scaleMinLabel}`
              : n === q.scaleMax && q.scaleMaxLabel
                ? `${n} – ${q.scaleMaxLabel}`
                : String(n),
        }))
      : q.options.map((o) => ({ value: o, label: o }));
  const type = q.kind === 'multiple' ? 'checkbox' : 'radio';
  return html`<fieldset class="${cls}${q.kind === 'scale' ? ' consultation-scale' : ''}" ${cond}${describedBy}>
    <legend>${q.position}. ${q.label}${optional(q)}</legend>
    ${help} ${q.kind === 'multiple' ? html`<span class="hint">Plusieurs réponses possibles.</span>` : ''}
    <div class="${q.kind === 'scale' ? 'scale-choices' : 'choices'}">
      ${options.map(
        (o, i) => html`<div class="choice">
          <input type="${type}" id="${name}-${i}" name="${name}" value="${o.value}" ${attr('checked', given.includes(o.value))} />
          <label for="${name}-${i}">${o.label}</label>
        </div>`,
      )}
    </div>
  </fieldset>`;
}

export interface AnswerPageInput {
  consultation: ConsultationRow;
  questions: Question[];
  fields: SubmittedFields;
  errors: FieldError[];
  /** The invitation's token, carried by the form (consultations open to a list). */
  token: string;
}

/** The answering form: every question (conditional ones with their condition), CSRF, error summary. */
export function answerPage(ctx: PageContext, input: AnswerPageInput): SafeHtml {
  const c = input.consultation;
  const who =
    c.audience === 'public' && !c.anonymous
      ? html`<fieldset class="form-section">
          <legend><h2>Vous</h2></legend>
          <p class="hint">Cette consultation n’est pas anonyme : votre nom et votre adresse sont gardés avec vos réponses.</p>
          ${(['nom', 'email'] as const).map((name) => {
            const error = errorOf(input.errors, name);
            return html`<div class="field${error ? ' field-error' : ''}">
              <label for="${name}">${name === 'nom' ? 'Nom et prénom' : 'Adresse électronique'}</label>
              ${error ? html`<span class="error-message" id="${name}-error">${error}</span>` : ''}
              <input
                type="${name === 'email' ? 'email' : 'text'}"
                id="${name}"
                name="${name}"
                autocomplete="${name === 'email' ? 'email' : 'name'}"
                value="${values(input.fields, name)[0] ?? ''}"
                ${error ? html`aria-describedby="${name}-error" aria-invalid="true"` : ''}
              />
            </div>`;
          })}
        </fieldset>`
      : '';
  const main = html`${errorSummary(input.errors)}
    <h1>${c.title}</h1>
    ${c.description ? html`<p class="lead keep-lines">${c.description}</p>` : ''}
    <p>
      Vous pouvez répondre jusqu’au ${formatDateTimeFr(c.closes_at)}.
      ${c.anonymous ? 'Vos réponses sont anonymes : ni votre nom ni votre adresse ne sont gardés avec elles.' : ''}
    </p>
    <form method="post" action="${url(ctx, `${PUBLIC_LIST}/${c.id}`)}" class="demarche-form" novalidate>
      ${csrfField(ctx)} ${input.token ? html`<input type="hidden" name="jeton" value="${input.token}" />` : ''}
      <p>Les questions sont obligatoires, sauf celles marquées « facultatif ».</p>
      ${who} ${input.questions.map((q) => questionBlock(q, input.questions, input.fields, input.errors))}
      <button type="submit" class="button">Envoyer mes réponses</button>
    </form>
    <script src="/static/form.js" defer></script>`;
  return layout(ctx, {
    title: c.title,
    main,
    errors: input.errors,
    breadcrumbs: [{ label: 'Accueil', href: '/' }, { label: 'Consultations', href: PUBLIC_LIST }, { label: c.title }],
  });
}

/** After an answer. */
export function thanksPage(ctx: PageContext, input: { consultation: ConsultationRow }): SafeHtml {
  const c = input.consultation;
  const main = html`<div class="panel-success">
      <h1>Merci, vos réponses sont enregistrées</h1>
      <p>Votre avis sur « ${c.title} » sera lu par la mairie avec celui des autres habitants.</p>
    </div>
    <p><a href="${url(ctx, PUBLIC_LIST)}">Voir les autres consultations en cours</a></p>
    <p><a href="${url(ctx, '/')}">Revenir à l’accueil</a></p>`;
  return layout(ctx, {
    title: 'Merci pour vos réponses',
    main,
    breadcrumbs: [{ label: 'Accueil', href: '/' }, { label: 'Merci' }],
  });
}

/** A consultation that takes no answer now (not yet open, closed) or a link that does not open it. */
export function unavailablePage(ctx: PageContext, input: { title: string; message: string }): SafeHtml {
  const main = html`<h1>${input.title}</h1>
    <p>${input.message}</p>
    <p><a href="${url(ctx, PUBLIC_LIST)}">Voir les consultations en cours</a></p>`;
  return layout(ctx, {
    title: input.title,
    main,
    breadcrumbs: [
      { label: 'Accueil', href: '/' },
      { label: 'Consultations', href: PUBLIC_LIST },
      { label: input.title },
    ],
  });
}
