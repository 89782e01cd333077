import type { DemarcheRow } from '../../../db/schema.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { url, type PageContext } from '../../../platform/web/layout.ts';

/** The search box, the same everywhere; `q` is what the user typed, kept in the box. */
export function searchForm(ctx: PageContext, q: string, id = 'recherche-q'): SafeHtml {
  return html`<form
      class="search-form"
      method="get"
      action="${url(ctx, '/recherche')}"
      role="search"
      data-suggest="${url(ctx, '/recherche/suggestions')}"
    >
      <label for="${id}">Rechercher une démarche, par exemple « carte d’identité »</label>
      <input type="search" id="${id}" name="q" value="${q}" maxlength="200" />
      <button type="submit" class="button">Rechercher</button>
    </form>
    <script src="/static/search-suggest.js" defer></script>`;
}

/** True when the démarche can be filed on this site (it has a form). */
export function hasForm(d: Pick<DemarcheRow, 'form'>): boolean {
  return d.form !== null && d.form !== undefined;
}

/** The first sentence of the summary, for lists. */
export function oneLine(summary: string): string {
  const m = /^(.+?[.!?])(\s|$)/.exec(summary);
  return m ? m[1]! : summary;
}

/** Whether and how the démarche can be done online, in words. */
export function onlineLabel(d: Pick<DemarcheRow, 'form' | 'channels' | 'kind'>): string {
  if (d.kind === 'information') return 'Page d’information';
  if (hasForm(d)) return 'Demande en ligne sur ce site';
  if (d.channels.includes('en-ligne')) return 'Possible en ligne';
  return 'Pas de démarche en ligne';
}

/** A list of démarches: title link, one-line summary, online or not. */
export function demarcheList(ctx: PageContext, items: DemarcheRow[]): SafeHtml {
  return html`<ul class="demarche-list">
    ${items.map(
      (d) =>
        html`<li>
          <a href="${url(ctx, `/demarches/${d.slug}`)}">${d.title}</a>
          <span class="tag">${onlineLabel(d)}</span>
          <br />${oneLine(d.summary)}
        </li>`,
    )}
  </ul>`;
}
