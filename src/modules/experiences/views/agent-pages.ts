import type { ExperienceStatus } from '../../../db/schema.ts';
import { formatDateFr, formatDateTimeFr } from '../../../platform/format.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import type { FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { ACTION_STATUS_LABELS, ACTION_STATUSES, EXPERIENCE_STATUS_LABELS, TONE_LABELS } from '../labels.ts';
import type { ActionWithExperiences, ExperienceDetailRow, listExperiencesForAgents } from '../repository.ts';
import { maskedSummary, type MaskResult } from '../anonymise-text.ts';
import { selectField, textareaField, textField } from '../../../platform/web/fields.ts';

export const AGENT_EXPERIENCES_PATH = '/agent/experiences';
export const AGENT_ACTIONS_PATH = '/agent/actions-amelioration';

type ListRow = Awaited<ReturnType<typeof listExperiencesForAgents>>[number];

const FILTERS: { value: ExperienceStatus | ''; label: string }[] = [
  { value: 'a_moderer', label: 'À modérer' },
  { value: 'publiee', label: 'Publiées' },
  { value: 'rejetee', label: 'Rejetées' },
  { value: '', label: 'Toutes' },
];

/** « Expériences des usagers »: the moderation queue first, then the others. */
export function agentExperiencesPage(
  ctx: PageContext,
  input: {
    rows: ListRow[];
    status: ExperienceStatus | null;
    toModerate: number;
    canManageActions: boolean;
    notice?: string;
  },
): SafeHtml {
  const main = html`<h1>Expériences des usagers</h1>
    <p>
      ${
        input.toModerate === 0
          ? 'Aucune expérience à modérer.'
          : `${input.toModerate} ${input.toModerate > 1 ? 'expériences attendent' : 'expérience attend'} une modération.`
      }
      Une expérience n’est publiée qu’après relecture ; une expérience rejetée ne l’est jamais.
    </p>
    <p>
      <a href="${url(ctx, '/experiences')}">Voir la page publique</a>
      ${input.canManageActions ? html` · <a href="${url(ctx, AGENT_ACTIONS_PATH)}">Actions d’amélioration</a>` : ''}
    </p>
    <nav aria-label="Filtrer les expériences">
      <ul class="inbox-views">
        ${FILTERS.map(
          (f) =>
            html`<li>
              <a
                href="${url(ctx, `${AGENT_EXPERIENCES_PATH}${f.value ? `?statut=${f.value}` : '?statut=toutes'}`)}"
                ${(input.status ?? '') === f.value ? html`aria-current="page"` : ''}
                >${f.label}</a
              >
            </li>`,
        )}
      </ul>
    </nav>
    ${
      input.rows.length === 0
        ? html`<p>Aucune expérience ici.</p>`
        : html`<div class="table-wrap">
            <table class="inbox">
              <caption>
                Expériences
              </caption>
              <thead>
                <tr>
                  <th scope="col">Titre</th>
                  <th scope="col">Ton</th>
                  <th scope="col">Service</th>
                  <th scope="col">Reçue le</th>
                  <th scope="col">État</th>
                </tr>
              </thead>
              <tbody>
                ${input.rows.map(
                  (r) =>
                    html`<tr>
                      <th scope="row">
                        <a href="${url(ctx, `${AGENT_EXPERIENCES_PATH}/${r.id}`)}">${r.published_title ?? r.masked_title}</a>
                      </th>
                      <td data-label="Ton">${TONE_LABELS[r.tone]}</td>
                      <td data-label="Service">${r.service_name ?? 'Non précisé'}</td>
                      <td data-label="Reçue le">${formatDateFr(r.created_at)}</td>
                      <td data-label="État">
                        ${EXPERIENCE_STATUS_LABELS[r.status]}${r.status === 'publiee' && !r.answered_at ? ' – sans réponse' : ''}
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }`;
  return layout(ctx, { title: 'Expériences des usagers', main, area: 'agent', notice: input.notice });
}

export interface ExperienceDetailInput {
  row: ExperienceDetailRow;
  /** The masker's findings on the original, for the moderator (empty once moderated). */
  masked: MaskResult['found'];
  canModerate: boolean;
  actions: ActionWithExperiences[];
  taggedActionIds: string[];
  form: {
    kind: 'publier' | 'rejeter' | 'reponse' | 'actions' | null;
    values: Record<string, string>;
    errors: FieldError[];
  };
  defaultSignature: string;
  notice?: string;
}

/** One experience: the original beside the masked proposal, moderation, the public answer, the actions. */
export function agentExperiencePage(ctx: PageContext, input: ExperienceDetailInput): SafeHtml {
  const r = input.row;
  const base = `${AGENT_EXPERIENCES_PATH}/${r.id}`;
  const errorsOf = (kind: ExperienceDetailInput['form']['kind']) => (input.form.kind === kind ? input.form.errors : []);
  const valueOf = (kind: ExperienceDetailInput['form']['kind'], name: string, fallback: string) =>
    input.form.kind === kind ? (input.form.values[name] ?? fallback) : fallback;
  const pending = r.status === 'a_moderer';
  const main = html`${errorSummary(input.form.errors)}
    <h1>${r.published_title ?? r.masked_title}</h1>
    <dl class="facts">
      <dt>État</dt>
      <dd>
        ${EXPERIENCE_STATUS_LABELS[r.status]}${
          r.moderator_name && r.moderated_at ? ` – par ${r.moderator_name} le ${formatDateTimeFr(r.moderated_at)}` : ''
        }
      </dd>
      <dt>Ton</dt>
      <dd>${TONE_LABELS[r.tone]}</dd>
      <dt>Service concerné</dt>
      <dd>${r.service_name ?? 'Non précisé'}</dd>
      <dt>Reçue le</dt>
      <dd>${formatDateTimeFr(r.created_at)}</dd>
      ${r.status === 'rejetee' ? html`<dt>Motif du rejet</dt><dd class="keep-lines">${r.rejection_reason}</dd>` : ''}
    </dl>
    ${
      pending && input.canModerate
        ? html`<h2>Texte reçu</h2>
            <p class="hint">Visible des modérateurs seulement ; il est effacé à la modération.</p>
            <p><strong>${r.title}</strong></p>
            <div class="message-body"><p>${r.story}</p></div>
            ${
              r.author_name || r.contact_email
                ? html`<p>Contact : ${[r.author_name, r.contact_email].filter(Boolean).join(', ')}</p>`
                : ''
            }
            <h2>Publier</h2>
            <p>
              ${
                input.masked.length > 0
                  ? html`Données masquées automatiquement : ${maskedSummary(input.masked)}. Vérifiez le texte : retirez ce qui
                  permettrait encore de reconnaître quelqu’un.`
                  : 'Aucune donnée personnelle détectée automatiquement. Vérifiez tout de même le texte.'
              }
            </p>
            <form method="post" action="${url(ctx, `${base}/publier`)}" novalidate>
              ${csrfField(ctx)}
              ${textField({
                name: 'titre',
                id: 'publier-titre',
                label: 'Titre publié',
                value: valueOf('publier', 'titre', r.masked_title),
                errors: errorsOf('publier'),
              })}
              ${textareaField({
                name: 'recit',
                id: 'publier-recit',
                label: 'Texte publié',
                value: valueOf('publier', 'recit', r.masked_story),
                rows: 10,
                errors: errorsOf('publier'),
              })}
              <button type="submit" class="button">Publier</button>
            </form>`
        : ''
    }
    ${
      r.status === 'publiee'
        ? html`<h2>Texte publié</h2>
            <div class="message-body"><p class="keep-lines">${r.published_story}</p></div>`
        : ''
    }
    ${
      r.status === 'publiee' && input.canModerate
        ? html`<h2 id="reponse-publique">Réponse publique</h2>
            ${
              r.answer
                ? html`<p class="hint">Publiée le ${formatDateTimeFr(r.answered_at!)}. Vous pouvez la modifier.</p>`
                : ''
            }
            <form method="post" action="${url(ctx, `${base}/reponse`)}" novalidate>
              ${csrfField(ctx)}
              ${textareaField({
                name: 'reponse',
                label: 'Réponse du service',
                hint: 'Publiée sous l’expérience. Remerciez, expliquez, dites ce qui change.',
                value: valueOf('reponse', 'reponse', r.answer ?? ''),
                rows: 6,
                errors: errorsOf('reponse'),
              })}
              ${textField({
                name: 'signature',
                label: 'Signature',
                value: valueOf('reponse', 'signature', r.answer_signature ?? input.defaultSignature),
                errors: errorsOf('reponse'),
              })}
              <button type="submit" class="button">Publier la réponse</button>
            </form>
            <h2 id="actions">Actions d’amélioration</h2>
            ${
              input.actions.length === 0
                ? html`<p>Aucune action d’amélioration n’est encore créée.</p>`
                : html`<form method="post" action="${url(ctx, `${base}/actions`)}">
                  ${csrfField(ctx)}
                  <fieldset class="field">
                    <legend>Cette expérience a conduit à :</legend>
                    ${input.actions.map(
                      (a) =>
                        html`<div class="choice">
                          <input
                            type="checkbox"
                            id="action-${a.id}"
                            name="actions"
                            value="${a.id}"
                            ${input.taggedActionIds.includes(a.id) ? html`checked` : ''}
                          />
                          <label for="action-${a.id}">${a.title} (${ACTION_STATUS_LABELS[a.status]})</label>
                        </div>`,
                    )}
                  </fieldset>
                  <button type="submit" class="button secondary">Enregistrer les actions</button>
                </form>`
            }`
        : ''
    }
    ${
      r.status !== 'rejetee' && input.canModerate
        ? html`<h2>${pending ? 'Rejeter' : 'Retirer de la publication'}</h2>
            <p>
              ${
                pending
                  ? 'Une expérience rejetée n’est jamais publiée.'
                  : 'Elle disparaît de la page publique avec sa réponse, définitivement.'
              }
              La personne reçoit le motif si elle a laissé son adresse.
            </p>
            <form method="post" action="${url(ctx, `${base}/rejeter`)}" novalidate>
              ${csrfField(ctx)}
              ${textareaField({
                name: 'motif',
                label: 'Motif',
                value: valueOf('rejeter', 'motif', ''),
                rows: 3,
                errors: errorsOf('rejeter'),
              })}
              <button type="submit" class="button secondary">${pending ? 'Rejeter' : 'Retirer'}</button>
            </form>`
        : ''
    }`;
  return layout(ctx, {
    title: r.published_title ?? r.masked_title,
    main,
    area: 'agent',
    breadcrumbs: [
      { label: 'Expériences', href: AGENT_EXPERIENCES_PATH },
      { label: r.published_title ?? r.masked_title },
    ],
    notice: input.notice,
    errors: input.form.errors,
  });
}

/** The supervisors' page of improvement actions: create one, move each through its statuses. */
export function agentActionsPage(
  ctx: PageContext,
  input: {
    actions: ActionWithExperiences[];
    services: { id: string; name: string }[];
    values: Record<'titre' | 'description' | 'statut' | 'service', string>;
    errors: FieldError[];
    notice?: string;
  },
): SafeHtml {
  const statusOptions = ACTION_STATUSES.map((s) => ({ value: s, label: ACTION_STATUS_LABELS[s] }));
  const main = html`${errorSummary(input.errors)}
    <h1>Actions d’amélioration</h1>
    <p>
      Publiées sur la page « <a href="${url(ctx, '/vous-avez-dit-nous-avons-fait')}">Vous avez dit, nous avons fait</a> »
      avec leur statut et les expériences qui y ont conduit.
    </p>
    ${
      input.actions.length === 0
        ? html`<p>Aucune action pour l’instant.</p>`
        : html`<ul class="experience-list">
            ${input.actions.map(
              (a) =>
                html`<li>
                  <h2>${a.title}</h2>
                  <p class="experience-meta">
                    ${a.serviceName ? `Service : ${a.serviceName}. ` : ''}${a.experiences.length}
                    ${a.experiences.length > 1 ? 'expériences liées' : 'expérience liée'}.
                  </p>
                  <form method="post" action="${url(ctx, `${AGENT_ACTIONS_PATH}/${a.id}`)}" class="inline-form">
                    ${csrfField(ctx)}
                    ${selectField({
                      name: 'statut',
                      id: `statut-${a.id}`,
                      label: 'Statut',
                      value: a.status,
                      options: statusOptions,
                      errors: [],
                    })}
                    <button type="submit" class="button secondary">Changer le statut</button>
                  </form>
                </li>`,
            )}
          </ul>`
    }
    <h2>Nouvelle action</h2>
    <form method="post" action="${url(ctx, AGENT_ACTIONS_PATH)}" novalidate>
      ${csrfField(ctx)}
      ${textField({ name: 'titre', label: 'Action', value: input.values.titre, errors: input.errors })}
      ${textareaField({
        name: 'description',
        label: 'Description',
        optional: true,
        value: input.values.description,
        rows: 3,
        errors: input.errors,
      })}
      ${selectField({ name: 'statut', label: 'Statut', value: input.values.statut, options: statusOptions, errors: input.errors })}
      ${selectField({
        name: 'service',
        label: 'Service',
        optional: true,
        value: input.values.service,
        empty: 'Toute la commune',
        options: input.services.map((s) => ({ value: s.id, label: s.name })),
        errors: input.errors,
      })}
      <button type="submit" class="button">Créer l’action</button>
    </form>`;
  return layout(ctx, {
    title: 'Actions d’amélioration',
    main,
    area: 'agent',
    notice: input.notice,
    errors: input.errors,
    breadcrumbs: [{ label: 'Expériences', href: AGENT_EXPERIENCES_PATH }, { label: 'Actions d’amélioration' }],
  });
}
