import type { DemarcheRow } from '../../../db/schema.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { layout, url, type PageContext } from '../../../platform/web/layout.ts';
import type { LifeEvent } from '../taxonomy.ts';
import { demarcheList } from './components.ts';

export function lifeEventPage(ctx: PageContext, event: LifeEvent, demarches: DemarcheRow[]): SafeHtml {
  const main = html`<h1>${event.label}</h1>
    <p class="lead">${event.description}</p>
    ${
      demarches.length > 0
        ? html`<h2>Les démarches et informations utiles</h2>
            ${demarcheList(ctx, demarches)}`
        : html`<p>
            Aucune démarche n’est encore classée ici. <a href="${url(ctx, '/demarches')}">Voir toutes les démarches</a>.
          </p>`
    }`;
  return layout(ctx, {
    title: event.label,
    main,
    breadcrumbs: [{ label: 'Accueil', href: '/' }, { label: event.label }],
  });
}
