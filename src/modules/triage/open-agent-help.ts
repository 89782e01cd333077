import type { Services } from '../../services.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { presentAnswers } from '../requests/form-engine/present.ts';
import { templatesForService } from '../replies/repository.ts';
import { triageText } from './model.ts';
import { relatedArticles, type RelatedArticle } from './related-articles.ts';
import { listServicesForTriage } from './repository.ts';
import { suggestReplyTemplate } from './suggest-reply-template.ts';
import { isLongThread, summariseThread, type SummaryDrafter, type ThreadMessage } from './summarise-thread.ts';
import { tenantTriageModel } from './triage-message.ts';

/** The item as the help panel reads it (a subset of the agents' request detail row and events). */
export interface HelpItem {
  reference: string;
  serviceId: string;
  demarcheForm: unknown;
  data: Record<string, unknown>;
  events: readonly { kind: string; body: string | null; author_kind: string; agent_name: string | null }[];
}

export interface AgentHelp {
  /** The suggested service, and whether it is another one than the item's. */
  service: { id: string; code: string; name: string } | null;
  otherService: boolean;
  isComplaint: boolean;
  complaintCues: string[];
  urgency: 'normale' | 'urgente';
  articles: RelatedArticle[];
  template: { id: string; title: string } | null;
  summary: string | null;
}

const MESSAGE_KINDS = new Set(['submitted', 'email_received', 'citizen_message', 'agent_message']);
/** The words of the answers that say what the item is about (not names, addresses, numbers). */
const TEXT_KINDS = new Set(['textarea', 'text', 'select', 'radio', 'checkboxes', 'other']);

/** The texts of the item's answers (not names, addresses or numbers). */
function answersText(item: HelpItem): string {
  return presentAnswers(item.demarcheForm, item.data)
    .filter((a) => TEXT_KINDS.has(a.kind) && !a.name.startsWith('applicant_'))
    .map((a) => a.value)
    .join('\n')
    .trim();
}

/** What the citizen wrote first: the answers' texts, and the first message of an email item. */
function itemText(item: HelpItem, answers: string): string {
  const firstMessage = item.events.find((e) => e.author_kind === 'citizen' && e.body)?.body ?? '';
  return `${answers}\n${firstMessage}`.trim();
}

/** The exchange: the item's first words (its answers), then the messages of its timeline. */
function threadOf(item: HelpItem, answers: string): ThreadMessage[] {
  const first: ThreadMessage[] = answers ? [{ author: 'L’usager', text: answers }] : [];
  return first.concat(
    item.events
      .filter((e) => MESSAGE_KINDS.has(e.kind) && e.body && e.body.trim() !== '')
      .map((e) => ({
        author: e.author_kind === 'citizen' ? 'L’usager' : e.agent_name ? `${e.agent_name} (agent)` : 'La mairie',
        text: e.body!,
      })),
  );
}

/**
 * The « Aide à la réponse » panel of a request's page: where the item should go, whether it
 * reads as a complaint, the articles that answer it, the reply template that fits, and for a
 * long thread a summary. Read-only suggestions: the page shows them as links and as the
 * existing transfer form, nothing acts without the agent. Runs in its own short transaction
 * (after the page's), so the model loads outside any other transaction.
 */
export async function openAgentHelp(
  services: Services,
  tenantId: string,
  item: HelpItem,
  options: { drafter?: SummaryDrafter } = {},
): Promise<AgentHelp> {
  const answers = answersText(item);
  const text = itemText(item, answers);
  const model = await tenantTriageModel(services, tenantId);
  const result = triageText(model, text);
  const thread = threadOf(item, answers);
  const { serviceRows, templates } = await inTenant(services.db, tenantId, async (trx) => ({
    serviceRows: await listServicesForTriage(trx),
    templates: await templatesForService(trx, item.serviceId),
  }));
  // Outside the transaction: the search's index loads in one of its own when not cached.
  const articles = text === '' ? [] : await relatedArticles(services, tenantId, text);
  const suggested = serviceRows.find((s) => s.slug === result.service) ?? null;
  const template = text === '' ? null : suggestReplyTemplate(model.classifier, text, templates);
  return {
    service: suggested ? { id: suggested.id, code: suggested.slug, name: suggested.name } : null,
    otherService: suggested !== null && suggested.id !== item.serviceId,
    isComplaint: result.isComplaint,
    complaintCues: result.complaintCues,
    urgency: result.urgency,
    articles,
    template: template ? { id: template.id, title: template.title } : null,
    summary: isLongThread(thread) ? await summariseThread(thread, options) : null,
  };
}
