import type { ActionStatus } from '../../../db/schema.ts';
import { formatDateFr } from '../../../platform/format.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import type { FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import type { ShareExperienceValues } from '../forms.ts';
import { ACTION_STATUS_LABELS, TONE_LABELS, TONES } from '../labels.ts';
import type { ActionWithExperiences, PublishedExperience } from '../repository.ts';
import { radioGroup, selectField, textareaField, textField } from '../../../platform/web/fields.ts';

export const EXPERIENCES_PATH = '/experiences';
export const SHARE_PATH = '/experiences/partager';
export const THANKS_PATH = '/experiences/merci';
export const ACTIONS_PATH = '/vous-avez-dit-nous-avons-fait';

function actionStatus(status: ActionStatus): SafeHtml {
  return html`<strong class="tag action-${status}">${ACTION_STATUS_LABELS[status]}</strong>`;
}

/** « Partager votre expérience »: the citizen's form, without JavaScript. */
export function sharePage(
  ctx: PageContext,
  input: { values: ShareExperienceValues; errors: FieldError[]; services: { id: string; name: string }[] },
): SafeHtml {
  const v = input.values;
  const main = html`${errorSummary(input.errors)}
    <h1>Partager votre expérience</h1>
    <p class="lead">
      Racontez-nous comment s’est passée votre démarche, à l’accueil, au téléphone ou en ligne. Bonne ou mauvaise, votre
      expérience nous aide à nous améliorer.
    </p>
    <p>
      Avant de la publier, un agent la relit et retire les données personnelles (noms, adresses, numéros de téléphone,
      courriels, dates de naissance, numéros de dossier). Le service concerné vous répond publiquement.
    </p>
    <p>
      Vous attendez une réponse sur votre dossier ou vous contestez une décision ?
      <a href="${url(ctx, '/contact')}">Écrivez-nous plutôt</a> : un agent traitera votre demande.
    </p>
    <form method="post" action="${url(ctx, SHARE_PATH)}" novalidate>
      ${csrfField(ctx)}
      ${radioGroup({
        name: 'ton',
        label: 'Votre expérience est plutôt :',
        value: v.ton,
        options: TONES.map((t) => ({ value: t, label: TONE_LABELS[t] })),
        errors: input.errors,
      })}
      ${textField({
        name: 'titre',
        label: 'Titre',
        hint: 'En quelques mots, par exemple « Accueil rapide pour ma carte d’identité ».',
        value: v.titre,
        maxlength: 120,
        errors: input.errors,
      })}
      ${textareaField({
        name: 'recit',
        label: 'Votre expérience',
        hint: 'Ce qui s’est passé, ce qui vous a aidé ou gêné. 4 000 caractères au plus.',
        value: v.recit,
        rows: 8,
        errors: input.errors,
      })}
      ${selectField({
        name: 'service',
        label: 'Service concerné',
        optional: true,
        value: v.service,
        empty: 'Je ne sais pas',
        options: input.services.map((s) => ({ value: s.id, label: s.name })),
        errors: input.errors,
      })}
      <fieldset class="form-section">
        <legend><h2>Vous contacter</h2></legend>
        <p class="hint">Facultatif. Votre nom et votre adresse ne sont jamais publiés.</p>
        ${textField({
          name: 'nom',
          label: 'Votre nom',
          optional: true,
          value: v.nom,
          autocomplete: 'name',
          errors: input.errors,
        })}
        ${textField({
          name: 'courriel',
          label: 'Votre adresse électronique',
          hint: 'Pour vous prévenir quand le service a répondu.',
          optional: true,
          type: 'email',
          value: v.courriel,
          autocomplete: 'email',
          errors: input.errors,
        })}
      </fieldset>
      <div class="field${input.errors.some((e) => e.field === 'accord') ? ' field-error' : ''}">
        ${
          input.errors.some((e) => e.field === 'accord')
            ? html`<span class="error-message" id="accord-error">
              ${input.errors.find((e) => e.field === 'accord')!.message}
            </span>`
            : ''
        }
        <div class="checkbox">
          <input
            type="checkbox"
            id="accord"
            name="accord"
            value="oui"
            ${v.accord ? html`checked` : ''}
            ${input.errors.some((e) => e.field === 'accord') ? html`aria-describedby="accord-error" aria-invalid="true"` : ''}
          />
          <label for="accord">J’accepte que mon expérience soit publiée sur ce site, sans mes données personnelles.</label>
        </div>
      </div>
      <button type="submit" class="button">Envoyer mon expérience</button>
    </form>`;
  return layout(ctx, {
    title: 'Partager votre expérience',
    main,
    errors: input.errors,
    breadcrumbs: [
      { label: 'Accueil', href: '/' },
      { label: 'Vos expériences', href: EXPERIENCES_PATH },
      { label: 'Partager' },
    ],
  });
}

export function thanksPage(ctx: PageContext): SafeHtml {
  const main = html`<div class="panel-success">
      <h1>Merci pour votre expérience</h1>
      <p>Nous l’avons bien reçue. Un agent la relit avant de la publier, sans vos données personnelles.</p>
    </div>
    <p><a href="${url(ctx, EXPERIENCES_PATH)}">Lire les expériences publiées et nos réponses</a></p>
    <p><a href="${url(ctx, ACTIONS_PATH)}">Voir ce que nous avons changé grâce à vous</a></p>`;
  return layout(ctx, { title: 'Merci pour votre expérience', main });
}

function experienceCard(e: PublishedExperience): SafeHtml {
  return html`<li>
    <article class="experience" aria-labelledby="experience-${e.id}">
      <h2 id="experience-${e.id}">${e.title}</h2>
      <p class="experience-meta">
        <strong class="tag tone-${e.tone}">Expérience ${TONE_LABELS[e.tone].toLowerCase()}</strong>
        ${e.serviceName ? html`Service : ${e.serviceName}. ` : ''}Publiée le ${formatDateFr(e.publishedAt)}.
      </p>
      <p class="keep-lines">${e.story}</p>
      ${
        e.answer
          ? html`<div class="experience-answer">
              <h3>Réponse du service</h3>
              <p class="keep-lines">${e.answer}</p>
              <p class="experience-signature">${e.answerSignature}, le ${formatDateFr(e.answeredAt!)}</p>
            </div>`
          : html`<p class="hint">Le service n’a pas encore répondu.</p>`
      }
      ${
        e.actions.length > 0
          ? html`<p>
              Ce que nous avons décidé :
              ${e.actions.map((a, i) => html`${i > 0 ? ', ' : ''}« ${a.title} » ${actionStatus(a.status)}`)}
            </p>`
          : ''
      }
    </article>
  </li>`;
}

/** The published experiences, newest first, each with the service's answer and the actions it led to. */
export function experiencesPage(ctx: PageContext, input: { experiences: PublishedExperience[] }): SafeHtml {
  const main = html`<h1>Vos expériences, nos réponses</h1>
    <p class="lead">
      Les usagers racontent leur expérience avec nos services ; le service concerné leur répond. Les textes sont relus
      et les données personnelles retirées avant publication.
    </p>
    <p class="cta actions-inline">
      <a class="button" href="${url(ctx, SHARE_PATH)}">Partager votre expérience</a>
      <a href="${url(ctx, ACTIONS_PATH)}">Vous avez dit, nous avons fait</a>
    </p>
    ${
      input.experiences.length === 0
        ? html`<p>Aucune expérience n’est publiée pour l’instant.</p>`
        : html`<ul class="experience-list">
            ${input.experiences.map(experienceCard)}
          </ul>`
    }`;
  return layout(ctx, {
    title: 'Vos expériences, nos réponses',
    main,
    breadcrumbs: [{ label: 'Accueil', href: '/' }, { label: 'Vos expériences' }],
  });
}

/** « Vous avez dit, nous avons fait »: the improvement actions, their status, the experiences behind them. */
export function actionsPage(ctx: PageContext, input: { actions: ActionWithExperiences[] }): SafeHtml {
  const main = html`<h1>Vous avez dit, nous avons fait</h1>
    <p class="lead">Ce que nous changeons grâce à vos expériences et à vos réclamations, et où nous en sommes.</p>
    ${
      input.actions.length === 0
        ? html`<p>Aucune action n’est publiée pour l’instant.</p>`
        : html`<ul class="experience-list">
            ${input.actions.map(
              (a) =>
                html`<li>
                  <article class="improvement-action" aria-labelledby="action-${a.id}">
                    <h2 id="action-${a.id}">${a.title}</h2>
                    <p class="experience-meta">
                      ${actionStatus(a.status)} ${a.serviceName ? html`Service : ${a.serviceName}. ` : ''}
                      ${
                        a.status === 'realisee' && a.doneAt
                          ? html`Réalisée le ${formatDateFr(a.doneAt)}.`
                          : html`Mise à jour le ${formatDateFr(a.updatedAt)}.`
                      }
                    </p>
                    ${a.description ? html`<p class="keep-lines">${a.description}</p>` : ''}
                    ${
                      a.experiences.length > 0
                        ? html`<p>Vous nous avez dit :</p>
                            <ul>
                              ${a.experiences.map((e) => html`<li>« ${e.title} »</li>`)}
                            </ul>`
                        : ''
                    }
                  </article>
                </li>`,
            )}
          </ul>`
    }
    <p><a href="${url(ctx, EXPERIENCES_PATH)}">Lire les expériences publiées</a></p>`;
  return layout(ctx, {
    title: 'Vous avez dit, nous avons fait',
    main,
    breadcrumbs: [{ label: 'Accueil', href: '/' }, { label: 'Vous avez dit, nous avons fait' }],
  });
}
