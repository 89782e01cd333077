import { html, type SafeHtml } from '../../../platform/html.ts';
import { layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { capitalise, head, organisation, streetLines, telHref } from '../../../platform/tenant-wording.ts';

/** "Mentions légales": who publishes the site, who hosts it, what software runs it. */
export function legalNoticePage(ctx: PageContext): SafeHtml {
  const t = ctx.tenant;
  const c = t.contact;
  const org = organisation(t);
  const street = streetLines(c);
  const hosting = c.hosting?.name?.trim() ? c.hosting : null;

  const main = html`<h1>Mentions légales</h1>

    <h2>Éditeur du site</h2>
    <p>Ce site est publié par ${t.name}.</p>
    ${
      street
        ? html`<p>Adresse : ${street.join(', ')}</p>`
        : html`<p>L’adresse de ${org} n’est pas encore indiquée sur ce site.</p>`
    }
    ${c.phone?.trim() ? html`<p>Téléphone : <a href="${telHref(c.phone)}">${c.phone}</a></p>` : ''}
    ${c.email?.trim() ? html`<p>Courriel : <a href="mailto:${c.email}">${c.email}</a></p>` : ''}

    <h2>Directeur ou directrice de la publication</h2>
    <p>${c.publicationDirector?.trim() ? c.publicationDirector : capitalise(head(t))}.</p>

    <h2>Hébergement</h2>
    <p>${capitalise(org)} choisit l’hébergeur de ce site et le déclare ici.</p>
    ${
      hosting
        ? html`<p>Ce site est hébergé par ${hosting.name}.</p>
            ${hosting.address?.trim() ? html`<p>Adresse : ${hosting.address}</p>` : ''}
            ${hosting.phone?.trim() ? html`<p>Téléphone : <a href="${telHref(hosting.phone)}">${hosting.phone}</a></p>` : ''}
            ${
              hosting.website?.trim() && /^https?:\/\//.test(hosting.website)
                ? html`<p><a href="${hosting.website}">Site internet de ${hosting.name}</a></p>`
                : ''
            }`
        : html`<p>
            Le nom de l’hébergeur n’est pas encore indiqué sur cette page. Pour le connaître,
            <a href="${url(ctx, '/contact')}">contactez ${org}</a>.
          </p>`
    }

    <h2>Logiciel</h2>
    <p>Ce site fonctionne avec Guichet.</p>
    <p>
      Guichet est un logiciel libre, publié sous la licence GNU Affero General Public License (AGPL), version 3 ou
      suivante. Tout le monde peut l’utiliser, l’étudier, le modifier et le partager.
    </p>

    <h2>Propriété intellectuelle</h2>
    <p>Les textes, images et logos de ce site appartiennent à ${t.name} ou à leurs auteurs.</p>
    <p>Vous pouvez citer ou reprendre les textes. Indiquez alors la source et la date.</p>
    <p>Pour réutiliser un logo ou une image, demandez d’abord l’accord de ${org}.</p>

    <h2>Liens</h2>
    <p>Vous pouvez faire un lien vers ce site sans demander d’autorisation.</p>
    <p>La page doit s’ouvrir dans une fenêtre du navigateur, et non à l’intérieur d’un autre site.</p>
    <p>
      Ce site contient aussi des liens vers d’autres sites. ${capitalise(org)} n’est pas responsable de leur contenu.
    </p>`;

  return layout(ctx, {
    title: 'Mentions légales',
    main,
    breadcrumbs: [{ label: 'Accueil', href: '/' }, { label: 'Mentions légales' }],
  });
}
