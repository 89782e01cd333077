import type { Services } from '../../services.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { composeLocalAnswer, type ArticleText } from './compose-local-answer.ts';
import { draftWithLlm } from './draft-with-llm.ts';
import { nextSteps, type NextStep, type NextStepLinks } from './next-steps.ts';
import { findArticles, readLlmPersonalData } from './repository.ts';
import { retrieve } from './retrieve.ts';
import { maskPersonalData } from './mask-personal-data.ts';
import { looksForeign } from './text.ts';

/** The longest question accepted (characters). */
export const MAX_QUESTION_CHARS = 2000;

export const DECLINED_ANSWER = 'Je ne trouve pas de réponse sûre à votre question dans les pages de la mairie.';
export const FOREIGN_DECLINED_ANSWER =
  'Je réponds seulement aux questions écrites en français. Un agent de la mairie peut vous aider : écrivez-lui ou appelez-le.';
export const FOREIGN_PREFIX = 'Je réponds en français.';

export interface Citation {
  slug: string;
  title: string;
  url: string;
}

export interface AssistantAnswer {
  /** Plain text (never HTML): sentences of the articles, or the model's draft grounded in them. */
  answer: string;
  citations: Citation[];
  /** The assistant said it did not know rather than guess. */
  declined: boolean;
  nextSteps: NextStep[];
  /** 'llm': drafted by the configured model; 'local': extracted from the articles. */
  mode: 'local' | 'llm';
}

/** A logger as pino and Fastify's request.log give it. */
interface Log {
  warn(obj: object, msg: string): void;
}

/**
 * The question as typed, checked: not empty, at most 2,000 characters, and text (no control
 * characters but line breaks and tabs, no invalid bytes decoded as U+FFFD). Stable codes for the
 * API: question_required, question_too_long, question_invalid.
 */
export function checkQuestion(raw: unknown): string {
  if (typeof raw !== 'string') throw new AppError('question_required', 'Écrivez votre question.');
  const question = raw.normalize('NFC').trim();
  if (question === '') throw new AppError('question_required', 'Écrivez votre question.');
  if (question.length > MAX_QUESTION_CHARS) {
    throw new AppError(
      'question_too_long',
      `Votre question est trop longue : ${MAX_QUESTION_CHARS.toLocaleString('fr-FR')} caractères au plus.`,
    );
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFD\uFFFE\uFFFF]/.test(question)) {
    throw new AppError(
      'question_invalid',
      'Votre question contient des caractères illisibles. Écrivez-la avec des mots.',
    );
  }
  return question;
}

/** Words that introduce a piece of personal data, dropped with it from what is searched. */
const INTRODUCED =
  /(?:je m[’']appelle|mon nom est|mon nom c[’']est|dossier|r[ée]f[ée]rence|r[ée]f\.?|num[ée]ro|n°|e-?mail|mail|courriel|adresse [ée]lectronique|t[ée]l[ée]phone|t[ée]l\.?|portable)\s*:?\s*(?=\[)/giu;

export interface AnswerQuestionInput {
  question: string;
  audience: 'public' | 'agent';
  links: NextStepLinks & {
    /** The link of a cited article (public page, or the agents' view of an internal sheet). */
    articleUrl: (article: { slug: string; audience: 'public' | 'internal' }) => string;
  };
  log: Log;
}

/**
 * Answers a question from the knowledge base only. Retrieval decides whether an article answers
 * it (retrieve.ts); if none does, the assistant says so and offers a person, the phone and the
 * catalogue. Otherwise it answers with sentences of the best article (compose-local-answer.ts),
 * or, when a model is configured, with the model's draft from the best articles, checked
 * (draft-with-llm.ts): a draft that fails any check, comes late or not at all gives way to the
 * local answer. A question in another language gets a French answer and a way to reach a person.
 */
export async function answerQuestion(
  services: Pick<Services, 'db' | 'llm' | 'caches' | 'clock'>,
  tenant: Pick<Tenant, 'id' | 'name' | 'contact'>,
  input: AnswerQuestionInput,
): Promise<AssistantAnswer> {
  const question = checkQuestion(input.question);
  const foreign = looksForeign(question);
  // Addresses, numbers and names say nothing of the topic: searched without them.
  // The words that introduce them (« je m'appelle », « dossier », « mail »…) neither.
  const topic = maskPersonalData(question)
    .replace(INTRODUCED, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  const retrieval = await retrieve(services, tenant.id, topic, { audience: input.audience, limit: 5 });
  const { articles, personalDataAllowed } = await inTenant(services.db, tenant.id, async (trx) => {
    const slugs = retrieval.answerable ? retrieval.results.slice(0, 3).map((r) => r.slug) : [];
    const rows = await findArticles(trx, slugs, input.audience);
    // In the order retrieval ranked them.
    const articles = slugs.flatMap((s) => rows.filter((r) => r.slug === s));
    const personalDataAllowed = services.llm && articles.length > 0 ? await readLlmPersonalData(trx) : false;
    return { articles, personalDataAllowed };
  });
  const best = articles[0];
  if (!retrieval.answerable || !best) {
    return {
      answer: foreign ? FOREIGN_DECLINED_ANSWER : DECLINED_ANSWER,
      citations: [],
      declined: true,
      nextSteps: nextSteps(tenant, null, input.links),
      mode: 'local',
    };
  }
  const cite = (a: (typeof articles)[number]): Citation => ({
    slug: a.slug,
    title: a.title,
    url: input.links.articleUrl(a),
  });
  const steps = nextSteps(tenant, best, input.links);
  if (services.llm) {
    const drafted = await draftWithLlm(services.llm, {
      tenantName: tenant.name,
      question,
      articles: articles.map(articleText),
      maskPersonalData: !personalDataAllowed,
    });
    if (drafted.ok) {
      const cited = drafted.draft.sources.flatMap((s) => articles.filter((a) => a.slug === s));
      return {
        answer: foreign ? `${FOREIGN_PREFIX} ${drafted.draft.answer}` : drafted.draft.answer,
        citations: cited.map(cite),
        declined: false,
        nextSteps: nextSteps(tenant, cited[0] ?? best, input.links),
        mode: 'llm',
      };
    }
    // Never the question: it may hold personal data.
    input.log.warn(
      { reason: drafted.reason, model: services.llm.model },
      'assistant: model draft not used, local answer',
    );
  }
  const sentences = composeLocalAnswer(topic, articleText(best));
  return {
    answer: [...(foreign ? [FOREIGN_PREFIX] : []), ...sentences].join(' '),
    citations: [cite(best)],
    declined: false,
    nextSteps: steps,
    mode: 'local',
  };
}

function articleText(a: {
  slug: string;
  title: string;
  summary: string;
  sections: Record<string, string>;
}): ArticleText {
  return { slug: a.slug, title: a.title, summary: a.summary, sections: a.sections };
}
