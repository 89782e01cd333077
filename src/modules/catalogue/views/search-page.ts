import { html, type SafeHtml } from '../../../platform/html.ts';
import { layout, url, type PageContext } from '../../../platform/web/layout.ts';
import type { ArticleSearchOutcome } from '../../article-search/search-articles.ts';
import { kindLabel, searchExcerpt } from '../../article-search/views/result-parts.ts';
import { searchForm } from './components.ts';

/** The « Aucun résultat » help: other words, the catalogue, the town hall. */
function noResultHelp(ctx: PageContext, q: string, some: boolean): SafeHtml {
  return html`<div class="search-help">
    ${
      some
        ? html`<h2>Ce n’est peut-être pas ce que vous cherchez</h2>
          <p>Nous n’avons pas de page qui répond vraiment à « ${q} ». Les pages ci-dessous en parlent un peu.</p>`
        : html`<h2>Aucun résultat</h2>
          <p>Nous n’avons trouvé aucune page pour « ${q} ».</p>`
    }
    <ul>
      <li>Essayez avec d’autres mots, plus simples : « carte d’identité », « inscription école », « poubelles ».</li>
      <li><a href="${url(ctx, '/demarches')}">Voir toutes les démarches</a>, classées par service.</li>
      <li><a href="${url(ctx, '/contact')}">Contactez la mairie</a> : nous vous répondrons.</li>
    </ul>
  </div>`;
}

export function searchPage(ctx: PageContext, q: string, found: ArticleSearchOutcome | null): SafeHtml {
  let body: SafeHtml;
  if (found === null) {
    body = html`<p>
      Tapez quelques mots sur ce que vous voulez faire, par exemple « inscrire mon enfant à l’école » ou « carte
      d’identité ». Les fautes de frappe et les accents oubliés ne posent pas de problème.
    </p>`;
  } else if (found.results.length === 0) {
    body = noResultHelp(ctx, q, false);
  } else {
    const n = found.results.length;
    body = html`${found.answerable ? '' : noResultHelp(ctx, q, true)}
      <h2>${n === 1 ? '1 résultat' : `${n} résultats`} pour « ${q} »</h2>
      <ol class="search-results">
        ${found.results.map(
          (r) =>
            html`<li>
              <a href="${url(ctx, `/demarches/${r.slug}`)}">${r.title}</a>
              <span class="search-meta">${kindLabel(r.kind)}${r.serviceName ? ` · ${r.serviceName}` : ''}</span>
              <p class="search-excerpt">${searchExcerpt(r.summary)}</p>
            </li>`,
        )}
      </ol>
      ${
        found.answerable
          ? html`<p>
            Ce n’est pas ce que vous cherchez ? <a href="${url(ctx, '/demarches')}">Voir toutes les démarches</a> ou
            <a href="${url(ctx, '/contact')}">contacter la mairie</a>.
          </p>`
          : ''
      }`;
  }
  const main = html`<h1>Rechercher une démarche</h1>
    ${searchForm(ctx, q)} ${body}`;
  return layout(ctx, {
    title: q ? `Recherche : ${q}` : 'Rechercher une démarche',
    main,
    breadcrumbs: [{ label: 'Accueil', href: '/' }, { label: 'Recherche' }],
  });
}
