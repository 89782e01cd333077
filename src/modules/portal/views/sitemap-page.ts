import { html, type SafeHtml } from '../../../platform/html.ts';
import { layout, url, type PageContext } from '../../../platform/web/layout.ts';
import type { ServiceWithEntries } from '../list-public-catalogue.ts';

/** "Plan du site": every page a visitor can reach, démarches grouped by service. */
export function sitemapPage(ctx: PageContext, services: ServiceWithEntries[]): SafeHtml {
  const t = ctx.tenant;
  const main = html`<h1>Plan du site</h1>

    <h2>Pages principales</h2>
    <ul>
      <li><a href="${url(ctx, '/')}">Accueil</a></li>
      <li><a href="${url(ctx, '/demarches')}">Toutes les démarches</a></li>
      <li><a href="${url(ctx, '/suivi')}">Suivre une demande</a></li>
      <li><a href="${url(ctx, '/contact')}">Nous contacter</a></li>
    </ul>

    <h2>Démarches et informations, par service</h2>
    ${
      services.length > 0
        ? services.map(
            (s) =>
              html`<h3>${s.name}</h3>
                <ul>
                  ${s.entries.map(
                    (e) =>
                      html`<li>
                        <a href="${url(ctx, `/demarches/${encodeURIComponent(e.slug)}`)}">${e.title}</a>${
                          e.kind === 'information' ? ' (information)' : ''
                        }
                      </li>`,
                  )}
                </ul>`,
          )
        : html`<p>Aucune démarche n’est encore publiée sur ce site.</p>`
    }

    <h2>Informations sur le site</h2>
    <ul>
      <li><a href="${url(ctx, '/mentions-legales')}">Mentions légales</a></li>
      <li><a href="${url(ctx, '/donnees-personnelles')}">Données personnelles</a></li>
      <li>
        <a href="${url(ctx, '/accessibilite')}"
          >Déclaration d’accessibilité (${t.contact.accessibilityStatus ?? 'non conforme'})</a
        >
      </li>
      <li><a href="${url(ctx, '/plan-du-site')}">Plan du site</a></li>
    </ul>

    <h2>Espace agents</h2>
    <ul>
      <li><a href="${url(ctx, '/agent')}">Espace agents</a>, réservé au personnel de ${t.name}</li>
    </ul>`;

  return layout(ctx, {
    title: 'Plan du site',
    main,
    breadcrumbs: [{ label: 'Accueil', href: '/' }, { label: 'Plan du site' }],
  });
}
