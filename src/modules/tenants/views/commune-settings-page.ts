import { html, type SafeHtml } from '../../../platform/html.ts';
import { formatNumberFr } from '../../../platform/format.ts';
import { MIN_TEXT_CONTRAST } from '../../../platform/web/contrast.ts';
import { errorOf, type FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { organisation } from '../../../platform/tenant-wording.ts';
import { adminNav } from '../../agents/views/admin-nav.ts';
import { LIMITS, type CommuneSettingsField, type CommuneSettingsValues } from '../forms.ts';

/** The colour of the style sheet (--primary in platform/assets/guichet.css), used when none is set. */
const DEFAULT_COLOUR = '#1F4E8C';

export interface CommuneSettingsPageInput {
  values: CommuneSettingsValues;
  errors: FieldError[];
  /** What an empty sender field stands for: « Mairie de Villebelle », MAIL_FROM's address. */
  defaults: { senderName: string; senderAddress: string };
  notice?: string;
}

interface FieldOptions {
  name: CommuneSettingsField;
  label: string;
  hint?: string;
  type?: 'text' | 'email' | 'tel' | 'url';
  /** A textarea of this many rows. */
  rows?: number;
  inputmode?: 'numeric';
}

/** One optional field with its hint and error tied to it, showing what is stored or was typed. */
function field(input: CommuneSettingsPageInput, f: FieldOptions): SafeHtml {
  const error = errorOf(input.errors, f.name);
  const describedBy = [f.hint ? `${f.name}-hint` : '', error ? `${f.name}-error` : ''].filter(Boolean).join(' ');
  const aria = html`${describedBy ? html`aria-describedby="${describedBy}"` : ''}
  ${error ? html`aria-invalid="true"` : ''}`;
  const value = input.values[f.name];
  return html`<div class="field${error ? ' field-error' : ''}">
    <label for="${f.name}">${f.label} <span class="optional">(facultatif)</span></label>
    ${f.hint ? html`<span class="hint" id="${f.name}-hint">${f.hint}</span>` : ''}
    ${error ? html`<span class="error-message" id="${f.name}-error">${error}</span>` : ''}
    ${
      f.rows
        ? html`<textarea id="${f.name}" name="${f.name}" rows="${f.rows}" ${aria}>
${value}</textarea
          >`
        : html`<input
            type="${f.type ?? 'text'}"
            id="${f.name}"
            name="${f.name}"
            autocomplete="off"
            ${f.type === 'email' || f.type === 'url' ? html`spellcheck="false" autocapitalize="off"` : ''}
            ${f.inputmode ? html`inputmode="${f.inputmode}"` : ''}
            value="${value}"
            ${aria}
          />`
    }
  </div>`;
}

/**
 * « Coordonnées et courriels »: the contact details shown on « Nous contacter » and in mails,
 * who the mail comes from, and the site's colour. Every field is optional: the hints say what
 * an empty one means.
 */
export function communeSettingsPage(ctx: PageContext, input: CommuneSettingsPageInput): SafeHtml {
  const f = (options: FieldOptions) => field(input, options);
  const main = html`${adminNav(ctx, '/agent/admin/commune')} ${errorSummary(input.errors)}
    <h1>Coordonnées et courriels</h1>
    <p>Ces informations sont publiées au nom de ${organisation(ctx.tenant)}. Relisez-les avant d’enregistrer.</p>
    <form method="post" action="${url(ctx, '/agent/admin/commune')}" novalidate>
      ${csrfField(ctx)}
      <h2>Coordonnées</h2>
      <p>
        Elles sont affichées sur la page « Nous contacter » et à la fin des courriels envoyés aux habitants. Le
        téléphone figure aussi en bas de chaque page. Un champ laissé vide n’est pas affiché.
      </p>
      ${f({ name: 'adresse', label: 'Adresse de l’accueil', hint: 'Numéro et rue, par exemple 1 place de la Mairie.' })}
      ${f({ name: 'code_postal', label: 'Code postal', hint: '5 chiffres, par exemple 35000.', inputmode: 'numeric' })}
      ${f({ name: 'ville', label: 'Commune' })}
      ${f({ name: 'telephone', label: 'Téléphone', type: 'tel', hint: 'Par exemple 01 23 45 67 89.' })}
      ${f({
        name: 'courriel',
        label: 'Adresse électronique de contact',
        type: 'email',
        hint: 'Une adresse lue chaque jour, par exemple accueil@mairie-ville.fr.',
      })}
      ${f({
        name: 'horaires',
        label: 'Horaires d’ouverture',
        rows: 4,
        hint: `Une ligne par période, par exemple « Du lundi au vendredi : de 8 h 30 à 12 h ». ${LIMITS.hoursLines} lignes au plus.`,
      })}
      ${f({
        name: 'adresse_postale',
        label: 'Adresse postale',
        rows: 4,
        hint: 'Sur plusieurs lignes, comme sur une enveloppe. Laissée vide : l’adresse de l’accueil.',
      })}
      ${f({
        name: 'site_internet',
        label: 'Site internet',
        type: 'url',
        hint: 'L’adresse complète, par exemple https://www.mairie-ville.fr.',
      })}

      <h2>Courriels envoyés aux habitants</h2>
      <p>Les habitants reçoivent un courriel quand ils envoient une demande, puis quand elle avance.</p>
      ${f({
        name: 'expediteur_nom',
        label: 'Nom de l’expéditeur',
        hint: `Le nom que les habitants voient dans leur messagerie. Laissé vide : « ${input.defaults.senderName} ».`,
      })}
      ${f({
        name: 'expediteur_adresse',
        label: 'Adresse d’expédition',
        type: 'email',
        hint:
          `Laissée vide : ${input.defaults.senderAddress}, l’adresse du serveur. ` +
          'Pour une autre adresse, son domaine doit autoriser le serveur à envoyer des courriels en son nom. ' +
          'Sinon, les messageries rangent les courriels dans les indésirables ou les refusent. ' +
          'Cette autorisation se règle dans le domaine (enregistrements SPF et DKIM) : ' +
          'demandez-la à votre service informatique ou à votre prestataire avant d’enregistrer l’adresse.',
      })}
      ${f({
        name: 'reponse_a',
        label: 'Adresse de réponse',
        type: 'email',
        hint:
          'Quand un habitant répond à un courriel qui ne porte pas sur une demande (son compte, par exemple), ' +
          'sa réponse arrive à cette adresse. Laissée vide : l’adresse électronique de contact indiquée plus haut. ' +
          'La réponse à un courriel sur une demande revient toujours sur la demande, dans la boîte des agents.',
      })}

      <h2>Données de l’État (API Particulier)</h2>
      <p>
        Avec l’accord des habitants, la mairie peut demander à la CAF ou à la MSA leur quotient familial, au lieu
        d’un justificatif. L’État demande pour cela le SIRET de la mairie à chaque demande.
      </p>
      ${f({
        name: 'siret',
        label: 'SIRET de la mairie',
        inputmode: 'numeric',
        hint:
          '14 chiffres, par exemple 213 500 238 00018. Laissé vide : la mairie ne demande pas ces données ' +
          'et les formulaires demandent un justificatif.',
      })}

      <h2>Couleur du site</h2>
      ${f({
        name: 'couleur',
        label: 'Couleur principale',
        hint:
          `La couleur des liens, des boutons et du bandeau, par son code, par exemple ${DEFAULT_COLOUR}. ` +
          `Elle doit être assez foncée : un contraste d’au moins ${formatNumberFr(MIN_TEXT_CONTRAST)} pour 1 avec le blanc. ` +
          `Laissée vide : le bleu de Guichet, ${DEFAULT_COLOUR}.`,
      })}
      <button type="submit" class="button">Enregistrer</button>
    </form>`;
  return layout(ctx, {
    title: 'Coordonnées et courriels',
    main,
    area: 'agent',
    notice: input.notice,
    errors: input.errors,
    breadcrumbs: [{ label: 'Demandes', href: '/agent/demandes' }, { label: 'Coordonnées et courriels' }],
  });
}
