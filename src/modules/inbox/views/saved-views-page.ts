import { html, type SafeHtml } from '../../../platform/html.ts';
import type { FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import type { SavedViewRow } from '../repository.ts';

export const VIEWS_PAGE = '/agent/vues';

export interface SavedViewsPageInput {
  views: SavedViewRow[];
  viewerId: string;
  notice?: string;
  /** A form that came back with errors: the new view's ('nouvelle') or a rename (the view's id). */
  form?: { target: string; errors: FieldError[]; values: Record<string, string> };
  /** Services the agent may share a view with. */
  services: { id: string; name: string }[];
}

function fieldError(input: SavedViewsPageInput, target: string, field: string) {
  return input.form?.target === target ? input.form.errors.find((e) => e.field === field) : undefined;
}

/** « Mes vues »: the agent's saved views (rename, delete) and those colleagues share with them. */
export function savedViewsPage(ctx: PageContext, input: SavedViewsPageInput): SafeHtml {
  const own = input.views.filter((v) => v.agent_id === input.viewerId);
  const shared = input.views.filter((v) => v.agent_id !== input.viewerId);
  const newForm = input.form?.target === 'nouvelle' ? input.form : undefined;
  const nameError = fieldError(input, 'nouvelle', 'nom');
  const shareError = fieldError(input, 'nouvelle', 'partage');
  const main = html`<h1>Mes vues enregistrées</h1>
    ${errorSummary(input.form?.errors ?? [])}
    <p>
      Une vue garde des filtres et un tri de la <a href="${url(ctx, '/agent/demandes')}">liste des demandes</a> ;
      elle apparaît à côté des autres vues, avec son nombre de demandes. Pour en créer une, filtrez la liste puis
      choisissez « Enregistrer cette vue ».
    </p>
    ${
      newForm
        ? html`<h2>Enregistrer la vue</h2>
            <form method="post" action="${url(ctx, VIEWS_PAGE)}">
              ${csrfField(ctx)}
              <input type="hidden" name="requete" value="${newForm.values.requete ?? ''}" />
              <div class="field${nameError ? ' field-error' : ''}">
                <label for="nom">Nom de la vue</label>
                ${nameError ? html`<span class="error-message" id="nom-error">${nameError.message}</span>` : ''}
                <input type="text" id="nom" name="nom" maxlength="60" value="${newForm.values.nom ?? ''}" ${
                  nameError ? html`aria-invalid="true" aria-describedby="nom-error"` : ''
                } />
              </div>
              <div class="field${shareError ? ' field-error' : ''}">
                <label for="partage">Partager avec</label>
                ${shareError ? html`<span class="error-message" id="partage-error">${shareError.message}</span>` : ''}
                <select id="partage" name="partage">
                  <option value="">Personne (vue personnelle)</option>
                  ${input.services.map(
                    (s) =>
                      html`<option value="${s.id}" ${newForm.values.partage === s.id ? html`selected` : ''}>
                        Le service ${s.name}
                      </option>`,
                  )}
                </select>
              </div>
              <button type="submit" class="button">Enregistrer</button>
            </form>`
        : ''
    }
    <h2>Mes vues</h2>
    ${
      own.length === 0
        ? html`<p>Vous n’avez pas encore enregistré de vue.</p>`
        : html`<ul class="saved-view-list">
            ${own.map((v) => {
              const error = fieldError(input, v.id, 'nom');
              const id = `nom-${v.id}`;
              const typed = input.form?.target === v.id ? (input.form.values.nom ?? '') : v.name;
              return html`<li>
                <p>
                  <a href="${url(ctx, `/agent/demandes${v.query ? `?${v.query}` : ''}`)}">${v.name}</a>
                  ${v.shared_service_name ? html`<span class="hint">– partagée avec le service ${v.shared_service_name}</span>` : ''}
                </p>
                <form method="post" action="${url(ctx, `${VIEWS_PAGE}/${v.id}`)}" class="inline-form">
                  ${csrfField(ctx)}
                  <div class="field${error ? ' field-error' : ''}">
                    <label for="${id}">Nouveau nom</label>
                    ${error ? html`<span class="error-message" id="${id}-error">${error.message}</span>` : ''}
                    <input type="text" id="${id}" name="nom" maxlength="60" value="${typed}" ${
                      error ? html`aria-invalid="true" aria-describedby="${id}-error"` : ''
                    } />
                  </div>
                  <button type="submit" class="button secondary">Renommer</button>
                </form>
                <form method="post" action="${url(ctx, `${VIEWS_PAGE}/${v.id}/supprimer`)}" class="inline-form">
                  ${csrfField(ctx)}
                  <button type="submit" class="button secondary">
                    Supprimer<span class="visually-hidden"> la vue ${v.name}</span>
                  </button>
                </form>
              </li>`;
            })}
          </ul>`
    }
    ${
      shared.length > 0
        ? html`<h2>Vues partagées avec vos services</h2>
            <ul>
              ${shared.map(
                (v) =>
                  html`<li>
                    <a href="${url(ctx, `/agent/demandes${v.query ? `?${v.query}` : ''}`)}">${v.name}</a>
                    <span class="hint">– de ${v.owner_name}, service ${v.shared_service_name ?? ''}</span>
                  </li>`,
              )}
            </ul>`
        : ''
    }`;
  return layout(ctx, {
    title: 'Mes vues enregistrées',
    main,
    area: 'agent',
    notice: input.notice,
    errors: input.form?.errors,
    breadcrumbs: [{ label: 'Demandes', href: '/agent/demandes' }, { label: 'Mes vues' }],
  });
}
