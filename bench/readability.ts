/**
 * npx tsx bench/readability.ts: how long the readability analysis takes on a 2,000-word article
 * (platform/plain-language), and on every page of the model catalogue. Reports the fastest and
 * the median of the runs: on a shared machine the fastest is the cost on a free core.
 */
import path from 'node:path';
import { analyseReadability } from '../src/platform/plain-language/readability.ts';
import { loadArticles } from '../src/modules/catalogue/seed-catalogue.ts';
import { demarcheText } from '../src/modules/catalogue/demarche-readability.ts';

function measure(label: string, runs: number, work: () => void): void {
  work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(`${label}: fastest ${times[0]!.toFixed(2)} ms, median ${median.toFixed(2)} ms (${runs} runs)`);
}

const paragraph =
  'Pour renouveler votre carte d’identité, prenez rendez-vous à la mairie. Apportez une photo récente, votre ancienne carte et un justificatif de domicile de moins de trois mois. Dans l’hypothèse où votre carte a été perdue, vous devez faire une déclaration de perte. Le délai est de 15 jours environ. ';
const words = paragraph.trim().split(/\s+/).length;
const article = paragraph.repeat(Math.ceil(2000 / words));
console.log(`article: ${article.trim().split(/\s+/).length} words`);
measure('2,000-word article', 100, () => analyseReadability(article));

const articles = await loadArticles(
  path.join(import.meta.dirname, '..', 'src', 'modules', 'catalogue', 'model', 'articles'),
);
const texts = articles.map((a) => demarcheText(a.sections, a.summary));
console.log(`model catalogue: ${texts.length} pages`);
measure('every page of the model catalogue', 20, () => {
  for (const t of texts) analyseReadability(t);
});
