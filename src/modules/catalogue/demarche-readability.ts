import type { DemarcheRow } from '../../db/schema.ts';
import {
  analyseReadability,
  currentReport,
  type ReadabilityReport,
} from '../../platform/plain-language/readability.ts';
import { SECTION_ORDER } from './views/section-order.ts';

/** What a citizen reads on a démarche page: its sections in the page's order, as Markdown. */
export function demarcheText(sections: Record<string, string>, summary = ''): string {
  const known = new Set(['en-bref', ...SECTION_ORDER.map((s) => s.key)]);
  const keys = ['en-bref', ...SECTION_ORDER.map((s) => s.key), ...Object.keys(sections).filter((k) => !known.has(k))];
  const parts = keys.map((k) => sections[k]).filter((t): t is string => typeof t === 'string' && t.trim() !== '');
  return (parts.length > 0 ? parts : [summary]).join('\n\n');
}

/** The page's readability report, computed from its sections (stored at seed, copy and publication). */
export function analyseDemarche(sections: Record<string, string>, summary = ''): ReadabilityReport {
  return analyseReadability(demarcheText(sections, summary));
}

/**
 * The stored report when it is of the current version, else the analysis done now (a row written
 * before the column existed, or by an older analysis): about a millisecond, once per cached row.
 */
export function demarcheReadability(d: Pick<DemarcheRow, 'sections' | 'summary' | 'readability'>): ReadabilityReport {
  return currentReport(d.readability) ?? analyseDemarche(d.sections, d.summary);
}
