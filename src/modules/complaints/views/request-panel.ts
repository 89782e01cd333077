import { html, type SafeHtml } from '../../../platform/html.ts';
import { url, type PageContext } from '../../../platform/web/layout.ts';
import { LEVEL_LABELS, STATUS_LABELS } from '../labels.ts';
import type { RequestComplaintRow } from '../repository.ts';
import { COMPLAINTS_PATH, NEW_COMPLAINT_PATH, nextDeadline } from './pages.ts';

/**
 * The « Réclamations » block of a request's page: the complaints linked to it with their
 * deadline, and « Traiter comme réclamation », which opens the complaint form prefilled from the
 * request (the triage's « Réclamation probable » leads there too).
 */
export function requestComplaintsPanel(
  ctx: PageContext,
  input: { reference: string; complaints: RequestComplaintRow[]; canCreate: boolean; now: Date },
): SafeHtml {
  if (input.complaints.length === 0 && !input.canCreate) return html``;
  return html`<section class="complaint-panel" aria-labelledby="reclamations-titre">
    <h2 id="reclamations-titre">Réclamations</h2>
    ${
      input.complaints.length === 0
        ? html`<p>Aucune réclamation sur cette demande.</p>`
        : html`<ul>
            ${input.complaints.map((c) => {
              const d = nextDeadline(c, input.now);
              return html`<li>
                <a href="${url(ctx, `${COMPLAINTS_PATH}/${c.id}`)}">${c.reference}</a> – ${c.subject}.
                ${STATUS_LABELS[c.status]}, niveau ${LEVEL_LABELS[c.level].toLowerCase()}.
                ${d ? html`<span class="${d.late ? 'tag late' : 'hint'}">${d.label}</span>` : ''}
              </li>`;
            })}
          </ul>`
    }
    ${
      input.canCreate
        ? html`<p>
            <a class="button secondary" href="${url(ctx, `${NEW_COMPLAINT_PATH}?demande=${encodeURIComponent(input.reference)}`)}"
              >Traiter comme réclamation</a
            >
          </p>`
        : ''
    }
  </section>`;
}
