/**
 * Splits a reply into what the citizen wrote now and the history their mail program quoted
 * below it, so that the agent reads the new words first and the history is folded. Recognises
 * the attribution lines of the common programs in French and English (« Le 3 déc. 2026 à 10:02,
 * Mairie <…> a écrit : », « On … wrote: »), Outlook's header blocks (« De : … » followed by
 * « Envoyé : » or « Date : »), « -----Message d'origine----- » separators, and a final block of
 * « > » lines. Nothing is lost: the quoted part is kept apart.
 */

const ATTRIBUTION = [
  /^\s*le .{1,200}a écrit\s*:\s*$/i,
  /^\s*on .{1,200}wrote\s*:\s*$/i,
  /^\s*-{2,}\s*(message d'origine|message d’origine|original message|message transféré|forwarded message)\s*-{2,}\s*$/i,
  /^\s*_{10,}\s*$/,
];
const OUTLOOK_FROM = /^\s*\*?(de|from)\s*:\*?\s+\S/i;
const OUTLOOK_NEXT = /^\s*\*?(envoyé|sent|date|à|to|objet|subject)\s*:/i;

export function splitQuotedHistory(text: string): { newText: string; quoted: string } {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let cut = -1;
  for (let i = 0; i < lines.length && cut < 0; i++) {
    const line = lines[i]!;
    // An attribution line may be wrapped over two lines by the sender's program.
    const joined = i + 1 < lines.length ? `${line} ${lines[i + 1]!.trim()}` : line;
    if (ATTRIBUTION.some((re) => re.test(line))) cut = i;
    else if (/^\s*(le|on) /i.test(line) && !/:\s*$/.test(line) && ATTRIBUTION.slice(0, 2).some((re) => re.test(joined)))
      cut = i;
    else if (OUTLOOK_FROM.test(line) && i + 1 < lines.length && OUTLOOK_NEXT.test(lines[i + 1]!)) cut = i;
  }
  if (cut < 0) {
    // No attribution: a trailing block of « > » lines (blank lines inside it allowed).
    let start = lines.length;
    for (let i = lines.length - 1; i >= 0; i--) {
      const line = lines[i]!;
      if (line.startsWith('>')) start = i;
      else if (line.trim() !== '') break;
    }
    if (start < lines.length) cut = start;
  }
  if (cut < 0) return { newText: text.trim(), quoted: '' };
  return { newText: lines.slice(0, cut).join('\n').trim(), quoted: lines.slice(cut).join('\n').trim() };
}
