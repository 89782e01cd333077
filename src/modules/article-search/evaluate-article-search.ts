import { readFileSync } from 'node:fs';
import { inTenant } from '../../db/tenant-scope.ts';
import type { Services } from '../../services.ts';
import { buildTenantIndex, runArticleSearch } from './search-articles.ts';

export interface EvaluationQuestion {
  q: string;
  /** Slugs that answer it, best first; [] when nothing does. */
  expected: string[];
  kind: string;
}

export interface KindFigures {
  questions: number;
  /** In-scope kinds: the best article first, and within the first three. */
  top1: number;
  top3: number;
  /** In-scope: share answered (not declined). Out-of-scope: share declined. */
  answeredOrDeclined: number;
}

export interface EvaluationFigures {
  byKind: Record<string, KindFigures>;
  inScope: { questions: number; top1: number; top3: number; answered: number };
  outOfScope: { questions: number; declined: number };
}

/** Reads a questions file (JSON lines: {"q", "expected", "kind"}). */
export function readQuestions(file: string): EvaluationQuestion[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as EvaluationQuestion);
}

/**
 * Measures the public search of a tenant on questions: top-1 and top-3 (the first expected
 * article among the results), the share of in-scope questions answered and of out-of-scope
 * ones declined, overall and per kind (`npm run eval` prints it; the evaluation test requires
 * the targets). Queries are not logged.
 */
export async function evaluateArticleSearch(
  services: Pick<Services, 'db'>,
  tenantId: string,
  questions: EvaluationQuestion[],
): Promise<EvaluationFigures> {
  const built = await inTenant(services.db, tenantId, buildTenantIndex);
  const byKind: Record<string, { n: number; top1: number; top3: number; ok: number }> = {};
  const inScope = { questions: 0, top1: 0, top3: 0, answered: 0 };
  const outOfScope = { questions: 0, declined: 0 };
  for (const question of questions) {
    const outcome = runArticleSearch(built, question.q, { audience: 'public', limit: 3 });
    const slugs = outcome.results.map((r) => r.slug);
    const k = (byKind[question.kind] ??= { n: 0, top1: 0, top3: 0, ok: 0 });
    k.n++;
    const best = question.expected[0];
    if (best === undefined) {
      outOfScope.questions++;
      if (!outcome.answerable) {
        outOfScope.declined++;
        k.ok++;
      }
      continue;
    }
    inScope.questions++;
    if (slugs[0] === best) {
      inScope.top1++;
      k.top1++;
    }
    if (slugs.includes(best)) {
      inScope.top3++;
      k.top3++;
    }
    if (outcome.answerable) {
      inScope.answered++;
      k.ok++;
    }
  }
  const share = (a: number, b: number) => (b === 0 ? 0 : Number((a / b).toFixed(3)));
  return {
    byKind: Object.fromEntries(
      Object.entries(byKind).map(([kind, k]) => [
        kind,
        { questions: k.n, top1: share(k.top1, k.n), top3: share(k.top3, k.n), answeredOrDeclined: share(k.ok, k.n) },
      ]),
    ),
    inScope: {
      questions: inScope.questions,
      top1: share(inScope.top1, inScope.questions),
      top3: share(inScope.top3, inScope.questions),
      answered: share(inScope.answered, inScope.questions),
    },
    outOfScope: { questions: outOfScope.questions, declined: share(outOfScope.declined, outOfScope.questions) },
  };
}
