import { html, type SafeHtml } from '../../../platform/html.ts';
import { url, type PageContext } from '../../../platform/web/layout.ts';
import { QUERY_MAX_LENGTH } from '../forms.ts';

/**
 * The agents' search box, at the top of the inbox and of the results: a plain GET form (no
 * JavaScript), `q` kept as typed. `invalid` marks the field when the query was refused.
 */
export function agentSearchBox(ctx: PageContext, q: string, options: { invalid?: string } = {}): SafeHtml {
  const described = options.invalid ? 'recherche-aide recherche-erreur' : 'recherche-aide';
  return html`<form class="search-form agent-search" method="get" action="${url(ctx, '/agent/recherche')}" role="search">
    <label for="q">Rechercher une demande, un message ou un usager</label>
    <p class="hint" id="recherche-aide">
      Une référence, un nom, une adresse électronique, un numéro de téléphone ou des mots d’un message.
    </p>
    ${options.invalid ? html`<p class="error-message" id="recherche-erreur">${options.invalid}</p>` : ''}
    <input
      type="search"
      id="q"
      name="q"
      value="${q}"
      maxlength="${QUERY_MAX_LENGTH}"
      aria-describedby="${described}"
      ${options.invalid ? html`aria-invalid="true"` : ''}
    />
    <button type="submit" class="button">Rechercher</button>
  </form>`;
}
