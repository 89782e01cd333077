import { readFile } from 'node:fs/promises';
import { inTenant, type Db } from '../../db/tenant-scope.ts';
import { triageText, type TriageChannel } from './model.ts';
import { evaluateArticleSearch } from '../article-search/evaluate-article-search.ts';
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
  /** In-scope questions answered rather than declined. */
  answered: number;
  outOfScope: number;
  declined: number;
}

/**
 * Article search accuracy, from the article search module's own measure (`evaluateArticleSearch`):
 * top-1 and top-3 over the questions an article answers (the first expected slug), the share of
 * those answered rather than declined, and the share of out-of-scope questions declined.
 */
export async function evaluateArticles(
  db: Db,
  tenantId: string,
  questions: readonly LabelledQuestion[],
): Promise<ArticleEvaluation> {
  const figures = await evaluateArticleSearch({ db }, tenantId, [...questions]);
  return {
    inScope: figures.inScope.questions,
    top1: figures.inScope.top1,
    top3: figures.inScope.top3,
    answered: figures.inScope.answered,
    outOfScope: figures.outOfScope.questions,
    declined: figures.outOfScope.declined,
  };
}
