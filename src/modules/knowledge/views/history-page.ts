import { formatDateTimeFr } from '../../../platform/format.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { csrfField, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import type { Article, ArticleVersion } from '../repository.ts';
import { AUDIENCE_LABELS, KNOWLEDGE_PATH, STATE_LABELS, articleBody } from './article-parts.ts';

/** What a version is now: the latest carries the article's state; an older one was published or replaced. */
function versionState(a: Article, v: ArticleVersion): string {
  if (v.number === a.latestVersion) return STATE_LABELS[a.state];
  if (v.number === a.publishedVersion) return 'Publiée, lue par les habitants';
  return v.publishedAt ? `Publiée le ${formatDateTimeFr(v.publishedAt)}, remplacée` : 'Remplacée';
}

function restoreForm(ctx: PageContext, a: Article, v: ArticleVersion): SafeHtml {
  if (v.number === a.latestVersion) return html``;
  return html`<form
    method="post"
    action="${url(ctx, `${KNOWLEDGE_PATH}/${a.demarcheId}/versions/${v.number}/restaurer`)}"
    class="inline-form"
  >
    ${csrfField(ctx)}
    <input type="hidden" name="version" value="${a.latestVersion}" />
    <button type="submit" class="button secondary">Restaurer la version ${v.number}</button>
  </form>`;
}

/** The versions of an article, the latest first: who, when, the note, the state. */
export function historyPage(
  ctx: PageContext,
  input: { article: Article; title: string; versions: ArticleVersion[] },
): SafeHtml {
  const a = input.article;
  const main = html`<h1>Historique : ${input.title}</h1>
    <p>
      Restaurer une version crée un nouveau brouillon avec son texte. Les habitants ne voient le changement qu’une
      fois ce brouillon publié.
    </p>
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">
          Versions de la page
        </caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Enregistrée le</th>
            <th scope="col">Par</th>
            <th scope="col">Note</th>
            <th scope="col">État</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          ${input.versions.map(
            (v) =>
              html`<tr>
                <td><a href="${url(ctx, `${KNOWLEDGE_PATH}/${a.demarcheId}/versions/${v.number}`)}">Version ${v.number}</a></td>
                <td>${formatDateTimeFr(v.createdAt)}</td>
                <td>${v.authorName ?? 'Guichet'}</td>
                <td>${v.note || '–'}</td>
                <td>${versionState(a, v)}</td>
                <td>${restoreForm(ctx, a, v)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <p><a href="${url(ctx, `${KNOWLEDGE_PATH}/${a.demarcheId}`)}">Revenir à la page</a></p>`;
  return layout(ctx, {
    title: `Historique : ${input.title}`,
    main,
    area: 'agent',
    breadcrumbs: [
      { label: 'Demandes', href: '/agent/demandes' },
      { label: 'Base de connaissances', href: KNOWLEDGE_PATH },
      { label: input.title, href: `${KNOWLEDGE_PATH}/${a.demarcheId}` },
      { label: 'Historique' },
    ],
  });
}

/** One version as it was written. */
export function versionPage(ctx: PageContext, input: { article: Article; version: ArticleVersion }): SafeHtml {
  const { article: a, version: v } = input;
  const main = html`<h1>${v.title}</h1>
    <dl class="facts">
      <dt>Version</dt>
      <dd>${v.number} : ${versionState(a, v)}</dd>
      <dt>Enregistrée le</dt>
      <dd>${formatDateTimeFr(v.createdAt)}${v.authorName ? `, par ${v.authorName}` : ''}</dd>
      <dt>Note</dt>
      <dd>${v.note || '–'}</dd>
      <dt>Service</dt>
      <dd>${v.serviceName}</dd>
      <dt>Lecteurs</dt>
      <dd>${AUDIENCE_LABELS[v.audience]}</dd>
      <dt>Mots-clés</dt>
      <dd>${v.keywords.join(', ') || '–'}</dd>
    </dl>
    ${restoreForm(ctx, a, v)}
    <p class="lead">${v.summary}</p>
    ${articleBody(v.bodyMarkdown)}
    <p><a href="${url(ctx, `${KNOWLEDGE_PATH}/${a.demarcheId}/historique`)}">Revenir à l’historique</a></p>`;
  return layout(ctx, {
    title: `${v.title} (version ${v.number})`,
    main,
    area: 'agent',
    breadcrumbs: [
      { label: 'Demandes', href: '/agent/demandes' },
      { label: 'Base de connaissances', href: KNOWLEDGE_PATH },
      { label: 'Historique', href: `${KNOWLEDGE_PATH}/${a.demarcheId}/historique` },
      { label: `Version ${v.number}` },
    ],
  });
}
