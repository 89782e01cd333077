import { html, type SafeHtml } from '../../../platform/html.ts';
import { layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { capitalise, organisation, postalLines, streetLines, telHref } from '../../../platform/tenant-wording.ts';

function lines(parts: string[]): SafeHtml {
  return html`${parts.map((p, i) => (i === 0 ? html`${p}` : html`<br />${p}`))}`;
}

/**
 * "Nous contacter": every way to reach the collectivité, from its own contact data. `inboundAddress`:
 * the address whose messages become items of the agents' inbox (null when inbound mail is off):
 * shown first, since a message written there gets a number and an answer by a set date.
 */
export function contactPage(
  ctx: PageContext,
  options: { inboundAddress: string | null } = { inboundAddress: null },
): SafeHtml {
  const t = ctx.tenant;
  const c = t.contact;
  const org = organisation(t);
  const street = streetLines(c);
  const postal = postalLines(t);
  const hours = (c.openingHours ?? []).filter((h) => h.trim());
  const counters = (c.franceServices ?? []).filter((f) => f.name?.trim());

  const main = html`<h1>Nous contacter</h1>
    <p class="lead">Vous pouvez joindre ${org} de plusieurs façons. Choisissez celle qui vous convient.</p>

    <h2>À l’accueil</h2>
    ${
      street
        ? html`<p>L’accueil se trouve à cette adresse :</p>
            <p>${lines(street)}</p>`
        : html`<p>L’adresse de l’accueil n’est pas encore indiquée sur ce site.</p>`
    }
    ${
      hours.length > 0
        ? html`<p>Horaires d’ouverture :</p>
            <ul>
              ${hours.map((h) => html`<li>${h}</li>`)}
            </ul>`
        : html`<p>Les horaires d’ouverture ne sont pas encore indiqués sur ce site.</p>`
    }
    <p>Internet n’est pas facile pour vous ? Venez à l’accueil. Un agent peut faire la démarche avec vous.</p>

    <h2>Par téléphone</h2>
    ${
      c.phone?.trim()
        ? html`<p>Appelez le <a href="${telHref(c.phone)}">${c.phone}</a>.</p>
            ${hours.length > 0 ? html`<p>Vous pouvez appeler aux horaires d’ouverture de l’accueil.</p>` : ''}`
        : html`<p>Le numéro de téléphone n’est pas encore indiqué sur ce site.</p>`
    }

    <h2>Par courriel</h2>
    ${
      options.inboundAddress
        ? html`<p>Écrivez à <a href="mailto:${options.inboundAddress}">${options.inboundAddress}</a>.</p>
            <p>
              Vous recevez aussitôt un courriel avec un numéro et un lien pour suivre votre message. Un agent vous
              répond par courriel.
            </p>
            <p>Pour une démarche, utilisez plutôt le formulaire en ligne : il vous demande tout ce qu’il faut.</p>`
        : c.email?.trim()
          ? html`<p>Écrivez à <a href="mailto:${c.email}">${c.email}</a>.</p>
            <p>
              Pour une démarche, utilisez plutôt le formulaire en ligne. Vous recevez alors un numéro pour suivre votre
              demande.
            </p>`
          : html`<p>L’adresse de courriel n’est pas encore indiquée sur ce site.</p>`
    }

    <h2>Par courrier</h2>
    ${
      postal
        ? html`<p>Envoyez votre lettre à cette adresse :</p>
            <p>${lines(postal)}</p>`
        : html`<p>L’adresse postale n’est pas encore indiquée sur ce site.</p>`
    }

    <h2>En ligne</h2>
    <ul>
      <li><a href="${url(ctx, '/demarches')}">Faire une démarche en ligne</a></li>
      <li><a href="${url(ctx, '/suivi')}">Suivre une demande</a> avec le numéro reçu après l’envoi</li>
      ${
        c.website?.trim() && /^https?:\/\//.test(c.website)
          ? html`<li><a href="${c.website}">Site internet de ${t.name}</a></li>`
          : ''
      }
    </ul>

    <h2>France services près de chez vous</h2>
    <p>
      Dans un espace France services, des conseillers vous aident pour les démarches des services de l’État et de ses
      partenaires : impôts, CAF, assurance maladie, retraite, France Travail, papiers d’identité…
    </p>
    ${
      counters.length > 0
        ? html`<ul class="card-list">
            ${counters.map(
              (f) =>
                html`<li class="card">
                  <h3>${f.name}</h3>
                  ${f.address?.trim() ? html`<p>Adresse : ${f.address}</p>` : ''}
                  ${f.phone?.trim() ? html`<p>Téléphone : <a href="${telHref(f.phone)}">${f.phone}</a></p>` : ''}
                  ${f.hours?.trim() ? html`<p>Horaires : ${f.hours}</p>` : ''}
                </li>`,
            )}
          </ul>`
        : html`<p>
            ${capitalise(org)} n’a pas encore indiqué d’espace France services proche.
            <a href="https://www.france-services.gouv.fr/">Trouver un espace France services sur la carte nationale</a>.
          </p>`
    }`;

  return layout(ctx, {
    title: 'Nous contacter',
    main,
    breadcrumbs: [{ label: 'Accueil', href: '/' }, { label: 'Nous contacter' }],
  });
}
