/** Reading what the application sends as a person would: the visible text of a page, of a PDF. */

/** What a reader sees of a page's main content: tags removed, entities decoded, spaces collapsed. */
export function visibleText(body: string): string {
  const main = /<main[\s\S]*<\/main>/.exec(body)?.[0] ?? body;
  return main
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/**
 * The text of each page of a PDF, as a reader extracts it (pdf.js, an independent parser, not the
 * library that wrote it); the pieces of text of a page are joined with `separator`.
 */
export async function pdfPages(bytes: Uint8Array, separator = ' '): Promise<string[]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  // pdf.js takes ownership of the buffer it is given.
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(separator));
  }
  await doc.destroy();
  return pages;
}

/** The whole text of a PDF, pages one after the other. */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  return (await pdfPages(bytes)).join('\n');
}

/**
 * The words of a mail's HTML part as a reader gets them (body only, tags removed, entities
 * decoded, spaces collapsed), to compare with its text part read through `mailPlainText`.
 */
export function mailHtmlText(html: string): string {
  const body = /<body[^>]*>([\s\S]*)<\/body>/.exec(html)?.[1] ?? html;
  return body
    .replace(/<li[^>]*>/g, ' - ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A mail's text part with spaces collapsed, to compare with `mailHtmlText`. */
export function mailPlainText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
