import { attr, html, type SafeHtml } from '../../../platform/html.ts';
import type { FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import type { SurveyValues } from '../forms.ts';
import type { SurveyRefusal } from '../open-survey.ts';
import { AGREEMENT_LEVELS, COMMENT_MAX_LENGTH, SATISFACTION_LEVELS, satisfactionQuestion } from '../questions.ts';

/** The first radio of each group: where the error summary sends the reader. */
const ANCHORS: Record<string, string> = {
  satisfaction: 'satisfaction-5',
  simple: 'simple-4',
  clair: 'clair-4',
  note: 'note-0',
};

function errorText(errors: FieldError[], field: string): SafeHtml | '' {
  const e = errors.find((x) => x.field === field);
  return e ? html`<span class="error-message" id="${field}-error">${e.message}</span>` : '';
}

/** One question as a group of radios: a fieldset whose legend is the question (read by screen readers). */
function radios(
  input: { name: string; legend: string; hint?: string; options: readonly { value: number; label: string }[] },
  values: SurveyValues,
  errors: FieldError[],
  inline = false,
): SafeHtml {
  const invalid = errors.some((e) => e.field === input.name);
  const described = [input.hint ? `${input.name}-hint` : null, invalid ? `${input.name}-error` : null]
    .filter(Boolean)
    .join(' ');
  const current = values[input.name as keyof SurveyValues];
  return html`<fieldset
    class="field${invalid ? ' field-error' : ''}"
    ${described ? html`aria-describedby="${described}"` : ''}
  >
    <legend>${input.legend}</legend>
    ${input.hint ? html`<span class="hint" id="${input.name}-hint">${input.hint}</span>` : ''}
    ${errorText(errors, input.name)}
    <div class="${inline ? 'scale-inline' : 'scale-list'}">
      ${input.options.map(
        (o) =>
          html`<div class="choice">
            <input
              type="radio"
              id="${input.name}-${o.value}"
              name="${input.name}"
              value="${o.value}"
              ${attr('checked', current === String(o.value))}
            />
            <label for="${input.name}-${o.value}">${o.label}</label>
          </div>`,
      )}
    </div>
  </fieldset>`;
}

export interface SurveyPageInput {
  /** Where the form posts. */
  action: string;
  subject: string;
  /** The request the answer may be linked to; null: no choice offered. */
  reference: string | null;
  online: boolean;
  values: SurveyValues;
  errors: FieldError[];
  /** A counter tablet: its name, and the thanks of the previous answer. */
  kiosk?: { name: string; thanked: boolean };
}

/**
 * The survey: one page, radios in fieldsets, no script. The first question is the only one
 * required; the link to the request is the citizen's choice, unticked by default.
 */
export function surveyPage(ctx: PageContext, input: SurveyPageInput): SafeHtml {
  const v = input.values;
  const commentInvalid = input.errors.some((e) => e.field === 'commentaire');
  const main = html`<h1>Votre avis</h1>
    ${errorSummary(input.errors.map((e) => ({ ...e, field: ANCHORS[e.field] ?? e.field })))}
    ${
      input.kiosk
        ? html`<p class="lead">Dites-nous comment s’est passée votre visite. Votre avis est anonyme.</p>`
        : html`<p class="lead">Trois questions, une minute. Seule la première est obligatoire.</p>`
    }
    <form method="post" action="${url(ctx, input.action)}" novalidate>
      ${csrfField(ctx)}
      ${radios(
        {
          name: 'satisfaction',
          legend: satisfactionQuestion(input.subject),
          options: SATISFACTION_LEVELS,
        },
        v,
        input.errors,
      )}
      ${radios(
        { name: 'simple', legend: 'Votre démarche a-t-elle été simple ?', options: AGREEMENT_LEVELS },
        v,
        input.errors,
      )}
      ${radios({ name: 'clair', legend: 'La réponse était-elle claire ?', options: AGREEMENT_LEVELS }, v, input.errors)}
      ${
        input.online
          ? radios(
              {
                name: 'note',
                legend: 'Quelle note donnez-vous à cette démarche en ligne ?',
                hint: 'De 0 (très mauvaise) à 10 (excellente).',
                options: Array.from({ length: 11 }, (_, i) => ({ value: i, label: String(i) })),
              },
              v,
              input.errors,
              true,
            )
          : ''
      }
      <div class="field${commentInvalid ? ' field-error' : ''}">
        <label for="commentaire">Un commentaire (facultatif)</label>
        <span class="hint" id="commentaire-hint"
          >${COMMENT_MAX_LENGTH.toLocaleString('fr-FR')} caractères au plus. N’y écrivez pas d’informations
          personnelles : ce que vous écrivez aide à améliorer le service.</span
        >
        ${errorText(input.errors, 'commentaire')}
        <textarea
          id="commentaire"
          name="commentaire"
          rows="4"
          aria-describedby="commentaire-hint${commentInvalid ? ' commentaire-error' : ''}"
          ${commentInvalid ? html`aria-invalid="true"` : ''}
        >
${v.commentaire}</textarea
        >
      </div>
      ${
        input.reference
          ? html`<div class="field">
              <div class="checkbox">
                <input type="checkbox" id="relier" name="relier" value="oui" ${attr('checked', v.relier)} aria-describedby="relier-hint" />
                <label for="relier">Relier mon avis à ma demande ${input.reference}</label>
              </div>
              <span class="hint" id="relier-hint"
                >Sans cette case, votre avis reste anonyme : l’agent ne saura pas qu’il vient de vous.</span
              >
            </div>`
          : ''
      }
      <button type="submit" class="button">Envoyer mon avis</button>
    </form>`;
  return layout(ctx, {
    title: 'Votre avis',
    main,
    errors: input.errors,
    ...(input.kiosk?.thanked
      ? { notice: 'Merci, votre avis est enregistré. La personne suivante peut répondre.' }
      : {}),
    assistantWidget: false,
  });
}

const REFUSALS: Record<SurveyRefusal | 'rate_limited', { title: string; text: string; status: number }> = {
  invalid: {
    title: 'Ce lien ne permet pas de répondre',
    text: 'Le lien est incomplet ou a été modifié. Ouvrez-le de nouveau depuis le message reçu, sans le changer.',
    status: 404,
  },
  other_tenant: {
    title: 'Ce lien vient d’une autre collectivité',
    text: 'Ce lien d’enquête a été envoyé par une autre collectivité : il ne s’ouvre que sur son site. Ouvrez-le tel quel depuis le message reçu.',
    status: 404,
  },
  expired: {
    title: 'Ce lien a expiré',
    text: 'Le délai pour donner votre avis sur cet échange est passé. Merci de votre intérêt.',
    status: 410,
  },
  answered: {
    title: 'Vous avez déjà donné votre avis',
    text: 'Un seul avis est possible pour chaque échange, et il est déjà enregistré. Merci !',
    status: 409,
  },
  rate_limited: {
    title: 'Trop d’avis envoyés depuis cette connexion',
    text: 'Pour que les résultats restent fiables, le nombre d’avis par jour depuis une même connexion est limité. Réessayez demain.',
    status: 429,
  },
};

/** The page a link that cannot be answered leads to: what happened, in one sentence, and its status. */
export function surveyRefusedPage(
  ctx: PageContext,
  reason: SurveyRefusal | 'rate_limited',
): { page: SafeHtml; status: number } {
  const r = REFUSALS[reason];
  return {
    status: r.status,
    page: layout(ctx, {
      title: r.title,
      main: html`<h1>${r.title}</h1>
        <p>${r.text}</p>
        <p><a href="${url(ctx, '/')}">Aller à l’accueil du site</a></p>`,
    }),
  };
}

export function surveyThanksPage(ctx: PageContext): SafeHtml {
  return layout(ctx, {
    title: 'Merci pour votre avis',
    main: html`<h1>Merci pour votre avis</h1>
      <p>Votre réponse est enregistrée. Elle compte dans les résultats que nous publions chaque jour.</p>
      <p><a href="${url(ctx, '/resultats')}">Voir nos résultats</a></p>
      <p><a href="${url(ctx, '/')}">Aller à l’accueil du site</a></p>`,
  });
}
