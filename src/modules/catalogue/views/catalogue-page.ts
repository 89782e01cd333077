import type { DemarcheRow, ServiceRow } from '../../../db/schema.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { demarcheList, searchForm } from './components.ts';

export function cataloguePage(ctx: PageContext, groups: { service: ServiceRow; demarches: DemarcheRow[] }[]): SafeHtml {
  const total = groups.reduce((n, g) => n + g.demarches.length, 0);
  const main =
    total === 0
      ? html`<h1>Toutes les démarches</h1>
          <p class="lead">
            Le catalogue des démarches de ${ctx.tenant.name} est en cours de préparation : les démarches seront publiées
            ici prochainement.
          </p>
          <p><a href="${url(ctx, '/contact')}">Contactez la mairie</a> pour toute demande en attendant.</p>`
      : html`<h1>Toutes les démarches</h1>
    <p class="lead">${total} démarches et pages d’information, classées par service de la mairie.</p>
    ${searchForm(ctx, '')}
    <nav aria-labelledby="sommaire-services">
      <h2 id="sommaire-services">Les services</h2>
      <ul>
        ${groups.map((g) => html`<li><a href="#service-${g.service.slug}">${g.service.name}</a></li>`)}
      </ul>
    </nav>
    ${groups.map(
      (g) =>
        html`<section aria-labelledby="service-${g.service.slug}">
          <h2 id="service-${g.service.slug}" tabindex="-1">${g.service.name}</h2>
          ${g.service.description ? html`<p>${g.service.description}</p>` : ''} ${demarcheList(ctx, g.demarches)}
        </section>`,
    )}`;
  return layout(ctx, {
    title: 'Toutes les démarches',
    main,
    breadcrumbs: [{ label: 'Accueil', href: '/' }, { label: 'Démarches' }],
  });
}
