import { formatCharactersFr } from '../../../platform/format.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { readabilityAttributes, readabilityHint } from '../../../platform/plain-language/readability-hint.ts';
import { errorOf, type FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { BODY_MAX, type ArticleValues } from '../forms.ts';
import { KNOWLEDGE_PATH, articleBody } from './article-parts.ts';

export interface ArticleEditorInput {
  /** null: a new article. */
  demarcheId: string | null;
  /** The title of the article as it is (for the heading and breadcrumbs). */
  currentTitle: string | null;
  values: ArticleValues;
  errors: FieldError[];
  services: { id: string; name: string }[];
  /** « Prévisualiser »: show the text as it will read, and the readability hint. */
  preview: boolean;
  /** Someone saved another version meanwhile: a link to read it. */
  conflict?: { latest: number };
}

function field(
  name: string,
  label: string,
  error: string,
  control: (describedBy: string) => SafeHtml,
  hint?: SafeHtml | string,
): SafeHtml {
  const describedBy = [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field${error ? ' field-error' : ''}">
    <label for="${name}">${label}</label>
    ${hint ? html`<div class="hint" id="${name}-hint">${hint}</div>` : ''}
    ${error ? html`<span class="error-message" id="${name}-error">${error}</span>` : ''} ${control(describedBy)}
  </div>`;
}

const DEFAULT_BODY = `## En bref

## Qui est concerné

## Ce qu'il faut préparer

## Comment faire

## Délai et coût

## Erreurs fréquentes à éviter

## Besoin d'aide ?
`;

export function emptyArticleValues(serviceId: string): ArticleValues {
  return {
    titre: '',
    resume: '',
    texte: DEFAULT_BODY,
    mots_cles: '',
    service: serviceId,
    public: 'public',
    note: '',
    version: '',
  };
}

/** The editor: a new article or the next version of one, with its preview without JavaScript. */
export function articleEditor(ctx: PageContext, input: ArticleEditorInput): SafeHtml {
  const v = input.values;
  const e = (name: string) => errorOf(input.errors, name);
  const action = url(
    ctx,
    input.demarcheId ? `${KNOWLEDGE_PATH}/${input.demarcheId}/modifier` : `${KNOWLEDGE_PATH}/nouvelle`,
  );
  const title = input.demarcheId ? `Modifier « ${input.currentTitle ?? ''} »` : 'Nouvelle page';
  const aria = (describedBy: string, error: string) =>
    html`${describedBy ? html`aria-describedby="${describedBy}"` : ''} ${error ? html`aria-invalid="true"` : ''}`;
  const showHint = input.preview && v.texte.trim() !== '';

  const main = html`${errorSummary(input.errors)}
    <h1>${title}</h1>
    ${
      input.conflict
        ? html`<p class="warning">
            <a href="${url(ctx, `${KNOWLEDGE_PATH}/${input.demarcheId}/versions/${input.conflict.latest}`)}"
              >Lire la version ${input.conflict.latest}</a
            >
            (elle s’ouvre dans cette fenêtre : copiez d’abord votre texte si vous voulez le garder).
          </p>`
        : ''
    }
    ${
      input.preview
        ? html`<section class="article-preview" aria-labelledby="apercu">
            <h2 id="apercu">Aperçu (non enregistré)</h2>
            <p>Voici la page telle qu’elle se lira. Le formulaire est en dessous.</p>
            <p class="lead">${v.resume}</p>
            ${articleBody(v.texte, 3)}
          </section>`
        : ''
    }
    <form method="post" action="${action}" class="article-form">
      ${csrfField(ctx)}
      <input type="hidden" name="version" value="${v.version}" />
      ${field(
        'titre',
        'Titre',
        e('titre'),
        (d) => html`<input type="text" id="titre" name="titre" value="${v.titre}" ${aria(d, e('titre'))} />`,
      )}
      ${field(
        'resume',
        'Résumé',
        e('resume'),
        (d) => html`<textarea id="resume" name="resume" rows="2" ${aria(d, e('resume'))}>${v.resume}</textarea>`,
        'Une ou deux phrases, montrées dans les listes et la recherche.',
      )}
      ${field(
        'texte',
        'Texte',
        e('texte'),
        (d) =>
          html`<textarea
              id="texte"
              name="texte"
              rows="24"
              ${aria(`${d}${showHint ? ' texte-lisibilite' : ''}`.trim(), e('texte'))}
              ${readabilityAttributes(ctx.base, 'texte-lisibilite')}
            >
${v.texte}</textarea
            >`,
        html`<p>
            Écrit en Markdown. Chaque partie commence par une ligne « ## Titre de la partie ». Listes : une ligne par
            élément, qui commence par « - » ou « 1. ». Gras : **mot**. Lien : [texte](https://adresse). Écrivez des
            phrases courtes. ${formatCharactersFr(BODY_MAX)} au plus.
          </p>`,
      )}
      ${readabilityHint(showHint ? v.texte : '', 'texte-lisibilite', { live: true })}
      ${field(
        'mots_cles',
        'Mots-clés',
        e('mots_cles'),
        (d) =>
          html`<input type="text" id="mots_cles" name="mots_cles" value="${v.mots_cles}" ${aria(d, e('mots_cles'))} />`,
        'Séparés par des virgules : les mots que les habitants tapent pour trouver la page.',
      )}
      ${field(
        'service',
        'Service',
        e('service'),
        (d) =>
          html`<select id="service" name="service" ${aria(d, e('service'))}>
            ${input.services.map(
              (s) => html`<option value="${s.id}" ${v.service === s.id ? html`selected` : ''}>${s.name}</option>`,
            )}
          </select>`,
      )}
      <fieldset>
        <legend>Qui peut lire la page ?</legend>
        <div class="choice">
          <input type="radio" id="public-public" name="public" value="public" ${v.public !== 'internal' ? html`checked` : ''} />
          <label for="public-public">Tout le monde, une fois publiée</label>
        </div>
        <div class="choice">
          <input type="radio" id="public-internal" name="public" value="internal" ${v.public === 'internal' ? html`checked` : ''} />
          <label for="public-internal">Les agents seulement (fiche interne)</label>
        </div>
      </fieldset>
      ${field(
        'note',
        'Note de version',
        e('note'),
        (d) => html`<input type="text" id="note" name="note" value="${v.note}" ${aria(d, e('note'))} />`,
        'Ce qui change, en quelques mots. Elle apparaît dans l’historique.',
      )}
      <button type="submit" class="button">Enregistrer le brouillon</button>
      <button type="submit" class="button secondary" name="action" value="previsualiser">Prévisualiser</button>
    </form>
    <p>
      <a href="${url(ctx, input.demarcheId ? `${KNOWLEDGE_PATH}/${input.demarcheId}` : KNOWLEDGE_PATH)}"
        >Revenir sans enregistrer</a
      >
    </p>`;
  return layout(ctx, {
    title,
    main,
    area: 'agent',
    errors: input.errors,
    breadcrumbs: [
      { label: 'Demandes', href: '/agent/demandes' },
      { label: 'Base de connaissances', href: KNOWLEDGE_PATH },
      ...(input.demarcheId ? [{ label: input.currentTitle ?? '', href: `${KNOWLEDGE_PATH}/${input.demarcheId}` }] : []),
      { label: input.demarcheId ? 'Modifier' : 'Nouvelle page' },
    ],
  });
}
