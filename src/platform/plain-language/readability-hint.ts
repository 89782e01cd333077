import { formatNumberFr } from '../format.ts';
import { html, type SafeHtml } from '../html.ts';
import { analyseReadability, LONG_SENTENCE_WORDS } from './readability.ts';

const EXCERPT = 80;

function excerpt(sentence: string): string {
  return sentence.length <= EXCERPT ? sentence : `${sentence.slice(0, EXCERPT - 1).trimEnd()}…`;
}

/**
 * The readability hint shown under a text written to citizens (a reply, a template): advice,
 * never a refusal. `id` lets the textarea point at it with aria-describedby.
 */
export function readabilityHint(text: string, id: string): SafeHtml {
  if (text.trim() === '') return html``;
  const r = analyseReadability(text);
  const plain = r.longSentences.length === 0 && r.jargon.length === 0;
  return html`<div class="readability-hint" id="${id}">
    <p>
      <strong>Lisibilité :</strong> ${formatNumberFr(r.sentenceCount)} phrase${r.sentenceCount > 1 ? 's' : ''},
      ${formatNumberFr(r.averageWords)} mots par phrase en moyenne.
      ${plain ? 'Le texte est clair : phrases courtes, pas de jargon relevé.' : ''}
    </p>
    ${
      r.longSentences.length > 0
        ? html`<p>
              ${
                r.longSentences.length === 1
                  ? `Une phrase dépasse ${LONG_SENTENCE_WORDS} mots : coupez-la en deux.`
                  : `${formatNumberFr(r.longSentences.length)} phrases dépassent ${LONG_SENTENCE_WORDS} mots : coupez-les.`
              }
            </p>
            <ul>
              ${r.longSentences.map((s) => html`<li>« ${excerpt(s.text)} » (${formatNumberFr(s.words)} mots)</li>`)}
            </ul>`
        : ''
    }
    ${
      r.jargon.length > 0
        ? html`<p>Mots administratifs à remplacer :</p>
            <ul>
              ${r.jargon.map((j) => html`<li>« ${j.term} » : écrivez plutôt « ${j.plain} »</li>`)}
            </ul>`
        : ''
    }
  </div>`;
}
