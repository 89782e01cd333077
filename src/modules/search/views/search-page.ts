import { formatDateFr, formatDateTimeFr, formatNumberFr } from '../../../platform/format.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import type { FieldError } from '../../../platform/web/form.ts';
import { errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { statusBadge } from '../../agents/views/status-badge.ts';
import { highlightedExcerpt } from '../excerpt.ts';
import { CANDIDATES_PER_MATCH, RESULTS_PAGE_SIZE, type CitizenHit, type RequestHit } from '../repository.ts';
import type { SearchOutcome } from '../search-workspace.ts';
import { agentSearchBox } from './search-box.ts';

export interface SearchPageInput {
  q: string;
  page: number;
  outcome: SearchOutcome | null;
  errors: FieldError[];
}

function searchHref(ctx: PageContext, q: string, page = 1): string {
  const params = new URLSearchParams({ q });
  if (page > 1) params.set('page', String(page));
  return url(ctx, `/agent/recherche?${params.toString()}`);
}

function whereFound(hit: RequestHit): SafeHtml | string {
  if (hit.match === 'exact') return 'Trouvée par sa référence, l’adresse électronique ou le téléphone du demandeur';
  if (hit.match === 'name') return 'Nom du demandeur proche de la recherche';
  if (hit.match === 'request') return 'Dans la demande';
  const who =
    hit.event_author_kind === 'citizen'
      ? 'Message de l’usager'
      : hit.event_kind === 'internal_note'
        ? `Note interne${hit.event_agent_name ? ` de ${hit.event_agent_name}` : ''}`
        : `Message${hit.event_agent_name ? ` de ${hit.event_agent_name}` : ' de la mairie'}`;
  return hit.event_at ? `${who}, le ${formatDateTimeFr(hit.event_at)}` : who;
}

function requestResult(ctx: PageContext, hit: RequestHit): SafeHtml {
  return html`<li class="search-result">
    <h3>
      <a href="${url(ctx, `/agent/demandes/${encodeURIComponent(hit.reference)}`)}"
        ><span class="reference">${hit.reference}</span> – ${hit.demarche_title}</a
      >
    </h3>
    <p class="search-meta">
      ${hit.applicant_name ?? 'Demandeur non renseigné'} · ${hit.service_name} · déposée le
      ${formatDateFr(hit.submitted_at)} · ${statusBadge(hit.status)}
    </p>
    <p class="search-where">${whereFound(hit)}</p>
    ${hit.excerpt ? html`<p class="search-excerpt">${highlightedExcerpt(hit.excerpt)}</p>` : ''}
  </li>`;
}

function citizenResult(ctx: PageContext, c: CitizenHit): SafeHtml {
  const name = [c.given_name, c.family_name].filter(Boolean).join(' ') || 'Nom non renseigné';
  return html`<li class="search-result">
    <h3>${name}${c.verified ? html` <span class="tag">Identité vérifiée par FranceConnect</span>` : ''}</h3>
    <p class="search-meta">
      ${c.email ?? 'Pas d’adresse électronique'} ·
      ${
        c.request_count === 0
          ? 'aucune demande dans vos services'
          : c.request_count === 1
            ? '1 demande dans vos services'
            : `${formatNumberFr(c.request_count)} demandes dans vos services`
      }
    </p>
    ${c.person_id ? html`<p><a href="${url(ctx, `/agent/usagers/${c.person_id}`)}">Fiche usager de ${name}</a></p>` : ''}
    ${
      c.email && c.request_count > 0
        ? html`<p><a href="${searchHref(ctx, c.email)}">Voir les demandes de ${name}</a></p>`
        : ''
    }
  </li>`;
}

function noResults(q: string): SafeHtml {
  return html`<div class="search-none">
    <p><strong>Aucun résultat pour « ${q} ».</strong></p>
    <p>Quelques pistes :</p>
    <ul>
      <li>vérifiez l’orthographe, ou essayez un seul mot, par exemple le nom de famille ;</li>
      <li>cherchez la référence complète de la demande, par exemple « VB-2026-4F7K2 » (tirets facultatifs) ;</li>
      <li>cherchez l’adresse électronique ou le numéro de téléphone complet de l’usager ;</li>
      <li>
        la recherche ne montre que les demandes de vos services : pour une autre, demandez au service concerné.
      </li>
    </ul>
  </div>`;
}

/** The results page: citizens first (on the first page), then the requests, with their excerpt. */
export function searchPage(ctx: PageContext, input: SearchPageInput): SafeHtml {
  const { q, outcome } = input;
  const invalid =
    input.errors[0]?.message ?? (outcome?.kind === 'too_short' ? 'Tapez au moins 2 caractères.' : undefined);
  let body: SafeHtml | string = '';
  if (outcome?.kind === 'results') {
    const { citizens, requests, total } = outcome;
    const pages = Math.max(1, Math.ceil(total / RESULTS_PAGE_SIZE));
    const first = (input.page - 1) * RESULTS_PAGE_SIZE + 1;
    const last = Math.min(total, input.page * RESULTS_PAGE_SIZE);
    body =
      citizens.length === 0 && total === 0
        ? noResults(q)
        : html`${
            citizens.length > 0
              ? html`<section aria-labelledby="usagers-titre">
                  <h2 id="usagers-titre">Usagers (${formatNumberFr(citizens.length)})</h2>
                  <ul class="search-results">
                    ${citizens.map((c) => citizenResult(ctx, c))}
                  </ul>
                </section>`
              : ''
          }
            <section aria-labelledby="demandes-titre">
              <h2 id="demandes-titre">Demandes (${formatNumberFr(total)}${outcome.more ? ' ou plus' : ''})</h2>
              ${
                total === 0
                  ? html`<p>Aucune demande de vos services ne correspond à « ${q} ».</p>`
                  : html`<p>
                      Demandes ${formatNumberFr(first)} à ${formatNumberFr(last)}, de la plus récente à la plus
                      ancienne (une référence, une adresse ou un téléphone exacts d’abord).
                    </p>
                    ${
                      outcome.more
                        ? html`<p class="hint">
                          Plus de ${formatNumberFr(CANDIDATES_PER_MATCH)} demandes contiennent ces mots : seules les
                          plus récentes sont montrées. Ajoutez un mot ou un nom pour préciser.
                        </p>`
                        : ''
                    }
                    <ul class="search-results">
                      ${requests.map((r) => requestResult(ctx, r))}
                    </ul>`
              }
            </section>
            ${
              pages > 1
                ? html`<nav aria-label="Pages de résultats">
                  <ul class="pagination">
                    ${
                      input.page > 1
                        ? html`<li><a href="${searchHref(ctx, q, input.page - 1)}">Page précédente</a></li>`
                        : ''
                    }
                    <li>Page ${input.page} sur ${pages}</li>
                    ${
                      input.page < pages
                        ? html`<li><a href="${searchHref(ctx, q, input.page + 1)}">Page suivante</a></li>`
                        : ''
                    }
                  </ul>
                </nav>`
                : ''
            }`;
  }
  const errors: FieldError[] = invalid ? [{ field: 'q', message: invalid }] : [];
  const main = html`<p><a href="${url(ctx, '/agent/demandes')}">Retour aux demandes</a></p>
    <h1>${q && outcome?.kind === 'results' ? `Recherche : « ${q} »` : 'Recherche'}</h1>
    ${errorSummary(errors)} ${agentSearchBox(ctx, q, { invalid })} ${body}`;
  const title =
    q && outcome?.kind === 'results'
      ? `Recherche « ${q} »${input.page > 1 ? ` – page ${input.page}` : ''}`
      : 'Recherche';
  return layout(ctx, { title, main, area: 'agent', errors });
}
