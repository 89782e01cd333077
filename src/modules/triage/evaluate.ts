import { readFile } from 'node:fs/promises';
import { inTenant, type Db } from '../../db/tenant-scope.ts';
import { triageText, type TriageChannel } from './model.ts';
import { relatedArticles } from './related-articles.ts';
import { loadTriageModel } from './triage-message.ts';

/**
 * The measures of `npm run eval` and of the evaluation test: triage over labelled messages, and
 * article search over labelled questions. Shared so that the command and the test report the
 * same figures from the same code.
 */

export interface LabelledRequest {
  text: string;
  channel: TriageChannel;
  service: string;
  urgency: 'normale' | 'urgente';
  is_complaint: boolean;
}

export interface LabelledQuestion {
  q: string;
  /** Expected article slugs, best first; empty: no article answers it (to be declined). */
  expected: string[];
  kind: string;
}

export async function readJsonLines<T>(file: string): Promise<T[]> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

export interface TriageEvaluation {
  n: number;
  routing: number;
  complaint: number;
  urgency: number;
  /** Per expected service: messages, routed right, and where the others went. */
  perService: { service: string; n: number; right: number; wrongTo: Record<string, number> }[];
  messagesPerSecond: number;
}

/** Triage accuracy on labelled messages, with the tenant's model trained from its database. */
export async function evaluateTriage(
  db: Db,
  tenantId: string,
  rows: readonly LabelledRequest[],
): Promise<TriageEvaluation> {
  const model = await inTenant(db, tenantId, (trx) => loadTriageModel(trx));
  let routing = 0;
  let complaint = 0;
  let urgency = 0;
  const per = new Map<string, { service: string; n: number; right: number; wrongTo: Record<string, number> }>();
  const started = performance.now();
  for (const row of rows) {
    const t = triageText(model, row.text, row.channel);
    const s = per.get(row.service) ?? { service: row.service, n: 0, right: 0, wrongTo: {} };
    per.set(row.service, s);
    s.n++;
    if (t.service === row.service) {
      routing++;
      s.right++;
    } else {
      const to = t.service ?? '(aucun)';
      s.wrongTo[to] = (s.wrongTo[to] ?? 0) + 1;
    }
    if (t.isComplaint === row.is_complaint) complaint++;
    if (t.urgency === row.urgency) urgency++;
  }
  const seconds = (performance.now() - started) / 1000;
  const n = rows.length;
  return {
    n,
    routing: routing / n,
    complaint: complaint / n,
    urgency: urgency / n,
    perService: [...per.values()].sort((a, b) => b.n - a.n || a.service.localeCompare(b.service)),
    messagesPerSecond: n / Math.max(seconds, 1e-6),
  };
}

export interface ArticleEvaluation {
  inScope: number;
  top1: number;
  top3: number;
  outOfScope: number;
  declined: number;
}

/**
 * Article search accuracy: top-1 and top-3 over the questions an article answers (the first
 * expected slug), and the share of out-of-scope questions for which nothing is proposed. The one
 * function to switch to the article search module's `evaluateArticleSearch` at merge: it goes
 * through the seam (`related-articles.ts`).
 */
export async function evaluateArticles(
  db: Db,
  tenantId: string,
  questions: readonly LabelledQuestion[],
): Promise<ArticleEvaluation> {
  let top1 = 0;
  let top3 = 0;
  let declined = 0;
  const inScope = questions.filter((q) => q.expected.length > 0);
  const outOfScope = questions.filter((q) => q.expected.length === 0);
  await inTenant(db, tenantId, async (trx) => {
    for (const q of inScope) {
      const slugs = (await relatedArticles(trx, q.q, 3)).map((a) => a.slug);
      if (slugs[0] === q.expected[0]) top1++;
      if (slugs.includes(q.expected[0]!)) top3++;
    }
    for (const q of outOfScope) {
      if ((await relatedArticles(trx, q.q, 3)).length === 0) declined++;
    }
  });
  return {
    inScope: inScope.length,
    top1: top1 / Math.max(inScope.length, 1),
    top3: top3 / Math.max(inScope.length, 1),
    outOfScope: outOfScope.length,
    declined: declined / Math.max(outOfScope.length, 1),
  };
}
