import { formatDateFr } from '../../../platform/format.ts';
import { attr, html, type SafeHtml } from '../../../platform/html.ts';
import { errorOf, type FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { adminNav } from '../../agents/views/admin-nav.ts';
import type { KioskRow } from '../kiosks.ts';

export const KIOSKS_PATH = '/agent/admin/bornes';

export interface KiosksPageInput {
  kiosks: KioskRow[];
  services: { id: string; name: string }[];
  /** The tenant's active sites (appointments): where a tablet stands. */
  sites: { id: string; name: string }[];
  values: { nom: string; service: string; lieu: string };
  errors: FieldError[];
  /** Just opened: the tablet's address, shown this once. */
  created?: { name: string; address: string };
  notice?: string;
}

/** « Tablettes d'avis »: the counter tablets in kiosk mode, open one, close one. */
export function kiosksPage(ctx: PageContext, input: KiosksPageInput): SafeHtml {
  const nameError = errorOf(input.errors, 'nom');
  const serviceError = errorOf(input.errors, 'service');
  const siteError = errorOf(input.errors, 'lieu');
  const main = html`${adminNav(ctx, KIOSKS_PATH)}
    <h1>Tablettes d’avis</h1>
    ${errorSummary(input.errors)}
    <p>
      Une tablette posée à l’accueil affiche l’enquête de satisfaction. Après chaque réponse, le formulaire revient vide
      pour la personne suivante. Les avis sont anonymes et comptent dans « Nos résultats ».
    </p>
    ${
      input.created
        ? html`<div class="panel-success" role="status">
            <h2>Tablette « ${input.created.name} » ouverte</h2>
            <p>Ouvrez cette adresse sur la tablette et gardez-la en favori. Elle n’est affichée qu’une fois :</p>
            <p class="code">${input.created.address}</p>
          </div>`
        : ''
    }
    <h2>Tablettes en service</h2>
    ${
      input.kiosks.length === 0
        ? html`<p>Aucune tablette pour l’instant.</p>`
        : html`<div class="table-wrap">
            <table class="table">
              <caption class="visually-hidden">Tablettes en service</caption>
              <thead>
                <tr>
                  <th scope="col">Nom</th>
                  <th scope="col">Service</th>
                  <th scope="col">Lieu</th>
                  <th scope="col">Ouverte le</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                ${input.kiosks.map(
                  (k) =>
                    html`<tr>
                      <td>${k.name}</td>
                      <td>${k.serviceName ?? 'Tous les services'}</td>
                      <td>${k.siteName ?? 'Non précisé'}</td>
                      <td>${formatDateFr(k.createdAt)}</td>
                      <td>
                        <form method="post" action="${url(ctx, `${KIOSKS_PATH}/${k.id}/retirer`)}">
                          ${csrfField(ctx)}
                          <button type="submit" class="link-button">Retirer la tablette ${k.name}</button>
                        </form>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
    <h2>Ouvrir une tablette</h2>
    <form method="post" action="${url(ctx, KIOSKS_PATH)}" novalidate>
      ${csrfField(ctx)}
      <div class="field${nameError ? ' field-error' : ''}">
        <label for="nom">Nom de la tablette</label>
        <span class="hint" id="nom-hint">Par exemple « Accueil de la mairie ».</span>
        ${nameError ? html`<span class="error-message" id="nom-error">${nameError}</span>` : ''}
        <input type="text" id="nom" name="nom" maxlength="120" value="${input.values.nom}"
          aria-describedby="nom-hint${nameError ? ' nom-error' : ''}" ${nameError ? html`aria-invalid="true"` : ''} />
      </div>
      <div class="field${serviceError ? ' field-error' : ''}">
        <label for="service">Service de l’accueil</label>
        ${serviceError ? html`<span class="error-message" id="service-error">${serviceError}</span>` : ''}
        <select id="service" name="service" ${serviceError ? html`aria-invalid="true" aria-describedby="service-error"` : ''}>
          <option value="" ${attr('selected', input.values.service === '')}>Tous les services</option>
          ${input.services.map(
            (s) => html`<option value="${s.id}" ${attr('selected', input.values.service === s.id)}>${s.name}</option>`,
          )}
        </select>
      </div>
      ${
        input.sites.length > 0
          ? html`<div class="field${siteError ? ' field-error' : ''}">
              <label for="lieu">Lieu d’accueil</label>
              <span class="hint" id="lieu-hint">Les avis de la tablette comptent aussi dans les résultats de ce lieu.</span>
              ${siteError ? html`<span class="error-message" id="lieu-error">${siteError}</span>` : ''}
              <select id="lieu" name="lieu" aria-describedby="lieu-hint${siteError ? ' lieu-error' : ''}"
                ${siteError ? html`aria-invalid="true"` : ''}>
                <option value="" ${attr('selected', input.values.lieu === '')}>Non précisé</option>
                ${input.sites.map(
                  (s) =>
                    html`<option value="${s.id}" ${attr('selected', input.values.lieu === s.id)}>${s.name}</option>`,
                )}
              </select>
            </div>`
          : ''
      }
      <button type="submit" class="button">Ouvrir la tablette</button>
    </form>`;
  return layout(ctx, {
    title: 'Tablettes d’avis',
    area: 'agent',
    main,
    errors: input.errors,
    ...(input.notice ? { notice: input.notice } : {}),
  });
}

/** The QR code an agent shows at the counter: the person scans it and answers on their phone. */
export function surveyQrPage(
  ctx: PageContext,
  input: {
    /** What the survey is about: a request's reference, a counter ticket's « Ticket A012 ». */
    subject: string;
    back: { href: string; label: string };
    qrSvg: SafeHtml | null;
    link: string | null;
    answered: boolean;
  },
): SafeHtml {
  const main = html`<h1>Enquête de satisfaction – ${input.subject}</h1>
    ${
      input.qrSvg && input.link
        ? html`<p>Montrez ce code à la personne : elle le scanne avec son téléphone et donne son avis en une minute.</p>
            <div class="qr-code" role="img" aria-label="QR code de l’enquête de satisfaction">${input.qrSvg}</div>
            <p>Ou donnez-lui cette adresse :</p>
            <p class="code">${input.link}</p>`
        : input.answered
          ? html`<p>La personne a déjà donné son avis sur cet échange : un seul avis est possible.</p>`
          : html`<p>
              Pas d’enquête ouverte pour cet échange. Elle est proposée après un appel, une visite ou un passage au
              guichet, et quand la demande est close ; un lien expire après quelques semaines.
            </p>`
    }
    <p><a href="${url(ctx, input.back.href)}">${input.back.label}</a></p>`;
  return layout(ctx, { title: `Enquête de satisfaction – ${input.subject}`, area: 'agent', main });
}
