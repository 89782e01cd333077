/**
 * npm run bench:triage: triage throughput in process (the model trained from the demo commune's
 * knowledge base, then every message of corpus/requests-dev.jsonl triaged over and over for a few
 * seconds). Target: ≥ 500 messages per second on one core (docs/performance.md).
 */
import path from 'node:path';
import { openDatabase } from '../src/db/database.ts';
import { inTenant } from '../src/db/tenant-scope.ts';
import { CORPUS_DIR, seedDemo } from '../src/demo/seed-demo.ts';
import { readJsonLines, type LabelledRequest } from '../src/modules/triage/evaluate.ts';
import { triageText } from '../src/modules/triage/model.ts';
import { loadTriageModel } from '../src/modules/triage/triage-message.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const TARGET = 500;

const database = await openDatabase({ url: undefined, dataDir: 'memory://' });
try {
  const { tenantId } = await seedDemo(database);
  const rows = await readJsonLines<LabelledRequest>(path.join(CORPUS_DIR, '..', 'requests-dev.jsonl'));
  const trainStart = performance.now();
  const model = await inTenant(database.db, tenantId, (trx) => loadTriageModel(trx));
  const trainMs = performance.now() - trainStart;
  // Warm-up: the regular expressions and the JIT.
  for (const r of rows) triageText(model, r.text, r.channel);
  let n = 0;
  const started = performance.now();
  const until = started + SECONDS * 1000;
  while (performance.now() < until) {
    for (const r of rows) triageText(model, r.text, r.channel);
    n += rows.length;
  }
  const perSecond = n / ((performance.now() - started) / 1000);
  const meanLength = Math.round(rows.reduce((s, r) => s + r.text.length, 0) / rows.length);
  console.log(`model trained from the knowledge base in ${trainMs.toFixed(0)} ms (database reads included)`);
  console.log(
    `triage: ${Math.round(perSecond)} messages/s over ${n} messages (mean ${meanLength} characters), target ≥ ${TARGET}`,
  );
  if (perSecond < TARGET) process.exitCode = 1;
} finally {
  await database.close();
}
