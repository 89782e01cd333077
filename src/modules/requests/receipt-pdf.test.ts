import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { renderReceiptPdf, type ReceiptInput } from './receipt-pdf.ts';
import { pdfPages } from '../../../test/support/pages.ts';

/** The text of each page, one line per piece of text (pdf.js's empty end-of-line pieces left out). */
const pagesOf = async (bytes: Uint8Array) => (await pdfPages(bytes, '\n')).map((page) => page.replace(/\n{2,}/g, '\n'));

/**
 * What pdf.js reads of each page: the heights of the horizontal rules drawn in the body (the
 * footer's, at y = 40, left out) and of the pieces of text above the footer.
 */
async function drawnPages(bytes: Uint8Array): Promise<{ rules: number[]; textYs: number[]; text: string }[]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
  const pages = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const ops = await page.getOperatorList();
    const rules: number[] = [];
    ops.fnArray.forEach((fn, k) => {
      if (fn !== pdfjs.OPS.constructPath) return;
      const box = ops.argsArray[k][2] as Record<number, number>; // minX, minY, maxX, maxY
      if (box[1] === box[3] && box[1]! > 45) rules.push(box[1]!);
    });
    const items = (await page.getTextContent()).items.filter((t) => 'str' in t && t.str.trim() !== '');
    const textYs = items.map((t) => ('transform' in t ? (t.transform as number[])[5]! : 0)).filter((y) => y > 45);
    pages.push({ rules, textYs, text: items.map((t) => ('str' in t ? t.str : '')).join('\n') });
  }
  await doc.destroy();
  return pages;
}

function receipt(overrides: Partial<ReceiptInput> = {}): ReceiptInput {
  return {
    tenantName: 'Villebelle-sur-Évreuse',
    tenantAddress: '1 place de la Mairie, 27000 Villebelle',
    tenantPhone: '02 32 00 00 00',
    reference: 'VB-2026-4F7K2',
    trackingCode: 'K7M3-QX9P-2D4F',
    lookupUrl: 'https://villebelle.guichet.example/suivi',
    demarcheTitle: "Demande d'acte de naissance",
    // 16:42 UTC = 17:42 in Paris (winter time).
    submittedAt: new Date('2026-11-28T16:42:00Z'),
    dueOn: '2026-12-12',
    delayDays: 10,
    applicantName: 'Zoé Lefèvre',
    answers: [
      { label: 'Nom de naissance', value: 'Lefèvre' },
      {
        label: 'Motif',
        value: "Mariage à l'église Saint-Étienne, « cœur » de la fête : ça s'arrose… l’œuvre d’une vie.",
      },
    ],
    documents: [{ filename: 'pièce-identité.pdf', sizeBytes: 245_300 }],
    trackingUrl: 'https://villebelle.guichet.example/suivi/VB-2026-4F7K2?cle=K7M32QX9P2D4F',
    ...overrides,
  };
}

describe('receipt PDF', () => {
  test('contains the reference, the commune, the dates and the answers, accents included', async () => {
    const bytes = await renderReceiptPdf(receipt());
    const pages = await pagesOf(bytes);
    // Sentences as a reader reads them, whatever the line breaks.
    const text = pages.join('\n').replace(/\n/g, ' ');
    assert.ok(text.includes("Récépissé de dépôt d'une demande"));
    assert.ok(text.includes('VB-2026-4F7K2'));
    assert.ok(text.includes('Villebelle-sur-Évreuse'));
    assert.ok(text.includes("Démarche : Demande d'acte de naissance"));
    assert.ok(text.includes('Demande déposée le 28 novembre 2026 à 17 h 42.'));
    assert.ok(
      text.includes("La commune s'engage à vous répondre au plus tard le 12 décembre 2026 (10 jours ouvrés)."),
      text,
    );
    assert.ok(text.includes('Zoé Lefèvre'));
    assert.ok(
      text.includes("Mariage à l'église Saint-Étienne, « cœur » de la fête : ça s'arrose… l’œuvre d’une vie."),
      text,
    );
    assert.ok(text.includes('pièce-identité.pdf (240 Ko)'));
    assert.ok(text.includes('02 32 00 00 00'));
    assert.ok(pages.join('').includes('https://villebelle.guichet.example/suivi/VB-2026-4F7K2?cle=K7M32QX9P2D4F'));
    assert.equal(pages.length, 1);
    assert.ok(pages[0]!.includes('Page 1 sur 1'));
    assert.ok(!text.includes('Certains caractères'));
  });

  test('is A4 and carries title, language, author and creation date', async () => {
    const before = Date.now() - 2000;
    const bytes = await renderReceiptPdf(receipt());
    const { width, height } = (await PDFDocument.load(bytes)).getPage(0).getSize();
    assert.equal(Math.round(width), 595);
    assert.equal(Math.round(height), 842);
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
    const info = (await doc.getMetadata()).info as Record<string, unknown>;
    await doc.destroy();
    assert.equal(info.Title, "Récépissé de dépôt d'une demande VB-2026-4F7K2");
    assert.equal(info.Language, 'fr-FR');
    assert.equal(info.Author, 'Villebelle-sur-Évreuse');
    const created = pdfjs.PDFDateString.toDateObject(String(info.CreationDate));
    assert.ok(created && created.getTime() >= before && created.getTime() <= Date.now() + 2000, String(created));
  });

  test('a long answer continues on new pages, numbered "Page n sur N"', async () => {
    const paragraph =
      "Notre famille habite la commune depuis longtemps. Nous avons besoin d'un justificatif pour l'école des enfants. ";
    const long = Array.from({ length: 12 }, () => paragraph.repeat(6)).join('\n');
    const pages = await pagesOf(
      await renderReceiptPdf(
        receipt({
          answers: [
            { label: 'Précisions', value: long },
            { label: 'Fin', value: 'Dernière réponse' },
          ],
        }),
      ),
    );
    assert.ok(pages.length >= 2, `${pages.length} pages`);
    pages.forEach((page, i) =>
      assert.ok(page.includes(`Page ${i + 1} sur ${pages.length}`), `footer of page ${i + 1}`),
    );
    assert.ok(pages[pages.length - 1]!.includes('Dernière réponse'));
    // Every word of the answer is there: nothing is cut off at the page break.
    const words = pages.join(' ').match(/justificatif/g) ?? [];
    assert.equal(words.length, 12 * 6);
  });

  test('names in any Latin script are printed as typed, with the font embedded as a subset', async () => {
    const bytes = await renderReceiptPdf(
      receipt({
        applicantName: 'Nguyễn Łukasz Ørsted',
        answers: [
          { label: 'Nom', value: 'Łukasz Wałęsa, Ștefan Dvořák, Ğülşen, Þórunn, Αλέξης, Дмитрий' },
          { label: 'Montant', value: '1\u202f234,50 €' },
        ],
      }),
    );
    const text = (await pagesOf(bytes)).join('\n');
    assert.ok(text.includes('Déposée par : Nguyễn Łukasz Ørsted'), text);
    assert.ok(text.includes('Łukasz Wałęsa, Ștefan Dvořák, Ğülşen, Þórunn, Αλέξης, Дмитрий'), text);
    assert.ok(!text.includes('Certains caractères'));
    // Two subsets of DejaVu Sans: the file stays far smaller than the 1.4 MB of the two fonts.
    assert.ok(bytes.length < 120_000, `${bytes.length} bytes`);
    const fonts = (await PDFDocument.load(bytes)).context
      .enumerateIndirectObjects()
      .map(([, o]) => String(o))
      .filter((o) => o.includes('/FontName'));
    assert.equal(fonts.length, 2);
    assert.ok(
      fonts.every((f) => /\/FontName \/DejaVuSans(-Bold)?-\d+\n/.test(f)),
      fonts.join('\n'),
    );
  });

  test('page breaks leave no stray rule: every rule has text above and below it on its page', async () => {
    const answer = (i: number) => ({ label: `Question ${i}`, value: `Réponse numéro ${i}. `.repeat(1 + (i % 5)) });
    let spilled = 0;
    // Answer counts from 10 to 48 move the section breaks across every position near the page end.
    for (let n = 10; n <= 48; n += 2) {
      const bytes = await renderReceiptPdf(receipt({ answers: Array.from({ length: n }, (_, i) => answer(i)) }));
      const pages = await drawnPages(bytes);
      if (pages.length > 1) spilled += 1;
      pages.forEach((page, p) => {
        for (const y of page.rules) {
          assert.ok(
            page.textYs.some((t) => t > y),
            `${n} answers, page ${p + 1}: a rule at y=${y} has no text above it`,
          );
          assert.ok(
            page.textYs.some((t) => t < y),
            `${n} answers, page ${p + 1}: a rule at y=${y} has no text below it`,
          );
        }
      });
      const text = pages.map((page) => page.text).join('\n');
      assert.ok(text.includes(`Question ${n - 1}`) && text.includes('Gardez ce récépissé'));
    }
    assert.ok(spilled >= 5, `${spilled} receipts over two pages`);
  });

  test('emoji and scripts the font lacks do not crash; they are replaced and explained', async () => {
    const pages = await pagesOf(
      await renderReceiptPdf(
        receipt({
          applicantName: 'Zoë 👩‍👩‍👧',
          answers: [{ label: 'Message', value: 'Merci 🦄 beaucoup : 你好 et 안녕 !' }],
        }),
      ),
    );
    const text = pages.join('\n');
    assert.ok(text.includes('Merci ? beaucoup : ? et ? !'), text);
    assert.ok(text.includes('Zoë ?'));
    assert.ok(text.includes('Certains caractères ne peuvent pas être affichés dans ce document.'));
    assert.ok(!/[\u4e00-\u9fff\uac00-\ud7af]/u.test(text));
  });

  test('prints the tracking code in the form the lookup page asks for, next to the reference', async () => {
    const text = (await pagesOf(await renderReceiptPdf(receipt()))).join('\n');
    assert.match(text, /Code de suivi\nK7M3-QX9P-2D4F\n/);
    assert.ok(text.includes('Sur https://villebelle.guichet.example/suivi, saisissez votre référence et votre code'));
    assert.ok(text.includes('Référence : VB-2026-4F7K2\nCode de suivi : K7M3-QX9P-2D4F\n'), text);
  });

  test('a very long word (a pasted link) is cut across lines, not lost', async () => {
    const word = 'https://exemple.fr/' + 'abcdefghij'.repeat(300);
    const pages = await pagesOf(await renderReceiptPdf(receipt({ answers: [{ label: 'Lien', value: word }] })));
    // The word may go on over a page break: read the pages without their footers.
    const text = pages
      .map((page) => page.replace(/Villebelle-sur-Évreuse – récépissé VB-2026-4F7K2\s*Page \d+ sur \d+/, ''))
      .join('');
    assert.ok(text.replace(/\n/g, '').includes(word));
  });

  test('HTML in an answer is shown as plain text', async () => {
    const value = '<script>alert("x")</script> <b>gras</b> & <a href="https://evil.example">lien</a>';
    const text = (await pagesOf(await renderReceiptPdf(receipt({ answers: [{ label: 'Remarque', value }] })))).join(
      '\n',
    );
    assert.ok(text.includes(value), text);
  });

  test('without a commitment in days, or without documents', async () => {
    const text = (
      await pagesOf(await renderReceiptPdf(receipt({ delayDays: null, documents: [], dueOn: '2027-01-01' })))
    )
      .join(' ')
      .replace(/\n/g, ' ');
    assert.ok(text.includes("La commune s'engage à vous répondre au plus tard le 1er janvier 2027."));
    assert.ok(text.includes('Aucun document joint.'));
    const one = (await pagesOf(await renderReceiptPdf(receipt({ delayDays: 1, dueOn: '2026-11-30' }))))
      .join(' ')
      .replace(/\n/g, ' ');
    assert.ok(one.includes('au plus tard le 30 novembre 2026 (1 jour ouvré).'));
  });
});
