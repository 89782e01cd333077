import { formatDateTimeFr, formatNumberFr } from '../../../platform/format.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { url, type PageContext } from '../../../platform/web/layout.ts';
import { positionParam, type PersonTimelineEntry, type TimelinePosition } from '../person-timeline.ts';

/** The links between the timeline's pages, as the journal's: no script, one GET each. */
function pages(ctx: PageContext, input: { personPath: string; next: TimelinePosition | null; continued: boolean }) {
  if (!input.next && !input.continued) return '';
  return html`<nav aria-label="Pages de l’historique">
    <ul class="pagination">
      ${input.continued ? html`<li><a href="${url(ctx, input.personPath)}">Revenir aux plus récentes</a></li>` : ''}
      ${
        input.next
          ? html`<li>
              <a href="${url(ctx, `${input.personPath}?avant=${encodeURIComponent(positionParam(input.next))}`)}"
                >Entrées plus anciennes</a
              >
            </li>`
          : ''
      }
    </ul>
  </nav>`;
}

/**
 * A record's timeline, latest first, one page at a time: every entry presented the same way as a
 * request's history (requests/timeline.ts: title, date · author, text), with the item it concerns
 * linked.
 */
export function personTimelineView(
  ctx: PageContext,
  input: {
    personPath: string;
    entries: PersonTimelineEntry[];
    next: TimelinePosition | null;
    continued: boolean;
    otherItems: number;
    otherServices: number;
  },
): SafeHtml {
  const others =
    input.otherItems > 0
      ? html`<p class="hint">
          ${input.otherItems === 1 ? 'Une autre demande' : `${formatNumberFr(input.otherItems)} autres demandes`} de cette
          personne ${input.otherItems === 1 ? 'est suivie' : 'sont suivies'} par
          ${input.otherServices === 1 ? 'un autre service' : `${formatNumberFr(input.otherServices)} autres services`} :
          vous n’y avez pas accès.
        </p>`
      : '';
  if (input.entries.length === 0) {
    return html`<p>
        ${input.continued ? 'Il n’y a pas d’entrée plus ancienne.' : 'Rien n’est encore arrivé à cette personne dans vos services.'}
      </p>
      ${others} ${pages(ctx, input)}`;
  }
  return html`${others}
    <ol class="timeline">
      ${input.entries.map(
        (e) => html`<li${e.internal ? html` class="note-internal"` : ''}>
          <h3>${e.title}</h3>
          <p class="meta">
            ${formatDateTimeFr(e.at)}${e.author ? ` · ${e.author}` : ''}${
              e.item
                ? html` ·
                    <a href="${url(ctx, `/agent/demandes/${encodeURIComponent(e.item.reference)}`)}">${e.item.label}</a>`
                : ''
            }
          </p>
          ${e.facts.length ? html`<p>${e.facts.map((f, i) => html`${i > 0 ? html`<br />` : ''}${f}`)}</p>` : ''}
          ${e.body ? html`<p class="message-body">${e.body}</p>` : ''}
        </li>`,
      )}
    </ol>
    ${pages(ctx, input)}`;
}
