import { html, type SafeHtml } from '../../../platform/html.ts';
import { layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { LIFE_EVENTS } from '../../catalogue/taxonomy.ts';
import type { PublicCatalogue } from '../list-public-catalogue.ts';

/** "Plan du site": every page a visitor can reach, démarches grouped by service. */
export function sitemapPage(ctx: PageContext, catalogue: PublicCatalogue): SafeHtml {
  const t = ctx.tenant;
  const { services } = catalogue;
  const events = LIFE_EVENTS.filter((e) => catalogue.lifeEvents.has(e.slug));
  const main = html`<h1>Plan du site</h1>

    <h2>Pages principales</h2>
    <ul>
      <li><a href="${url(ctx, '/')}">Accueil</a></li>
      <li><a href="${url(ctx, '/demarches')}">Toutes les démarches</a></li>
      <li><a href="${url(ctx, '/recherche')}">Rechercher une démarche</a></li>
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
    ${
      events.length > 0
        ? html`<h2>Démarches par moment de vie</h2>
            <ul>
              ${events.map((e) => html`<li><a href="${url(ctx, `/evenements/${e.slug}`)}">${e.label}</a></li>`)}
            </ul>`
        : ''
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
