import { html, type SafeHtml } from '../../../platform/html.ts';
import { url, type PageContext } from '../../../platform/web/layout.ts';
import { COMPLAINTS_PATH } from './pages.ts';

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many.replace('{n}', String(n)));

/** « Réclamations à traiter » above the inbox: what is waiting, what is late, one link to the list. */
export function complaintDeadlineAlert(
  ctx: PageContext,
  counts: { toAcknowledge: number; acknowledgementLate: number; answerLate: number },
): SafeHtml | '' {
  if (counts.toAcknowledge === 0 && counts.answerLate === 0) return '';
  const lines: string[] = [];
  if (counts.toAcknowledge > 0)
    lines.push(
      plural(
        counts.toAcknowledge,
        'Une réclamation attend son accusé de réception (sous 48 heures, deux jours ouvrés)',
        '{n} réclamations attendent leur accusé de réception (sous 48 heures, deux jours ouvrés)',
      ) +
        (counts.acknowledgementLate > 0
          ? plural(counts.acknowledgementLate, ', dont une en retard.', ', dont {n} en retard.')
          : '.'),
    );
  if (counts.answerLate > 0)
    lines.push(
      plural(
        counts.answerLate,
        'Une réclamation a dépassé sa date de réponse.',
        '{n} réclamations ont dépassé leur date de réponse.',
      ),
    );
  return html`<section class="escalation-alert" aria-labelledby="reclamations-alerte-titre">
    <h2 id="reclamations-alerte-titre">Réclamations à traiter</h2>
    <ul>
      ${lines.map((l) => html`<li>${l}</li>`)}
    </ul>
    <p><a href="${url(ctx, COMPLAINTS_PATH)}">Voir les réclamations à traiter</a></p>
  </section>`;
}
