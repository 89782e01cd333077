import type { DemarcheRow, ServiceRow } from '../../../db/schema.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { organisation, streetLines, telHref } from '../../../platform/tenant-wording.ts';
import type { LifeEvent } from '../taxonomy.ts';
import { oneLine, onlineLabel, searchForm } from './components.ts';

/**
 * A new commune before its administrator has published anything: what is coming and how to
 * reach the mairie meanwhile, rather than empty headings.
 */
function catalogueInPreparation(ctx: PageContext): SafeHtml {
  const t = ctx.tenant;
  const c = t.contact;
  const street = streetLines(c);
  const main = html`<h1>Bienvenue sur le guichet en ligne de ${t.name}</h1>
    <p class="lead">
      Le catalogue des démarches de ${t.name} est en cours de préparation. Vous pourrez bientôt trouver ici les
      démarches de la mairie, faire vos demandes en ligne et les suivre.
    </p>
    <h2>En attendant, contactez ${organisation(t)}</h2>
    <ul>
      ${street ? html`<li>À l’accueil : ${street.join(', ')}</li>` : ''}
      ${c.phone?.trim() ? html`<li>Par téléphone : <a href="${telHref(c.phone)}">${c.phone}</a></li>` : ''}
      ${c.email?.trim() ? html`<li>Par courriel : <a href="mailto:${c.email}">${c.email}</a></li>` : ''}
    </ul>
    <p><a class="button secondary" href="${url(ctx, '/contact')}">Toutes les façons de nous contacter</a></p>
    <p>
      Vous avez déjà fait une demande ? <a href="${url(ctx, '/suivi')}">Suivez-la</a> avec le numéro reçu après
      l’envoi.
    </p>`;
  return layout(ctx, { title: 'Accueil', main });
}

export function homePage(
  ctx: PageContext,
  data: { popular: DemarcheRow[]; lifeEvents: LifeEvent[]; services: ServiceRow[] },
): SafeHtml {
  if (data.services.length === 0) return catalogueInPreparation(ctx);
  const main = html`<h1>Bienvenue sur le guichet en ligne de ${ctx.tenant.name}</h1>
    <p class="lead">Trouvez une démarche, faites votre demande en ligne et suivez-la.</p>
    ${searchForm(ctx, '')}

    <section aria-labelledby="populaires">
      <h2 id="populaires">Les démarches les plus demandées</h2>
      <ul class="card-list">
        ${data.popular.map(
          (d) =>
            html`<li class="card">
              <h3><a href="${url(ctx, `/demarches/${d.slug}`)}">${d.title}</a></h3>
              <p>${oneLine(d.summary)}</p>
              <p><span class="tag">${onlineLabel(d)}</span></p>
            </li>`,
        )}
      </ul>
      <p><a href="${url(ctx, '/demarches')}">Voir toutes les démarches</a></p>
    </section>

    <section aria-labelledby="evenements">
      <h2 id="evenements">Les démarches selon votre situation</h2>
      <ul class="card-list">
        ${data.lifeEvents.map(
          (e) =>
            html`<li class="card">
              <h3><a href="${url(ctx, `/evenements/${e.slug}`)}">${e.label}</a></h3>
              <p>${e.description}</p>
            </li>`,
        )}
      </ul>
    </section>

    <section aria-labelledby="services">
      <h2 id="services">Les démarches par service</h2>
      <ul>
        ${data.services.map(
          (s) => html`<li><a href="${url(ctx, `/demarches#service-${s.slug}`)}">${s.name}</a> : ${s.description}</li>`,
        )}
      </ul>
    </section>

    <section aria-labelledby="suivi-contact">
      <h2 id="suivi-contact">Vous avez déjà fait une demande ?</h2>
      <p>
        <a class="button" href="${url(ctx, '/suivi')}">Suivre une demande</a>
        <a class="button secondary" href="${url(ctx, '/contact')}">Nous contacter</a>
      </p>
    </section>`;
  return layout(ctx, { title: 'Accueil', main });
}
