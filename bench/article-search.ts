/**
 * Knowledge base search at volume (decision 26): 10,000 generated articles in one tenant, the
 * development questions asked against them, p50/p95 of one search in process, and the same
 * questions through a baseline measured in the same run (a plain scan: every article's folded
 * text tested for each word of the query, as a search without an index does).
 *
 *   node --import tsx bench/article-search.ts            (BENCH_ARTICLES=10000 by default)
 *
 * Figures and the command are in docs/performance.md.
 */
import path from 'node:path';
import { fold, tokenize } from '../src/modules/article-search/analyser.ts';
import { DEFAULT_SYNONYMS } from '../src/modules/article-search/default-synonyms.ts';
import { readQuestions } from '../src/modules/article-search/evaluate-article-search.ts';
import { ArticleIndex, type ArticleDocument } from '../src/modules/article-search/search-index.ts';
import { loadArticles } from '../src/modules/catalogue/seed-catalogue.ts';
import { CORPUS_DIR } from '../src/demo/seed-demo.ts';

const COUNT = Number(process.env.BENCH_ARTICLES ?? 10_000);
const ROUNDS = 3;

/** A deterministic generator, so that two runs measure the same articles. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const corpus = await loadArticles(CORPUS_DIR);
  const sentences = corpus.flatMap((a) => Object.values(a.sections).flatMap((s) => s.split(/(?<=[.!?])\s+/)));
  const words = [...new Set(sentences.flatMap((s) => s.split(/\s+/)).filter((w) => /^[\p{L}]{4,}$/u.test(w)))];
  const rnd = random(42);
  const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)]!;
  // The 45 real articles, then generated ones: a real article's title with two other words, its
  // keywords mixed with others', sentences drawn from the whole corpus.
  const docs: ArticleDocument[] = [];
  for (let i = 0; i < COUNT; i++) {
    const base = corpus[i % corpus.length]!;
    const real = i < corpus.length;
    docs.push({
      slug: real ? base.slug : `${base.slug}-${i}`,
      title: real ? base.title : `${base.title} ${pick(words)} ${pick(words)}`,
      kind: base.kind,
      audience: base.audience,
      serviceSlug: base.service,
      serviceName: base.service.replace(/-/g, ' '),
      keywords: real ? base.keywords : [...base.keywords.slice(0, 3), pick(words), pick(words)],
      summary: real ? base.summary : Array.from({ length: 2 }, () => pick(sentences)).join(' '),
      body: real
        ? Object.values(base.sections).join('\n')
        : Array.from({ length: 25 }, () => pick(sentences)).join(' '),
    });
  }
  const started = process.hrtime.bigint();
  const index = new ArticleIndex(docs);
  const buildMs = Number(process.hrtime.bigint() - started) / 1e6;
  const questions = readQuestions(path.join(CORPUS_DIR, '..', 'questions-dev.jsonl')).map((q) => q.q);

  const measure = (run: (q: string) => unknown): number[] => {
    const times: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (const q of questions) {
        const t = process.hrtime.bigint();
        run(q);
        times.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }
    return times.sort((a, b) => a - b);
  };
  const synonyms = DEFAULT_SYNONYMS.map((s) => ({ term: s.term, expansions: s.expansions }));
  // Warm-up: the stem cache and the JIT, as a running process has them.
  for (const q of questions) index.search(q, { synonyms, limit: 10 });
  const ours = measure((q) => index.search(q, { synonyms, limit: 10, filter: (d) => d.audience === 'public' }));

  const folded = docs.map((d) => fold(`${d.title} ${d.keywords.join(' ')} ${d.summary} ${d.body}`));
  const baseline = measure((q) => {
    const terms = tokenize(q).map((t) => t.word);
    const scored: Array<[number, number]> = [];
    folded.forEach((text, i) => {
      let n = 0;
      for (const t of terms) if (text.includes(t)) n++;
      if (n > 0) scored.push([i, n]);
    });
    return scored.sort((a, b) => b[1] - a[1]).slice(0, 10);
  });

  const line = (name: string, t: number[]) =>
    `${name.padEnd(32)} p50 ${percentile(t, 50).toFixed(2)} ms   p95 ${percentile(t, 95).toFixed(2)} ms   max ${t[t.length - 1]!.toFixed(2)} ms`;
  console.log(`article search: ${COUNT} articles in one tenant, ${questions.length} questions × ${ROUNDS}`);
  console.log(
    `index build ${buildMs.toFixed(0)} ms, heap used ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`,
  );
  console.log(line('BM25F index (ours)', ours));
  console.log(line('baseline: scan of folded text', baseline));
  console.log(`ratio p95 baseline / ours: ${(percentile(baseline, 95) / percentile(ours, 95)).toFixed(1)}×`);
  if (percentile(ours, 95) >= 20) process.exitCode = 1;
}

await main();
