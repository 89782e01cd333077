import { html, type SafeHtml } from '../../../platform/html.ts';
import { formatDateTimeFr } from '../../../platform/format.ts';
import { url, type PageContext } from '../../../platform/web/layout.ts';
import type { EscalatedItem } from '../repository.ts';

/**
 * What supervisors see first in their inbox: the items their agents raised to them, until one of
 * them takes or gives each item (or it closes).
 */
export function escalationAlert(ctx: PageContext, items: readonly EscalatedItem[]): SafeHtml | '' {
  if (items.length === 0) return '';
  return html`<section class="escalation-alert" aria-labelledby="escalades-title">
    <h2 id="escalades-title">
      ${items.length === 1 ? 'Une demande vous est escaladée' : `Demandes escaladées à vos services`}
    </h2>
    <ul>
      ${items.map(
        (i) =>
          html`<li>
            <a href="${url(ctx, `/agent/demandes/${encodeURIComponent(i.reference)}`)}">${i.reference}</a>
            – ${i.demarche_title}, depuis le ${formatDateTimeFr(i.escalated_at!)}
          </li>`,
      )}
    </ul>
    <p class="hint">Prenez-la en charge ou confiez-la à un agent : l’escalade prend fin.</p>
  </section>`;
}
