import { html, type SafeHtml } from '../../../platform/html.ts';

export interface ChartPoint {
  label: string;
  /** Accessible label of the bar's month (« décembre 2026 »). */
  longLabel: string;
  /** From 0 to 1; null: no data that month (no bar, « – » in the table). */
  value: number | null;
  /** What the value is out of (« 12 réponses »), shown in the table. */
  base: string;
}

const WIDTH = 640;
const HEIGHT = 220;
const LEFT = 56;
const BOTTOM = 28;
const TOP = 12;

/**
 * A bar chart of monthly shares, drawn on the server as SVG: no script, no third party. The
 * figure is an image with a text alternative saying what it shows; the same values follow in a
 * table (the chart's data, for screen readers and for whoever wants the numbers). Bars are
 * dark on white (contrast above 7:1); a month without data has no bar and says so in the table.
 */
export function barChart(input: {
  id: string;
  title: string;
  points: ChartPoint[];
  format: (value: number) => string;
  valueHeader: string;
  baseHeader: string;
}): SafeHtml {
  const plotW = WIDTH - LEFT - 8;
  const plotH = HEIGHT - TOP - BOTTOM;
  const step = plotW / Math.max(1, input.points.length);
  const barW = Math.max(4, step * 0.6);
  const withData = input.points.filter((p) => p.value !== null);
  const summary =
    withData.length === 0
      ? `${input.title} : pas encore de données.`
      : `${input.title}, de ${input.points[0]!.longLabel} à ${input.points.at(-1)!.longLabel}. Les valeurs sont dans le tableau qui suit.`;
  const grid = [0, 0.25, 0.5, 0.75, 1].map((g) => {
    const y = TOP + plotH * (1 - g);
    return html`<line x1="${LEFT}" x2="${WIDTH - 8}" y1="${y}" y2="${y}" class="chart-grid" />
      <text x="${LEFT - 6}" y="${y + 4}" text-anchor="end" class="chart-axis">${Math.round(g * 100)} %</text>`;
  });
  const bars = input.points.map((p, i) => {
    const x = LEFT + i * step + (step - barW) / 2;
    const h = p.value === null ? 0 : Math.max(1, plotH * Math.min(1, Math.max(0, p.value)));
    return html`${p.value === null ? '' : html`<rect x="${x.toFixed(1)}" y="${(TOP + plotH - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" class="chart-bar" />`}
      <text x="${(x + barW / 2).toFixed(1)}" y="${HEIGHT - 8}" text-anchor="middle" class="chart-axis">${p.label}</text>`;
  });
  return html`<figure class="result-chart">
    <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="${input.id}-title" focusable="false">
      <title id="${input.id}-title">${summary}</title>
      ${grid} ${bars}
    </svg>
    <figcaption>${input.title}</figcaption>
    <div class="table-wrap">
      <table class="table">
        <caption>
          ${input.title} : les données du graphique
        </caption>
        <thead>
          <tr>
            <th scope="col">Mois</th>
            <th scope="col">${input.valueHeader}</th>
            <th scope="col">${input.baseHeader}</th>
          </tr>
        </thead>
        <tbody>
          ${input.points.map(
            (p) =>
              html`<tr>
                <th scope="row">${p.longLabel}</th>
                <td>${p.value === null ? 'pas de données' : input.format(p.value)}</td>
                <td>${p.base}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </figure>`;
}
