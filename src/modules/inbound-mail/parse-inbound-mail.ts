import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import sanitizeHtml from 'sanitize-html';
import { splitQuotedHistory } from './quoted-history.ts';

/** One message as inbound mail needs it: parsed, its HTML sanitised, its history apart. */
export interface InboundMessage {
  messageId: string | null;
  /** In-Reply-To then References, each `<id@domain>`, most recent first. */
  threadIds: string[];
  subject: string;
  fromAddress: string | null;
  fromName: string | null;
  /** What the sender wrote now (plain text; from the HTML part when there is no text part). */
  newText: string;
  /** The history their program quoted below it. */
  quoted: string;
  /** The HTML part with every script, style, image, form and attribute but links removed. */
  htmlSanitised: string | null;
  attachments: { filename: string; declaredType: string; data: Buffer }[];
  header: (name: string) => string[];
  contentType: string;
  reportType: string | null;
  /** For a delivery status notification: who failed, and the Message-ID of the mail that failed. */
  dsn: {
    recipients: { address: string; action: string; status: string; diagnostic: string }[];
    originalMessageId: string | null;
  } | null;
  sizeBytes: number;
}

/** Tags kept from an HTML mail: text structure and links, nothing that runs, loads or submits. */
const SANITISE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'div',
    'span',
    'b',
    'strong',
    'i',
    'em',
    'u',
    's',
    'ul',
    'ol',
    'li',
    'blockquote',
    'pre',
    'code',
    'a',
    'table',
    'thead',
    'tbody',
    'tr',
    'td',
    'th',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'hr',
  ],
  allowedAttributes: { a: ['href'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // script, style, textarea… are dropped with their content.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'iframe', 'object', 'template'],
};

export function sanitiseMailHtml(html: string): string {
  return sanitizeHtml(html, SANITISE).trim();
}

/** Plain text of sanitised HTML: blocks and <br> as line breaks, links as « text (address) ». */
export function textOfHtml(html: string): string {
  const marked = html
    .replace(/<a href="([^"]*)">([\s\S]*?)<\/a>/gi, (_m, href: string, label: string) =>
      label.includes(href) || href === '' ? label : `${label} (${href})`,
    )
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h[1-6]|blockquote|pre|table)>/gi, '\n')
    .replace(/<li>/gi, '- ');
  const text = sanitizeHtml(marked, { allowedTags: [], allowedAttributes: {} });
  return text
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Header values by lower-case name, unfolded, from the raw header lines. */
function headerReader(parsed: ParsedMail): (name: string) => string[] {
  const byName = new Map<string, string[]>();
  for (const { key, line } of parsed.headerLines ?? []) {
    const colon = line.indexOf(':');
    const value = (colon < 0 ? '' : line.slice(colon + 1)).replace(/\r?\n[ \t]+/g, ' ').trim();
    const list = byName.get(key.toLowerCase()) ?? [];
    list.push(value);
    byName.set(key.toLowerCase(), list);
  }
  return (name) => byName.get(name.toLowerCase()) ?? [];
}

function firstAddress(from: AddressObject | AddressObject[] | undefined): {
  address: string | null;
  name: string | null;
} {
  const list = Array.isArray(from) ? from : from ? [from] : [];
  for (const group of list) {
    for (const a of group.value) {
      if (a.address) return { address: a.address.toLowerCase(), name: a.name?.trim() || null };
    }
  }
  return { address: null, name: null };
}

const MESSAGE_ID = /<[^<>\s]+>/g;

function ids(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join(' ') : (value ?? '');
  return text.match(MESSAGE_ID) ?? [];
}

/** `Field: value` lines of a delivery-status part, in groups separated by blank lines. */
function statusGroups(text: string): Map<string, string>[] {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\n[ \t]+/g, ' ')
    .split(/\n\s*\n/)
    .map((block) => {
      const fields = new Map<string, string>();
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      return fields;
    })
    .filter((f) => f.size > 0);
}

function parseDsn(parsed: ParsedMail): InboundMessage['dsn'] {
  const status = parsed.attachments.find((a) => /^message\/(global-)?delivery-status$/i.test(a.contentType));
  const original = parsed.attachments.find((a) =>
    /^(message\/rfc822|text\/rfc822-headers|message\/global(-headers)?)$/i.test(a.contentType),
  );
  // mailparser reads a message/delivery-status part as text of the message, not as an attachment.
  const statusText = status ? status.content.toString('utf8') : (parsed.text ?? '');
  const recipients = statusText
    ? statusGroups(statusText)
        .filter((g) => g.has('final-recipient') || g.has('original-recipient'))
        .map((g) => ({
          address: (g.get('final-recipient') ?? g.get('original-recipient') ?? '')
            .replace(/^[^;]*;\s*/, '')
            .toLowerCase(),
          action: (g.get('action') ?? '').toLowerCase(),
          status: g.get('status') ?? '',
          diagnostic: (g.get('diagnostic-code') ?? '').replace(/^[^;]*;\s*/, '').slice(0, 500),
        }))
    : [];
  let originalMessageId: string | null = null;
  if (original) {
    const headers = original.content.toString('utf8').split(/\r?\n\r?\n/)[0] ?? '';
    const m = /^message-id:\s*(<[^<>\s]+>)/im.exec(headers.replace(/\r?\n[ \t]+/g, ' '));
    originalMessageId = m?.[1] ?? null;
  }
  return { recipients, originalMessageId };
}

/**
 * Parses a raw message. mailparser reads what it can of malformed MIME (a missing boundary, bad
 * base64, an unknown charset) rather than failing, so a message a person wrote is kept even
 * when their program wrote it badly; it throws only on input it cannot read at all.
 */
export async function parseInboundMail(raw: Buffer): Promise<InboundMessage> {
  const parsed = await simpleParser(raw, { skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
  const header = headerReader(parsed);
  const from = firstAddress(parsed.from);
  const contentTypeHeader = parsed.headers.get('content-type') as
    { value?: string; params?: Record<string, string> } | undefined;
  const contentType = (contentTypeHeader?.value ?? 'text/plain').toLowerCase();
  const reportType = contentTypeHeader?.params?.['report-type']?.toLowerCase() ?? null;
  const htmlSanitised =
    typeof parsed.html === 'string' && parsed.html.trim() !== '' ? sanitiseMailHtml(parsed.html) : null;
  // The text part; without one, the text of the sanitised HTML (links written out, nothing else).
  const hasTextPart = contentType === 'text/plain' || /^content-type:\s*text\/plain/im.test(raw.toString('latin1'));
  const text = (htmlSanitised !== null && !hasTextPart ? textOfHtml(htmlSanitised) : (parsed.text ?? '')).replace(
    /\r\n?/g,
    '\n',
  );
  const { newText, quoted } = splitQuotedHistory(text);
  const attachments = parsed.attachments
    // Parts of a report and pictures inside an HTML signature are not documents.
    .filter(
      (a) => !a.related && !/^(message|text)\/(rfc822|delivery-status|rfc822-headers|global.*)$/i.test(a.contentType),
    )
    .map((a) => ({ filename: a.filename ?? 'piece-jointe', declaredType: a.contentType, data: a.content }));
  return {
    messageId: parsed.messageId ? (ids(parsed.messageId)[0] ?? null) : null,
    threadIds: [...new Set([...ids(parsed.inReplyTo), ...ids(parsed.references).reverse()])],
    subject: (parsed.subject ?? '').trim(),
    fromAddress: from.address,
    fromName: from.name,
    newText,
    quoted,
    htmlSanitised,
    attachments,
    header,
    contentType,
    reportType,
    dsn: contentType === 'multipart/report' ? parseDsn(parsed) : null,
    sizeBytes: raw.length,
  };
}
