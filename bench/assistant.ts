/**
 * The assistant's local mode: `GUICHET_TEST_DB=pglite npx tsx bench/assistant.ts [rounds]`
 * (or `postgres`). Every development question (corpus/questions-dev.jsonl) is asked through the
 * API (app.inject: routing, rate limit skipped by one address per question, validation,
 * retrieval, composition, JSON), `rounds` times (default 5) after a warm-up round; p50, p95 and
 * the maximum are printed, with the share of questions declined. Figures: docs/performance.md.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CORPUS_DIR } from '../src/demo/seed-demo.ts';
import { createTestContext, TEST_DB } from '../test/support/test-app.ts';

const ROUNDS = Number(process.argv[2] ?? 5);
const questions = readFileSync(path.join(CORPUS_DIR, '..', 'questions-dev.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => (JSON.parse(l) as { q: string }).q);

const ctx = await createTestContext({ env: { ASSISTANT_RATE_LIMIT: '1000000' } });
try {
  let n = 0;
  const ask = async (question: string) => {
    n++;
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/t/villebelle/api/v1/assistant',
      remoteAddress: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ question }),
    });
    if (res.statusCode !== 200) throw new Error(`${question}: ${res.statusCode} ${res.body}`);
    return res.json() as { declined: boolean };
  };
  for (const q of questions) await ask(q);
  const times: number[] = [];
  let declined = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const q of questions) {
      const t = performance.now();
      const a = await ask(q);
      times.push(performance.now() - t);
      if (a.declined && round === 0) declined++;
    }
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
  console.log(
    `assistant, local mode (${TEST_DB}): ${times.length} answers (${questions.length} questions × ${ROUNDS}), ` +
      `p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${times.at(-1)!.toFixed(1)} ms; ` +
      `${declined}/${questions.length} declined`,
  );
} finally {
  await ctx.close();
}
