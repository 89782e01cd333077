import { html, type SafeHtml } from '../../../platform/html.ts';
import { formatDateTimeFr, formatNumberFr } from '../../../platform/format.ts';
import { layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { adminNav } from '../../agents/views/admin-nav.ts';
import type { ConsultationResults, QuestionResult } from '../compile-results.ts';
import { consultationState } from '../questionnaire.ts';
import type { ConsultationRow } from '../repository.ts';
import { CONSULTATIONS_PAGE, stateBadge, type Audience } from './admin-pages.ts';
import { barChart } from './bar-chart.ts';

/** Text answers shown on the page; the exports hold them all. */
const TEXTS_SHOWN = 200;

function decimal(n: number | null): string {
  return n === null ? '–' : formatNumberFr(Math.round(n * 10) / 10);
}

function answeredLine(r: QuestionResult, total: number): SafeHtml {
  return html`<p>
    ${formatNumberFr(r.answered)} personne${r.answered > 1 ? 's ont' : ' a'} répondu sur ${formatNumberFr(total)}${
      r.question.conditionQuestionId ? ' (question posée seulement selon une réponse précédente)' : ''
    }.${r.kind === 'multiple' ? ' Plusieurs réponses possibles : le total dépasse 100 %.' : ''}
  </p>`;
}

function questionResult(r: QuestionResult, total: number): SafeHtml {
  const q = r.question;
  const id = `resultat-${q.position}`;
  const heading = html`<h2 id="${id}">${q.position}. ${q.label}</h2>`;
  if (r.kind === 'text') {
    return html`<section aria-labelledby="${id}">
      ${heading} ${answeredLine(r, total)}
      ${
        r.words.length > 0
          ? html`<div class="table-wrap">
              <table class="table recurring-words">
                <caption>
                  Mots qui reviennent (mots courants retirés)
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Mot</th>
                    <th scope="col">Réponses qui l’emploient</th>
                  </tr>
                </thead>
                <tbody>
                  ${r.words.map((w) => html`<tr><th scope="row">${w.word}</th><td>${formatNumberFr(w.answers)}</td></tr>`)}
                </tbody>
              </table>
            </div>`
          : html`<p>Pas encore de mot qui revient dans plusieurs réponses.</p>`
      }
      ${
        r.texts.length > 0
          ? html`<h3>Les réponses${r.texts.length > TEXTS_SHOWN ? html`, les ${TEXTS_SHOWN} plus récentes` : ''}</h3>
              <ul class="text-answers">
                ${r.texts.slice(0, TEXTS_SHOWN).map((t) => html`<li><p class="keep-lines">${t.text}</p><p class="hint">${formatDateTimeFr(t.at)}</p></li>`)}
              </ul>`
          : ''
      }
    </section>`;
  }
  const chart = barChart({
    id: `graphique-${q.position}`,
    title: `${q.position}. ${q.label}`,
    bars: r.bars,
    answered: r.answered,
    valueHeader: r.kind === 'scale' ? 'Note' : 'Réponse',
  });
  return html`<section aria-labelledby="${id}">
    ${heading} ${answeredLine(r, total)}
    ${
      r.kind === 'scale'
        ? html`<p>
            Moyenne : <strong>${decimal(r.mean)}</strong> · médiane : <strong>${decimal(r.median)}</strong> (de
            ${q.scaleMin}${q.scaleMinLabel ? ` : ${q.scaleMinLabel}` : ''} à ${q.scaleMax}${q.scaleMaxLabel ? ` : ${q.scaleMaxLabel}` : ''}).
          </p>`
        : ''
    }
    ${chart}
  </section>`;
}

/** A consultation's results: one section per question, charts with their tables, exports. */
export function resultsPage(
  ctx: PageContext,
  audience: Audience,
  input: { consultation: ConsultationRow; results: ConsultationResults; now: Date },
): SafeHtml {
  const c = input.consultation;
  const base = `${CONSULTATIONS_PAGE}/${c.id}`;
  const title = `Résultats : ${c.title}`;
  const main = html`${adminNav(ctx, CONSULTATIONS_PAGE, audience)}
    <h1>${title}</h1>
    <p>
      ${stateBadge(consultationState(c, input.now))} <strong>${formatNumberFr(input.results.responses)}</strong>
      réponse${input.results.responses > 1 ? 's' : ''}, du ${formatDateTimeFr(c.opens_at)} au
      ${formatDateTimeFr(c.closes_at)}. ${c.anonymous ? 'Réponses anonymes.' : 'Réponses nominatives.'}
    </p>
    <ul class="actions-inline">
      <li><a href="${url(ctx, `${base}/resultats.csv`)}" download>Télécharger les réponses (CSV, une ligne par réponse)</a></li>
      <li><a href="${url(ctx, `${base}/resultats.json`)}">Les résultats en JSON</a></li>
      <li><a href="${url(ctx, base)}">Revenir à la consultation</a></li>
    </ul>
    ${input.results.responses === 0 ? html`<p>Aucune réponse pour l’instant.</p>` : input.results.questions.map((r) => questionResult(r, input.results.responses))}`;
  return layout(ctx, {
    title,
    main,
    area: 'agent',
    breadcrumbs: [
      { label: 'Demandes', href: '/agent/demandes' },
      { label: 'Consultations', href: CONSULTATIONS_PAGE },
      { label: c.title, href: base },
      { label: 'Résultats' },
    ],
  });
}
