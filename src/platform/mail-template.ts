import { html, type SafeHtml } from './html.ts';
import type { OutgoingMail } from './mail.ts';

/**
 * Every mail Guichet sends is written once, as blocks, and rendered twice: a plain-text part
 * and an HTML part with the same words. The HTML part needs no image, reads in any client and
 * with a screen reader (lang="fr", a real title, real links, contrast above 7:1); the text part
 * gives every link's address in full on a line of its own.
 */

export type MailBlock =
  /** A paragraph; line breaks inside are kept. */
  | { kind: 'paragraph'; text: string }
  | { kind: 'heading'; text: string }
  /** `Votre numéro de demande : VB-2026-4F7K2`, the value in bold in HTML. */
  | { kind: 'value'; label: string; value: string }
  /** A link shown as a button in HTML, its address also written out under it (and in the text part). */
  | { kind: 'button'; label: string; url: string }
  /** A short list; each item on a line starting with « - » in the text part. */
  | { kind: 'list'; items: string[] }
  /** Someone's own words (an agent's message), set apart. */
  | { kind: 'quote'; label: string; text: string };

export interface MailContent {
  to: string;
  subject: string;
  requestId?: string;
  /** « Bonjour Camille Martin, » */
  greeting: string;
  blocks: MailBlock[];
  /** Who signs: « Mairie de Villebelle ». */
  signature: string;
  /** The citizen's tracking page: the footer says to answer there. */
  trackingUrl?: string;
  /** Contact lines (« Téléphone : … ») printed in the footer. */
  contact?: string[];
}

const BODY = '#1e1e1e'; // 16.5:1 on white
const MUTED = '#3a3a3a'; // 11.4:1 on white
const ACCENT = '#000091'; // 16:1 on white; white on it too

/** The footer line every mail ends with when the citizen has a tracking page. */
export function replyLine(trackingUrl: string): { label: string; url: string } {
  return { label: 'Pour répondre, utilisez votre page de suivi :', url: trackingUrl };
}

function textBlock(block: MailBlock): string {
  switch (block.kind) {
    case 'paragraph':
    case 'heading':
      return block.text;
    case 'value':
      return `${block.label} : ${block.value}`;
    case 'button':
      return `${block.label}\n${block.url}`;
    case 'list':
      return block.items.map((item) => `- ${item}`).join('\n');
    case 'quote':
      return `${block.label}\n${block.text}`;
  }
}

/** Line breaks kept as <br>, every line escaped. */
function lines(text: string): SafeHtml[] {
  return text.split('\n').map((line, i) => (i === 0 ? html`${line}` : html`<br />${line}`));
}

function htmlBlock(block: MailBlock): SafeHtml {
  const p = `margin:0 0 16px 0;`;
  switch (block.kind) {
    case 'paragraph':
      return html`<p style="${p}">${lines(block.text)}</p>`;
    case 'heading':
      return html`<h2 style="margin:24px 0 8px 0;font-size:18px;line-height:1.3">${block.text}</h2>`;
    case 'value':
      return html`<p style="${p}">${block.label} : <strong>${block.value}</strong></p>`;
    case 'button':
      return html`<p style="margin:24px 0 8px 0">
          <a
            href="${block.url}"
            style="display:inline-block;padding:12px 20px;background:${ACCENT};color:#ffffff;font-weight:bold;text-decoration:underline;border-radius:4px"
            >${block.label}</a
          >
        </p>
        <p style="${p}font-size:14px;color:${MUTED};word-break:break-all">${block.url}</p>`;
    case 'list':
      return html`<ul style="${p}padding-left:24px">
        ${block.items.map((item) => html`<li>${item}</li>`)}
      </ul>`;
    case 'quote':
      return html`<p style="margin:0 0 4px 0">${block.label}</p>
        <blockquote style="margin:0 0 16px 0;padding:8px 16px;border-left:4px solid ${ACCENT}">${lines(block.text)}</blockquote>`;
  }
}

/** The mail, text and HTML parts, from one content. */
export function renderMail(content: MailContent): OutgoingMail {
  const footer: string[] = [content.signature];
  const contact = content.contact ?? [];
  const reply = content.trackingUrl ? replyLine(content.trackingUrl) : null;

  const text = [
    content.greeting,
    ...content.blocks.map(textBlock),
    [
      ...footer,
      ...(reply ? [reply.label, reply.url] : []),
      ...contact,
      'Ce courriel est envoyé automatiquement par le guichet en ligne.',
    ].join('\n'),
  ].join('\n\n');

  const page = html`<!doctype html>
<html lang="fr">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="color-scheme" content="light" />
    <title>${content.subject}</title>
  </head>
  <body style="margin:0;padding:0;background:#ffffff;color:${BODY};font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5">
    <div role="article" aria-label="${content.subject}" lang="fr" style="max-width:600px;margin:0 auto;padding:24px 16px">
      <p style="margin:0 0 16px 0">${content.greeting}</p>
      ${content.blocks.map(htmlBlock)}
      <div style="margin-top:32px;padding-top:16px;border-top:1px solid #929292;color:${MUTED};font-size:14px">
        <p style="margin:0 0 8px 0"><strong>${content.signature}</strong></p>
        ${
          reply
            ? html`<p style="margin:0 0 8px 0">${reply.label} <a href="${reply.url}" style="color:${ACCENT}">${reply.url}</a></p>`
            : ''
        }
        ${contact.map((line) => html`<p style="margin:0 0 4px 0">${line}</p>`)}
        <p style="margin:8px 0 0 0">Ce courriel est envoyé automatiquement par le guichet en ligne.</p>
      </div>
    </div>
  </body>
</html>`;

  return {
    to: content.to,
    subject: content.subject,
    text,
    html: page.toString(),
    ...(content.requestId ? { requestId: content.requestId } : {}),
  };
}
