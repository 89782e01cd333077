import type { Tx } from '../../db/tenant-scope.ts';
import { parisDay, sortFr } from '../../platform/format.ts';
import type { FieldError } from '../../platform/web/form.ts';
import { LEAD_VIEWS, parseInboxQuery, queryRecord, type InboxQuery } from '../inbox/inbox-query.ts';
import { listSavedViews, listTags, tagsOfRequests } from '../inbox/repository.ts';
import { addWorkingDays } from '../requests/working-days.ts';
import { countRequests, listRequests, listServices, type RequestListFilters } from './repository.ts';

/** "Due soon": within this many working days (the item is shown in the « À échéance » view). */
export const DUE_SOON_WORKING_DAYS = 2;

/** At most this many saved views are counted in the menu (each is one count). */
export const SAVED_VIEWS_MAX = 30;

interface ListContext {
  scopeIds: string[] | null;
  agentId: string;
  now: Date;
  /** The tenant's département, for its public holidays (Alsace-Moselle, overseas). */
  departement: string | null;
  /**
   * The tenant's calendar (requests/tenant-calendar.ts): its closing days, and its warning days
   * as the « à échéance » horizon. Without it, public holidays and DUE_SOON_WORKING_DAYS.
   */
  calendar?: { extraHolidays: string[]; warningDays: number };
  /** A supervisor or an administrator: the views of LEAD_VIEWS are theirs. */
  lead?: boolean;
}

/** What the filter form offers: the agent's services, their démarches, the agents, the tags. */
async function filterChoices(trx: Tx, scopeIds: string[] | null) {
  const services = await listServices(trx, scopeIds);
  let demarches = trx.selectFrom('demarches').select(['id', 'title', 'service_id']);
  if (scopeIds !== null) demarches = demarches.where('service_id', 'in', scopeIds.length > 0 ? scopeIds : ['']);
  const agents = await trx.selectFrom('agents').select(['id', 'display_name as name', 'active']).execute();
  return {
    services,
    /** Where an item may be transferred: any service of the commune. */
    allServices: await listServices(trx, null),
    demarches: services.length === 0 ? [] : sortFr(await demarches.execute(), (d) => d.title),
    agents: sortFr(agents, (a) => a.name),
    tags: await listTags(trx),
  };
}
export type InboxFilterChoices = Awaited<ReturnType<typeof filterChoices>>;

/**
 * A checked inbox query as the repository's filters: ids outside the agent's reach (a service
 * not theirs, a démarche of another service, an unknown agent or tag) are dropped and reported.
 */
function toFilters(
  query: InboxQuery,
  choices: InboxFilterChoices,
  ctx: ListContext,
): { filters: Omit<RequestListFilters, 'page' | 'pageSize' | 'sort'>; errors: FieldError[]; query: InboxQuery } {
  const errors: FieldError[] = [];
  const q: InboxQuery = { ...query, tagIds: [...query.tagIds] };
  if (q.serviceId && !choices.services.some((s) => s.id === q.serviceId)) {
    errors.push({
      field: 'service',
      message: 'Ce service n’existe pas ou ne fait pas partie des vôtres : il est ignoré.',
    });
    q.serviceId = null;
  }
  if (q.demarcheId && !choices.demarches.some((d) => d.id === q.demarcheId)) {
    errors.push({ field: 'demarche', message: 'Cette démarche n’existe pas dans vos services : elle est ignorée.' });
    q.demarcheId = null;
  }
  const assignee = q.assignee;
  if (assignee && typeof assignee !== 'string' && !choices.agents.some((a) => a.id === assignee.agentId)) {
    errors.push({ field: 'agent', message: 'Cet agent n’existe pas : le filtre est ignoré.' });
    q.assignee = null;
  }
  if (LEAD_VIEWS.includes(q.view) && !ctx.lead) {
    errors.push({ field: 'vue', message: 'Cette vue n’existe pas : les demandes à traiter sont affichées.' });
    q.view = 'ouvertes';
  }
  const known = q.tagIds.filter((t) => choices.tags.some((x) => x.id === t));
  if (known.length < q.tagIds.length) {
    errors.push({ field: 'etiquette', message: 'Une étiquette demandée n’existe plus : elle est ignorée.' });
    q.tagIds = known;
  }
  const days = { departement: ctx.departement, extraHolidays: ctx.calendar?.extraHolidays };
  const today = parisDay(ctx.now);
  const due = q.due;
  return {
    query: q,
    errors,
    filters: {
      serviceIds: ctx.scopeIds,
      agentId: ctx.agentId,
      view: q.view,
      status: q.status,
      serviceId: q.serviceId,
      demarcheId: q.demarcheId,
      channel: q.channel,
      identityVerified: q.identity === null ? null : q.identity === 'verifiee',
      assignee:
        q.assignee === 'moi'
          ? { kind: 'me' }
          : q.assignee === 'personne'
            ? { kind: 'none' }
            : q.assignee
              ? { kind: 'agent', id: q.assignee.agentId }
              : null,
      dueBefore: due?.kind === 'retard' ? today : due?.kind === 'avant' ? due.date : null,
      dueUntil: due?.kind === 'jours' ? addWorkingDays(ctx.now, due.days, days) : null,
      // Late or due soon: the clock must be running (it stops while waiting for the citizen).
      dueRunningOnly: due?.kind === 'retard' || due?.kind === 'jours',
      tagIds: q.tagIds,
      leadViews: ctx.lead === true,
      soonUntil: addWorkingDays(ctx.now, ctx.calendar?.warningDays ?? DUE_SOON_WORKING_DAYS, days),
    },
  };
}

/**
 * One page of an inbox view of the requests an agent may see, from the URL's parameters: the
 * filters applied (what could not be applied is in `errors`), the count of every view under
 * the same filters, each item's tags, the agent's saved views with their counts, and what the
 * filter form offers.
 */
export async function listAgentRequests(
  trx: Tx,
  input: ListContext & {
    /** The URL's query parameters. */
    params: Record<string, unknown> | undefined;
    /** Items per page: the screen's, or an export's (first page only). */
    pageSize?: number;
    /** Leave out the saved views and their counts (the CSV export). */
    withoutSavedViews?: boolean;
  },
) {
  const parsed = parseInboxQuery(input.params);
  const choices = await filterChoices(trx, input.scopeIds);
  const { filters, errors, query } = toFilters(parsed.query, choices, input);
  const found = await listRequests(trx, {
    ...filters,
    sort: query.sort,
    page: input.pageSize ? 1 : query.page,
    pageSize: input.pageSize,
  });
  const tags = await tagsOfRequests(
    trx,
    found.items.map((i) => i.id),
  );
  const savedViews = input.withoutSavedViews ? [] : await countedSavedViews(trx, input, choices);
  return {
    ...found,
    items: found.items.map((i) => ({ ...i, tags: tags.get(i.id) ?? [] })),
    query,
    errors: [...parsed.errors, ...errors],
    choices,
    savedViews,
  };
}

/** The agent's saved views (their own, and those shared with their services), each with its count. */
async function countedSavedViews(trx: Tx, ctx: ListContext, choices: InboxFilterChoices) {
  const views = (await listSavedViews(trx, ctx.agentId, ctx.scopeIds)).slice(0, SAVED_VIEWS_MAX);
  const counted = [];
  for (const v of views) {
    const parsed = parseInboxQuery(queryRecord(v.query));
    const { filters } = toFilters(parsed.query, choices, ctx);
    counted.push({ ...v, count: await countRequests(trx, filters) });
  }
  return counted;
}
export type CountedSavedView = Awaited<ReturnType<typeof countedSavedViews>>[number];
