import { analyseReadability } from '../../platform/plain-language/readability.ts';
import { parseSections, summaryOf } from '../catalogue/seed-catalogue.ts';

/**
 * The headings of the corpus's sections, by slug, in the corpus's order (corpus/articles/*.md):
 * how a page stored as sections is written back as one Markdown document.
 */
export const SECTION_HEADINGS: readonly { slug: string; heading: string }[] = [
  { slug: 'en-bref', heading: 'En bref' },
  { slug: 'qui-est-concerne', heading: 'Qui est concerné' },
  { slug: 'ce-qu-il-faut-preparer', heading: "Ce qu'il faut préparer" },
  { slug: 'comment-faire', heading: 'Comment faire' },
  { slug: 'delai-et-cout', heading: 'Délai et coût' },
  { slug: 'erreurs-frequentes-a-eviter', heading: 'Erreurs fréquentes à éviter' },
  { slug: 'besoin-d-aide', heading: "Besoin d'aide ?" },
];

function headingOf(slug: string): string {
  const known = SECTION_HEADINGS.find((s) => s.slug === slug);
  if (known) return known.heading;
  const words = slug.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A page's sections as one Markdown document: the corpus's sections first, in order, then the others. */
export function bodyFromSections(sections: Record<string, string>): string {
  const order = (slug: string) => {
    const i = SECTION_HEADINGS.findIndex((s) => s.slug === slug);
    return i === -1 ? SECTION_HEADINGS.length : i;
  };
  return Object.keys(sections)
    .sort((a, b) => order(a) - order(b) || a.localeCompare(b))
    .map((slug) => `## ${headingOf(slug)}\n\n${sections[slug]!.trim()}`)
    .join('\n\n');
}

/** What a published version writes into the `demarches` row: the same parser as the corpus seed. */
export function publishedContent(body: string): { sections: Record<string, string>; enBref: string } {
  const sections = parseSections(body);
  return { sections, enBref: summaryOf(sections) };
}

/** Text before the first "## " heading belongs to no section: it would be lost at publication. */
export function textBeforeFirstSection(body: string): string {
  const i = body.search(/^##\s/m);
  return (i === -1 ? body : body.slice(0, i)).trim();
}

/**
 * The readability report stored with each version (article_versions.readability). The one place
 * the knowledge base calls the plain-language library: switching to another analysis is here.
 */
export function readabilityReport(body: string): unknown {
  return analyseReadability(body);
}
