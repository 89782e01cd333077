import type { Action, Actor, Permissions, RuleTable } from '../platform/policy.ts';
import { agentRules } from './agents/policy.ts';
import { appointmentRules } from './appointments/policy.ts';
import { articleSearchRules } from './article-search/policy.ts';
import { assistantRules } from './assistant/policy.ts';
import { auditRules } from './audit/policy.ts';
import { catalogueRules } from './catalogue/policy.ts';
import { citizenRules } from './citizens/policy.ts';
import { consultationRules } from './consultations/policy.ts';
import { counterRules } from './counter/policy.ts';
import { complaintRules } from './complaints/policy.ts';
import { experienceRules } from './experiences/policy.ts';
import { inboundMailRules } from './inbound-mail/policy.ts';
import { deadlineRules } from './deadlines/policy.ts';
import { inboxRules } from './inbox/policy.ts';
import { jobRules } from './jobs/policy.ts';
import { knowledgeRules } from './knowledge/policy.ts';
import { peopleRules } from './people/policy.ts';
import { privacyRules } from './privacy/policy.ts';
import { replyRules } from './replies/policy.ts';
import { requestRules } from './requests/policy.ts';
import { routingRules } from './routing/policy.ts';
import { readabilityRules } from './readability/policy.ts';
import { tenantRules } from './tenants/policy.ts';
import { triageRules } from './triage/policy.ts';
import { satisfactionRules } from './satisfaction/policy.ts';
import { resultsRules } from './results/policy.ts';

/**
 * The rule table, assembled from each module's policy. It lives on the modules' side so that the
 * platform (actors, resources, helpers in platform/policy.ts) never imports a module; the type
 * checker fails here if an action of `Permissions` has no rule.
 */
const rules: RuleTable = {
  ...requestRules,
  ...agentRules,
  ...catalogueRules,
  ...privacyRules,
  ...citizenRules,
  ...jobRules,
  ...tenantRules,
  ...replyRules,
  ...inboundMailRules,
  ...auditRules,
  ...deadlineRules,
  ...inboxRules,
  ...peopleRules,
  ...routingRules,
  ...readabilityRules,
  ...knowledgeRules,
  ...triageRules,
  ...articleSearchRules,
  ...assistantRules,
  ...consultationRules,
  ...appointmentRules,
  ...counterRules,
  ...experienceRules,
  ...complaintRules,
  ...satisfactionRules,
  ...resultsRules,
};

/** May this actor do this action on this resource? Anything no rule allows is refused. */
export function can<A extends Action>(actor: Actor, action: A, resource: Permissions[A]): boolean {
  const rule = rules[action] as ((actor: Actor, resource: Permissions[A]) => boolean) | undefined;
  return rule ? rule(actor, resource) : false;
}

/** Every action known to `can()` (the tests walk them all, e.g. for the operator). */
export function allActions(): Action[] {
  return Object.keys(rules) as Action[];
}
