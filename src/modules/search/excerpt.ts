import { html, type SafeHtml } from '../../platform/html.ts';

/**
 * Markers of an excerpt highlighted by the database (ts_headline). The text is cleaned of them
 * before ts_headline runs (see repository.ts), so any found afterwards are ours. `<` and `>` are
 * swapped for two other control characters for the same trip: ts_headline would otherwise take
 * a tag-like `<b>` in a message for markup and drop it, and the agent would not see what the citizen wrote.
 */
export const MARK_START = '\u0001';
export const MARK_END = '\u0002';
export const LESS_THAN = '\u0003';
export const GREATER_THAN = '\u0004';

function restore(text: string): string {
  return text.replaceAll(LESS_THAN, '<').replaceAll(GREATER_THAN, '>');
}

/**
 * An excerpt as HTML: every piece of text escaped by the html template, only the `<mark>` elements
 * ours. Unbalanced markers (none expected) are treated as text boundaries, never as markup.
 */
export function highlightedExcerpt(marked: string): SafeHtml {
  const parts: SafeHtml[] = [];
  let rest = marked;
  while (rest.length > 0) {
    const start = rest.indexOf(MARK_START);
    if (start < 0) {
      parts.push(html`${restore(rest.replaceAll(MARK_END, ''))}`);
      break;
    }
    if (start > 0) parts.push(html`${restore(rest.slice(0, start).replaceAll(MARK_END, ''))}`);
    const end = rest.indexOf(MARK_END, start + 1);
    const word = rest.slice(start + 1, end < 0 ? undefined : end).replaceAll(MARK_START, '');
    if (word !== '') parts.push(html`<mark>${restore(word)}</mark>`);
    rest = end < 0 ? '' : rest.slice(end + 1);
  }
  return html`${parts}`;
}
