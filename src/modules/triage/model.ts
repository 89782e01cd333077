import { analyse, withoutPlaceNames } from './analyser.ts';
import {
  articlesVector,
  messageVector,
  scoreServices,
  similarity,
  trainServiceClassifier,
  type KnowledgeArticle,
  type KnowledgeService,
  type ServiceClassifier,
  type ServiceScore,
  type Vector,
} from './classifier.ts';
import { COMPLAINT_WORDS, detectComplaint } from './complaint.ts';
import { detectUrgency } from './urgency.ts';

/** A tenant's triage model, trained from its knowledge base; pure data, shared read-only. */
export interface TriageModel {
  classifier: ServiceClassifier;
  /** The articles about complaints (their title or keywords name one), taken together. */
  complaintProfile: Vector;
  /** Service codes of the tenant, for a default when nothing is recognised. */
  fallbackService: string | null;
}

const COMPLAINT_STEMS = new Set(COMPLAINT_WORDS.flatMap((w) => analyse(w)));

function isComplaintArticle(a: KnowledgeArticle): boolean {
  return [a.title, ...a.keywords].some((t) => analyse(t).some((w) => COMPLAINT_STEMS.has(w)));
}

/**
 * Trains the model of a tenant. `fallbackService` is where a message nobody recognises goes
 * (the reception service when the tenant has one).
 */
export function buildTriageModel(input: {
  services: readonly KnowledgeService[];
  articles: readonly KnowledgeArticle[];
  fallbackService?: string | null;
}): TriageModel {
  const classifier = trainServiceClassifier(input.services, input.articles);
  return {
    classifier,
    complaintProfile: articlesVector(classifier, input.articles.filter(isComplaintArticle)),
    fallbackService: input.fallbackService ?? null,
  };
}

export interface TriageResult {
  /** The suggested service code; null when the tenant has no service at all. */
  service: string | null;
  /** Services by decreasing score (the first is `service`). */
  scores: ServiceScore[];
  isComplaint: boolean;
  complaintCues: string[];
  urgency: 'normale' | 'urgente';
  urgencyCues: string[];
}

export const TRIAGE_CHANNELS = ['email', 'web', 'telephone', 'guichet'] as const;
export type TriageChannel = (typeof TRIAGE_CHANNELS)[number];

/**
 * Triage of one message with a trained model: pure and synchronous (no database), so it runs
 * thousands of times a second. The channel is accepted for the API's sake and not used yet:
 * the dev set shows no channel effect the method could learn without fitting it.
 */
export function triageText(model: TriageModel, text: string, _channel?: TriageChannel): TriageResult {
  // Complaint words say how a message is said, not where it goes: routing ignores them.
  const routingVector = messageVector(model.classifier, withoutPlaceNames(text), COMPLAINT_STEMS);
  const scores = scoreServices(model.classifier, routingVector);
  const complaint = detectComplaint(text, similarity(messageVector(model.classifier, text), model.complaintProfile));
  const urgency = detectUrgency(text);
  return {
    service: scores[0]?.service ?? model.fallbackService,
    scores,
    isComplaint: complaint.isComplaint,
    complaintCues: complaint.cues,
    urgency: urgency.urgency,
    urgencyCues: urgency.cues,
  };
}
