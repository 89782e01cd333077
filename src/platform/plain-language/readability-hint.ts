import { formatNumberFr } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';
import {
  analyseReadability,
  levelLabel,
  LONG_SENTENCE_WORDS,
  READABILITY_LEVELS,
  type ReadabilityReport,
} from './readability.ts';

/** The agents' endpoint the live panel asks (modules/readability/routes.ts). */
export const READABILITY_ENDPOINT = '/agent/lisibilite';

const plural = (n: number, one: string, many: string) => `${formatNumberFr(n)} ${n > 1 ? many : one}`;

/** The text with its long sentences in <mark>, each with its length in words (not colour alone). */
function highlightedText(text: string, report: ReadabilityReport): SafeHtml {
  const parts: (SafeHtml | string)[] = [];
  let at = 0;
  for (const s of report.longSentences) {
    parts.push(text.slice(at, s.start));
    parts.push(
      html`<mark><span class="visually-hidden">Début d’une phrase longue : </span>${text.slice(s.start, s.end)}</mark
        ><span class="readability-count"> (${plural(s.words, 'mot', 'mots')})</span>`,
    );
    at = s.end;
  }
  parts.push(text.slice(at));
  return html`<div class="readability-text">${parts}</div>`;
}

/** What a screen reader hears when the live panel changes: one short sentence. */
export function readabilityAnnouncement(report: ReadabilityReport): string {
  if (report.level === null) return 'Lisibilité : le texte est vide.';
  const notes = [
    report.longSentences.length > 0 ? plural(report.longSentences.length, 'phrase longue', 'phrases longues') : '',
    report.jargonMatches.length > 0
      ? plural(report.jargonMatches.length, 'mot administratif', 'mots administratifs')
      : '',
  ].filter(Boolean);
  return `Lisibilité mise à jour : ${levelLabel(report.level).toLowerCase()}${notes.length ? `, ${notes.join(', ')}` : ''}.`;
}

/**
 * The authors' panel: score and level, sentence length, the text with its long sentences
 * highlighted, jargon with the plain words, passive and nominalisation hints. Advice only.
 */
export function readabilityPanelContent(
  text: string,
  report: ReadabilityReport,
  options: { showText?: boolean } = {},
): SafeHtml {
  const { level, score } = report;
  if (level === null || score === null) return html``;
  const r = report;
  const clear =
    r.longSentences.length === 0 && r.jargon.length === 0 && r.passives.length === 0 && r.nominalisations.length === 0;
  const byTerm = new Map<string, { text: string; plain: string; acronym: boolean; count: number }>();
  for (const m of r.jargonMatches) {
    const seen = byTerm.get(m.term);
    if (seen) seen.count++;
    else
      byTerm.set(m.term, { text: m.acronym ? m.text : m.term, plain: m.plain, acronym: m.acronym === true, count: 1 });
  }
  return html`<p>
      <strong>Lisibilité : ${levelLabel(level).toLowerCase()}</strong> (score ${formatNumberFr(score)} ;
      ${READABILITY_LEVELS[3].min} et plus se lit facilement).
      ${plural(r.sentenceCount, 'phrase', 'phrases')}, ${formatNumberFr(r.averageWords)} mots par phrase en moyenne,
      ${formatNumberFr(r.syllablesPerWord)} syllabes par mot.
      ${clear ? 'Le texte est clair : phrases courtes, pas de jargon relevé.' : ''}
    </p>
    ${
      r.longSentences.length > 0
        ? html`<p>
              ${
                r.longSentences.length === 1
                  ? `Une phrase dépasse ${LONG_SENTENCE_WORDS} mots : coupez-la en deux.`
                  : `${formatNumberFr(r.longSentences.length)} phrases dépassent ${LONG_SENTENCE_WORDS} mots : coupez-les.`
              }
              ${options.showText === false ? '' : r.longSentences.length === 1 ? 'Elle est surlignée ci-dessous.' : 'Elles sont surlignées ci-dessous.'}
            </p>
            ${options.showText === false ? '' : highlightedText(text, r)}`
        : ''
    }
    ${
      byTerm.size > 0
        ? html`<p>Mots administratifs à remplacer :</p>
            <ul>
              ${[...byTerm.values()].map((j) =>
                j.acronym
                  ? html`<li>« ${j.text} » : écrivez-le en toutes lettres au moins une fois : « ${j.plain} »</li>`
                  : html`<li>
                      « ${j.text} » : écrivez plutôt « ${j.plain} »${j.count > 1 ? ` (${formatNumberFr(j.count)} fois)` : ''}
                    </li>`,
              )}
            </ul>`
        : ''
    }
    ${
      r.passives.length > 0
        ? html`<p>Tournures passives, à vérifier : dites qui fait l’action.</p>
            <ul>
              ${r.passives.map(
                (p) =>
                  html`<li>
                    « ${p.text} »${p.withAgent ? ' : celui qui agit est nommé, commencez la phrase par lui' : ''}
                  </li>`,
              )}
            </ul>`
        : ''
    }
    ${
      r.nominalisations.length > 0
        ? html`<p>Noms à remplacer par un verbe :</p>
            <ul>
              ${r.nominalisations.map(
                (n) =>
                  html`<li>« ${n.text} »${n.verb ? html` : écrivez plutôt « ${n.verb} »` : ' : utilisez le verbe'}</li>`,
              )}
            </ul>`
        : ''
    }`;
}

/**
 * The readability panel under a text written to citizens (a reply, a template, an article):
 * advice, never a refusal. `id` lets the textarea point at it with aria-describedby. With
 * `live`, the textarea carrying `readabilityAttributes(base, id)` updates it as the agent types
 * (assets/readability.js); without JavaScript it shows on « Relire » / preview.
 */
export function readabilityHint(text: string, id: string, options: { live?: boolean } = {}): SafeHtml {
  const content = text.trim() === '' ? html`` : readabilityPanelContent(text, analyseReadability(text));
  if (!options.live && text.trim() === '') return html``;
  return html`<div class="readability-hint" id="${id}" ${text.trim() === '' ? html`hidden` : ''}>${content}</div>
    ${options.live ? html`<script src="/static/readability.js" defer></script>` : ''}`;
}

/** The attributes that make a textarea update its readability panel `id` as the agent types. */
export function readabilityAttributes(base: string, id: string): SafeHtml {
  return html`data-readability="${id}" data-readability-url="${base}${READABILITY_ENDPOINT}"`;
}

/**
 * What citizens see on a public page: « Texte facile à lire », or the level in plain words with
 * where to ask when something is unclear.
 */
export function readabilityBadge(report: ReadabilityReport, contactHref: string): SafeHtml {
  if (report.level === null) return html``;
  return report.verdict.easy
    ? html`<p class="readability-badge readability-easy"><span aria-hidden="true">✓ </span>${report.verdict.label}</p>`
    : html`<p class="readability-badge">
        ${report.verdict.label}. Un mot n’est pas clair ? <a href="${contactHref}">Posez-nous la question</a>.
      </p>`;
}
