import { terms } from './analyser.ts';

/** What the classifier learns from: the tenant's knowledge base and its services. */
export interface KnowledgeService {
  code: string;
  name: string;
  description: string;
}

export interface KnowledgeArticle {
  slug: string;
  title: string;
  service: string;
  keywords: readonly string[];
  /** The article's text (summary and sections), without the contact boilerplate. */
  body: string;
  audience: 'public' | 'internal';
}

export type Vector = Map<string, number>;

interface ServiceProfile {
  code: string;
  /** The vector of its name and description first, then one per article of the service. */
  documents: Vector[];
  centroid: Vector;
}

/** A tenant's trained model: immutable, shared by every triage of the tenant until invalidated. */
export interface ServiceClassifier {
  idf: Map<string, number>;
  defaultIdf: number;
  profiles: ServiceProfile[];
}

/** How much each field of an article counts (repeating a field weights its terms). */
const TITLE_WEIGHT = 3;
const KEYWORD_WEIGHT = 3;
const SERVICE_WEIGHT = 3;
/** A service's score: its best document plus this share of its centroid's similarity. */
const CENTROID_WEIGHT = 0.5;
/**
 * …plus this share of its similarity to the service's own name and description (what the commune
 * says the service does), so an article that mentions another service's topic in passing (« prendre
 * rendez-vous pour un passeport ») does not outweigh it.
 */
const DESCRIPTION_WEIGHT = 0.5;

function counts(list: string[], weight: number, into: Map<string, number> = new Map()): Map<string, number> {
  for (const t of list) into.set(t, (into.get(t) ?? 0) + weight);
  return into;
}

function articleTerms(a: KnowledgeArticle): Map<string, number> {
  const c = counts(terms(a.title), TITLE_WEIGHT);
  for (const k of a.keywords) counts(terms(k), KEYWORD_WEIGHT, c);
  return counts(terms(a.body), 1, c);
}

function serviceTerms(s: KnowledgeService): Map<string, number> {
  return counts(terms(`${s.name}. ${s.description}`), SERVICE_WEIGHT);
}

/** Sub-linear term frequency × idf, normalised to unit length. */
function weigh(tf: Map<string, number>, idf: Map<string, number>, defaultIdf: number): Vector {
  const v: Vector = new Map();
  let norm = 0;
  for (const [t, n] of tf) {
    const w = (1 + Math.log(n)) * (idf.get(t) ?? defaultIdf);
    v.set(t, w);
    norm += w * w;
  }
  norm = Math.sqrt(norm) || 1;
  for (const [t, w] of v) v.set(t, w / norm);
  return v;
}

function dot(a: Vector, b: Vector): number {
  let s = 0;
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  for (const [t, w] of small) {
    const o = large.get(t);
    if (o !== undefined) s += w * o;
  }
  return s;
}

/**
 * Trains the routing classifier: TF-IDF vectors of every article (title and keywords weighted
 * over the body) and of every service's name and description; a service is scored by its best
 * document plus its centroid (so a service with one article and one with twelve compete fairly)
 * plus its description.
 */
export function trainServiceClassifier(
  services: readonly KnowledgeService[],
  articles: readonly KnowledgeArticle[],
): ServiceClassifier {
  const raw = new Map<string, Map<string, number>[]>();
  for (const s of services) raw.set(s.code, [serviceTerms(s)]);
  for (const a of articles) raw.get(a.service)?.push(articleTerms(a));
  // Document frequency counted over services, not articles: a word every service uses
  // (« demande », « dossier ») tells nothing about where a message goes.
  const df = new Map<string, number>();
  let n = 0;
  for (const docs of raw.values()) {
    n++;
    const seen = new Set<string>();
    for (const d of docs) for (const t of d.keys()) seen.add(t);
    for (const t of seen) df.set(t, (df.get(t) ?? 0) + 1);
  }
  const idf = new Map<string, number>();
  for (const [t, d] of df) idf.set(t, Math.log(1 + n / d));
  const defaultIdf = Math.log(1 + n);
  const profiles: ServiceProfile[] = [];
  for (const [code, docs] of raw) {
    const documents = docs.map((d) => weigh(d, idf, defaultIdf));
    const sum = new Map<string, number>();
    for (const d of docs) for (const [t, c] of d) sum.set(t, (sum.get(t) ?? 0) + c);
    profiles.push({ code, documents, centroid: weigh(sum, idf, defaultIdf) });
  }
  return { idf, defaultIdf, profiles };
}

/** A message as the classifier sees it: its unit TF-IDF vector over the knowledge base's terms. */
export function messageVector(model: ServiceClassifier, text: string, ignore: ReadonlySet<string> = new Set()): Vector {
  const tf = counts(terms(text), 1);
  // Words the knowledge base never uses carry nothing here.
  for (const t of [...tf.keys()]) if (!model.idf.has(t) || ignore.has(t)) tf.delete(t);
  return weigh(tf, model.idf, model.defaultIdf);
}

/** The unit vector of a set of articles taken together (e.g. the complaint articles). */
export function articlesVector(model: ServiceClassifier, articles: readonly KnowledgeArticle[]): Vector {
  const sum = new Map<string, number>();
  for (const a of articles) for (const [t, c] of articleTerms(a)) sum.set(t, (sum.get(t) ?? 0) + c);
  return weigh(sum, model.idf, model.defaultIdf);
}

/** Cosine similarity of two unit vectors. */
export function similarity(a: Vector, b: Vector): number {
  return dot(a, b);
}

export interface ServiceScore {
  service: string;
  score: number;
}

/** Services by decreasing score for a message vector (empty when no word of it is known). */
export function scoreServices(model: ServiceClassifier, q: Vector): ServiceScore[] {
  if (q.size === 0) return [];
  return model.profiles
    .map((p) => {
      let best = 0;
      for (const d of p.documents) best = Math.max(best, dot(q, d));
      return {
        service: p.code,
        score: best + CENTROID_WEIGHT * dot(q, p.centroid) + DESCRIPTION_WEIGHT * dot(q, p.documents[0]!),
      };
    })
    .sort((a, b) => b.score - a.score || a.service.localeCompare(b.service));
}
