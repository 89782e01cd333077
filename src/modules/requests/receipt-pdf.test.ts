import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { renderReceiptPdf, type ReceiptInput } from './receipt-pdf.ts';
import { pdfPages } from '../../../test/support/pages.ts';

/** The text of each page, one line per piece of text. */
const pagesOf = (bytes: Uint8Array) => pdfPages(bytes, '\n');

function receipt(overrides: Partial<ReceiptInput> = {}): ReceiptInput {
  return {
    tenantName: 'Villebelle-sur-Évreuse',
    tenantAddress: '1 place de la Mairie, 27000 Villebelle',
    tenantPhone: '02 32 00 00 00',
    reference: 'VB-2026-4F7K2',
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
    const text = pages.join('\n');
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
    assert.ok(
      text.replace(/\n/g, '').includes('https://villebelle.guichet.example/suivi/VB-2026-4F7K2?cle=K7M32QX9P2D4F'),
    );
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

  test('emoji and other scripts do not crash; they are replaced and explained', async () => {
    const pages = await pagesOf(
      await renderReceiptPdf(
        receipt({
          applicantName: 'Zoë 👩‍👩‍👧',
          answers: [
            { label: 'Message', value: 'Merci 😀 beaucoup : مرحبا بكم et 你好 !' },
            { label: 'Nom', value: 'Łukasz Wałęsa, Ștefan' },
          ],
        }),
      ),
    );
    const text = pages.join('\n');
    assert.ok(text.includes('Merci ? beaucoup : ? ? et ? !'), text);
    assert.ok(text.includes('Zoë ?'));
    assert.ok(text.includes('Lukasz Walesa, Stefan'));
    assert.ok(text.includes('Certains caractères ne peuvent pas être affichés dans ce document.'));
    assert.ok(!/[\u0600-\u06ff\u4e00-\u9fff]/u.test(text));
  });

  test('a very long word (a pasted link) is cut across lines, not lost', async () => {
    const word = 'https://exemple.fr/' + 'abcdefghij'.repeat(300);
    const started = Date.now();
    const text = (await pagesOf(await renderReceiptPdf(receipt({ answers: [{ label: 'Lien', value: word }] })))).join(
      '',
    );
    assert.ok(text.replace(/\n/g, '').includes(word));
    assert.ok(Date.now() - started < 5000);
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
    ).join('\n');
    assert.ok(text.includes("La commune s'engage à vous répondre au plus tard le 1er janvier 2027."));
    assert.ok(text.includes('Aucun document joint.'));
    const one = (await pagesOf(await renderReceiptPdf(receipt({ delayDays: 1, dueOn: '2026-11-30' })))).join('\n');
    assert.ok(one.includes('au plus tard le 30 novembre 2026 (1 jour ouvré).'));
  });
});
