import { html, type SafeHtml } from '../../../platform/html.ts';
import { errorOf, type FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import type { SearchSynonymRow } from '../../../db/schema.ts';
import { adminNav } from '../../agents/views/admin-nav.ts';
import { MAX_EXPANSIONS_PER_TERM, type SynonymValues } from '../forms.ts';

export const SYNONYMS_PATH = '/agent/admin/synonymes';

function field(
  input: { values: SynonymValues; errors: FieldError[] },
  f: { name: 'terme' | 'equivalents'; label: string; hint: string; multiline?: boolean },
): SafeHtml {
  const error = errorOf(input.errors, f.name);
  const describedBy = `${f.name}-hint${error ? ` ${f.name}-error` : ''}`;
  return html`<div class="field${error ? ' field-error' : ''}">
    <label for="${f.name}">${f.label}</label>
    <span class="hint" id="${f.name}-hint">${f.hint}</span>
    ${error ? html`<span class="error-message" id="${f.name}-error">${error}</span>` : ''}
    ${
      f.multiline
        ? html`<textarea id="${f.name}" name="${f.name}" rows="4" aria-describedby="${describedBy}" ${
            error ? html`aria-invalid="true"` : ''
          }>${input.values[f.name]}</textarea>`
        : html`<input
          type="text"
          id="${f.name}"
          name="${f.name}"
          maxlength="80"
          value="${input.values[f.name]}"
          aria-describedby="${describedBy}"
          ${error ? html`aria-invalid="true"` : ''}
        />`
    }
  </div>`;
}

/** The tenant's synonyms and abbreviations, expanded in every search; add and remove. */
export function synonymsPage(
  ctx: PageContext,
  input: {
    synonyms: SearchSynonymRow[];
    values: SynonymValues;
    errors: FieldError[];
    notice?: string;
    audience: 'admin' | 'supervisor';
  },
): SafeHtml {
  const typeError = errorOf(input.errors, 'type');
  const main = html`${adminNav(ctx, SYNONYMS_PATH, input.audience)} ${errorSummary(input.errors)}
    <h1>Synonymes de recherche</h1>
    <p>
      Quand un habitant cherche un de ces mots, la recherche trouve aussi les pages qui emploient ses équivalents, et
      inversement. Par exemple « CNI » trouve « carte d’identité ».
    </p>
    <h2>Ajouter un mot</h2>
    <form method="post" action="${url(ctx, SYNONYMS_PATH)}" novalidate>
      ${csrfField(ctx)}
      ${field(input, { name: 'terme', label: 'Mot ou abréviation', hint: 'Par exemple « CNI » ou « mairie ».' })}
      ${field(input, {
        name: 'equivalents',
        label: 'Ce qu’il veut dire aussi',
        hint: `Un équivalent par ligne, ${MAX_EXPANSIONS_PER_TERM} au plus. Par exemple « carte d’identité ».`,
        multiline: true,
      })}
      <fieldset class="field${typeError ? ' field-error' : ''}" id="type">
        <legend>Type</legend>
        ${typeError ? html`<span class="error-message">${typeError}</span>` : ''}
        <div>
          <input type="radio" id="type-synonym" name="type" value="synonym" ${
            input.values.type !== 'abbreviation' ? html`checked` : ''
          } />
          <label for="type-synonym">Synonyme</label>
        </div>
        <div>
          <input type="radio" id="type-abbreviation" name="type" value="abbreviation" ${
            input.values.type === 'abbreviation' ? html`checked` : ''
          } />
          <label for="type-abbreviation">Abréviation</label>
        </div>
      </fieldset>
      <button type="submit" class="button">Ajouter</button>
    </form>
    <h2>Mots et équivalents (${input.synonyms.length})</h2>
    ${
      input.synonyms.length === 0
        ? html`<p>Aucun mot pour l’instant.</p>`
        : html`<table class="synonym-table">
          <thead>
            <tr>
              <th scope="col">Mot</th>
              <th scope="col">Équivalents</th>
              <th scope="col">Type</th>
              <th scope="col"><span class="visually-hidden">Action</span></th>
            </tr>
          </thead>
          <tbody>
            ${input.synonyms.map(
              (s) =>
                html`<tr>
                  <td>${s.term}</td>
                  <td>${s.expansions.join(' ; ')}</td>
                  <td>${s.kind === 'abbreviation' ? 'Abréviation' : 'Synonyme'}</td>
                  <td>
                    <form method="post" action="${url(ctx, `${SYNONYMS_PATH}/${s.id}/supprimer`)}" class="inline-form">
                      ${csrfField(ctx)}
                      <button type="submit" class="button secondary">
                        Retirer<span class="visually-hidden"> « ${s.term} »</span>
                      </button>
                    </form>
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>`
    }`;
  return layout(ctx, {
    title: 'Synonymes de recherche',
    main,
    area: 'agent',
    notice: input.notice,
    errors: input.errors,
  });
}
