/**
 * File names of documents people send. The extension a file is stored and served under comes
 * from the type detected from its content, never from the name it was sent with: "scan.hta"
 * that is really a PDF is "scan.pdf", so that a browser or a desktop opening the download
 * treats it as a PDF and never runs it as an HTML application or a program.
 */

/** Extensions of each type we accept, the usual one first. */
const EXTENSIONS_OF_TYPE: Readonly<Record<string, readonly string[]>> = {
  'application/pdf': ['pdf'],
  'image/jpeg': ['jpg', 'jpeg', 'jpe', 'jfif'],
  'image/png': ['png'],
};

const MAX_NAME_LENGTH = 120;
/** What is taken as an extension: letters and digits after the last dot ("v2.1 final" has none). */
const EXTENSION = /\.([\p{L}\p{N}]{1,10})$/u;

/**
 * `name` (already made safe) with the extension of `mimeType`: an extension that already names
 * that type is kept ("photo.JPEG"), any other is replaced ("scan.hta" → "scan.pdf"), a name
 * without one gets it ("scan" → "scan.pdf"). An unknown type leaves no extension at all.
 * At most 120 characters.
 */
export function nameForType(name: string, mimeType: string): string {
  const extensions = EXTENSIONS_OF_TYPE[mimeType.toLowerCase()] ?? [];
  const m = EXTENSION.exec(name);
  if (m && m.index > 0 && extensions.includes(m[1]!.toLowerCase())) return name;
  let base = m && m.index > 0 ? name.slice(0, m.index) : name;
  // No hidden file (".exe" → "exe.pdf"), no dots left before the extension.
  base = base.replace(/^[.\s]+|[.\s]+$/gu, '') || 'document';
  const suffix = extensions[0] ? `.${extensions[0]}` : '';
  const chars = Array.from(base);
  if (chars.length + suffix.length > MAX_NAME_LENGTH) {
    base = chars
      .slice(0, MAX_NAME_LENGTH - suffix.length)
      .join('')
      .trimEnd();
  }
  return base + suffix;
}
