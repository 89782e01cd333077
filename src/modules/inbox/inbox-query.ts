import type { RequestStatus } from '../../db/schema.ts';
import type { FieldError } from '../../platform/web/form.ts';
import { AGENT_STATUS_LABELS } from '../requests/status.ts';

/**
 * The inbox's views: each a question an agent asks at the start of the day. « Escaladées » (open
 * items that were raised to supervisors, dealt with or not) is for supervisors and administrators.
 */
export const INBOX_VIEWS = [
  'ouvertes',
  'mes',
  'mentions',
  'non-attribuees',
  'attente',
  'echeance',
  'escaladees',
  'toutes',
] as const;
/** The views only supervisors and administrators have. */
export const LEAD_VIEWS: readonly InboxView[] = ['escaladees'];
export type InboxView = (typeof INBOX_VIEWS)[number];

export const INBOX_SORTS = ['echeance', 'activite', 'depot'] as const;
export type InboxSort = (typeof INBOX_SORTS)[number];

/** How an item came in (requests.channel), as agents name it. */
export const CHANNEL_LABELS: Record<string, string> = {
  'en-ligne': 'En ligne',
  courriel: 'Courriel',
  telephone: 'Téléphone',
  guichet: 'Accueil',
  api: 'Application partenaire',
  assistant: 'Assistant en ligne',
};

/** The due date filter: late items, items due within N working days (late ones included), or due before a day. */
export type DueFilter = { kind: 'retard' } | { kind: 'jours'; days: number } | { kind: 'avant'; date: string };

/** Who has the item: the agent looking, nobody, or one agent (by id). */
export type AssigneeFilter = 'moi' | 'personne' | { agentId: string };

export const IDENTITY_FILTERS = { verifiee: 'Oui, par FranceConnect', 'non-verifiee': 'Non' } as const;
export type IdentityFilter = keyof typeof IDENTITY_FILTERS;

export const DUE_DAYS_MAX = 60;
/** At most this many tags combined in one filter (each is one more condition). */
export const TAG_FILTER_MAX = 10;

/** What an inbox URL asks for, checked for form only: ids are looked up later, in the agent's scope. */
export interface InboxQuery {
  view: InboxView;
  sort: InboxSort;
  status: RequestStatus | null;
  serviceId: string | null;
  demarcheId: string | null;
  channel: string | null;
  /** « Identité vérifiée » (by FranceConnect) or not: `identite=verifiee` / `identite=non-verifiee`. */
  identity: IdentityFilter | null;
  assignee: AssigneeFilter | null;
  due: DueFilter | null;
  tagIds: string[];
  page: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function isValidDay(value: string): boolean {
  if (!DAY.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

type Raw = Record<string, unknown> | undefined;

function one(raw: Raw, name: string): string {
  const v = raw?.[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first.trim() : '';
}

function many(raw: Raw, name: string): string[] {
  const v = raw?.[name];
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim());
}

/**
 * Reads an inbox URL's parameters. A value that cannot be one (a forged status, a date that does
 * not exist) is dropped and reported, so the page says what it ignored instead of failing.
 */
export function parseInboxQuery(raw: Raw): { query: InboxQuery; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const bad = (field: string, message: string) => errors.push({ field, message });

  const statusParam = one(raw, 'statut');
  let status: RequestStatus | null = null;
  if (statusParam !== '') {
    if (Object.hasOwn(AGENT_STATUS_LABELS, statusParam)) status = statusParam as RequestStatus;
    else bad('statut', 'Ce statut n’existe pas : choisissez-en un dans la liste.');
  }

  const viewParam = one(raw, 'vue');
  let view: InboxView;
  if ((INBOX_VIEWS as readonly string[]).includes(viewParam)) view = viewParam as InboxView;
  else {
    if (viewParam !== '') bad('vue', 'Cette vue n’existe pas : les demandes à traiter sont affichées.');
    // A status asked for alone is looked for among all items.
    view = status ? 'toutes' : 'ouvertes';
  }

  const sortParam = one(raw, 'tri');
  let sort: InboxSort = defaultSort(view);
  if ((INBOX_SORTS as readonly string[]).includes(sortParam)) sort = sortParam as InboxSort;
  else if (sortParam !== '') bad('tri', 'Cet ordre de tri n’existe pas : choisissez-en un dans la liste.');

  const id = (field: string, message: string): string | null => {
    const v = one(raw, field);
    if (v === '') return null;
    if (UUID.test(v)) return v.toLowerCase();
    bad(field, message);
    return null;
  };
  const serviceId = id('service', 'Ce service n’existe pas : choisissez-en un dans la liste.');
  const demarcheId = id('demarche', 'Cette démarche n’existe pas : choisissez-en une dans la liste.');

  const channelParam = one(raw, 'canal');
  let channel: string | null = null;
  if (channelParam !== '') {
    if (Object.hasOwn(CHANNEL_LABELS, channelParam)) channel = channelParam;
    else bad('canal', 'Ce canal n’existe pas : choisissez-en un dans la liste.');
  }

  const identityParam = one(raw, 'identite');
  let identity: IdentityFilter | null = null;
  if (identityParam !== '') {
    if (Object.hasOwn(IDENTITY_FILTERS, identityParam)) identity = identityParam as IdentityFilter;
    else bad('identite', 'Ce filtre d’identité n’existe pas : choisissez-en un dans la liste.');
  }

  const agentParam = one(raw, 'agent');
  let assignee: AssigneeFilter | null = null;
  if (agentParam === 'moi' || agentParam === 'personne') assignee = agentParam;
  else if (UUID.test(agentParam)) assignee = { agentId: agentParam.toLowerCase() };
  else if (agentParam !== '') bad('agent', 'Cet agent n’existe pas : choisissez-en un dans la liste.');

  const dueParam = one(raw, 'echeance');
  let due: DueFilter | null = null;
  if (dueParam === 'retard') due = { kind: 'retard' };
  else if (dueParam === 'jours') {
    const daysParam = one(raw, 'jours');
    const days = /^\d{1,3}$/.test(daysParam) ? Number(daysParam) : NaN;
    if (Number.isInteger(days) && days >= 0 && days <= DUE_DAYS_MAX) due = { kind: 'jours', days };
    else bad('jours', `Indiquez un nombre de jours ouvrés entre 0 et ${DUE_DAYS_MAX}.`);
  } else if (dueParam === 'avant') {
    const dateParam = one(raw, 'avant');
    if (isValidDay(dateParam)) due = { kind: 'avant', date: dateParam };
    else bad('avant', 'Indiquez une date d’échéance valide, par exemple 2026-12-31.');
  } else if (dueParam !== '') bad('echeance', 'Ce filtre d’échéance n’existe pas : choisissez-en un dans la liste.');

  const tagParams = many(raw, 'etiquette');
  const tagIds = [...new Set(tagParams.filter((t) => UUID.test(t)).map((t) => t.toLowerCase()))];
  if (tagIds.length < tagParams.length) bad('etiquette', 'Une étiquette demandée n’existe pas : elle est ignorée.');
  if (tagIds.length > TAG_FILTER_MAX) {
    bad('etiquette', `Choisissez au plus ${TAG_FILTER_MAX} étiquettes.`);
    tagIds.length = TAG_FILTER_MAX;
  }

  const pageParam = one(raw, 'page');
  const pageNumber = /^\d{1,6}$/.test(pageParam) ? Number(pageParam) : 1;
  const page = pageNumber >= 1 && pageNumber <= 100_000 ? pageNumber : 1;

  return {
    query: { view, sort, status, serviceId, demarcheId, channel, identity, assignee, due, tagIds, page },
    errors,
  };
}

/**
 * The order of a view when none is asked for: the nearest deadline for the items to deal with,
 * the latest filed for « toutes » (closed items included, whose deadlines are long past: by
 * deadline, a commune's oldest closed items would come first).
 */
export function defaultSort(view: InboxView): InboxSort {
  return view === 'toutes' ? 'depot' : 'echeance';
}

/**
 * The query string of an inbox query (without the leading « ? »), canonical: defaults left out,
 * parameters in one order. Saved views store it; links of the page are built from it.
 */
export function inboxQueryString(q: InboxQuery, options: { page?: number; view?: InboxView; sort?: InboxSort } = {}) {
  const p = new URLSearchParams();
  const view = options.view ?? q.view;
  // Another view keeps an order the agent chose, and otherwise takes its own.
  const chosen = q.sort !== defaultSort(q.view);
  const sort = options.sort ?? (view === q.view || chosen ? q.sort : defaultSort(view));
  // An explicit view is kept when a status would otherwise make it « toutes ».
  if (view !== 'ouvertes' || q.status) p.set('vue', view);
  if (sort !== defaultSort(view)) p.set('tri', sort);
  if (q.status) p.set('statut', q.status);
  if (q.serviceId) p.set('service', q.serviceId);
  if (q.demarcheId) p.set('demarche', q.demarcheId);
  if (q.channel) p.set('canal', q.channel);
  if (q.identity) p.set('identite', q.identity);
  if (q.assignee) p.set('agent', typeof q.assignee === 'string' ? q.assignee : q.assignee.agentId);
  if (q.due) {
    p.set('echeance', q.due.kind);
    if (q.due.kind === 'jours') p.set('jours', String(q.due.days));
    if (q.due.kind === 'avant') p.set('avant', q.due.date);
  }
  for (const t of [...q.tagIds].sort()) p.append('etiquette', t);
  const page = options.page ?? 1;
  if (page > 1) p.set('page', String(page));
  return p.toString();
}

/** A query string (a saved view's) as the record of parameters `parseInboxQuery` reads. */
export function queryRecord(queryString: string): Record<string, string[]> {
  const params = new URLSearchParams(queryString);
  return Object.fromEntries([...new Set(params.keys())].map((k) => [k, params.getAll(k)]));
}

/** Whether the query narrows the view with any filter (the empty list then says so). */
export function hasFilters(q: InboxQuery): boolean {
  return (
    q.status !== null ||
    q.serviceId !== null ||
    q.demarcheId !== null ||
    q.channel !== null ||
    q.identity !== null ||
    q.assignee !== null ||
    q.due !== null ||
    q.tagIds.length > 0
  );
}
