import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { inTenant } from '../../db/tenant-scope.ts';
import { CORPUS_DIR } from '../../demo/seed-demo.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { searchDemarches } from './repository.ts';

interface Question {
  q: string;
  expected: string[];
  kind: string;
}

describe(`search evaluation on the development questions (${TEST_DB})`, () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(async () => ctx.close());

  test('top-1 and top-3 accuracy over the in-scope questions', async () => {
    const questions = readFileSync(path.join(CORPUS_DIR, '..', 'questions-dev.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Question)
      .filter((q) => q.expected.length > 0);
    let top1 = 0;
    let top3 = 0;
    const byKind: Record<string, { n: number; top1: number; top3: number }> = {};
    for (const q of questions) {
      const hits = await inTenant(ctx.services.db, ctx.tenantId, (trx) => searchDemarches(trx, q.q, 3));
      const slugs = hits.map((h) => h.demarche.slug);
      const k = (byKind[q.kind] ??= { n: 0, top1: 0, top3: 0 });
      k.n++;
      if (slugs[0] === q.expected[0]) {
        top1++;
        k.top1++;
      }
      if (slugs.includes(q.expected[0]!)) {
        top3++;
        k.top3++;
      }
    }
    const n = questions.length;
    console.log(
      `search evaluation (${TEST_DB}): ${n} questions, top-1 ${(top1 / n).toFixed(3)}, top-3 ${(top3 / n).toFixed(3)}`,
    );
    for (const [kind, k] of Object.entries(byKind)) {
      console.log(
        `  ${kind}: ${k.n} questions, top-1 ${(k.top1 / k.n).toFixed(2)}, top-3 ${(k.top3 / k.n).toFixed(2)}`,
      );
    }
    assert.ok(n > 100);
    assert.ok(top1 / n >= 0.75, `top-1 ${top1 / n}`);
    assert.ok(top3 / n >= 0.85, `top-3 ${top3 / n}`);
  });
});
