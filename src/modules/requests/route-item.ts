import type { Services } from '../../services.ts';
import { inTenant, type Db, type Tx } from '../../db/tenant-scope.ts';
import { listAutoAssignServiceIds, listRoutingRules } from '../routing/repository.ts';
import { assignNextAgent } from './auto-assign.ts';
import { afterLastEvent } from './repository.ts';

/**
 * Routing at intake: every new item, whatever its channel (a form filled online or through the
 * API, an email, a phone call or a counter visit noted by an agent), is sent to a service here and
 * only here. A new channel gets routing by calling `routeItem` before opening its item and
 * `recordRoute` after (see docs/decisions/0019-routing-and-round-robin.md).
 */

/** The channels an item comes by, as rules name them. */
export const INTAKE_CHANNELS = {
  'en-ligne': 'Formulaire en ligne',
  api: 'API (logiciel partenaire)',
  courriel: 'Courriel',
  telephone: 'Téléphone',
  guichet: 'Accueil de la mairie',
  assistant: 'Assistant en ligne (« Parler à une personne »)',
} as const;

export interface RoutingRule {
  id: string;
  name: string;
  demarcheIds: readonly string[];
  themes: readonly string[];
  keywords: readonly string[];
  places: readonly string[];
  channels: readonly string[];
  serviceId: string;
  serviceName: string;
}

/** What routing reads: the active rules in their order, and the services that assign in turn. */
export interface RoutingPlan {
  rules: RoutingRule[];
  autoAssignServiceIds: readonly string[];
}

/** A new item as rules see it. */
export interface RoutableItem {
  demarcheId: string;
  /** The démarche's themes (LIFE_EVENTS slugs). */
  themes: readonly string[];
  channel: string;
  /** What the citizen wrote: answers, subject, message. */
  text: string;
  /** Address fields of the item's answers. */
  addresses: readonly { street?: string; postalCode?: string; city?: string }[];
  /** Where it goes when no rule applies: the démarche's service. */
  defaultServiceId: string;
}

export interface Route {
  serviceId: string;
  /** The rule that applied; null: the démarche's own service. */
  rule: { id: string; name: string; serviceName: string } | null;
  /** The service gives its new items to its agents in turn. */
  autoAssign: boolean;
}

/** Lower case, without accents, words separated by single spaces: how texts are compared. */
export function foldForMatching(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * A keyword (a word or a phrase) is found when it starts a word of the text: « lampadaire »
 * finds « Lampadaires », « eclairage public » finds « l'éclairage public », « art » does not find
 * « quartier ».
 */
function containsKeyword(foldedText: string, keyword: string): boolean {
  const k = foldForMatching(keyword);
  return k !== '' && ` ${foldedText}`.includes(` ${k}`);
}

/**
 * A place is a postcode (five digits: equal to an address's postcode) or a name (a commune or a
 * district: equal to an address's commune, or found as whole words in its street or commune).
 */
function matchesPlace(addresses: RoutableItem['addresses'], place: string): boolean {
  const p = place.replace(/\s/g, '');
  if (/^\d{5}$/.test(p)) return addresses.some((a) => (a.postalCode ?? '').replace(/\s/g, '') === p);
  const name = foldForMatching(place);
  if (name === '') return false;
  return addresses.some((a) => {
    const city = foldForMatching(a.city ?? '');
    const street = foldForMatching(a.street ?? '');
    return city === name || ` ${city} `.includes(` ${name} `) || ` ${street} `.includes(` ${name} `);
  });
}

/** Whether every condition of a rule holds for the item (a condition left empty always holds). */
export function ruleMatches(rule: RoutingRule, item: RoutableItem, foldedText = foldForMatching(item.text)): boolean {
  if (rule.demarcheIds.length > 0 && !rule.demarcheIds.includes(item.demarcheId)) return false;
  if (rule.themes.length > 0 && !rule.themes.some((t) => item.themes.includes(t))) return false;
  if (rule.channels.length > 0 && !rule.channels.includes(item.channel)) return false;
  if (rule.keywords.length > 0 && !rule.keywords.some((k) => containsKeyword(foldedText, k))) return false;
  if (rule.places.length > 0 && !rule.places.some((p) => matchesPlace(item.addresses, p))) return false;
  return true;
}

/** The first active rule that matches sends the item to its service; none: the démarche's service. */
export function chooseRoute(plan: RoutingPlan, item: RoutableItem): Route {
  const folded = foldForMatching(item.text);
  const rule = plan.rules.find((r) => ruleMatches(r, item, folded));
  const serviceId = rule ? rule.serviceId : item.defaultServiceId;
  return {
    serviceId,
    rule: rule ? { id: rule.id, name: rule.name, serviceName: rule.serviceName } : null,
    autoAssign: plan.autoAssignServiceIds.includes(serviceId),
  };
}

/** The tenant's routing as it is in the database now (the administrators' test reads this). */
export async function loadRoutingPlan(db: Db | Tx): Promise<RoutingPlan> {
  const rules = (await listRoutingRules(db))
    .filter((r) => r.active)
    .map((r) => ({
      id: r.id,
      name: r.name,
      demarcheIds: r.demarche_ids,
      themes: r.themes,
      keywords: r.keywords,
      places: r.places,
      channels: r.channels,
      serviceId: r.service_id,
      serviceName: r.service_name,
    }));
  return { rules, autoAssignServiceIds: await listAutoAssignServiceIds(db) };
}

/**
 * Every submission reads the rules: they are kept for a short while (a change made in this process
 * is seen at once, through `forgetRoutingPlan`; another process sees it within the time to live).
 */
export const ROUTING_PLAN_TTL_MS = 30_000;

function planCache(services: Services) {
  return services.caches.named<RoutingPlan>('routing-plans', { ttlMs: ROUTING_PLAN_TTL_MS });
}

/**
 * The tenant's plan, from the cache or loaded: through `conn` when the caller already holds a
 * connection of this tenant (a transaction: on PGlite's single connection, opening another one
 * would wait for ever), otherwise in a transaction of its own.
 */
export async function cachedRoutingPlan(services: Services, tenantId: string, conn?: Db | Tx): Promise<RoutingPlan> {
  return planCache(services).getOrLoad(tenantId, () =>
    conn ? loadRoutingPlan(conn) : inTenant(services.db, tenantId, loadRoutingPlan),
  );
}

/** Called by every change of rules or of a service's round-robin setting. */
export function forgetRoutingPlan(services: Services, tenantId: string): void {
  planCache(services).delete(tenantId);
}

/** Decides the service of a new item, before it is stored (`conn`: the caller's transaction, if any). */
export async function routeItem(
  services: Services,
  tenantId: string,
  item: RoutableItem,
  conn?: Db | Tx,
): Promise<Route> {
  return chooseRoute(await cachedRoutingPlan(services, tenantId, conn), item);
}

/** Whether storing the item needs more than its first event: a rule to name, an agent to choose. */
export function routeNeedsRecording(route: Route): boolean {
  return route.rule !== null || route.autoAssign;
}

/**
 * After the item and its first event are stored, in the same transaction: the `routed` event
 * names the rule (agents only), and a service that assigns in turn gives the item to its next
 * available agent.
 */
export async function recordRoute(
  trx: Tx,
  input: { tenantId: string; requestId: string; route: Route; now: Date },
): Promise<{ assignedTo: { id: string; name: string } | null }> {
  const { route } = input;
  if (route.rule) {
    await trx
      .insertInto('request_events')
      .values({
        tenant_id: input.tenantId,
        request_id: input.requestId,
        kind: 'routed',
        body: `Orientée vers le service ${route.rule.serviceName} par la règle « ${route.rule.name} ».`,
        author_kind: 'system',
        author_agent_id: null,
        visible_to_citizen: false,
        created_at: afterLastEvent(input.requestId),
      })
      .execute();
  }
  if (!route.autoAssign) return { assignedTo: null };
  return {
    assignedTo: await assignNextAgent(trx, {
      tenantId: input.tenantId,
      requestId: input.requestId,
      serviceId: route.serviceId,
      now: input.now,
    }),
  };
}

/** An item's answers as rules read them: every text, and every address field. */
export function routableAnswers(data: Record<string, unknown>): Pick<RoutableItem, 'text' | 'addresses'> {
  const texts: string[] = [];
  const addresses: RoutableItem['addresses'][number][] = [];
  const visit = (value: unknown) => {
    if (typeof value === 'string') texts.push(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const a = value as Record<string, unknown>;
      if ('postalCode' in a || 'city' in a || 'street' in a) {
        addresses.push({
          street: typeof a.street === 'string' ? a.street : undefined,
          postalCode: typeof a.postalCode === 'string' ? a.postalCode : undefined,
          city: typeof a.city === 'string' ? a.city : undefined,
        });
      }
    }
  };
  for (const [key, value] of Object.entries(data)) {
    // The identity kept from FranceConnect and the applicant's contact details route nothing.
    if (key.startsWith('_') || key.startsWith('applicant_')) continue;
    visit(value);
  }
  return { text: texts.join('\n'), addresses };
}
