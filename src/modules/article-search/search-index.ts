import { editDistance, family, phraseStems, STOP_WORDS, tokenize, type Token } from './analyser.ts';

/**
 * The in-memory index of one tenant's articles and the ranking over it (decision 26): BM25F with
 * field weights, IDF computed here (PostgreSQL's ts_rank has none), the query's synonyms and
 * abbreviations expanded, unknown words corrected to the nearest word of the articles, and the
 * decision whether the best article really answers the question.
 */

export interface ArticleDocument {
  slug: string;
  title: string;
  kind: string;
  audience: 'public' | 'internal';
  serviceSlug: string | null;
  serviceName: string;
  keywords: string[];
  summary: string;
  /** Every other section's text. */
  body: string;
}

export interface SynonymEntry {
  term: string;
  expansions: string[];
}

/** Fields in the order of their weights. */
const FIELDS = ['title', 'keywords', 'summary', 'body', 'service'] as const;
type Field = (typeof FIELDS)[number];
const FIELD_WEIGHT: Record<Field, number> = { title: 8, keywords: 5, summary: 2, body: 1, service: 1 };
const FIELD_B: Record<Field, number> = { title: 0.3, keywords: 0.3, summary: 0.5, body: 0.75, service: 0 };
/** High for BM25F: the weighted pseudo-frequencies are large, and a word in the title should not saturate at once. */
const K1 = 3;
/** A family key (inscription ~ inscrire) counts this much of the word itself. */
const FAMILY_WEIGHT = 0.5;
/** A word corrected from a typo counts this much. */
const TYPO_WEIGHT = 0.8;
/** A synonym or abbreviation counts this much of the words typed. */
const SYNONYM_WEIGHT = 0.8;
/** Limits that keep any query cheap whatever it holds. */
export const MAX_QUERY_WORDS = 48;
export const MAX_EXPANSIONS_PER_TERM = 12;
const MAX_EXPANSION_WORDS = 64;

/** A term's postings as parallel typed arrays: tens of thousands of articles, no object per posting. */
interface Postings {
  length: number;
  docs: Int32Array;
  /** BM25F's pseudo term frequency: field weights and length normalisation applied. */
  wtf: Float32Array;
  /** Fields where it occurs, as bits (1 title, 2 keywords…): the coverage of strong fields. */
  fields: Uint8Array;
}

export interface ScoredArticle {
  doc: ArticleDocument;
  score: number;
  /** The query's words this article matched (folded, as typed). */
  matchedTerms: string[];
  /** Share of the query's meaning (IDF-weighted) the article covers, 0 to 1. */
  coverage: number;
  /** The IDF-weighted meaning covered and left uncovered, in IDF units. */
  covered: number;
  uncovered: number;
  /** The rarest meaningful word the article leaves uncovered (its importance). */
  worstGap: number;
}

export interface SearchOutcome {
  results: ScoredArticle[];
  answerable: boolean;
  /** 0 to 1: how sure we are that the first result answers the question. */
  confidence: number;
  /** The meaningful words understood, after typo correction (for analytics and the « Aucun résultat » page). */
  understood: string[];
}

interface Concept {
  /** The folded words typed at this position. */
  words: string[];
  /** Alternatives: [stem, weight] pairs, the best one per article counts. */
  alternatives: Array<{ terms: string[]; weight: number }>;
  /** Weight in the coverage: the rarity of what was typed (unknown words weigh as the rarest). */
  importance: number;
  /** An optional concept (a synonym's expansion) adds to the score, never to the coverage's denominator. */
  optional: boolean;
  /** Positions in the query this concept stands for. */
  positions: number[];
}

export class ArticleIndex {
  readonly docs: ArticleDocument[];
  private readonly postings = new Map<string, Postings>();
  /** Folded words of the articles → their stem, for typo correction. */
  private readonly words = new Map<string, string>();
  private readonly wordsByInitial = new Map<string, string[]>();
  /** Per article, its keywords as stem sequences (a whole keyword in the query counts extra). */
  private readonly keywordPhrases: string[][][];
  private readonly maxIdf: number;
  get maxIdfValue(): number {
    return this.maxIdf;
  }

  constructor(docs: ArticleDocument[]) {
    this.docs = docs;
    const lengths: Record<Field, number[]> = { title: [], keywords: [], summary: [], body: [], service: [] };
    // Per article, its terms and their frequency in each field (5 numbers per term).
    const perDoc: Array<{ terms: string[]; tf: Uint16Array }> = [];
    this.keywordPhrases = docs.map((d) => d.keywords.map((k) => phraseStems(k)).filter((p) => p.length > 1));
    docs.forEach((doc) => {
      const at = new Map<string, number>();
      const terms: string[] = [];
      const tf: number[] = [];
      const texts: Record<Field, string> = {
        title: doc.title,
        keywords: doc.keywords.join(' ; '),
        summary: doc.summary,
        body: doc.body,
        service: doc.serviceName,
      };
      FIELDS.forEach((field, fi) => {
        const tokens = tokenize(texts[field]);
        lengths[field].push(tokens.length);
        for (const t of tokens) {
          if (!this.words.has(t.word)) this.words.set(t.word, t.stem);
          for (const term of termsOf(t)) {
            let i = at.get(term);
            if (i === undefined) {
              at.set(term, (i = terms.length));
              terms.push(term);
              tf.push(0, 0, 0, 0, 0);
            }
            tf[i * FIELDS.length + fi]!++;
          }
        }
      });
      perDoc.push({ terms, tf: Uint16Array.from(tf, (v) => Math.min(v, 65_535)) });
    });
    const avg = Object.fromEntries(
      FIELDS.map((f) => [f, Math.max(1, lengths[f].reduce((a, b) => a + b, 0) / Math.max(1, docs.length))]),
    ) as Record<Field, number>;
    const building = new Map<string, { docs: number[]; wtf: number[]; fields: number[] }>();
    perDoc.forEach(({ terms, tf }, doc) => {
      terms.forEach((term, ti) => {
        let wtf = 0;
        let fields = 0;
        FIELDS.forEach((f, fi) => {
          const count = tf[ti * FIELDS.length + fi]!;
          if (count === 0) return;
          const norm = 1 - FIELD_B[f] + (FIELD_B[f] * lengths[f][doc]!) / avg[f];
          wtf += (FIELD_WEIGHT[f] * count) / norm;
          fields |= 1 << fi;
        });
        let list = building.get(term);
        if (!list) building.set(term, (list = { docs: [], wtf: [], fields: [] }));
        list.docs.push(doc);
        list.wtf.push(wtf);
        list.fields.push(fields);
      });
    });
    for (const [term, list] of building) {
      this.postings.set(term, {
        length: list.docs.length,
        docs: Int32Array.from(list.docs),
        wtf: Float32Array.from(list.wtf),
        fields: Uint8Array.from(list.fields),
      });
    }
    for (const word of this.words.keys()) {
      const key = word[0]!;
      let list = this.wordsByInitial.get(key);
      if (!list) this.wordsByInitial.set(key, (list = []));
      list.push(word);
    }
    this.maxIdf = this.idf(1);
  }

  /** Robertson–Spärck Jones IDF, never negative. */
  private idf(df: number): number {
    const n = this.docs.length;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  private termIdf(term: string): number {
    const list = this.postings.get(term);
    return list ? this.idf(list.length) : 0;
  }

  private known(stemmed: string): boolean {
    return this.postings.has(stemmed);
  }

  /**
   * A word the articles never use: glued elision (« didentite » → identite), then the nearest
   * word of the articles within one edit (two for long words), same first letter.
   */
  private correct(word: string): string | null {
    const glued = /^(?:qu|[ldjmnst])([aeiouyh].{2,})$/.exec(word);
    if (glued && this.words.has(glued[1]!)) return glued[1]!;
    if (word.length < 5 || /\d/.test(word)) return null;
    const max = word.length >= 7 ? 2 : 1;
    let best: string | null = null;
    let bestDistance = max + 1;
    let bestDf = 0;
    for (const candidate of this.wordsByInitial.get(word[0]!) ?? []) {
      if (Math.abs(candidate.length - word.length) > max) continue;
      const d = editDistance(word, candidate, max);
      if (d > max) continue;
      const df = this.postings.get(this.words.get(candidate)!)?.length ?? 0;
      if (d < bestDistance || (d === bestDistance && df > bestDf)) {
        best = candidate;
        bestDistance = d;
        bestDf = df;
      }
    }
    if (best === null && glued) return this.correct(glued[1]!);
    return best;
  }

  /** The query as concepts: one per position typed, then the synonyms' expansions. */
  private analyseQuery(query: string, synonyms: SynonymEntry[]): Concept[] {
    const tokens = tokenize(query).slice(0, MAX_QUERY_WORDS);
    const byPosition = new Map<number, Token[]>();
    for (const t of tokens) {
      const list = byPosition.get(t.position);
      if (list) list.push(t);
      else byPosition.set(t.position, [t]);
    }
    const concepts: Concept[] = [];
    const seen = new Set<string>();
    for (const [position, group] of byPosition) {
      const key = group.map((t) => t.stem).join(' ');
      if (seen.has(key)) continue;
      seen.add(key);
      const parts = group.filter((t) => !t.joined);
      const joined = group.find((t) => t.joined);
      const alternatives: Concept['alternatives'] = [];
      let importance = 0;
      const resolve = (t: Token): { terms: string[]; weight: number } | null => {
        if (this.known(t.stem)) return { terms: [t.stem], weight: 1 };
        const fam = family(t.stem);
        if (fam && this.known(`~${fam}`)) return { terms: [`~${fam}`], weight: FAMILY_WEIGHT };
        const glued = /^(?:qu|[ldjmnst])([aeiouyh].{2,})$/.exec(t.word);
        if (glued && this.words.has(glued[1]!)) return { terms: [this.words.get(glued[1]!)!], weight: 1 };
        const fixed = this.correct(t.word);
        if (fixed) return { terms: [this.words.get(fixed)!], weight: TYPO_WEIGHT };
        return null;
      };
      const resolvedParts = parts.map(resolve);
      if (resolvedParts.every((r) => r !== null) && resolvedParts.length > 0) {
        alternatives.push({
          terms: resolvedParts.flatMap((r) => r!.terms),
          weight: Math.min(...resolvedParts.map((r) => r!.weight)),
        });
      }
      if (joined) {
        const r = resolve(joined);
        if (r) alternatives.push(r);
      }
      for (const t of group) {
        if (this.known(t.stem)) importance = Math.max(importance, this.termIdf(t.stem));
        const fam = family(t.stem);
        if (fam && this.known(`~${fam}`)) importance = Math.max(importance, this.termIdf(`~${fam}`));
      }
      // Family and typo matches: the alternatives' rarity, else the word is unknown here.
      for (const a of alternatives) for (const term of a.terms) importance = Math.max(importance, this.termIdf(term));
      if (importance === 0) importance = this.maxIdf * UNKNOWN_WORD_IMPORTANCE;
      // A word that asks which side of a topic (its price, delay, papers, steps) is answered by
      // the sections every page has: it ranks, but weighs little in the coverage.
      if (group.every((t) => FACET_WORDS.has(t.word))) importance *= FACET_IMPORTANCE;
      concepts.push({
        words: group.map((t) => t.word),
        alternatives,
        importance,
        optional: false,
        positions: [position],
      });
    }
    this.expandSynonyms(tokens, concepts, synonyms);
    return concepts;
  }

  /** Adds each synonym group met in the query (as a whole word sequence) as optional concepts. */
  private expandSynonyms(tokens: Token[], concepts: Concept[], synonyms: SynonymEntry[]): void {
    const sequence = tokens.filter((t) => !t.joined);
    // Short words (abbreviations: PAI, TF) are matched as typed: their stems meet ordinary words (payer → pai).
    const key = (t: Token) => (t.word.length <= SHORT_WORD ? `=${t.word}` : t.stem);
    const stems = sequence.map(key);
    const joinedStems = new Set(tokens.filter((t) => t.joined).map(key));
    let budget = MAX_EXPANSION_WORDS;
    for (const entry of synonyms) {
      if (budget <= 0) break;
      const group = [entry.term, ...entry.expansions.slice(0, MAX_EXPANSIONS_PER_TERM)];
      const phrases = group.map((p) => phraseKeys(p));
      const hit = phrases.findIndex((p) => {
        if (p.length === 0) return false;
        if (p.length === 1 && joinedStems.has(p[0]!)) return true;
        return indexOfSequence(stems, p) >= 0;
      });
      if (hit < 0) continue;
      const at = indexOfSequence(stems, phrases[hit]!);
      const positions =
        at >= 0
          ? sequence.slice(at, at + phrases[hit]!.length).map((t) => t.position)
          : tokens.filter((t) => t.joined && key(t) === phrases[hit]![0]).map((t) => t.position);
      const alternatives = group
        .map((p) => phraseStems(p))
        .filter((p, i) => i !== hit && p.length > 0)
        .filter((p) => p.every((s) => this.known(s)))
        .map((p) => ({ terms: p, weight: SYNONYM_WEIGHT }));
      if (alternatives.length === 0) continue;
      budget -= alternatives.reduce((n, a) => n + a.terms.length, 0);
      concepts.push({ words: [], alternatives, importance: 0, optional: true, positions });
    }
  }

  /** The query as the index understands it (tests and the decision record's examples). */
  explain(
    query: string,
    synonyms: SynonymEntry[] = [],
  ): Array<{ words: string[]; alternatives: string[]; importance: number }> {
    return this.analyseQuery(query, synonyms).map((c) => ({
      words: c.words,
      alternatives: c.alternatives.map((a) => `${a.terms.join('+')}×${a.weight}`),
      importance: Number(c.importance.toFixed(2)),
    }));
  }

  /** Ranks the articles for a query; `filter` keeps the ones the caller may see. */
  search(
    query: string,
    options: { synonyms?: SynonymEntry[]; limit?: number; filter?: (doc: ArticleDocument) => boolean } = {},
  ): SearchOutcome {
    const limit = options.limit ?? 10;
    const n = this.docs.length;
    const concepts = this.analyseQuery(query, options.synonyms ?? []);
    const understood = concepts.filter((c) => !c.optional).flatMap((c) => c.words);
    // Typed arrays per concept (score and coverage credit by article): thousands of articles
    // cost a few arrays, not thousands of small objects.
    const total = new Float64Array(n);
    const touched: number[] = [];
    const positionScore = new Map<number, Float64Array>();
    const positionCredit = new Map<number, Float32Array>();
    const sum = new Float64Array(n);
    const count = new Uint8Array(n);
    const strong = new Uint8Array(n);
    for (const concept of concepts) {
      const score = new Float64Array(n);
      const credit = new Float32Array(n);
      const docs: number[] = [];
      for (const alt of concept.alternatives) {
        const altDocs: number[] = [];
        for (const term of alt.terms) {
          const list = this.postings.get(term);
          if (!list) continue;
          const idf = this.idf(list.length);
          for (let i = 0; i < list.length; i++) {
            const doc = list.docs[i]!;
            const wtf = list.wtf[i]!;
            if (count[doc] === 0) altDocs.push(doc);
            sum[doc] = sum[doc]! + (idf * (wtf * (K1 + 1))) / (wtf + K1);
            count[doc] = count[doc]! + 1;
            if (list.fields[i]! & STRONG_FIELDS) strong[doc] = strong[doc]! + 1;
          }
        }
        const size = alt.terms.length;
        for (const doc of altDocs) {
          // A multi-word alternative counts when all its words are there, partly otherwise; a
          // synonym phrase counts as one concept (its words' mean).
          const whole = count[doc] === size;
          const s = (alt.weight * sum[doc]! * (whole ? 1 : 0.5 * (count[doc]! / size))) / (concept.optional ? size : 1);
          // Words met in the title, keywords or summary cover the concept; in the body only, less.
          const c = whole ? alt.weight * (strong[doc] === count[doc] ? 1 : BODY_ONLY_CREDIT) : 0;
          if (score[doc] === 0 && credit[doc] === 0) docs.push(doc);
          if (s > score[doc]!) score[doc] = s;
          if (c > credit[doc]!) credit[doc] = c;
          sum[doc] = 0;
          count[doc] = 0;
          strong[doc] = 0;
        }
      }
      const first = concept.positions[0]!;
      let ps = positionScore.get(first);
      if (!ps) positionScore.set(first, (ps = new Float64Array(n)));
      for (const doc of docs) {
        if (total[doc] === 0) touched.push(doc);
        let gain = score[doc]!;
        if (concept.optional) {
          // A synonym stands for the words typed: it raises their score to its own, never adds to it.
          let typed = 0;
          for (const p of concept.positions) typed += positionScore.get(p)?.[doc] ?? 0;
          gain = Math.max(0, gain - typed);
        }
        total[doc] = total[doc]! + gain;
        ps[doc] = ps[doc]! + gain;
      }
      for (const p of concept.positions) {
        const pc = positionCredit.get(p);
        if (!pc) positionCredit.set(p, concept.positions.length === 1 ? credit : Float32Array.from(credit));
        else for (const doc of docs) if (credit[doc]! > pc[doc]!) pc[doc] = credit[doc]!;
      }
    }
    const typedConcepts = concepts.filter((c) => !c.optional);
    const totalImportance = typedConcepts.reduce((sum, c) => sum + c.importance, 0);
    const querySequence = tokenize(query)
      .filter((t) => !t.joined)
      .map((t) => t.stem);
    const queryStems = new Set(querySequence);
    const ranked: Array<{ doc: number; score: number; coverage: number; covered: number; worstGap: number }> = [];
    // Only the best raw scores can end in the first places (coverage multiplies by 0.5 to 1).
    const candidates = touched.filter((doc) => total[doc]! > 0 && (!options.filter || options.filter(this.docs[doc]!)));
    if (candidates.length > MAX_CANDIDATES) {
      candidates.sort((a, b) => total[b]! - total[a]!);
      candidates.length = MAX_CANDIDATES;
    }
    const creditArrays = typedConcepts.map((c) => c.positions.map((p) => positionCredit.get(p)));
    for (const doc of candidates) {
      // A whole keyword phrase in the query (« permis de construire »): its words' rarity again.
      let phraseBonus = 0;
      for (const phrase of this.keywordPhrases[doc]!) {
        if (queryStems.has(phrase[0]!) && indexOfSequence(querySequence, phrase) >= 0) {
          phraseBonus += 0.5 * phrase.reduce((sum, st) => sum + this.termIdf(st), 0);
        }
      }
      // Coverage: each position typed, covered directly or through a synonym that stands for it.
      let covered = 0;
      let worstGap = 0;
      for (let ci = 0; ci < typedConcepts.length; ci++) {
        const c = typedConcepts[ci]!;
        let credit = 1;
        for (const arr of creditArrays[ci]!) credit = Math.min(credit, arr?.[doc] ?? 0);
        covered += c.importance * credit;
        worstGap = Math.max(worstGap, c.importance * (1 - credit));
      }
      const coverage = totalImportance > 0 ? covered / totalImportance : 0;
      ranked.push({
        doc,
        score: (total[doc]! + phraseBonus) * (1 - COVERAGE_IN_RANK + COVERAGE_IN_RANK * coverage),
        coverage,
        covered,
        worstGap,
      });
    }
    ranked.sort((a, b) => b.score - a.score || this.docs[a.doc]!.slug.localeCompare(this.docs[b.doc]!.slug));
    const results: ScoredArticle[] = ranked.slice(0, limit).map((r) => ({
      doc: this.docs[r.doc]!,
      score: r.score,
      matchedTerms: typedConcepts
        .filter((c) => c.positions.every((p) => (positionCredit.get(p)?.[r.doc] ?? 0) > 0))
        .flatMap((c) => c.words),
      coverage: r.coverage,
      covered: r.covered,
      uncovered: totalImportance - r.covered,
      worstGap: r.worstGap,
    }));
    const { answerable, confidence } = decide(results, this.maxIdf);
    return { results, answerable, confidence, understood };
  }

  /** Words of the articles starting with a prefix, most frequent first (suggestions as you type). */
  vocabularyStartingWith(prefix: string, limit: number): string[] {
    const folded = prefix;
    const out: Array<[string, number]> = [];
    for (const word of this.wordsByInitial.get(folded[0] ?? '') ?? []) {
      if (word.startsWith(folded) && !STOP_WORDS.has(word)) {
        out.push([word, this.postings.get(this.words.get(word)!)?.length ?? 0]);
      }
    }
    return out
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, limit)
      .map(([w]) => w);
  }
}

/** How much the coverage of the query orders the results (0: BM25F alone). */
const COVERAGE_IN_RANK = 0.5;

/** Articles whose coverage is computed, by raw score: the rest cannot reach the first places. */
const MAX_CANDIDATES = 300;

/** Bits of the title, keywords and summary fields. */
const STRONG_FIELDS = 0b111;
/** Share of a concept covered by a word met only in the body or the service's name. */
const BODY_ONLY_CREDIT = 0.6;

/** A word no article uses weighs this share of the rarest word's IDF in the coverage. */
const UNKNOWN_WORD_IMPORTANCE = 0.9;

/**
 * Words that ask for one side of a topic rather than name it: its price, its delay, the papers
 * to bring, the steps, where and when. Every page of the knowledge base answers them in its
 * standard sections (« Ce qu'il faut préparer », « Comment faire », « Délai et coût »), so they say
 * little about which page answers the question. Folded, as typed.
 */
export const FACET_WORDS: ReadonlySet<string> = new Set(
  (
    'combien cout couts coute coutent couter prix tarif tarifs payer paye payant payante gratuit gratuite cher chere ' +
    'delai delais duree temps long longtemps quand date horaire horaires ouvert ouverte ' +
    'document documents papier papiers piece pieces justificatif justificatifs fournir preparer apporter ' +
    'obtenir avoir recevoir demander faire proceder procedure demarche demarches etape etapes marche ' +
    'besoin aide aider info infos information informations renseignement renseignements savoir'
  ).split(' '),
);
/** Their share of the coverage's weight. */
const FACET_IMPORTANCE = 0.15;

/** The terms an article's word is indexed under: its stem and its family key. */
function termsOf(t: Token): string[] {
  const fam = family(t.stem);
  return fam ? [t.stem, `~${fam}`] : [t.stem];
}

/** Words of up to this many letters are matched as typed in synonym terms. */
const SHORT_WORD = 4;

function phraseKeys(text: string): string[] {
  return tokenize(text)
    .filter((t) => !t.joined)
    .map((t) => (t.word.length <= SHORT_WORD ? `=${t.word}` : t.stem));
}

function indexOfSequence(haystack: string[], needle: string[]): number {
  if (needle.length === 0 || needle.length > haystack.length) return -1;
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** The first result answers when it covers this share of the query's meaning… */
const ANSWER_COVERAGE = 0.6;
/** …or when the meaning it covers weighs this many of the rarest word (long questions). */
const ANSWER_COVERED_RAREST = 1.4;

/**
 * Whether the first result answers the question (decision 26): it covers most of the query's
 * meaning (IDF-weighted; a word met only in the body counts 0.6, a word no article uses weighs
 * almost as the rarest), or — for long questions, where many words are circumstances — the part
 * it covers is heavy enough on its own. Confidence is 0.5 at the threshold of either rule.
 * Thresholds calibrated on the development questions as a whole, none fitted to one question.
 */
function decide(results: ScoredArticle[], maxIdf: number): { answerable: boolean; confidence: number } {
  const top = results[0];
  if (!top || maxIdf <= 0) return { answerable: false, confidence: 0 };
  const byCoverage = top.coverage / ANSWER_COVERAGE;
  const byWeight = top.covered / maxIdf / ANSWER_COVERED_RAREST;
  const confidence = Math.min(1, 0.5 * Math.max(byCoverage, byWeight));
  return { answerable: confidence >= 0.5, confidence: Number(confidence.toFixed(3)) };
}
