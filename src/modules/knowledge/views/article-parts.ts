import type { ArticleState } from '../../../db/schema.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { renderMarkdown } from '../../catalogue/views/markdown.ts';

export const KNOWLEDGE_PATH = '/agent/connaissances';

export const STATE_LABELS: Record<ArticleState, string> = {
  brouillon: 'Brouillon',
  relecture: 'En relecture',
  publie: 'Publiée',
};

export const AUDIENCE_LABELS = { public: 'Public', internal: 'Interne (agents seulement)' } as const;

export function stateBadge(state: ArticleState): SafeHtml {
  return html`<span class="status status-${state}">${STATE_LABELS[state]}</span>`;
}

/**
 * An article's Markdown body as agents read it: each "## " section under its heading at `level`
 * (2 on a page of its own, 3 inside a preview), its content through renderMarkdown. Text before
 * the first heading is shown too (the editor warns that it would not be published).
 */
export function articleBody(body: string, level: 2 | 3 = 2): SafeHtml {
  const parts: SafeHtml[] = [];
  const chunks = body.replace(/\r\n?/g, '\n').split(/^##\s+(.+?)\s*$/m);
  const intro = chunks[0]!.trim();
  if (intro) parts.push(renderMarkdown(intro));
  for (let i = 1; i < chunks.length; i += 2) {
    const heading = chunks[i]!;
    const content = renderMarkdown(chunks[i + 1] ?? '');
    parts.push(
      level === 2
        ? html`<h2>${heading}</h2>
            ${content}`
        : html`<h3>${heading}</h3>
            ${content}`,
    );
  }
  return html`${parts}`;
}
