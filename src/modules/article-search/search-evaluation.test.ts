import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CORPUS_DIR } from '../../demo/seed-demo.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { evaluateArticleSearch, readQuestions } from './evaluate-article-search.ts';

describe(`article search evaluation on the development questions (${TEST_DB})`, () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(async () => ctx.close());

  test('top-1 ≥ 0.90, top-3 ≥ 0.97, out of scope declined ≥ 0.90, in scope answered ≥ 0.80', async () => {
    const questions = readQuestions(path.join(CORPUS_DIR, '..', 'questions-dev.jsonl'));
    const figures = await evaluateArticleSearch(ctx.services, ctx.tenantId, questions);
    const { inScope, outOfScope } = figures;
    console.log(
      `article search (${TEST_DB}): ${inScope.questions} in scope, top-1 ${inScope.top1}, top-3 ${inScope.top3}, ` +
        `answered ${inScope.answered}; ${outOfScope.questions} out of scope, declined ${outOfScope.declined}`,
    );
    for (const [kind, k] of Object.entries(figures.byKind)) {
      console.log(
        `  ${kind}: ${k.questions}, top-1 ${k.top1}, top-3 ${k.top3}, answered/declined ${k.answeredOrDeclined}`,
      );
    }
    assert.ok(inScope.questions > 100 && outOfScope.questions >= 20);
    assert.ok(inScope.top1 >= 0.9, `top-1 ${inScope.top1}`);
    assert.ok(inScope.top3 >= 0.97, `top-3 ${inScope.top3}`);
    assert.ok(outOfScope.declined >= 0.9, `declined ${outOfScope.declined}`);
    assert.ok(inScope.answered >= 0.8, `in scope answered ${inScope.answered}`);
  });
});
