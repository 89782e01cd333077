import { formatDateFr } from '../../../platform/format.ts';
import { attr, html, type SafeHtml } from '../../../platform/html.ts';
import { layout, url, type PageContext } from '../../../platform/web/layout.ts';
import type { FormDefinition } from '../../catalogue/form-definition.ts';
import { renderForm, type FormState } from '../../requests/form-engine/render.ts';
import { CONTACT_CHANNELS } from '../../requests/record-contact.ts';

/** The noted call or visit the filing follows, if any. */
export interface FilingContact {
  reference: string;
  name: string;
  channel: 'telephone' | 'guichet';
}

const BREADCRUMB_ROOT = { label: 'Demandes', href: '/agent/demandes' };

function contactLine(contact: FilingContact | null): SafeHtml | '' {
  return contact
    ? html`<p class="notice">
        Pour <strong>${contact.name || 'la personne'}</strong>, suite au contact n°
        <a href="/agent/demandes/${contact.reference}">${contact.reference}</a>.
      </p>`
    : '';
}

/** « Déposer une démarche pour une personne »: the démarches that can be filed, by service. */
export function fileChooserPage(
  ctx: PageContext,
  input: { demarches: { slug: string; title: string; serviceName: string }[]; contact: FilingContact | null },
): SafeHtml {
  const byService = new Map<string, { slug: string; title: string }[]>();
  for (const d of input.demarches) byService.set(d.serviceName, [...(byService.get(d.serviceName) ?? []), d]);
  const suffix = input.contact ? `?contact=${encodeURIComponent(input.contact.reference)}` : '';
  const main = html`<h1>Déposer une démarche pour une personne</h1>
    ${contactLine(input.contact)}
    <p>
      Pour une personne au téléphone ou à l’accueil qui ne peut pas ou ne veut pas faire sa démarche en ligne, avec son
      accord. Vous remplissez le même formulaire qu’en ligne ; la demande suit le même chemin.
    </p>
    ${
      input.demarches.length === 0
        ? html`<p>Aucune démarche ne se fait en ligne pour le moment.</p>`
        : [...byService.entries()].map(
            ([service, demarches]) =>
              html`<h2>${service}</h2>
                <ul>
                  ${demarches.map(
                    (d) =>
                      html`<li><a href="${url(ctx, `/agent/demarches/${d.slug}/deposer${suffix}`)}">${d.title}</a></li>`,
                  )}
                </ul>`,
          )
    }`;
  return layout(ctx, {
    title: 'Déposer une démarche pour une personne',
    main,
    area: 'agent',
    breadcrumbs: [BREADCRUMB_ROOT, { label: 'Déposer une démarche' }],
  });
}

/** The démarche's form, with what an agent filing for someone must say first: how, and consent. */
export function fileFormPage(
  ctx: PageContext,
  input: {
    demarche: { slug: string; title: string; delayDays: number; form: FormDefinition };
    state: FormState;
    channel: string;
    consent: boolean;
    contact: FilingContact | null;
    maxUploadMb: number;
  },
): SafeHtml {
  const errorOf = (field: string) => input.state.errors.find((e) => e.field === field);
  const message = (field: string) => {
    const e = errorOf(field);
    return e ? html`<span class="error-message" id="${field}-error">${e.message}</span>` : '';
  };
  const query = input.contact ? `?contact=${encodeURIComponent(input.contact.reference)}` : '';
  const before = html`<fieldset class="form-section">
    <legend><h2>Pour qui vous déposez cette demande</h2></legend>
    <fieldset class="field${errorOf('deposant_canal') ? ' field-error' : ''}">
      <legend>Comment la personne vous a-t-elle contacté ?</legend>
      ${message('deposant_canal')}
      ${Object.entries(CONTACT_CHANNELS).map(
        ([key, label]) =>
          html`<div class="choice">
            <input
              type="radio"
              id="deposant_canal-${key}"
              name="deposant_canal"
              value="${key}"
              ${attr('checked', input.channel === key)}
            />
            <label for="deposant_canal-${key}">${label}</label>
          </div>`,
      )}
    </fieldset>
    <div class="field${errorOf('deposant_accord') ? ' field-error' : ''}">
      ${message('deposant_accord')}
      <div class="choice">
        <input
          type="checkbox"
          id="deposant_accord"
          name="deposant_accord"
          value="oui"
          ${attr('checked', input.consent)}
          ${errorOf('deposant_accord') ? html`aria-invalid="true" aria-describedby="deposant_accord-error"` : ''}
        />
        <label for="deposant_accord">La personne est d’accord pour que je dépose cette demande en son nom.</label>
      </div>
    </div>
    <p class="hint">
      Elle recevra, comme en ligne, un numéro de demande et un code de suivi (par courriel si vous indiquez son adresse).
    </p>
  </fieldset>`;
  const main = html`<h1>${input.demarche.title}</h1>
    <p class="lead">Demande déposée pour une personne. Réponse sous ${input.demarche.delayDays} jours ouvrés au plus.</p>
    ${contactLine(input.contact)}
    ${renderForm(ctx, {
      action: url(ctx, `/agent/demarches/${input.demarche.slug}/deposer${query}`),
      definition: input.demarche.form,
      state: input.state,
      maxUploadMb: input.maxUploadMb,
      before,
      submitLabel: 'Déposer la demande',
    })}`;
  return layout(ctx, {
    title: `${input.demarche.title} : déposer pour une personne`,
    errors: input.state.errors,
    main,
    area: 'agent',
    breadcrumbs: [
      BREADCRUMB_ROOT,
      { label: 'Déposer une démarche', href: `/agent/deposer${query}` },
      { label: input.demarche.title },
    ],
  });
}

/** Filed: what to tell the person (reference, code, date), the receipt to print. */
export function filedPage(
  ctx: PageContext,
  input: {
    reference: string;
    secret: string;
    demarcheTitle: string;
    dueOn: string;
    applicantEmail: string | null;
    applicantName: string | null;
  },
): SafeHtml {
  const receipt = url(ctx, `/suivi/${input.reference}/recepisse.pdf?cle=${encodeURIComponent(input.secret)}`);
  const main = html`<div class="panel-success">
      <h1>La demande est déposée</h1>
      <p>${input.demarcheTitle}${input.applicantName ? html` pour <strong>${input.applicantName}</strong>` : ''}.</p>
      <p>Numéro de demande :</p>
      <p class="reference">${input.reference}</p>
      <p>Code de suivi : <strong class="code">${input.secret}</strong></p>
    </div>
    <h2>À dire à la personne</h2>
    <ul>
      <li>son numéro de demande et son code de suivi (ils ne seront plus affichés après cette page) ;</li>
      <li>la réponse de la commune au plus tard le <strong>${formatDateFr(input.dueOn)}</strong> ;</li>
      <li>
        ${
          input.applicantEmail
            ? html`un courriel de confirmation part à l’adresse <strong>${input.applicantEmail}</strong>, avec le lien pour suivre la demande.`
            : html`sans adresse électronique, donnez-lui le récépissé : il porte son numéro et son code.`
        }
      </li>
    </ul>
    <p><a class="button secondary" href="${receipt}">Récépissé à imprimer ou envoyer (PDF)</a></p>
    <p><a href="${url(ctx, `/agent/demandes/${input.reference}`)}">Voir la demande dans l’espace agents</a></p>`;
  return layout(ctx, {
    title: 'Demande déposée',
    main,
    area: 'agent',
    breadcrumbs: [BREADCRUMB_ROOT, { label: 'Demande déposée' }],
  });
}
