/** The kind of an article, in words. */
export function kindLabel(kind: string): string {
  if (kind === 'demarche') return 'Démarche';
  if (kind === 'information') return 'Information';
  return 'Page';
}

/** The first sentences of a summary, at most about 220 characters, cut on a word. */
export function searchExcerpt(summary: string): string {
  const text = summary.replace(/\s+/g, ' ').trim();
  if (text.length <= 220) return text;
  const cut = text.slice(0, 220);
  return `${cut.slice(0, cut.lastIndexOf(' '))}…`;
}
