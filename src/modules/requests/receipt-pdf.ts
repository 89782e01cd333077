import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from 'pdf-lib';
import { formatBytes, formatDateFr, formatDateTimeFr } from '../../platform/format.ts';

/**
 * The receipt ("récépissé") of a request, as a PDF the citizen can keep or print. Built with the
 * standard PDF fonts, so nothing is embedded and the file stays small; those fonts only cover the
 * WinAnsi character set, which has every French letter and sign but not, say, emoji or Arabic.
 */

export interface ReceiptInput {
  tenantName: string;
  tenantAddress?: string;
  tenantPhone?: string;
  reference: string;
  demarcheTitle: string;
  submittedAt: Date;
  /** 'YYYY-MM-DD' */
  dueOn: string;
  delayDays: number | null;
  applicantName: string;
  answers: { label: string; value: string }[];
  documents: { filename: string; sizeBytes: number }[];
  trackingUrl: string;
}

// Characters outside WinAnsi that have an obvious equivalent inside it.
const EQUIVALENTS: Record<string, string> = {
  '\u202f': '\u00a0', // narrow no-break space (Intl's French group separator)
  '\u2007': '\u00a0',
  '\u2009': ' ',
  '\u200a': ' ',
  '\u2002': ' ',
  '\u2003': ' ',
  '\u2010': '-',
  '\u2011': '-',
  '\u2212': '-',
  '\u2032': "'",
  '\u2033': '"',
  '\u2264': '<=',
  '\u2265': '>=',
  '\u2192': '->',
  // Letters with a stroke do not decompose in Unicode.
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  ı: 'i',
};

const SUBSTITUTE = '?';

/**
 * Makes text drawable with a standard font: pdf-lib throws on any character the font's encoding
 * lacks, and one emoji in an answer must not make the receipt impossible to download.
 */
export class TextSanitizer {
  private readonly supported: Set<number>;
  replaced = false;

  constructor(font: PDFFont) {
    this.supported = new Set(font.getCharacterSet());
  }

  clean(text: string): string {
    let out = '';
    let lastWasSubstitute = false;
    for (const ch of String(text).normalize('NFC')) {
      const piece = this.convert(ch);
      if (piece === null) {
        this.replaced = true;
        // One mark per run: a word in another script becomes one "?", not a row of them.
        if (!lastWasSubstitute) out += SUBSTITUTE;
        lastWasSubstitute = true;
      } else if (piece !== '') {
        out += piece;
        lastWasSubstitute = false;
      }
    }
    return out;
  }

  /** The drawable form of one character, '' to drop it, null when there is none. */
  private convert(ch: string): string | null {
    if (ch === '\t') return ' ';
    // Line breaks are kept for wrapping, which splits on them before drawing.
    if (ch === '\n' || ch === '\r') return ch;
    // Invisible characters (controls, joiners, variation selectors) and stray combining marks.
    if (/[\p{Cc}\p{Cf}\p{Mn}\p{Me}]/u.test(ch)) return '';
    if (this.supported.has(ch.codePointAt(0) ?? 0)) return ch;
    const equivalent = EQUIVALENTS[ch];
    if (equivalent !== undefined) return equivalent;
    // Latin letters with accents that WinAnsi lacks (ā, ő, ș…) keep their base letter.
    const base = ch.normalize('NFKD').replace(/\p{M}/gu, '');
    if (base.length > 0 && [...base].every((c) => this.supported.has(c.codePointAt(0) ?? 0))) return base;
    return null;
  }
}

// Exported with the layout below for other documents in the same style (privacy/export-pdf.ts).
export const A4: [number, number] = [595.28, 841.89];
export const MARGIN_X = 56;
const MARGIN_TOP = 56;
const FOOTER_SPACE = 60;
const TEXT = rgb(0.1, 0.1, 0.12);
export const MUTED = rgb(0.33, 0.33, 0.36);
export const RULE = rgb(0.75, 0.75, 0.78);

export interface Style {
  font: PDFFont;
  size: number;
  color?: ReturnType<typeof rgb>;
}

export class Layout {
  page: PDFPage;
  y: number;
  readonly width = A4[0] - 2 * MARGIN_X;
  readonly pages: PDFPage[] = [];

  constructor(
    private readonly doc: PDFDocument,
    private readonly sanitizer: TextSanitizer,
  ) {
    this.page = this.newPage();
    this.y = A4[1] - MARGIN_TOP;
  }

  private newPage(): PDFPage {
    const page = this.doc.addPage(A4);
    this.pages.push(page);
    return page;
  }

  /** Starts a new page unless `height` still fits above the footer. */
  ensure(height: number): void {
    if (this.y - height >= FOOTER_SPACE) return;
    this.page = this.newPage();
    this.y = A4[1] - MARGIN_TOP;
  }

  space(height: number): void {
    this.y -= height;
  }

  lineHeight(style: Style): number {
    return style.size * 1.35;
  }

  /** Splits text into lines that fit the width; words longer than a line (URLs) are cut. */
  wrap(text: string, style: Style, width = this.width): string[] {
    const lines: string[] = [];
    const fits = (s: string) => style.font.widthOfTextAtSize(s, style.size) <= width;
    for (const paragraph of this.sanitizer.clean(text).split(/\r\n|\r|\n/)) {
      let line = '';
      for (const word of paragraph.split(/ +/)) {
        const candidate = line === '' ? word : `${line} ${word}`;
        if (fits(candidate)) {
          line = candidate;
          continue;
        }
        if (line !== '') lines.push(line);
        let rest = word;
        while (!fits(rest)) {
          // Grows the piece rather than shrinking the word: a pasted 10,000-character string
          // then costs a few measures per line, not one per character.
          let cut = 1;
          while (cut < rest.length - 1 && fits(rest.slice(0, cut + 1))) cut += 1;
          lines.push(rest.slice(0, cut));
          rest = rest.slice(cut);
        }
        line = rest;
      }
      lines.push(line);
    }
    return lines;
  }

  /** Draws wrapped text, moving to a new page whenever a line does not fit. */
  text(text: string, style: Style, options: { indent?: number; keepWithNext?: number } = {}): void {
    const indent = options.indent ?? 0;
    const lh = this.lineHeight(style);
    const lines = this.wrap(text, style, this.width - indent);
    lines.forEach((line, i) => {
      // Keeps a heading or label on the same page as what follows it.
      this.ensure(lh + (i === lines.length - 1 ? (options.keepWithNext ?? 0) : 0));
      this.y -= lh;
      if (line !== '') {
        this.page.drawText(line, {
          x: MARGIN_X + indent,
          y: this.y + (lh - style.size) / 2,
          size: style.size,
          font: style.font,
          color: style.color ?? TEXT,
        });
      }
    });
  }

  rule(): void {
    this.ensure(16);
    this.y -= 10;
    this.page.drawLine({
      start: { x: MARGIN_X, y: this.y },
      end: { x: MARGIN_X + this.width, y: this.y },
      thickness: 0.75,
      color: RULE,
    });
    this.y -= 6;
  }
}

export async function renderReceiptPdf(input: ReceiptInput): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const sanitizer = new TextSanitizer(regular);
  const title = "Récépissé de dépôt d'une demande";

  doc.setTitle(`${title} ${input.reference}`, { showInWindowTitleBar: true });
  doc.setLanguage('fr-FR');
  doc.setAuthor(input.tenantName);
  doc.setSubject(input.demarcheTitle);
  doc.setCreator('Guichet');
  doc.setProducer('Guichet');
  const now = new Date();
  doc.setCreationDate(now);
  doc.setModificationDate(now);

  const body: Style = { font: regular, size: 10.5 };
  const strong: Style = { font: bold, size: 10.5 };
  const muted: Style = { font: regular, size: 9.5, color: MUTED };
  const heading: Style = { font: bold, size: 13 };
  const l = new Layout(doc, sanitizer);

  // Who issues the receipt.
  l.text(input.tenantName, { font: bold, size: 12 });
  if (input.tenantAddress) l.text(input.tenantAddress, muted);
  if (input.tenantPhone) l.text(`Téléphone : ${input.tenantPhone}`, muted);
  l.space(18);

  l.text(title, { font: bold, size: 18 });
  l.space(6);
  l.text(`Démarche : ${input.demarcheTitle}`, body);
  l.space(10);

  l.text('Référence de votre demande', muted, { keepWithNext: 34 });
  l.text(input.reference, { font: bold, size: 26 });
  l.space(10);

  l.text(`Demande déposée le ${formatDateTimeFr(input.submittedAt)}.`, body);
  if (input.applicantName.trim() !== '') l.text(`Déposée par : ${input.applicantName}`, body);
  if (input.dueOn.trim() !== '') {
    const delay =
      input.delayDays === null
        ? ''
        : ` (${input.delayDays} jour${input.delayDays > 1 ? 's' : ''} ouvré${input.delayDays > 1 ? 's' : ''})`;
    l.space(4);
    l.text(`La commune s'engage à vous répondre au plus tard le ${formatDateFr(input.dueOn)}${delay}.`, strong);
  }
  l.rule();

  l.space(6);
  l.text('Vos réponses', heading, { keepWithNext: 30 });
  l.space(4);
  if (input.answers.length === 0) l.text('Aucune réponse.', body);
  for (const answer of input.answers) {
    l.text(answer.label, strong, { keepWithNext: l.lineHeight(body) });
    l.text(answer.value.trim() === '' ? 'Non renseigné' : answer.value, body);
    l.space(6);
  }
  l.rule();

  l.space(6);
  l.text('Vos documents', heading, { keepWithNext: 16 });
  l.space(4);
  if (input.documents.length === 0) l.text('Aucun document joint.', body);
  for (const d of input.documents) l.text(`• ${d.filename} (${formatBytes(d.sizeBytes)})`, body, { indent: 8 });
  l.rule();

  l.space(6);
  l.text('Suivre votre demande', heading, { keepWithNext: 30 });
  l.space(4);
  l.text('Pour suivre votre demande, ouvrez cette adresse :', body);
  l.text(input.trackingUrl, { font: regular, size: 9.5 }, { indent: 8 });
  l.space(4);
  l.text(`Si vous contactez la mairie, donnez la référence ${input.reference}.`, body);
  if (input.tenantPhone) l.text(`Vous pouvez appeler la mairie au ${input.tenantPhone}.`, body);
  l.text('Gardez ce récépissé. Il prouve que vous avez déposé votre demande.', body);

  if (sanitizer.replaced) {
    l.space(10);
    l.text(
      'Certains caractères ne peuvent pas être affichés dans ce document. Ils sont remplacés par « ? ». Votre demande les contient bien.',
      muted,
    );
  }

  // Footers last: the page count is only known once everything is laid out.
  const total = l.pages.length;
  const footerLeft = sanitizer.clean(`${input.tenantName} – récépissé ${input.reference}`);
  l.pages.forEach((page, i) => {
    const label = `Page ${i + 1} sur ${total}`;
    const size = 9;
    page.drawLine({
      start: { x: MARGIN_X, y: 40 },
      end: { x: A4[0] - MARGIN_X, y: 40 },
      thickness: 0.5,
      color: RULE,
    });
    const labelWidth = regular.widthOfTextAtSize(label, size);
    const left = l.wrap(footerLeft, { font: regular, size }, A4[0] - 2 * MARGIN_X - labelWidth - 16)[0] ?? '';
    page.drawText(left, { x: MARGIN_X, y: 28, size, font: regular, color: MUTED });
    page.drawText(label, { x: A4[0] - MARGIN_X - labelWidth, y: 28, size, font: regular, color: MUTED });
  });

  return doc.save();
}
