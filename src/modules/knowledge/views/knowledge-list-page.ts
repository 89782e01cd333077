import { formatDateFr } from '../../../platform/format.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { layout, url, type PageContext } from '../../../platform/web/layout.ts';
import type { ListQuery } from '../forms.ts';
import type { ListedArticle } from '../repository.ts';
import { AUDIENCE_LABELS, KNOWLEDGE_PATH, STATE_LABELS, stateBadge } from './article-parts.ts';

function selected(on: boolean): SafeHtml {
  return on ? html`selected` : html``;
}

/** « Base de connaissances »: every article of the tenant, with the filters. */
export function knowledgeListPage(
  ctx: PageContext,
  input: { articles: ListedArticle[]; query: ListQuery; services: { id: string; name: string }[]; notice?: string },
): SafeHtml {
  const q = input.query;
  const main = html`<h1>Base de connaissances</h1>
    <p>
      Les pages que lisent les habitants et les fiches internes des agents. Tout agent peut proposer une nouvelle
      version. Les responsables du service et les administrateurs la publient.
    </p>
    <p><a class="button" href="${url(ctx, `${KNOWLEDGE_PATH}/nouvelle`)}">Écrire une nouvelle page</a></p>
    <form method="get" action="${url(ctx, KNOWLEDGE_PATH)}" class="filters" aria-label="Filtrer les pages">
      <div class="field">
        <label for="titre">Titre contient</label>
        <input type="search" id="titre" name="titre" value="${q.titre}" />
      </div>
      <div class="field">
        <label for="etat">État</label>
        <select id="etat" name="etat">
          <option value="">Tous</option>
          ${(['brouillon', 'relecture', 'publie'] as const).map(
            (s) => html`<option value="${s}" ${selected(q.etat === s)}>${STATE_LABELS[s]}</option>`,
          )}
        </select>
      </div>
      <div class="field">
        <label for="service">Service</label>
        <select id="service" name="service">
          <option value="">Tous</option>
          ${input.services.map((s) => html`<option value="${s.id}" ${selected(q.service === s.id)}>${s.name}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="public">Lecteurs</label>
        <select id="public" name="public">
          <option value="">Tous</option>
          <option value="public" ${selected(q.public === 'public')}>Public</option>
          <option value="internal" ${selected(q.public === 'internal')}>Interne</option>
        </select>
      </div>
      <div class="checkbox">
        <input type="checkbox" id="arelire" name="arelire" value="1" ${q.arelire ? html`checked` : ''} />
        <label for="arelire">À relire seulement</label>
      </div>
      <button type="submit" class="button secondary">Filtrer</button>
    </form>
    <p>${input.articles.length} page${input.articles.length > 1 ? 's' : ''}.</p>
    ${
      input.articles.length === 0
        ? html`<p>Aucune page ne correspond à ces filtres.</p>`
        : html`<div class="table-wrap">
            <table>
              <caption class="visually-hidden">
                Pages de la base de connaissances
              </caption>
              <thead>
                <tr>
                  <th scope="col">Page</th>
                  <th scope="col">Service</th>
                  <th scope="col">Lecteurs</th>
                  <th scope="col">État</th>
                  <th scope="col">Responsable</th>
                  <th scope="col">À relire avant le</th>
                </tr>
              </thead>
              <tbody>
                ${input.articles.map(
                  (a) =>
                    html`<tr>
                      <td><a href="${url(ctx, `${KNOWLEDGE_PATH}/${a.demarcheId}`)}">${a.title}</a></td>
                      <td>${a.serviceName}</td>
                      <td>${a.audience === 'public' ? 'Public' : AUDIENCE_LABELS.internal}</td>
                      <td>
                        ${stateBadge(a.state)}
                        ${
                          a.publishedVersion !== null && a.state !== 'publie'
                            ? html`<br />version ${a.publishedVersion} publiée`
                            : ''
                        }
                      </td>
                      <td>${a.ownerName ?? 'Personne'}</td>
                      <td>
                        ${a.reviewOn ? formatDateFr(a.reviewOn) : '–'}
                        ${a.stale ? html`<br /><strong class="stale">À relire</strong>` : ''}
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }`;
  return layout(ctx, {
    title: 'Base de connaissances',
    main,
    area: 'agent',
    notice: input.notice,
    breadcrumbs: [{ label: 'Demandes', href: '/agent/demandes' }, { label: 'Base de connaissances' }],
  });
}
