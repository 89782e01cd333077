import { html, type SafeHtml } from '../../../platform/html.ts';
import { formatNumberFr } from '../../../platform/format.ts';
import type { Bar } from '../compile-results.ts';

const WIDTH = 480;
const LABEL_CHARS = 52;
const ROW = 44;

/** « 40 % » (whole percent), « – » when nobody answered. */
export function percent(share: number, answered: number): string {
  return answered === 0 ? '–' : `${formatNumberFr(Math.round(share * 100))} %`;
}

function shortLabel(label: string): string {
  return label.length > LABEL_CHARS ? `${label.slice(0, LABEL_CHARS - 1)}…` : label;
}

/**
 * A horizontal bar chart drawn on the server as SVG (no script, prints, scales to 375 px), with
 * its data table under it. The SVG is one image for assistive technologies: its title and a
 * description that reads every value; the table gives the same figures to read or copy.
 */
export function barChart(input: {
  id: string;
  title: string;
  bars: Bar[];
  answered: number;
  valueHeader: string;
}): SafeHtml {
  const { id, bars, answered } = input;
  const max = Math.max(1, ...bars.map((b) => b.count));
  const height = bars.length * ROW + 8;
  const description = bars
    .map((b) => `${b.label} : ${formatNumberFr(b.count)} (${percent(b.share, answered)})`)
    .join(' ; ');
  return html`<figure class="chart">
    <svg
      class="chart-svg"
      role="img"
      viewBox="0 0 ${WIDTH} ${height}"
      aria-labelledby="${id}-title ${id}-desc"
      xmlns="http://www.w3.org/2000/svg"
    >
      <title id="${id}-title">${input.title}</title>
      <desc id="${id}-desc">${description}</desc>
      ${bars.map((b, i) => {
        const y = i * ROW;
        const length = Math.round((b.count / max) * (WIDTH - 90));
        return html`<text class="chart-label" x="0" y="${y + 14}">${shortLabel(b.label)}</text>
          <rect class="chart-bar" x="0" y="${y + 20}" width="${Math.max(length, 2)}" height="16" rx="2"></rect>
          <text class="chart-value" x="${Math.max(length, 2) + 6}" y="${y + 33}">
            ${formatNumberFr(b.count)} (${percent(b.share, answered)})
          </text>`;
      })}
    </svg>
  </figure>
  <div class="table-wrap">
    <table class="table chart-table">
      <caption>
        ${input.title} : les chiffres
      </caption>
      <thead>
        <tr>
          <th scope="col">${input.valueHeader}</th>
          <th scope="col">Réponses</th>
          <th scope="col">Part</th>
        </tr>
      </thead>
      <tbody>
        ${bars.map(
          (b) => html`<tr>
            <th scope="row">${b.label}</th>
            <td>${formatNumberFr(b.count)}</td>
            <td>${percent(b.share, answered)}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}
