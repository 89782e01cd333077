import { html, type SafeHtml } from '../../../platform/html.ts';
import { csrfField, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { adminNav } from '../../agents/views/admin-nav.ts';
import type { DemarcheToReview } from '../publish-demarche.ts';

/** The administrators' list of pages « à vérifier », each with its button to publish it. */
export function reviewPage(ctx: PageContext, input: { pages: DemarcheToReview[]; notice?: string }): SafeHtml {
  const main = html`${adminNav(ctx, '/agent/admin/demarches')}
    <h1>Démarches à vérifier</h1>
    <p>
      Ces pages viennent du catalogue modèle de Guichet. Les habitants ne les voient pas encore. Lisez chacune,
      vérifiez ce qui dépend de la commune (lieux, tarifs, délais, pièces demandées), puis publiez-la.
    </p>
    ${
      input.pages.length === 0
        ? html`<p>Toutes les démarches sont publiées.</p>`
        : html`<p>${input.pages.length} page${input.pages.length > 1 ? 's' : ''} à vérifier.</p>
          <table>
            <caption class="visually-hidden">Démarches à vérifier</caption>
            <thead>
              <tr>
                <th scope="col">Page</th>
                <th scope="col">Service</th>
                <th scope="col">Type</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              ${input.pages.map(
                (p, i) =>
                  html`<tr>
                    <th scope="row" id="page-${i}">${p.title}</th>
                    <td>${p.serviceName}</td>
                    <td>
                      ${
                        p.kind === 'information'
                          ? 'Information'
                          : p.online
                            ? 'Démarche avec formulaire en ligne'
                            : 'Démarche'
                      }
                    </td>
                    <td>
                      <p>
                        <a href="${url(ctx, `/agent/admin/demarches/${p.id}/apercu`)}" aria-describedby="page-${i}"
                          >Aperçu et lisibilité</a
                        >
                      </p>
                      <form method="post" action="${url(ctx, `/agent/admin/demarches/${p.id}/publier`)}">
                        ${csrfField(ctx)}
                        <button type="submit" class="button secondary" aria-describedby="page-${i}">Publier</button>
                      </form>
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }`;
  return layout(ctx, {
    title: 'Démarches à vérifier',
    main,
    area: 'agent',
    notice: input.notice,
    breadcrumbs: [{ label: 'Demandes', href: '/agent/demandes' }, { label: 'Démarches à vérifier' }],
  });
}
