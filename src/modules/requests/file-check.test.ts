import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { crc32, deflateSync } from 'node:zlib';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { UploadedFile } from '../../platform/web/form-body.ts';
import { checkUploadedFile, safeFilename, storedFilename } from './file-check.ts';

/** A real PNG (2×2, RGB), with its chunks' CRCs, written by hand rather than trusted from a string. */
function tinyPng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0); // width
  ihdr.writeUInt32BE(2, 4); // height
  ihdr.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, deflate, no filter, no interlace
  // Each row: filter byte 0, then 2 RGB pixels.
  const rows = Buffer.from([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A 1×1 greyscale baseline JFIF (SOI, APP0, DQT, SOF0, DHT, SOS, EOI). */
const TINY_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////' +
    '////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
  'base64',
);

async function tinyPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage();
  page.drawText('Justificatif de domicile', { font: await doc.embedFont(StandardFonts.Helvetica), x: 50, y: 700 });
  return Buffer.from(await doc.save());
}

const file = (filename: string, data: Buffer, declaredType = 'application/octet-stream'): UploadedFile => ({
  fieldName: 'justificatif',
  filename,
  declaredType,
  data,
});

// Messages use non-breaking spaces (French typography); compare them with plain spaces.
const plain = (s: string) => s.replace(/\u00a0/g, ' ');

describe('checkUploadedFile', () => {
  test('accepts a real PDF, PNG and JPEG, whatever their names', async () => {
    const pdf = await tinyPdf();
    assert.deepEqual(await checkUploadedFile(file('attestation.pdf', pdf)), {
      ok: true,
      mimeType: 'application/pdf',
      extension: 'pdf',
    });
    assert.deepEqual(await checkUploadedFile(file('photo.png', tinyPng())), {
      ok: true,
      mimeType: 'image/png',
      extension: 'png',
    });
    assert.deepEqual(await checkUploadedFile(file('photo.jpeg', TINY_JPEG)), {
      ok: true,
      mimeType: 'image/jpeg',
      extension: 'jpg',
    });
    // The content decides: a real PDF without an extension, or with a wrong one, is a PDF.
    assert.deepEqual(await checkUploadedFile(file('scan', pdf)), {
      ok: true,
      mimeType: 'application/pdf',
      extension: 'pdf',
    });
    assert.deepEqual(await checkUploadedFile(file('scan.PNG', pdf, 'image/png')), {
      ok: true,
      mimeType: 'application/pdf',
      extension: 'pdf',
    });
  });

  test('refuses an HTML page renamed .pdf, even declared as a PDF', async () => {
    const html = Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>');
    const r = await checkUploadedFile(file('photo.pdf', html, 'application/pdf'));
    assert.equal(r.ok, false);
    assert.equal(
      plain(r.ok ? '' : r.message),
      "Le fichier « photo.pdf » n'est pas un vrai fichier PDF : son contenu est d'un autre type. Formats acceptés : PDF, JPEG, PNG.",
    );
  });

  test('refuses a program renamed .png', async () => {
    // The start of a Windows executable: "MZ" header and the PE signature it points to.
    const exe = Buffer.alloc(512);
    exe.write('MZ', 0, 'latin1');
    exe.writeUInt32LE(0x80, 0x3c);
    exe.write('PE\0\0', 0x80, 'latin1');
    exe.write('This program cannot be run in DOS mode.', 0x4e, 'latin1');
    const r = await checkUploadedFile(file('vacances.png', exe, 'image/png'));
    assert.equal(r.ok, false);
    assert.equal(
      plain(r.ok ? '' : r.message),
      "Le fichier « vacances.png » n'est pas un vrai fichier PNG : son contenu est d'un autre type. Formats acceptés : PDF, JPEG, PNG.",
    );
  });

  test('refuses a text file', async () => {
    const r = await checkUploadedFile(file('notes.txt', Buffer.from('Bonjour, voici mes pièces.\n'), 'text/plain'));
    assert.equal(r.ok, false);
    assert.equal(
      plain(r.ok ? '' : r.message),
      "Le fichier « notes.txt » n'est pas dans un format accepté. Formats acceptés : PDF, JPEG, PNG.",
    );
  });

  test('refuses an empty file', async () => {
    const r = await checkUploadedFile(file('vide.pdf', Buffer.alloc(0), 'application/pdf'));
    assert.equal(r.ok, false);
    assert.equal(
      plain(r.ok ? '' : r.message),
      'Le fichier « vide.pdf » est vide. Choisissez un fichier qui contient votre document.',
    );
  });

  test('refuses a real file of a type the field does not accept', async () => {
    const r = await checkUploadedFile(file('carte.png', tinyPng()), ['application/pdf']);
    assert.equal(r.ok, false);
    assert.equal(
      plain(r.ok ? '' : r.message),
      "Le fichier « carte.png » est au format PNG. Ce format n'est pas accepté pour ce document. Formats acceptés : PDF.",
    );
    const lying = await checkUploadedFile(file('carte.jpg', tinyPng()), ['application/pdf', 'image/jpeg']);
    assert.equal(
      plain(lying.ok ? '' : lying.message),
      "Le fichier « carte.jpg » n'est pas un vrai fichier JPEG : son contenu est d'un autre type. Formats acceptés : PDF, JPEG.",
    );
    assert.equal((await checkUploadedFile(file('carte.png', tinyPng()), ['image/png'])).ok, true);
  });

  test('names the file safely in the message', async () => {
    const r = await checkUploadedFile(file('C:\\Users\\zoé\\../évier\u0007.pdf', Buffer.from('texte')));
    assert.equal(r.ok, false);
    assert.match(plain(r.ok ? '' : r.message), /^Le fichier « évier\.pdf » n'est pas un vrai fichier PDF/);
  });

  test('a file dropped over a size limit is refused with that limit, whatever its bytes', async () => {
    const one = await checkUploadedFile({
      ...file('grosse.pdf', Buffer.alloc(0)),
      tooLarge: { scope: 'file', limitBytes: 10 * 1024 * 1024 },
    });
    assert.equal(one.ok, false);
    assert.match(
      plain((one as { message: string }).message),
      /« grosse\.pdf » est trop lourd : la taille maximale est de 10 Mo par fichier/,
    );
    const all = await checkUploadedFile({
      ...file('de-trop.pdf', Buffer.alloc(0)),
      tooLarge: { scope: 'total', limitBytes: 30 * 1024 * 1024 },
    });
    assert.match(plain((all as { message: string }).message), /« de-trop\.pdf » n'a pas été reçu .* 30 Mo au total/);
  });

  test('a file too short to be recognised is refused, not a crash', async () => {
    const r = await checkUploadedFile(file('coupé.png', tinyPng().subarray(0, 6)));
    assert.equal(r.ok, false);
  });
});

describe('storedFilename', () => {
  test('safe name, extension of the detected type', () => {
    assert.equal(storedFilename('C:\\Users\\scan.hta', 'application/pdf'), 'scan.pdf');
    assert.equal(storedFilename('photo\u202egnp.exe', 'image/png'), 'photognp.png');
    assert.equal(storedFilename('..', 'image/jpeg'), 'document.jpg');
  });
});

describe('safeFilename', () => {
  test('keeps the name only, with its accents', () => {
    assert.equal(safeFilename('facture été.pdf'), 'facture été.pdf');
    assert.equal(safeFilename('C:\\Users\\Zoé\\Documents\\Reçu d’août.pdf'), 'Reçu d’août.pdf');
    assert.equal(safeFilename('../../etc/passwd'), 'passwd');
    assert.equal(safeFilename('e\u0301te\u0301.png'), 'été.png'); // decomposed accents become composed
    assert.equal(safeFilename('  mon   scan .pdf  '), 'mon scan .pdf');
  });

  test('removes control and invisible characters', () => {
    assert.equal(safeFilename('a\u0000b\u0007c\r\n.pdf'), 'abc.pdf');
    assert.equal(safeFilename('photo\u202egnp.exe'), 'photognp.exe');
    assert.equal(safeFilename('a<b>:c?.pdf'), 'a_b__c_.pdf');
  });

  test('never returns an empty, hidden or parent name', () => {
    assert.equal(safeFilename(''), 'document');
    assert.equal(safeFilename('..'), 'document');
    assert.equal(safeFilename('/'), 'document');
    assert.equal(safeFilename('\u0000\u0001'), 'document');
    assert.equal(safeFilename('.htaccess'), 'htaccess');
  });

  test('at most 120 characters, keeping the extension', () => {
    const long = safeFilename(`${'é'.repeat(200)}.pdf`);
    assert.equal(Array.from(long).length, 120);
    assert.ok(long.endsWith('é.pdf'));
    const noExt = safeFilename('a'.repeat(119) + '😀😀😀');
    assert.equal(Array.from(noExt).length, 120);
    assert.ok(noExt.endsWith('😀'));
    assert.equal(safeFilename('court.pdf'), 'court.pdf');
  });
});
