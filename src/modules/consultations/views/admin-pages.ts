import { attr, html, type SafeHtml } from '../../../platform/html.ts';
import { formatDateTimeFr, formatNumberFr } from '../../../platform/format.ts';
import { errorOf, type FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { adminNav } from '../../agents/views/admin-nav.ts';
import {
  DESCRIPTION_MAX,
  HINT_MAX,
  LABEL_MAX,
  OPTION_MAX,
  QUESTION_KINDS,
  TITLE_MAX,
  type ConsultationValues,
  type QuestionValues,
} from '../forms.ts';
import { consultationState, STATE_LABELS, type ConsultationState, type Question } from '../questionnaire.ts';
import type { ConsultationRow } from '../repository.ts';
import { conditionValue } from '../save-question.ts';

export const CONSULTATIONS_PAGE = '/agent/admin/consultations';

export type Audience = 'admin' | 'supervisor';

export function stateBadge(state: ConsultationState): SafeHtml {
  return html`<span class="status consultation-${state}">${STATE_LABELS[state]}</span>`;
}

function errorLine(errors: FieldError[], field: string): SafeHtml | '' {
  const message = errorOf(errors, field);
  return message ? html`<span class="error-message" id="${field}-error">${message}</span>` : '';
}

function described(field: string, errors: FieldError[], hint: boolean): SafeHtml | '' {
  const ids = [hint ? `${field}-hint` : '', errorOf(errors, field) ? `${field}-error` : ''].filter(Boolean).join(' ');
  return ids ? html`aria-describedby="${ids}"` : '';
}

function textInput(input: {
  name: string;
  label: string;
  value: string;
  errors: FieldError[];
  hint?: string;
  type?: 'text' | 'date' | 'time';
  short?: boolean;
}): SafeHtml {
  const error = errorOf(input.errors, input.name);
  return html`<div class="field${error ? ' field-error' : ''}">
    <label for="${input.name}">${input.label}</label>
    ${input.hint ? html`<span class="hint" id="${input.name}-hint">${input.hint}</span>` : ''}
    ${errorLine(input.errors, input.name)}
    <input
      type="${input.type ?? 'text'}"
      id="${input.name}"
      name="${input.name}"
      value="${input.value}"
      class="${input.short ? 'input-short' : ''}"
      ${described(input.name, input.errors, Boolean(input.hint))}
      ${error ? html`aria-invalid="true"` : ''}
    />
  </div>`;
}

function radios(input: {
  name: string;
  legend: string;
  options: { value: string; label: string }[];
  value: string;
  errors: FieldError[];
  disabled?: boolean;
}): SafeHtml {
  const error = errorOf(input.errors, input.name);
  return html`<fieldset class="field${error ? ' field-error' : ''}" ${described(input.name, input.errors, false)}>
    <legend>${input.legend}</legend>
    ${errorLine(input.errors, input.name)}
    ${input.options.map(
      (o, i) =>
        html`<div class="choice">
          <input
            type="radio"
            id="${input.name}-${i}"
            name="${input.name}"
            value="${o.value}"
            ${attr('checked', input.value === o.value)}
            ${attr('disabled', Boolean(input.disabled))}
          />
          <label for="${input.name}-${i}">${o.label}</label>
        </div>`,
    )}
  </fieldset>`;
}

function page(
  ctx: PageContext,
  audience: Audience,
  input: {
    title: string;
    main: SafeHtml;
    errors?: FieldError[];
    notice?: string;
    crumbs?: { label: string; href?: string }[];
  },
) {
  return layout(ctx, {
    title: input.title,
    main: html`${adminNav(ctx, CONSULTATIONS_PAGE, audience)} ${input.main}`,
    area: 'agent',
    errors: input.errors,
    notice: input.notice,
    breadcrumbs: [
      { label: 'Demandes', href: '/agent/demandes' },
      { label: 'Consultations', href: CONSULTATIONS_PAGE },
      ...(input.crumbs ?? []),
    ],
  });
}

/** « Consultations »: every consultation, its state and answers, and the way to create one. */
export function consultationListPage(
  ctx: PageContext,
  audience: Audience,
  input: { consultations: (ConsultationRow & { response_count: number | null })[]; now: Date; notice?: string },
): SafeHtml {
  const main = html`<h1>Consultations</h1>
    <p>
      Demandez l’avis des habitants : un questionnaire ouvert à tous ou à une liste d’adresses, anonyme ou non, entre deux
      dates. Les résultats se lisent ici, avec des graphiques, et s’exportent en CSV et en JSON.
    </p>
    <p><a class="button" href="${url(ctx, `${CONSULTATIONS_PAGE}/nouvelle`)}">Nouvelle consultation</a></p>
    ${
      input.consultations.length === 0
        ? html`<p>Aucune consultation pour l’instant.</p>`
        : html`<div class="table-wrap">
            <table class="table">
              <caption>
                Consultations, les plus récentes d’abord
              </caption>
              <thead>
                <tr>
                  <th scope="col">Titre</th>
                  <th scope="col">État</th>
                  <th scope="col">Ouverture</th>
                  <th scope="col">Clôture</th>
                  <th scope="col">Réponses</th>
                </tr>
              </thead>
              <tbody>
                ${input.consultations.map(
                  (c) => html`<tr>
                    <th scope="row"><a href="${url(ctx, `${CONSULTATIONS_PAGE}/${c.id}`)}">${c.title}</a></th>
                    <td>${stateBadge(consultationState(c, input.now))}</td>
                    <td>${formatDateTimeFr(c.opens_at)}</td>
                    <td>${formatDateTimeFr(c.closes_at)}</td>
                    <td>
                      ${
                        c.published_at
                          ? html`<a href="${url(ctx, `${CONSULTATIONS_PAGE}/${c.id}/resultats`)}">${formatNumberFr(c.response_count ?? 0)}</a>`
                          : '–'
                      }
                    </td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }`;
  return page(ctx, audience, { title: 'Consultations', main, notice: input.notice });
}

/** The settings' fields; once published, who may answer and the anonymity are shown but fixed. */
function settingsFields(v: ConsultationValues, errors: FieldError[], published: boolean): SafeHtml {
  return html`${textInput({ name: 'titre', label: 'Titre', value: v.titre, errors, hint: `Ce que les habitants lisent d’abord. ${TITLE_MAX} caractères au plus.` })}
    <div class="field${errorOf(errors, 'description') ? ' field-error' : ''}">
      <label for="description">Présentation</label>
      <span class="hint" id="description-hint"
        >Pourquoi vous demandez leur avis et ce que vous en ferez. ${DESCRIPTION_MAX} caractères au plus.</span
      >
      ${errorLine(errors, 'description')}
      <textarea id="description" name="description" rows="4" ${described('description', errors, true)}>
${v.description}</textarea
      >
    </div>
    ${radios({
      name: 'public',
      legend: 'Qui peut répondre ?',
      value: v.public,
      errors,
      disabled: published,
      options: [
        { value: 'public', label: 'Tout le monde : la consultation est listée sur le site' },
        {
          value: 'invited',
          label: 'Une liste d’adresses : chacune reçoit par courriel un lien pour une seule réponse',
        },
      ],
    })}
    ${radios({
      name: 'anonyme',
      legend: 'Les réponses sont-elles anonymes ?',
      value: v.anonyme,
      errors,
      disabled: published,
      options: [
        { value: 'oui', label: 'Oui : aucun nom ni adresse n’est gardé avec les réponses' },
        { value: 'non', label: 'Non : le nom et l’adresse électronique sont gardés avec chaque réponse' },
      ],
    })}
    ${published ? html`<input type="hidden" name="public" value="${v.public}" /><input type="hidden" name="anonyme" value="${v.anonyme}" />` : ''}
    <fieldset class="form-section">
      <legend>Dates (heure de Paris)</legend>
      ${textInput({ name: 'ouverture_jour', label: 'Jour d’ouverture', value: v.ouverture_jour, errors, type: 'date', short: true, hint: 'Par exemple 05/01/2027.' })}
      ${textInput({ name: 'ouverture_heure', label: 'Heure d’ouverture', value: v.ouverture_heure, errors, type: 'time', short: true, hint: 'Par exemple 9:00. Vide : minuit.' })}
      ${textInput({ name: 'cloture_jour', label: 'Jour de clôture', value: v.cloture_jour, errors, type: 'date', short: true, hint: 'Par exemple 31/01/2027.' })}
      ${textInput({ name: 'cloture_heure', label: 'Heure de clôture', value: v.cloture_heure, errors, type: 'time', short: true, hint: 'Par exemple 18:00. Vide : 23 h 59.' })}
    </fieldset>`;
}

/** « Nouvelle consultation »: its settings; questions come next, on its page. */
export function newConsultationPage(
  ctx: PageContext,
  audience: Audience,
  input: { values: ConsultationValues; errors: FieldError[] },
) {
  const main = html`${errorSummary(input.errors)}
    <h1>Nouvelle consultation</h1>
    <p>Elle reste un brouillon, modifiable, jusqu’à ce que vous la publiiez. Vous ajouterez les questions à l’étape suivante.</p>
    <form method="post" action="${url(ctx, `${CONSULTATIONS_PAGE}/nouvelle`)}">
      ${csrfField(ctx)} ${settingsFields(input.values, input.errors, false)}
      <button type="submit" class="button">Créer le brouillon</button>
    </form>`;
  return page(ctx, audience, {
    title: 'Nouvelle consultation',
    main,
    errors: input.errors,
    crumbs: [{ label: 'Nouvelle consultation' }],
  });
}

/** How a question reads in the list: its type, required or not, its choices, its condition. */
function questionSummary(q: Question, all: readonly Question[]): SafeHtml {
  const source = q.conditionQuestionId ? all.find((x) => x.id === q.conditionQuestionId) : undefined;
  return html`<p class="hint">
      ${QUESTION_KINDS[q.kind]}${q.required ? ' · obligatoire' : ' · facultative'}
      ${q.kind === 'scale' ? html` · de ${q.scaleMin} à ${q.scaleMax}` : ''}
    </p>
    ${q.options.length > 0 ? html`<ul>${q.options.map((o) => html`<li>${o}</li>`)}</ul>` : ''}
    ${source ? html`<p>Posée seulement si la réponse à la question ${source.position} est « ${q.conditionValues.join(' » ou « ')} ».</p>` : ''}`;
}

/** The question form's fields (adding on the consultation's page, changing on the question's). */
export function questionFields(v: QuestionValues, errors: FieldError[], earlier: readonly Question[]): SafeHtml {
  const conditions = earlier
    .filter((q) => q.kind === 'single' || q.kind === 'multiple')
    .flatMap((q) =>
      q.options.map((o, i) => ({
        value: conditionValue(q.id, i),
        label: `Question ${q.position} (« ${q.label} ») : « ${o} »`,
      })),
    );
  const conditionError = errorOf(errors, 'condition');
  return html`${textInput({ name: 'intitule', label: 'Question', value: v.intitule, errors, hint: `${LABEL_MAX} caractères au plus.` })}
    ${textInput({ name: 'aide', label: 'Aide (facultatif)', value: v.aide, errors, hint: `Une précision lue sous la question. ${HINT_MAX} caractères au plus.` })}
    ${radios({
      name: 'type',
      legend: 'Type de question',
      value: v.type,
      errors,
      options: Object.entries(QUESTION_KINDS).map(([value, label]) => ({ value, label })),
    })}
    <div class="field${errorOf(errors, 'choix') ? ' field-error' : ''}">
      <label for="choix">Choix (pour un choix unique ou multiple)</label>
      <span class="hint" id="choix-hint">Un par ligne, au moins deux. ${OPTION_MAX} caractères au plus chacun.</span>
      ${errorLine(errors, 'choix')}
      <textarea id="choix" name="choix" rows="4" ${described('choix', errors, true)}>
${v.choix}</textarea
      >
    </div>
    <fieldset class="form-section">
      <legend>Échelle (pour une question de type échelle)</legend>
      <div class="field">
        <label for="echelle_min">De</label>
        <select id="echelle_min" name="echelle_min">
          ${['0', '1'].map((n) => html`<option value="${n}" ${attr('selected', v.echelle_min === n)}>${n}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="echelle_max">À</label>
        <select id="echelle_max" name="echelle_max">
          ${['3', '4', '5', '6', '7', '10'].map((n) => html`<option value="${n}" ${attr('selected', v.echelle_max === n)}>${n}</option>`)}
        </select>
      </div>
      ${textInput({ name: 'echelle_libelle_min', label: 'Ce que veut dire la plus petite note', value: v.echelle_libelle_min, errors, hint: 'Par exemple « Pas du tout satisfait ».' })}
      ${textInput({ name: 'echelle_libelle_max', label: 'Ce que veut dire la plus grande note', value: v.echelle_libelle_max, errors, hint: 'Par exemple « Très satisfait ».' })}
    </fieldset>
    <div class="field${conditionError ? ' field-error' : ''}">
      <label for="condition">Poser cette question</label>
      <span class="hint" id="condition-hint"
        >Une question peut dépendre d’une réponse à une question à choix posée avant elle. Sans JavaScript, elle est affichée
        avec « Si vous avez répondu … » et sa réponse n’est gardée que si la condition est remplie.</span
      >
      ${errorLine(errors, 'condition')}
      <select id="condition" name="condition" ${described('condition', errors, true)}>
        <option value="">Toujours</option>
        ${conditions.map((c) => html`<option value="${c.value}" ${attr('selected', v.condition === c.value)}>Seulement si la réponse à la ${c.label}</option>`)}
      </select>
    </div>
    <div class="choice">
      <input type="checkbox" id="obligatoire" name="obligatoire" value="oui" ${attr('checked', v.obligatoire)} />
      <label for="obligatoire">Réponse obligatoire</label>
    </div>`;
}

export interface ConsultationPageInput {
  consultation: ConsultationRow;
  now: Date;
  settings: { values: ConsultationValues; errors: FieldError[] };
  questions: Question[];
  newQuestion: { values: QuestionValues; errors: FieldError[] };
  invitations: { sent: number; used: number; values: { adresses: string }; errors: FieldError[] };
  responses: number;
  publishError?: string;
  notice?: string;
}

/**
 * A consultation's page: its state, settings, questions (changed while a draft; frozen once
 * published, and the page says why), publication, invitations for a list, and results.
 */
export function consultationPage(ctx: PageContext, audience: Audience, input: ConsultationPageInput): SafeHtml {
  const c = input.consultation;
  const state = consultationState(c, input.now);
  const published = c.published_at !== null;
  const base = `${CONSULTATIONS_PAGE}/${c.id}`;
  const errors: FieldError[] = [
    ...(input.publishError ? [{ field: 'publier', message: input.publishError }] : []),
    ...input.newQuestion.errors,
    ...input.invitations.errors,
    ...input.settings.errors,
  ];
  const main = html`${errorSummary(errors)}
    <h1>${c.title}</h1>
    <p>${stateBadge(state)} Du ${formatDateTimeFr(c.opens_at)} au ${formatDateTimeFr(c.closes_at)}.</p>
    ${
      published
        ? html`<p>
            <a href="${url(ctx, `${base}/resultats`)}">Voir les résultats (${formatNumberFr(input.responses)} réponse${input.responses > 1 ? 's' : ''})</a>
            ${c.audience === 'public' ? html` · <a href="${url(ctx, `/consultations/${c.id}`)}">Voir la page publique</a>` : ''}
          </p>`
        : ''
    }

    <h2 id="questions">Questions</h2>
    ${
      published
        ? html`<p class="warning">
            Cette consultation est publiée : ses questions ne peuvent plus changer, pour que toutes les réponses portent sur les
            mêmes questions. Pour poser d’autres questions, créez une nouvelle consultation.
          </p>`
        : ''
    }
    ${
      input.questions.length === 0
        ? html`<p>Aucune question pour l’instant.</p>`
        : html`<ol class="consultation-questions">
            ${input.questions.map(
              (q) => html`<li>
                <h3>${q.label}</h3>
                ${questionSummary(q, input.questions)}
                ${
                  published
                    ? ''
                    : html`<div class="actions-inline">
                        <a href="${url(ctx, `${base}/questions/${q.id}`)}">Modifier<span class="visually-hidden"> la question ${q.position}</span></a>
                        <form method="post" action="${url(ctx, `${base}/questions/${q.id}/supprimer`)}" class="inline-form">
                          ${csrfField(ctx)}
                          <button type="submit" class="link-button">Supprimer<span class="visually-hidden"> la question ${q.position}</span></button>
                        </form>
                      </div>`
                }
              </li>`,
            )}
          </ol>`
    }
    ${
      published
        ? ''
        : html`<h2 id="ajouter">Ajouter une question</h2>
            <form method="post" action="${url(ctx, `${base}/questions`)}">
              ${csrfField(ctx)} ${questionFields(input.newQuestion.values, input.newQuestion.errors, input.questions)}
              <button type="submit" class="button">Ajouter la question</button>
            </form>
            <h2>Publier</h2>
            <p>
              Une fois publiée, la consultation ouvre aux habitants à sa date d’ouverture. Ses questions ne pourront plus
              changer ; le titre, la présentation et les dates, si.
            </p>
            <form method="post" action="${url(ctx, `${base}/publier`)}">
              ${csrfField(ctx)}
              <button type="submit" class="button" id="publier">Publier la consultation</button>
            </form>`
    }
    ${
      c.audience === 'invited'
        ? html`<h2 id="invitations">Invitations</h2>
            <p>
              ${formatNumberFr(input.invitations.sent)} invitation${input.invitations.sent > 1 ? 's' : ''} envoyée${input.invitations.sent > 1 ? 's' : ''},
              ${formatNumberFr(input.invitations.used)} réponse${input.invitations.used > 1 ? 's' : ''} reçue${input.invitations.used > 1 ? 's' : ''}.
            </p>
            ${
              published
                ? html`<form method="post" action="${url(ctx, `${base}/invitations`)}">
                    ${csrfField(ctx)}
                    <div class="field${errorOf(input.invitations.errors, 'adresses') ? ' field-error' : ''}">
                      <label for="adresses">Adresses électroniques à inviter</label>
                      <span class="hint" id="adresses-hint"
                        >Une par ligne. Chacune reçoit un lien personnel, valable pour une seule réponse. Une adresse déjà
                        invitée ne reçoit rien de plus.</span
                      >
                      ${errorLine(input.invitations.errors, 'adresses')}
                      <textarea id="adresses" name="adresses" rows="6" ${described('adresses', input.invitations.errors, true)}>
${input.invitations.values.adresses}</textarea
                      >
                    </div>
                    <button type="submit" class="button">Envoyer les invitations</button>
                  </form>`
                : html`<p>Vous enverrez les invitations une fois la consultation publiée.</p>`
            }`
        : ''
    }
    <h2 id="reglages">Réglages</h2>
    <form method="post" action="${url(ctx, base)}">
      ${csrfField(ctx)} ${settingsFields(input.settings.values, input.settings.errors, published)}
      <button type="submit" class="button">Enregistrer les réglages</button>
    </form>`;
  return page(ctx, audience, {
    title: c.title,
    main,
    errors,
    notice: input.notice,
    crumbs: [{ label: c.title }],
  });
}

/** « Modifier la question »: a draft's question, with the choices of the questions before it. */
export function questionPage(
  ctx: PageContext,
  audience: Audience,
  input: {
    consultation: ConsultationRow;
    question: Question;
    questions: Question[];
    values: QuestionValues;
    errors: FieldError[];
  },
): SafeHtml {
  const c = input.consultation;
  const base = `${CONSULTATIONS_PAGE}/${c.id}`;
  const title = `Modifier la question ${input.question.position}`;
  const main = html`${errorSummary(input.errors)}
    <h1>${title}</h1>
    <form method="post" action="${url(ctx, `${base}/questions/${input.question.id}`)}">
      ${csrfField(ctx)}
      ${questionFields(
        input.values,
        input.errors,
        input.questions.filter((q) => q.position < input.question.position),
      )}
      <button type="submit" class="button">Enregistrer la question</button>
    </form>
    <p><a href="${url(ctx, base)}">Revenir à la consultation</a></p>`;
  return page(ctx, audience, {
    title,
    main,
    errors: input.errors,
    crumbs: [{ label: c.title, href: base }, { label: title }],
  });
}
