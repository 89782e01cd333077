import { nameForType } from '../files.ts';

/**
 * `Content-Disposition: attachment` for a file a person sent, whatever its name: control
 * characters, quotes, slashes and backslashes are removed; an ASCII fallback `filename` for old
 * clients and the exact name in `filename*` (RFC 6266 / RFC 5987).
 */
export function attachmentDisposition(filename: string): string {
  const clean = filename.replace(/\p{Cc}|["\\/]/gu, '').trim() || 'document';
  const ascii =
    clean
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^\w.\- ]/g, '_')
      .slice(0, 120) || 'document';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(clean)}`;
}

/**
 * Headers for sending back a file a citizen uploaded: downloaded, never rendered as a page of
 * this site (no MIME sniffing, no script even if a browser tried to open it), under a name whose
 * extension comes from the stored type (a document stored as "scan.hta" before names were
 * corrected at upload still downloads as "scan.pdf").
 */
export function uploadedFileHeaders(file: { filename: string; mime_type: string }): Record<string, string> {
  return {
    'content-type': file.mime_type,
    'content-disposition': attachmentDisposition(nameForType(file.filename, file.mime_type)),
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
  };
}
