import { html, type SafeHtml } from '../../../platform/html.ts';
import { layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { plainText } from '../text.ts';

const HEADINGS: Record<string, string> = {
  'en-bref': 'En bref',
  'qui-est-concerne': 'Qui est concerné',
  'ce-qu-il-faut-preparer': 'Ce qu’il faut préparer',
  'comment-faire': 'Comment faire',
  'delai-et-cout': 'Délai et coût',
  'erreurs-frequentes-a-eviter': 'Erreurs fréquentes à éviter',
  'besoin-d-aide': 'Besoin d’aide ?',
};

/** An internal sheet the agents' assistant cited: its sections as plain text. */
export function internalArticlePage(
  ctx: PageContext,
  article: { title: string; summary: string; sections: Record<string, string> },
): SafeHtml {
  return layout(ctx, {
    title: article.title,
    area: 'agent',
    breadcrumbs: [
      { label: 'Demandes', href: '/agent/demandes' },
      { label: 'Assistant', href: '/agent/assistant' },
      { label: article.title },
    ],
    main: html`<h1>${article.title}</h1>
      <p class="lead">${article.summary}</p>
      <p class="hint">Fiche interne : les usagers ne la voient pas.</p>
      ${Object.entries(article.sections).map(
        ([key, text]) => html`<h2>${HEADINGS[key] ?? key}</h2>
          <p class="keep-lines">${plainText(text)}</p>`,
      )}
      <p><a href="${url(ctx, '/agent/assistant')}">Revenir à l’assistant</a></p>`,
  });
}
