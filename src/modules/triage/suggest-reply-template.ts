import { messageVector, similarity, type ServiceClassifier } from './classifier.ts';

export interface TemplateCandidate {
  id: string;
  title: string;
  body: string;
  service_id: string | null;
}

/**
 * The reply template that best fits a message: among the templates the agent may use (the
 * item's service's and those for all services), the one whose title and text share the most
 * weighted words with the message, a service's own template counting a little more than a
 * general one. Null when none shares a meaningful word.
 */
export function suggestReplyTemplate(
  classifier: ServiceClassifier,
  text: string,
  templates: readonly TemplateCandidate[],
): TemplateCandidate | null {
  const q = messageVector(classifier, text);
  let best: TemplateCandidate | null = null;
  let bestScore = 0.02;
  for (const t of templates) {
    const v = messageVector(classifier, `${t.title} ${t.title} ${t.body}`);
    const score = similarity(q, v) * (t.service_id ? 1.2 : 1);
    if (score > bestScore) {
      best = t;
      bestScore = score;
    }
  }
  return best;
}
