import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { unsafeRaw, type SafeHtml } from '../../../platform/html.ts';

/**
 * Markdown as agents write it in the knowledge base (CommonMark, lists, tables, links). Raw HTML
 * is not markup here (`html: false`: it shows as text); bare addresses become links.
 */
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });

/** Links to http(s), mailto or a relative address; anything else stays text as written. */
const LINK = /^(?:https?:\/\/|mailto:|(?![a-z][a-z0-9+.-]*:)(?!\/\/)[^\s]*$)/i;
markdown.validateLink = (href) => LINK.test(href.trim());

/** A section's own headings never outrank the page's: the page has its h1, sections their h2. */
const LOWEST_HEADING = 3;

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];

/**
 * The second gate, whatever markdown-it lets through: only these tags and attributes, links
 * only to http(s), mailto or relative addresses (no javascript:, data:, protocol-relative).
 */
const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'hr',
    'strong',
    'em',
    's',
    'code',
    'pre',
    'blockquote',
    'ul',
    'ol',
    'li',
    'a',
    'h3',
    'h4',
    'h5',
    'h6',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: { a: ['href'], ol: ['start'], th: ['scope'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'escape',
  transformTags: Object.fromEntries(HEADINGS.map((tag, i) => [tag, `h${Math.max(i + 1, LOWEST_HEADING)}`])) as Record<
    string,
    string
  >,
};

/**
 * The one way Markdown becomes HTML in Guichet (démarche pages, the knowledge base, the review
 * page): markdown-it without raw HTML, then sanitize-html. Safe to put in any page.
 */
export function renderMarkdown(source: string): SafeHtml {
  return unsafeRaw(sanitizeHtml(markdown.render(source), SANITIZE));
}
