import { html, type SafeHtml } from '../../../platform/html.ts';
import { layout, url, type PageContext } from '../../../platform/web/layout.ts';
import type { SearchHit } from '../repository.ts';
import { demarcheList, searchForm } from './components.ts';

export function searchPage(ctx: PageContext, q: string, hits: SearchHit[] | null): SafeHtml {
  let body: SafeHtml;
  if (hits === null) {
    body = html`<p>
      Tapez quelques mots sur ce que vous voulez faire, par exemple « inscrire mon enfant à l’école » ou « carte
      d’identité ». Les fautes de frappe et les accents oubliés ne posent pas de problème.
    </p>`;
  } else if (hits.length === 0) {
    body = html`<h2>Aucun résultat</h2>
      <p>Nous n’avons trouvé aucune démarche pour « ${q} ».</p>
      <p>Essayez avec d’autres mots, ou plus simples.</p>
      <p>Vous pouvez aussi <a href="${url(ctx, '/demarches')}">voir toutes les démarches</a>.</p>
      <p>Vous ne trouvez toujours pas ? <a href="${url(ctx, '/contact')}">Contactez la mairie</a>.</p>`;
  } else {
    body = html`<h2>${hits.length === 1 ? '1 résultat' : `${hits.length} résultats`} pour « ${q} »</h2>
      ${demarcheList(
        ctx,
        hits.map((h) => h.demarche),
      )}
      <p>
        Ce n’est pas ce que vous cherchez ? <a href="${url(ctx, '/demarches')}">Voir toutes les démarches</a> ou
        <a href="${url(ctx, '/contact')}">contacter la mairie</a>.
      </p>`;
  }
  const main = html`<h1>Rechercher une démarche</h1>
    ${searchForm(ctx, q)} ${body}`;
  return layout(ctx, {
    title: q ? `Recherche : ${q}` : 'Rechercher une démarche',
    main,
    breadcrumbs: [{ label: 'Accueil', href: '/' }, { label: 'Recherche' }],
  });
}
