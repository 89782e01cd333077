import { html, type SafeHtml } from '../../../platform/html.ts';
import { layout, url, type PageContext } from '../../../platform/web/layout.ts';
import type { ArticleSearchOutcome } from '../search-articles.ts';
import { kindLabel, searchExcerpt } from './result-parts.ts';

export const KNOWLEDGE_SEARCH_PATH = '/agent/connaissances/recherche';

/**
 * The agents' search of the knowledge base: public articles and internal sheets, with whether
 * the first one answers. Internal sheets have no public page: their text unfolds here.
 */
export function knowledgeSearchPage(
  ctx: PageContext,
  input: { q: string; found: ArticleSearchOutcome | null; sections: Map<string, Record<string, string>> },
): SafeHtml {
  const { q, found } = input;
  const results =
    found === null
      ? html`<p>Cherchez dans les fiches de la commune et les fiches internes, par exemple « usager agressif ».</p>`
      : found.results.length === 0
        ? html`<h2>Aucun résultat</h2>
            <p>Aucune fiche ne parle de « ${q} ». Signalez-le à un responsable : la recherche est notée parmi les recherches sans réponse.</p>`
        : html`<h2>${found.results.length} résultat${found.results.length > 1 ? 's' : ''} pour « ${q} »</h2>
            ${
              found.answerable
                ? ''
                : html`<p class="search-help">Aucune fiche ne semble répondre vraiment. Voici les plus proches.</p>`
            }
            <ol class="search-results">
              ${found.results.map((r) => {
                const sections = input.sections.get(r.slug) ?? {};
                return html`<li>
                  ${
                    r.audience === 'public'
                      ? html`<a href="${url(ctx, `/demarches/${r.slug}`)}">${r.title}</a>`
                      : html`<strong>${r.title}</strong>`
                  }
                  <span class="search-meta"
                    >${r.audience === 'internal' ? 'Fiche interne' : kindLabel(r.kind)}${
                      r.serviceName ? ` · ${r.serviceName}` : ''
                    }</span
                  >
                  <p class="search-excerpt">${searchExcerpt(r.summary)}</p>
                  ${
                    r.audience === 'internal'
                      ? html`<details>
                        <summary>Lire la fiche</summary>
                        ${Object.entries(sections).map(([, text]) => html`<p>${text}</p>`)}
                      </details>`
                      : ''
                  }
                </li>`;
              })}
            </ol>`;
  const main = html`<h1>Rechercher dans les fiches</h1>
    <form class="search-form" method="get" action="${url(ctx, KNOWLEDGE_SEARCH_PATH)}" role="search">
      <label for="kb-q">Mots à chercher</label>
      <input type="search" id="kb-q" name="q" value="${q}" maxlength="200" />
      <button type="submit" class="button">Rechercher</button>
    </form>
    ${results}`;
  return layout(ctx, { title: q ? `Fiches : ${q}` : 'Rechercher dans les fiches', main, area: 'agent' });
}
