import { fileTypeFromBuffer } from 'file-type';
import { nameForType } from '../../platform/files.ts';
import { formatBytes } from '../../platform/format.ts';
import type { UploadedFile } from '../../platform/web/form-body.ts';
import { FILE_TYPES, type AcceptedFileType } from '../catalogue/form-definition.ts';

/**
 * Checks on a file sent by a citizen. The type comes from the content (magic bytes) only: the
 * name and the type declared by the browser are chosen by the sender, and an agent who opens
 * "facture.pdf" must get a PDF, not an HTML page or a program.
 */

export type FileCheckResult =
  { ok: true; mimeType: AcceptedFileType; extension: string } | { ok: false; message: string };

const LABELS: Record<AcceptedFileType, string> = {
  'application/pdf': 'PDF',
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
};

/** What the extension of the name claims, to tell the citizen when the name does not match. */
const CLAIMED_BY_EXTENSION: Record<string, AcceptedFileType> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  jpe: 'image/jpeg',
  jfif: 'image/jpeg',
  png: 'image/png',
};

// French typography: non-breaking spaces inside « » and before ':' keep them on the same line.
const NBSP = '\u00a0';
const quote = (s: string) => `«${NBSP}${s}${NBSP}»`;

function isAccepted(mime: string): mime is AcceptedFileType {
  return (FILE_TYPES as readonly string[]).includes(mime);
}

async function detect(data: Buffer): Promise<{ mime: AcceptedFileType; extension: string } | { mime: string | null }> {
  let found: { ext: string; mime: string } | undefined;
  try {
    found = await fileTypeFromBuffer(data);
  } catch {
    // A truncated or malformed header makes some detectors throw: that is simply "not recognised".
    found = undefined;
  }
  if (!found) return { mime: null };
  // Illustrator files are PDF files with extra data; file-type names them apart.
  if (found.ext === 'ai' && data.subarray(0, 5).toString('latin1') === '%PDF-') {
    return { mime: 'application/pdf', extension: 'pdf' };
  }
  if (isAccepted(found.mime)) return { mime: found.mime, extension: found.ext };
  return { mime: found.mime };
}

export async function checkUploadedFile(
  file: UploadedFile,
  accept: AcceptedFileType[] = ['application/pdf', 'image/jpeg', 'image/png'],
): Promise<FileCheckResult> {
  // An empty list means the démarche did not restrict the types: the default applies.
  const allowed: readonly AcceptedFileType[] = accept.length > 0 ? accept : FILE_TYPES;
  const name = quote(safeFilename(file.filename));
  const formats = `Formats acceptés${NBSP}: ${allowed.map((t) => LABELS[t]).join(', ')}.`;

  if (file.tooLarge?.scope === 'file') {
    return {
      ok: false,
      message: `Le fichier ${name} est trop lourd${NBSP}: la taille maximale est de ${formatBytes(file.tooLarge.limitBytes)} par fichier. Réduisez-le (par exemple en le scannant en noir et blanc) puis ajoutez-le à nouveau.`,
    };
  }
  if (file.tooLarge) {
    return {
      ok: false,
      message: `Le fichier ${name} n'a pas été reçu${NBSP}: les fichiers envoyés en une fois ne peuvent pas dépasser ${formatBytes(file.tooLarge.limitBytes)} au total. Envoyez des fichiers plus légers ou moins de fichiers.`,
    };
  }
  if (file.data.length === 0) {
    return { ok: false, message: `Le fichier ${name} est vide. Choisissez un fichier qui contient votre document.` };
  }

  const detected = await detect(file.data);
  if ('extension' in detected && allowed.includes(detected.mime)) {
    return { ok: true, mimeType: detected.mime, extension: detected.extension };
  }

  const claimed = CLAIMED_BY_EXTENSION[extensionOf(file.filename)];
  if (claimed && claimed !== detected.mime) {
    return {
      ok: false,
      message: `Le fichier ${name} n'est pas un vrai fichier ${LABELS[claimed]}${NBSP}: son contenu est d'un autre type. ${formats}`,
    };
  }
  if (detected.mime && isAccepted(detected.mime)) {
    return {
      ok: false,
      message: `Le fichier ${name} est au format ${LABELS[detected.mime]}. Ce format n'est pas accepté pour ce document. ${formats}`,
    };
  }
  return { ok: false, message: `Le fichier ${name} n'est pas dans un format accepté. ${formats}` };
}

/**
 * The name a checked file is stored and served under: made safe, with the extension of the
 * type detected from its content ("scan.hta" that is a PDF is stored as "scan.pdf").
 */
export function storedFilename(filename: string, detectedType: AcceptedFileType): string {
  return nameForType(safeFilename(filename), detectedType);
}

function extensionOf(filename: string): string {
  const base = safeFilename(filename);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

const MAX_FILENAME_LENGTH = 120;

/**
 * A file name safe to store, show and send back in a Content-Disposition header: no directory
 * part, no control or invisible formatting characters (a right-to-left override can make
 * "photo‮gnp.exe" look like "photoexe.png"), no characters that are reserved on common file
 * systems, at most 120 characters with the extension kept. Accents are kept (NFC form).
 */
export function safeFilename(name: string): string {
  let s = String(name ?? '').normalize('NFC');
  // Both separators: browsers on Windows may send the full path.
  s = s.slice(Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\')) + 1);
  s = s
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/gu, ' ')
    .trim()
    // Leading dots would make a hidden file (or "..").
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  const chars = Array.from(s);
  if (chars.length > MAX_FILENAME_LENGTH) {
    const dot = s.lastIndexOf('.');
    const ext = dot > 0 ? Array.from(s.slice(dot)) : [];
    if (ext.length > 1 && ext.length <= 11) {
      const base = Array.from(s.slice(0, dot)).slice(0, MAX_FILENAME_LENGTH - ext.length);
      s = base.join('').trimEnd() + ext.join('');
    } else {
      s = chars.slice(0, MAX_FILENAME_LENGTH).join('').trimEnd();
    }
  }
  return s.length > 0 ? s : 'document';
}
