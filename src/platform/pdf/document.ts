import { readFileSync } from 'node:fs';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, type PDFFont, type PDFPage, rgb } from 'pdf-lib';

/**
 * The documents Guichet hands to citizens (récépissé, data export) share one layout: A4, the
 * commune's name on top, headings, labelled values, wrapped text, page breaks, a numbered footer.
 *
 * Text is drawn with DejaVu Sans, shipped in ./fonts (Bitstream Vera licence, see fonts/LICENSE)
 * and embedded as a subset: a name such as « Nguyễn Łukasz Ørsted » is printed as typed. The
 * standard PDF fonts only cover WinAnsi and used to lose such letters. What the font still lacks
 * (emoji, Chinese, Arabic…) becomes « ? » with a sentence saying so, instead of failing.
 */

const FONT_DIR = new URL('./fonts/', import.meta.url);
let fontBytes: { regular: Uint8Array; bold: Uint8Array } | null = null;

function loadFonts(): { regular: Uint8Array; bold: Uint8Array } {
  // Read once per process, at the first document: about 1.4 MB that most processes never need.
  fontBytes ??= {
    regular: readFileSync(new URL('DejaVuSans.ttf', FONT_DIR)),
    bold: readFileSync(new URL('DejaVuSans-Bold.ttf', FONT_DIR)),
  };
  return fontBytes;
}

const SUBSTITUTE = '?';

/** Characters the font lacks that have an obvious equivalent it has. */
const EQUIVALENTS: Record<string, string> = {
  '\u202f': '\u00a0', // narrow no-break space (Intl's French group separator)
  '\u2007': '\u00a0',
};

/**
 * Makes text drawable with the embedded font: pdf-lib cannot draw a character the font has no
 * glyph for, and one emoji in an answer must not make the receipt impossible to download.
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
    // A letter the font lacks in its precomposed form keeps at least its base letter.
    const base = ch.normalize('NFKD').replace(/\p{M}/gu, '');
    if (base.length > 0 && [...base].every((c) => this.supported.has(c.codePointAt(0) ?? 0))) return base;
    return null;
  }
}

export const A4: [number, number] = [595.28, 841.89];
const MARGIN_X = 56;
const MARGIN_TOP = 56;
const FOOTER_SPACE = 60;
const TEXT = rgb(0.1, 0.1, 0.12);
// 7.4:1 on white for the small print, 17:1 for the text (WCAG AAA both).
const MUTED = rgb(0.3, 0.3, 0.33);
const RULE = rgb(0.75, 0.75, 0.78);

export interface Style {
  font: PDFFont;
  size: number;
  color?: ReturnType<typeof rgb>;
}

export interface DocumentInfo {
  /** Shown in the viewer's title bar (DisplayDocTitle) and read first by screen readers. */
  title: string;
  author: string;
  subject?: string;
  now: Date;
}

/**
 * One document being laid out, top to bottom. `y` only goes down; anything that does not fit
 * above the footer starts a new page. Nothing decorative (a rule, blank lines, spacing) is ever
 * carried to the top of a new page: a page break already separates.
 */
export class PdfLayout {
  readonly regular: PDFFont;
  readonly bold: PDFFont;
  readonly body: Style;
  readonly strong: Style;
  readonly muted: Style;
  readonly heading: Style;
  readonly width = A4[0] - 2 * MARGIN_X;
  readonly pages: PDFPage[] = [];
  page!: PDFPage;
  y = 0;
  private readonly sanitizer: TextSanitizer;
  /** Nothing drawn yet on the current page. */
  private pageIsEmpty = true;

  private constructor(
    private readonly doc: PDFDocument,
    fonts: { regular: PDFFont; bold: PDFFont },
  ) {
    this.regular = fonts.regular;
    this.bold = fonts.bold;
    this.body = { font: this.regular, size: 10 };
    this.strong = { font: this.bold, size: 10 };
    this.muted = { font: this.regular, size: 9, color: MUTED };
    this.heading = { font: this.bold, size: 13 };
    this.sanitizer = new TextSanitizer(this.regular);
    this.newPage();
  }

  /** A new A4 document in French with its metadata and the embedded fonts. */
  static async create(info: DocumentInfo): Promise<PdfLayout> {
    const doc = await PDFDocument.create();
    doc.registerFontkit(fontkit);
    const bytes = loadFonts();
    const regular = await doc.embedFont(bytes.regular, { subset: true });
    const bold = await doc.embedFont(bytes.bold, { subset: true });
    doc.setTitle(info.title, { showInWindowTitleBar: true });
    doc.setLanguage('fr-FR');
    doc.setAuthor(info.author);
    if (info.subject) doc.setSubject(info.subject);
    doc.setCreator('Guichet');
    doc.setProducer('Guichet');
    doc.setCreationDate(info.now);
    doc.setModificationDate(info.now);
    return new PdfLayout(doc, { regular, bold });
  }

  /** True when some text had characters the font cannot draw (they became « ? »). */
  get replacedCharacters(): boolean {
    return this.sanitizer.replaced;
  }

  private newPage(): void {
    this.page = this.doc.addPage(A4);
    this.pages.push(this.page);
    this.y = A4[1] - MARGIN_TOP;
    this.pageIsEmpty = true;
  }

  /** Starts a new page unless `height` still fits above the footer. */
  ensure(height: number): void {
    if (this.y - height >= FOOTER_SPACE) return;
    this.newPage();
  }

  /** Vertical space; none at the top of a page, and none that would push into the footer. */
  space(height: number): void {
    if (this.pageIsEmpty) return;
    this.y = Math.max(this.y - height, FOOTER_SPACE);
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
      // A blank line that would open a page is dropped.
      if (line === '' && this.pageIsEmpty) return;
      this.y -= lh;
      if (line === '') return;
      this.page.drawText(line, {
        x: MARGIN_X + indent,
        y: this.y + (lh - style.size) / 2,
        size: style.size,
        font: style.font,
        color: style.color ?? TEXT,
      });
      this.pageIsEmpty = false;
    });
  }

  /**
   * A heading with the rule that separates it from the section before. Rule, heading and the
   * first `keepWithNext` points of content go on the same page; when they do not fit, the section
   * opens the next page without a rule (the page break separates).
   */
  section(title: string, keepWithNext = 30): void {
    const headingHeight = this.wrap(title, this.heading).length * this.lineHeight(this.heading);
    this.ensure(16 + 6 + headingHeight + keepWithNext + 4);
    this.rule();
    this.space(6);
    this.text(title, this.heading, { keepWithNext });
    this.space(4);
  }

  /** `Label : value` on one wrapped paragraph; empty values read « Non renseigné ». */
  keyValue(label: string, value: string | null | undefined, options: { indent?: number } = {}): void {
    const shown = value === null || value === undefined || value.trim() === '' ? 'Non renseigné' : value;
    this.text(`${label} : ${shown}`, this.body, options);
  }

  /** A thin horizontal rule, never at the top of a page (the page break already separates). */
  rule(): void {
    if (this.pageIsEmpty) return;
    this.ensure(16);
    if (this.pageIsEmpty) return;
    this.y -= 10;
    this.page.drawLine({
      start: { x: MARGIN_X, y: this.y },
      end: { x: MARGIN_X + this.width, y: this.y },
      thickness: 0.75,
      color: RULE,
    });
    this.y -= 6;
  }

  /**
   * Draws every page's footer (`left` text, « Page n sur N ») and returns the file. Footers come
   * last: the page count is only known once everything is laid out.
   */
  async finish(left: string): Promise<Uint8Array> {
    const total = this.pages.length;
    const size = 9;
    const style: Style = { font: this.regular, size };
    this.pages.forEach((page, i) => {
      const label = `Page ${i + 1} sur ${total}`;
      page.drawLine({
        start: { x: MARGIN_X, y: 40 },
        end: { x: A4[0] - MARGIN_X, y: 40 },
        thickness: 0.5,
        color: RULE,
      });
      const labelWidth = this.regular.widthOfTextAtSize(label, size);
      const leftText = this.wrap(left, style, this.width - labelWidth - 16)[0] ?? '';
      if (leftText !== '') page.drawText(leftText, { x: MARGIN_X, y: 28, size, font: this.regular, color: MUTED });
      page.drawText(label, { x: A4[0] - MARGIN_X - labelWidth, y: 28, size, font: this.regular, color: MUTED });
    });
    return this.doc.save();
  }
}
