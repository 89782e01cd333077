import { html, type SafeHtml } from '../../../platform/html.ts';
import type { FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { formatNumberFr } from '../../../platform/format.ts';
import { adminNav } from '../../agents/views/admin-nav.ts';
import type { TagRow } from '../repository.ts';

export const TAGS_PAGE = '/agent/admin/etiquettes';

export interface TagsPageInput {
  tags: TagRow[];
  notice?: string;
  /** The rename form that came back with errors: which tag, what was typed. */
  form?: { tagId: string; errors: FieldError[]; value: string };
}

/** « Étiquettes »: the tenant's tags, how many items carry each, rename and delete. */
export function tagsPage(ctx: PageContext, input: TagsPageInput): SafeHtml {
  const errors = input.form?.errors ?? [];
  const main = html`<h1>Étiquettes</h1>
    ${adminNav(ctx, TAGS_PAGE)} ${errorSummary(errors)}
    <p>
      Les agents ajoutent des étiquettes sur la page d’une demande ; elles servent de filtre dans la liste des
      demandes. Renommer une étiquette la renomme sur toutes ses demandes ; la supprimer la retire de toutes.
    </p>
    ${
      input.tags.length === 0
        ? html`<p>Aucune étiquette pour le moment.</p>`
        : html`<div class="table-wrap">
            <table class="table">
              <caption>
                ${formatNumberFr(input.tags.length)} étiquette${input.tags.length > 1 ? 's' : ''}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Étiquette</th>
                  <th scope="col">Demandes</th>
                  <th scope="col">Renommer</th>
                  <th scope="col">Supprimer</th>
                </tr>
              </thead>
              <tbody>
                ${input.tags.map((t) => {
                  const mine = input.form?.tagId === t.id;
                  const error = mine ? errors.find((e) => e.field === 'libelle') : undefined;
                  const id = `libelle-${t.id}`;
                  return html`<tr>
                    <th scope="row">${t.label}</th>
                    <td>${formatNumberFr(t.uses)}</td>
                    <td>
                      <form method="post" action="${url(ctx, `${TAGS_PAGE}/${t.id}`)}" class="inline-form">
                        ${csrfField(ctx)}
                        <div class="field${error ? ' field-error' : ''}">
                          <label for="${id}" class="visually-hidden">Nouveau nom de l’étiquette ${t.label}</label>
                          ${error ? html`<span class="error-message" id="${id}-error">${error.message}</span>` : ''}
                          <input
                            type="text"
                            id="${id}"
                            name="libelle"
                            maxlength="40"
                            value="${mine ? input.form!.value : t.label}"
                            ${error ? html`aria-invalid="true" aria-describedby="${id}-error"` : ''}
                          />
                        </div>
                        <button type="submit" class="button secondary">Renommer</button>
                      </form>
                    </td>
                    <td>
                      <form method="post" action="${url(ctx, `${TAGS_PAGE}/${t.id}/supprimer`)}" class="inline-form">
                        ${csrfField(ctx)}
                        <button type="submit" class="button secondary">
                          Supprimer<span class="visually-hidden"> l’étiquette ${t.label}</span>
                        </button>
                      </form>
                    </td>
                  </tr>`;
                })}
              </tbody>
            </table>
          </div>`
    }`;
  return layout(ctx, { title: 'Étiquettes', main, area: 'agent', notice: input.notice, errors });
}
