import { html, type SafeHtml } from '../../../platform/html.ts';
import { formatCharactersFr, formatDateFr } from '../../../platform/format.ts';
import { readabilityAttributes, readabilityHint } from '../../../platform/plain-language/readability-hint.ts';
import { errorOf, type FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { adminNav } from '../../agents/views/admin-nav.ts';
import { BODY_MAX, SIGNATURE_MAX, type ReplyTemplateValues } from '../forms.ts';
import type { ListedTemplateRow, ServiceSignatureRow } from '../repository.ts';
import { TEMPLATE_VARIABLES, unknownVariables } from '../template-variables.ts';

export const TEMPLATES_PAGE = '/agent/admin/modeles-de-reponse';

export interface ReplyTemplatesPageInput {
  templates: ListedTemplateRow[];
  /** The services whose signature the viewer may set. */
  services: ServiceSignatureRow[];
  /** Administrators see the administration menu. */
  isAdmin: boolean;
  /** A signature form sent with errors: its service, errors and what was typed. */
  signatureForm?: { serviceId: string; errors: FieldError[]; value: string };
  notice?: string;
}

function signatureForm(ctx: PageContext, input: ReplyTemplatesPageInput, s: ServiceSignatureRow): SafeHtml {
  const sent = input.signatureForm?.serviceId === s.id ? input.signatureForm : undefined;
  const error = sent ? errorOf(sent.errors, 'signature') : '';
  const id = `signature-${s.id}`;
  return html`<form method="post" action="${url(ctx, `/agent/admin/signatures/${s.id}`)}" class="signature-form">
    ${csrfField(ctx)}
    <div class="field${error ? ' field-error' : ''}">
      <label for="${id}">Signature du service ${s.name}</label>
      <span class="hint" id="${id}-hint"
        >Ajoutée à la fin de chaque réponse de ce service, dans le courriel et sur la page de suivi. Laissez vide
        pour ne rien ajouter. ${formatCharactersFr(SIGNATURE_MAX)} au plus.</span
      >
      ${error ? html`<span class="error-message" id="${id}-error">${error}</span>` : ''}
      <textarea
        id="${id}"
        name="signature"
        rows="3"
        aria-describedby="${id}-hint${error ? ` ${id}-error` : ''}"
        ${error ? html`aria-invalid="true"` : ''}
      >
${sent ? sent.value : s.reply_signature}</textarea
      >
    </div>
    <button type="submit" class="button secondary">Enregistrer la signature</button>
  </form>`;
}

/** The list of reply templates and the services' signatures. */
export function replyTemplatesPage(ctx: PageContext, input: ReplyTemplatesPageInput): SafeHtml {
  const errors = input.signatureForm?.errors ?? [];
  const main = html`${adminNav(ctx, TEMPLATES_PAGE, input.isAdmin ? 'admin' : 'supervisor')} ${errorSummary(errors)}
    <h1>Modèles de réponse</h1>
    <p>
      Les agents choisissent un modèle sur la page d’une demande : sa réponse s’écrit avec les informations de la
      demande, et ils la relisent avant de l’envoyer.
    </p>
    <p><a class="button" href="${url(ctx, `${TEMPLATES_PAGE}/nouveau`)}">Écrire un nouveau modèle</a></p>
    ${
      input.templates.length === 0
        ? html`<p>Aucun modèle pour le moment.</p>`
        : html`<table>
            <caption>
              Modèles que vous pouvez modifier
            </caption>
            <thead>
              <tr>
                <th scope="col">Titre</th>
                <th scope="col">Service</th>
                <th scope="col">Modifié le</th>
              </tr>
            </thead>
            <tbody>
              ${input.templates.map(
                (t) =>
                  html`<tr>
                    <td><a href="${url(ctx, `${TEMPLATES_PAGE}/${t.id}`)}">${t.title}</a></td>
                    <td>${t.service_name ?? 'Tous les services'}</td>
                    <td>${formatDateFr(t.updated_at)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    <h2>Signatures des services</h2>
    ${input.services.map((s) => signatureForm(ctx, input, s))}`;
  return layout(ctx, {
    title: 'Modèles de réponse',
    main,
    area: 'agent',
    errors,
    notice: input.notice,
    breadcrumbs: [{ label: 'Demandes', href: '/agent/demandes' }, { label: 'Modèles de réponse' }],
  });
}

export interface ReplyTemplateEditorInput {
  /** null: a new template. */
  id: string | null;
  values: ReplyTemplateValues;
  errors: FieldError[];
  /** The services the viewer may write templates for; `allServices` when they may write for all. */
  services: { id: string; name: string }[];
  allServices: boolean;
  isAdmin: boolean;
}

/** The editor of a template, with its variables and the readability hint of its text. */
export function replyTemplateEditor(ctx: PageContext, input: ReplyTemplateEditorInput): SafeHtml {
  const titleError = errorOf(input.errors, 'titre');
  const serviceError = errorOf(input.errors, 'service');
  const bodyError = errorOf(input.errors, 'texte');
  const unknown = unknownVariables(input.values.texte);
  const hint = readabilityHint(input.values.texte, 'texte-lisibilite', { live: true });
  const action = url(ctx, `${TEMPLATES_PAGE}/${input.id ?? 'nouveau'}`);
  const title = input.id ? 'Modifier le modèle' : 'Nouveau modèle de réponse';
  const main = html`${adminNav(ctx, TEMPLATES_PAGE, input.isAdmin ? 'admin' : 'supervisor')} ${errorSummary(input.errors)}
    <h1>${title}</h1>
    <form method="post" action="${action}">
      ${csrfField(ctx)}
      <div class="field${titleError ? ' field-error' : ''}">
        <label for="titre">Titre</label>
        <span class="hint" id="titre-hint">Ce que les agents voient dans la liste des modèles.</span>
        ${titleError ? html`<span class="error-message" id="titre-error">${titleError}</span>` : ''}
        <input
          type="text"
          id="titre"
          name="titre"
          value="${input.values.titre}"
          aria-describedby="titre-hint${titleError ? ' titre-error' : ''}"
          ${titleError ? html`aria-invalid="true"` : ''}
        />
      </div>
      <div class="field${serviceError ? ' field-error' : ''}">
        <label for="service">Service</label>
        ${serviceError ? html`<span class="error-message" id="service-error">${serviceError}</span>` : ''}
        <select id="service" name="service" ${serviceError ? html`aria-describedby="service-error" aria-invalid="true"` : ''}>
          ${
            input.allServices
              ? html`<option value="" ${input.values.service === '' ? html`selected` : ''}>Tous les services</option>`
              : ''
          }
          ${input.services.map(
            (s) =>
              html`<option value="${s.id}" ${input.values.service === s.id ? html`selected` : ''}>${s.name}</option>`,
          )}
        </select>
      </div>
      <div class="field${bodyError ? ' field-error' : ''}">
        <label for="texte">Texte du modèle</label>
        <div class="hint" id="texte-hint">
          <p>
            Écrivez comme vous parleriez à l’usager : des phrases courtes, « vous ». ${formatCharactersFr(BODY_MAX)}
            au plus. Ces variables sont remplacées par les informations de la demande :
          </p>
          <ul>
            ${TEMPLATE_VARIABLES.map((v) => html`<li><code>{{${v.name}}}</code> : ${v.description}</li>`)}
          </ul>
        </div>
        ${bodyError ? html`<span class="error-message" id="texte-error">${bodyError}</span>` : ''}
        ${
          unknown.length > 0
            ? html`<p class="warning" id="texte-inconnues">
                Variables inconnues, laissées telles quelles dans la réponse :
                ${unknown.map((n, i) => html`${i > 0 ? ', ' : ''}<code>{{${n}}}</code>`)}
              </p>`
            : ''
        }
        <textarea
          id="texte"
          name="texte"
          rows="12"
          aria-describedby="texte-hint${bodyError ? ' texte-error' : ''}${unknown.length > 0 ? ' texte-inconnues' : ''}${input.values.texte.trim() ? ' texte-lisibilite' : ''}"
          ${bodyError ? html`aria-invalid="true"` : ''}
          ${readabilityAttributes(ctx.base, 'texte-lisibilite')}
        >
${input.values.texte}</textarea
        >
        ${hint}
      </div>
      <button type="submit" class="button">Enregistrer le modèle</button>
      <button type="submit" class="button secondary" name="action" value="relire">Relire sans enregistrer</button>
    </form>
    ${
      input.id
        ? html`<form method="post" action="${url(ctx, `${TEMPLATES_PAGE}/${input.id}/supprimer`)}">
            ${csrfField(ctx)}
            <button type="submit" class="button secondary">Supprimer ce modèle</button>
          </form>`
        : ''
    }
    <p><a href="${url(ctx, TEMPLATES_PAGE)}">Revenir aux modèles</a></p>`;
  return layout(ctx, {
    title,
    main,
    area: 'agent',
    errors: input.errors,
    breadcrumbs: [
      { label: 'Demandes', href: '/agent/demandes' },
      { label: 'Modèles de réponse', href: TEMPLATES_PAGE },
      { label: title },
    ],
  });
}
