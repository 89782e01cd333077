/**
 * Who is asking. Built by the routes from the session they found (requireAgent, currentCitizen)
 * and passed to `can()`; nothing else decides what an actor may do.
 *
 * - anonymous: no session. Public pages, forms, and tracking by reference and code (the code is
 *   the capability, checked by the use case) need no actor at all.
 * - citizen: a signed-in account of one tenant; owns its requests and its data.
 * - agent: a staff member of one tenant. `role` 'agent' works on the requests of its services,
 *   'supervisor' (lead of a service) has the same scope and supervises the agents of its
 *   services, 'admin' (tenant administrator) covers every service and manages the accounts.
 * - operator: runs the deployment. It has no session on any tenant site yet and no rule grants
 *   it anything: by default it sees no citizen's personal data (see docs/decisions/0006).
 */
export type Actor =
  | { kind: 'anonymous' }
  | { kind: 'citizen'; tenantId: string; citizenId: string; email?: string | null }
  | {
      kind: 'agent';
      tenantId: string;
      agentId: string;
      role: 'agent' | 'supervisor' | 'admin';
      serviceIds: string[];
    }
  | { kind: 'operator' };

export type AgentActor = Extract<Actor, { kind: 'agent' }>;
export type CitizenActor = Extract<Actor, { kind: 'citizen' }>;

/** A citizen request, as far as authorisation needs to know it. */
export interface RequestResource {
  kind: 'request';
  tenantId: string;
  serviceId: string;
  /** The account that owns it, if it was filed (or linked) by a signed-in citizen. */
  citizenId: string | null;
}

/** The tenant as a whole: its agent accounts, its request lists, its register. */
export interface TenantResource {
  kind: 'tenant';
  tenantId: string;
}

/** An agent account, as seen by whoever manages or supervises it. */
export interface AgentAccountResource {
  kind: 'agent_account';
  tenantId: string;
  agentId: string;
  serviceIds: readonly string[];
}

/** A citizen's account: their space, their preferences, their sessions, their data. */
export interface CitizenAccountResource {
  kind: 'citizen_account';
  tenantId: string;
  citizenId: string;
}

/** A citizen's erasure request that an agent has to decide. */
export interface ErasureResource {
  kind: 'erasure_request';
  tenantId: string;
  /** Services whose requests keep the data: their agents decide. */
  serviceIds: readonly string[];
}

/** What belongs to one service of a tenant, or (serviceId null) to all of them: reply templates, signatures. */
export interface ServiceScopeResource {
  kind: 'service_scope';
  tenantId: string;
  serviceId: string | null;
}

/** An agent's saved inbox view. */
export interface SavedViewResource {
  kind: 'saved_view';
  tenantId: string;
  ownerAgentId: string;
}

/**
 * A citizen record (fiche usager), as far as authorisation needs to know it: the services of the
 * items that point at it (none: a record with no item yet).
 */
export interface PersonResource {
  kind: 'person';
  tenantId: string;
  serviceIds: readonly string[];
}

/** Two records an agent would merge: both must be theirs to see. */
export interface PersonPairResource {
  kind: 'person_pair';
  tenantId: string;
  kept: PersonResource;
  merged: PersonResource;
}

/**
 * A knowledge base article: the services it belongs to (the published page's and, when a draft
 * moves it, the draft's). Whoever publishes it must lead all of them.
 */
export interface ArticleResource {
  kind: 'article';
  tenantId: string;
  serviceIds: readonly string[];
}

/** Every action, with the kind of resource it applies to. */
export interface Permissions {
  // requests (src/modules/requests/policy.ts)
  view: RequestResource;
  change_status: RequestResource;
  add_note: RequestResource;
  reply: RequestResource;
  take: RequestResource;
  assign: RequestResource;
  transfer: RequestResource;
  escalate: RequestResource;
  change_person: RequestResource;
  download_document: RequestResource;
  view_as_citizen: RequestResource;
  list_requests: TenantResource;
  record_contact: TenantResource;
  // agents (src/modules/agents/policy.ts)
  manage_agents: TenantResource;
  supervise_agent: AgentAccountResource;
  // catalogue (src/modules/catalogue/policy.ts)
  publish_demarches: TenantResource;
  // privacy (src/modules/privacy/policy.ts)
  export_own_data: CitizenAccountResource;
  request_erasure: CitizenAccountResource;
  list_erasures: TenantResource;
  decide_erasure: ErasureResource;
  view_register: TenantResource;
  withdraw_consent: CitizenAccountResource;
  download_own_document: RequestResource;
  manage_privacy_settings: TenantResource;
  // tenants (src/modules/tenants/policy.ts)
  manage_commune_settings: TenantResource;
  // inbound mail (src/modules/inbound-mail/policy.ts)
  manage_mailbox: TenantResource;
  // citizens (src/modules/citizens/policy.ts)
  view_own_space: CitizenAccountResource;
  manage_own_account: CitizenAccountResource;
  // background jobs (src/modules/jobs/policy.ts)
  manage_jobs: TenantResource;
  // replies (src/modules/replies/policy.ts)
  open_reply_templates: TenantResource;
  manage_reply_templates: ServiceScopeResource;
  // audit journal (src/modules/audit/policy.ts)
  view_journal: TenantResource;
  // closing days and deadline report (src/modules/deadlines/policy.ts)
  manage_closing_days: TenantResource;
  view_deadline_report: TenantResource;
  // inbox (src/modules/inbox/policy.ts)
  tag_request: RequestResource;
  manage_tags: TenantResource;
  save_inbox_views: TenantResource;
  manage_saved_view: SavedViewResource;
  // people (src/modules/people/policy.ts)
  list_people: TenantResource;
  create_person: TenantResource;
  view_person: PersonResource;
  edit_person: PersonResource;
  merge_people: PersonPairResource;
  // routing and absences (src/modules/routing/policy.ts)
  manage_routing: TenantResource;
  open_absences: TenantResource;
  manage_absences: AgentAccountResource;
  // readability of a text being written (src/modules/readability/policy.ts)
  check_readability: TenantResource;
  // knowledge base (src/modules/knowledge/policy.ts)
  read_knowledge: TenantResource;
  write_articles: TenantResource;
  publish_article: ArticleResource;
  unpublish_article: ArticleResource;
  set_article_owner: ArticleResource;
  link_articles: ArticleResource;
  // triage (src/modules/triage/policy.ts)
  use_triage: TenantResource;
  // knowledge base search (src/modules/article-search/policy.ts)
  search_knowledge: TenantResource;
  view_search_analytics: TenantResource;
  manage_search_synonyms: TenantResource;
  // assistant (src/modules/assistant/policy.ts)
  use_agent_assistant: TenantResource;
  manage_assistant_settings: TenantResource;
  // consultations and surveys (src/modules/consultations/policy.ts)
  manage_consultations: TenantResource;
  // appointments (src/modules/appointments/policy.ts)
  view_appointments: TenantResource;
  book_appointment_for_caller: TenantResource;
  change_appointment: TenantResource;
  // the day at the counter and its figures (src/modules/counter/policy.ts)
  work_at_counter: TenantResource;
  view_counter_figures: TenantResource;
  // experiences and improvement actions (src/modules/experiences/policy.ts)
  list_experiences: TenantResource;
  moderate_experience: ServiceScopeResource;
  manage_improvement_actions: TenantResource;
  // complaints (src/modules/complaints/policy.ts)
  list_complaints: TenantResource;
  create_complaint: TenantResource;
  handle_complaint: ServiceScopeResource;
  view_complaint_statistics: TenantResource;
  manage_complaint_settings: TenantResource;
  // satisfaction surveys (src/modules/satisfaction/policy.ts)
  manage_survey_kiosks: TenantResource;
  // supervisors' results and the calls that reached nobody (src/modules/results/policy.ts)
  view_results_dashboard: ServiceScopeResource;
  record_missed_calls: ServiceScopeResource;
  manage_appointment_settings: TenantResource;
}

export type Action = keyof Permissions;

/** A module's rules: one readable predicate per action it owns. */
export type Rules<A extends Action> = { [K in A]: (actor: Actor, resource: Permissions[K]) => boolean };

/** Every action's rule: what `can()` (src/modules/authorization.ts) consults. */
export type RuleTable = { [K in Action]: (actor: Actor, resource: Permissions[K]) => boolean };

// --- Helpers the module rules are written with ----------------------------------------------

/** A fully signed-in agent of this very tenant (a session never crosses tenants, but say it). */
export function isStaffOf(actor: Actor, tenantId: string): actor is AgentActor {
  return actor.kind === 'agent' && actor.tenantId === tenantId;
}

// Not a type guard: a false answer must not narrow the actor to "not an agent".
export function isAdminOf(actor: Actor, tenantId: string): boolean {
  return isStaffOf(actor, tenantId) && actor.role === 'admin';
}

/** Admins cover every service of their tenant; agents and supervisors the services they belong to. */
export function coversService(actor: AgentActor, serviceId: string): boolean {
  return actor.role === 'admin' || actor.serviceIds.includes(serviceId);
}

/** The citizen who owns this account. */
export function isAccountOwner(actor: Actor, tenantId: string, citizenId: string): actor is CitizenActor {
  return actor.kind === 'citizen' && actor.tenantId === tenantId && actor.citizenId === citizenId;
}
