import { formatNumberFr, formatTimeFr } from '../../../platform/format.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import type { PageContext } from '../../../platform/web/layout.ts';
import type { TicketRow } from '../repository.ts';

/** Seconds between two reloads of the screen without JavaScript. */
export const DISPLAY_REFRESH_SECONDS = 10;

export interface DisplayInput {
  siteName: string;
  calls: TicketRow[];
  waiting: number;
  now: Date;
}

/**
 * The waiting-room screen of a site: the last call in large type (ticket and counter), the calls
 * before it, and how many people wait. Nothing personal: ticket numbers and counters only.
 *
 * It is a page of its own (no header or menu: it runs full screen on a TV's browser). Without
 * JavaScript it reloads itself (a meta refresh inside <noscript>); with it, counter-display.js
 * fetches the page every few seconds and replaces the calls, so that the last call's live region
 * announces the new one to a screen reader and the page never flashes.
 */
export function displayPage(ctx: PageContext, input: DisplayInput): SafeHtml {
  const [last, ...before] = input.calls;
  const n = input.waiting;
  return html`<!doctype html>
    <html lang="fr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Appels – ${input.siteName} – ${ctx.tenant.name}</title>
        <link rel="stylesheet" href="/static/guichet.css" />
        <noscript><meta http-equiv="refresh" content="${DISPLAY_REFRESH_SECONDS}" /></noscript>
        <script src="/static/counter-display.js" defer></script>
      </head>
      <body class="area-display">
        <main id="contenu" class="display">
          <h1 class="display-title">${input.siteName}</h1>
          <section aria-labelledby="dernier-appel-titre" class="display-last">
            <h2 id="dernier-appel-titre">Dernier appel</h2>
            <p id="dernier-appel" class="display-call" role="status" aria-live="polite" aria-atomic="true">
              ${
                last
                  ? html`<span class="display-ticket">${last.code}</span>
                      <span class="display-counter">${last.counterName ?? ''}</span>`
                  : html`<span class="display-counter">Aucun appel pour le moment</span>`
              }
            </p>
          </section>
          <section aria-labelledby="appels-titre" class="display-history">
            <h2 id="appels-titre">Appels précédents</h2>
            <div id="appels">
              ${
                before.length === 0
                  ? html`<p>Aucun.</p>`
                  : html`<table class="display-calls">
                      <caption class="visually-hidden">
                        Les appels précédents, du plus récent au plus ancien
                      </caption>
                      <thead>
                        <tr>
                          <th scope="col">Ticket</th>
                          <th scope="col">Guichet</th>
                        </tr>
                      </thead>
                      <tbody>
                        ${before.map(
                          (c) =>
                            html`<tr>
                              <th scope="row">${c.code}</th>
                              <td>${c.counterName ?? ''}</td>
                            </tr>`,
                        )}
                      </tbody>
                    </table>`
              }
              <p class="display-waiting">
                ${n === 0 ? 'Personne n’attend.' : n === 1 ? '1 personne attend.' : `${formatNumberFr(n)} personnes attendent.`}
                Mis à jour à ${formatTimeFr(input.now)}.
              </p>
            </div>
          </section>
        </main>
      </body>
    </html>`;
}
