import { html, type SafeHtml } from '../../../platform/html.ts';

/**
 * The markdown subset of the articles: paragraphs, "- " lists, "1. " ordered lists, **bold**
 * and [links](https://…). Everything is escaped; a link whose target is not http(s) stays text.
 */
export function renderMarkdown(source: string): SafeHtml {
  const blocks: SafeHtml[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: string[] } | null = null;

  const flushParagraph = () => {
    if (paragraph.length > 0) blocks.push(html`<p>${renderInline(paragraph.join(' '))}</p>`);
    paragraph = [];
  };
  const flushList = () => {
    if (!list) return;
    const items = list.items.map((i) => html`<li>${renderInline(i)}</li>`);
    blocks.push(
      list.ordered
        ? html`<ol>
            ${items}
          </ol>`
        : html`<ul>
            ${items}
          </ul>`,
    );
    list = null;
  };

  for (const raw of source.split(/\r?\n/)) {
    const line = raw.trim();
    const bullet = /^[-*]\s+(.*)$/.exec(line);
    const numbered = /^\d+[.)]\s+(.*)$/.exec(line);
    if (line === '') {
      flushParagraph();
      flushList();
    } else if (bullet || numbered) {
      flushParagraph();
      const ordered = Boolean(numbered);
      if (list && list.ordered !== ordered) flushList();
      list ??= { ordered, items: [] };
      list.items.push((bullet ?? numbered)![1]!);
    } else if (list && /^\s{2,}/.test(raw)) {
      // An indented line continues the current list item.
      list.items[list.items.length - 1] += ` ${line}`;
    } else {
      flushList();
      paragraph.push(line);
    }
  }
  flushParagraph();
  flushList();
  return html`${blocks}`;
}

/** **bold** and [text](url), the rest as escaped text. */
export function renderInline(text: string): SafeHtml {
  const parts: SafeHtml[] = [];
  const pattern = /\*\*(.+?)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    parts.push(html`${text.slice(last, m.index)}`);
    if (m[1] !== undefined) {
      parts.push(html`<strong>${renderInline(m[1])}</strong>`);
    } else {
      const label = m[2]!;
      const href = m[3]!;
      parts.push(/^https?:\/\/[^\s"'<>]+$/i.test(href) ? html`<a href="${href}">${label}</a>` : html`${label}`);
    }
    last = m.index + m[0].length;
  }
  parts.push(html`${text.slice(last)}`);
  return html`${parts}`;
}
