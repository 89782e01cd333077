import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { createApp } from '../../src/app.ts';
import { inTenant } from '../../src/db/tenant-scope.ts';
import { hashPassword } from '../../src/modules/agents/password.ts';
import { createSession } from '../../src/modules/agents/sessions.ts';
import { issueAgentToken } from '../../src/modules/agents/agent-tokens.ts';
import { issueToken } from '../../src/modules/citizens/tokens.ts';
import { citizenSessionIdFor, openCitizenSession } from '../../src/modules/citizens/sessions.ts';
import { generateReference, generateTrackingSecret, hashTrackingSecret } from '../../src/modules/requests/reference.ts';
import { createTenant } from '../../src/modules/tenants/create-tenant.ts';
import { mergePeople } from '../../src/modules/people/merge-people.ts';
import { saveArticle } from '../../src/modules/knowledge/save-article.ts';
import { inviteToSurvey } from '../../src/modules/satisfaction/invite-to-survey.ts';
import { createKiosk } from '../../src/modules/satisfaction/kiosks.ts';
import { allActions, can } from '../../src/modules/authorization.ts';
import { type Actor } from '../../src/platform/policy.ts';
import { csrfTokenFor, newCsrfCookieValue } from '../../src/platform/web/csrf.ts';
import { insertAgent, insertDocument, insertRequest } from '../support/factories.ts';
import { encodeForm, type Fields, type TestFile } from '../support/http.ts';
import { sampleResource } from './sample-resources.ts';
import { appointmentFixtures, type AppointmentFixtures } from './appointment-fixtures.ts';
import { counterFixtures, type CounterFixtures } from './counter-fixtures.ts';
import { createTestContext, TEST_DB, type TestContext } from '../support/test-app.ts';

/**
 * Every route the server registers, against every kind of actor (issue 3, item 3). The test
 * fails when a route is registered without a row here, when a row names a route that no longer
 * exists, and when any actor gets anything else than the row expects. WRITE_MATRIX=1 writes the
 * table to docs/authorisation.md.
 */

const ACTORS = [
  'anonymous',
  'citizenA',
  'citizenB',
  'agentX',
  'agentY',
  'otherTenantAgent',
  'supervisor',
  'admin',
  'operator',
] as const;
type ActorName = (typeof ACTORS)[number];
type HttpActor = Exclude<ActorName, 'operator'>;
const HTTP_ACTORS = ACTORS.filter((a): a is HttpActor => a !== 'operator');

const ACTOR_LABELS: Record<ActorName, string> = {
  anonymous: 'anonyme',
  citizenA: 'usager A',
  citizenB: 'usager B',
  agentX: 'agent X',
  agentY: 'agent Y',
  otherTenantAgent: 'agent autre coll.',
  supervisor: 'responsable X',
  admin: 'admin',
  operator: 'opérateur',
};

/** '200', '404', or '303 /path' (status and the start of the Location path, tenant prefix removed). */
type Outcome = string;
type Expect = Record<HttpActor, Outcome>;

interface Fixtures {
  reference: string;
  /** Another request of service X, that the accepted transfer sends to service Y. */
  transferReference: string;
  serviceY: string;
  code: string;
  documentId: string;
  consentId: string;
  demarcheX: string;
  serviceX: string;
  lifeEvent: string;
  erasureId: string;
  spareAgentId: string;
  citizenAOtherSession: string;
  resetToken: string;
  verifyToken: string;
  invitationToken: string;
  agentResetToken: string;
  agentXEmail: string;
  password: string;
  templateX: string;
  templateAll: string;
  tagX: string;
  tagToDelete: string;
  viewX: string;
  viewToDelete: string;
  /** The record of the request fixture (service X), another one to merge into it, a merge to undo. */
  personX: string;
  personX2: string;
  mergeX: string;
  /** A request of service X on no record, that the accepted « Changer de fiche usager » puts on personX. */
  moveReference: string;
  demarcheXId: string;
  agentXId: string;
  ruleX: string;
  ruleToDelete: string;
  adminAbsence: string;
  /** Knowledge base: an article of service X in « brouillon », a file of demarcheX, a page linked to it. */
  kbDraft: string;
  kbFile: string;
  kbLinked: string;
  /** A portal conversation with the assistant, and one of the workspace's. */
  conversation: string;
  agentConversation: string;
  /** Consultations: a draft with two questions, an open public one (one required question), a published one open to a list. */
  consultationDraft: string;
  consultationDraftQuestion: string;
  consultationQuestionToDelete: string;
  consultationOpen: string;
  consultationOpenQuestion: string;
  consultationInvited: string;
  /** Appointments (modules/appointments). */
  appt: AppointmentFixtures;
  /** The counter (modules/counter). */
  counter: CounterFixtures;
  /** Experiences about service X: two to moderate (one published, one rejected by the rows), one published; an action. */
  experienceToPublish: string;
  experienceToReject: string;
  experiencePublished: string;
  improvementAction: string;
  /** A complaint about the request fixture (service X), not yet acknowledged. */
  complaintX: string;
  /** Satisfaction: the survey link of the request fixture, a counter tablet's secret, another tablet to retire. */
  surveyToken: string;
  kioskSecret: string;
  kioskToRevoke: string;
}

interface Row {
  method: 'GET' | 'POST';
  /** The route as registered (Fastify's pattern). */
  route: string;
  /** The concrete URL, params filled in from the fixtures; the route itself when absent. */
  url?: (f: Fixtures) => string;
  headers?: (f: Fixtures) => Record<string, string>;
  /**
   * POST body. `accepted` is true for the one allowed actor whose request goes through with its
   * effects; the other allowed actors send a body that fails validation (400): they passed the
   * policy and changed nothing.
   */
  form?: (f: Fixtures, actor: HttpActor, accepted: boolean) => Fields;
  json?: (f: Fixtures) => unknown;
  /** Files sent with the form (multipart). */
  files?: (f: Fixtures, actor: HttpActor, accepted: boolean) => TestFile[];
  expect: Expect;
  /** POST: the allowed actor whose request is accepted, with the outcome it gets. */
  accept?: { actor: HttpActor; outcome: Outcome };
  note?: string;
}

const AGENT_LOGIN = '303 /agent/connexion';
const CITIZEN_LOGIN = '303 /connexion';

function everyone(outcome: Outcome): Expect {
  return Object.fromEntries(HTTP_ACTORS.map((a) => [a, outcome])) as Expect;
}

/** Agent pages: whoever holds no agent session of this tenant is sent to the agent login. */
function staffOnly(staff: Pick<Expect, 'agentX' | 'agentY' | 'supervisor' | 'admin'>): Expect {
  return { ...everyone(AGENT_LOGIN), ...staff };
}
const ANY_STAFF = (o: Outcome) => staffOnly({ agentX: o, agentY: o, supervisor: o, admin: o });
const ADMIN_ONLY = (o: Outcome, others = '403') =>
  staffOnly({ agentX: others, agentY: others, supervisor: others, admin: o });
/** Supervisors (of service X) and admins; plain agents are refused. */
const SUPERVISORS = (o: Outcome) => staffOnly({ agentX: '403', agentY: '403', supervisor: o, admin: o });
/** The request fixture belongs to service X: agent Y gets "not found", like an unknown reference. */
const SERVICE_X = (o: Outcome) => staffOnly({ agentX: o, agentY: '404', supervisor: o, admin: o });

/** Citizen space: whoever holds no citizen session of this tenant is sent to the citizen login. */
function citizensOnly(a: Outcome, b: Outcome = a): Expect {
  return { ...everyone(CITIZEN_LOGIN), citizenA: a, citizenB: b };
}

/** The same outcome for the four staff members of Villebelle, to spread over another expectation. */
const STAFF = (o: Outcome) => ({ agentX: o, agentY: o, supervisor: o, admin: o });

const VOIRIE_FORM = {
  categorie: 'chaussee',
  lieu__street: '3 rue Haute',
  lieu__postal_code: '00000',
  lieu__city: 'Villebelle',
  description: 'Nid-de-poule',
  applicant_given_name: 'Ada',
  applicant_family_name: 'Lovelace',
  applicant_email: 'ada@example.org',
};

let inscription = 0;

const MATRIX: Row[] = [
  // --- Platform and static files ---
  { method: 'GET', route: '/healthz', expect: everyone('200') },
  { method: 'GET', route: '/readyz', expect: everyone('200') },
  { method: 'GET', route: '/static/*', url: () => '/static/guichet.css', expect: everyone('200') },

  // --- JSON API: public catalogue, submission, tracking by code (the code is the capability) ---
  { method: 'GET', route: '/api/v1/services', expect: everyone('200') },
  { method: 'GET', route: '/api/v1/demarches', expect: everyone('200') },
  {
    method: 'GET',
    route: '/api/v1/demarches/:slug',
    url: (f) => `/api/v1/demarches/${f.demarcheX}`,
    expect: everyone('200'),
  },
  {
    method: 'POST',
    route: '/api/v1/demarches/:slug/requests',
    url: () => '/api/v1/demarches/signaler-probleme-voirie/requests',
    json: () => ({
      answers: {
        categorie: 'chaussee',
        lieu: { street: '3 rue Haute', postalCode: '00000', city: 'Villebelle' },
        description: 'Nid-de-poule',
        applicant_given_name: 'Ada',
        applicant_family_name: 'Lovelace',
        applicant_email: 'ada@example.org',
      },
    }),
    expect: everyone('201'),
    note: 'public, no cookie: every actor files a request',
  },
  {
    method: 'GET',
    route: '/api/v1/requests/:reference',
    url: (f) => `/api/v1/requests/${f.reference}`,
    headers: (f) => ({ 'x-tracking-code': f.code }),
    expect: everyone('200'),
    note: 'with the tracking code in X-Tracking-Code',
  },
  {
    method: 'POST',
    route: '/api/v1/triage',
    json: () => ({ text: 'Un nid-de-poule rue Haute', channel: 'web' }),
    expect: { ...everyone('401'), ...STAFF('200') },
    note: 'agents only (their session); suggestions, no side effect',
  },
  { method: 'GET', route: '/api/openapi.json', expect: everyone('200') },
  { method: 'GET', route: '/api/docs', expect: everyone('200') },

  // --- Public site ---
  { method: 'GET', route: '/', expect: everyone('200') },
  { method: 'GET', route: '/demarches', expect: everyone('200') },
  { method: 'GET', route: '/demarches/:slug', url: (f) => `/demarches/${f.demarcheX}`, expect: everyone('200') },
  { method: 'GET', route: '/recherche', url: () => '/recherche?q=naissance', expect: everyone('200') },
  { method: 'GET', route: '/evenements/:slug', url: (f) => `/evenements/${f.lifeEvent}`, expect: everyone('200') },
  { method: 'GET', route: '/contact', expect: everyone('200') },
  { method: 'GET', route: '/mentions-legales', expect: everyone('200') },
  { method: 'GET', route: '/donnees-personnelles', expect: everyone('200') },
  { method: 'GET', route: '/accessibilite', expect: everyone('200') },
  { method: 'GET', route: '/plan-du-site', expect: everyone('200') },

  // --- Online forms and tracking without an account ---
  {
    method: 'GET',
    route: '/demarches/:slug/demande',
    url: () => '/demarches/signaler-probleme-voirie/demande',
    expect: everyone('200'),
  },
  {
    method: 'POST',
    route: '/demarches/:slug/demande',
    url: () => '/demarches/signaler-probleme-voirie/demande',
    form: () => VOIRIE_FORM,
    expect: everyone('303 /demandes/'),
    note: 'no account needed; a signed-in citizen files it into their space',
  },
  {
    method: 'POST',
    route: '/demarches/:slug/demande/donnees',
    url: () => '/demarches/cantine-periscolaire/demande/donnees',
    form: (_f, _a, accepted) => ({ nom_enfant: 'Léo Martin', _donnees: accepted ? 'quotient_familial' : 'inconnu' }),
    expect: everyone('400'),
    accept: { actor: 'anonymous', outcome: '200' },
    note: '« Récupérer mon quotient familial »: the form comes back with it, or asking for the document (here: no consent ticked)',
  },
  {
    method: 'GET',
    route: '/demandes/:reference/confirmation',
    url: (f) => `/demandes/${f.reference}/confirmation?cle=${f.code}`,
    expect: everyone('200'),
  },
  { method: 'GET', route: '/suivi', expect: everyone('200') },
  {
    method: 'GET',
    route: '/suivi/:reference',
    url: (f) => `/suivi/${f.reference}?cle=${f.code}`,
    expect: everyone('200'),
    note: 'reference and tracking code',
  },
  {
    method: 'POST',
    route: '/suivi/:reference/messages',
    url: (f) => `/suivi/${f.reference}/messages`,
    form: (f) => ({ cle: f.code, message: 'Une précision sur ma demande.' }),
    expect: everyone('303 /suivi/'),
    note: 'reference and tracking code',
  },
  {
    method: 'GET',
    route: '/suivi/:reference/recepisse.pdf',
    url: (f) => `/suivi/${f.reference}/recepisse.pdf?cle=${f.code}`,
    expect: everyone('200'),
  },
  {
    method: 'GET',
    route: '/suivi/:reference/donnees.json',
    url: (f) => `/suivi/${f.reference}/donnees.json?cle=${f.code}`,
    expect: everyone('200'),
    note: 'the request’s data, with reference and tracking code',
  },
  {
    method: 'GET',
    route: '/suivi/:reference/donnees.pdf',
    url: (f) => `/suivi/${f.reference}/donnees.pdf?cle=${f.code}`,
    expect: everyone('200'),
    note: 'the request’s data, with reference and tracking code',
  },
  {
    method: 'GET',
    route: '/suivi/:reference/documents/:id',
    url: (f) => `/suivi/${f.reference}/documents/${f.documentId}?cle=${f.code}`,
    expect: everyone('200'),
    note: 'a document of the request (the citizen’s, or one an agent attached to a reply), with reference and tracking code',
  },

  // --- FranceConnect (not configured in tests: the "unavailable" page) ---
  { method: 'GET', route: '/connexion/franceconnect', expect: everyone('303') },
  { method: 'GET', route: '/connexion/franceconnect/indisponible', expect: everyone('503') },
  { method: 'GET', route: '/connexion/franceconnect/retour', expect: everyone('303') },
  { method: 'GET', route: '/deconnexion/retour', expect: everyone('400'), note: 'no logout flow under way' },

  // --- Citizen accounts ---
  {
    method: 'GET',
    route: '/inscription',
    expect: { ...everyone('200'), citizenA: '303 /mon-espace', citizenB: '303 /mon-espace' },
    note: 'a signed-in citizen goes to their space',
  },
  {
    method: 'POST',
    route: '/inscription',
    form: (_f, actor, accepted) =>
      accepted
        ? {
            email: `inscrit-${actor}-${(inscription += 1)}@example.org`,
            password: 'une phrase de passe assez longue',
            confirmation: 'une phrase de passe assez longue',
          }
        : { email: 'pas-une-adresse', password: 'x', confirmation: 'y' },
    expect: everyone('400'),
    accept: { actor: 'anonymous', outcome: '303 /inscription/courriel-envoye' },
  },
  { method: 'GET', route: '/inscription/courriel-envoye', expect: everyone('200') },
  { method: 'GET', route: '/inscription/confirmer', expect: everyone('400'), note: 'without a valid link' },
  {
    method: 'POST',
    route: '/inscription/confirmer',
    form: (f, _a, accepted) => ({ jeton: accepted ? f.verifyToken : 'pas-un-jeton', password: f.password }),
    expect: everyone('400'),
    accept: { actor: 'anonymous', outcome: '303 /connexion' },
    note: 'refused without a valid link; a link opened in another browser confirms with the password',
  },
  {
    method: 'POST',
    route: '/inscription/renvoyer',
    form: () => ({ email: 'personne@example.org' }),
    expect: everyone('303 /inscription/lien-renvoye'),
  },
  { method: 'GET', route: '/inscription/lien-renvoye', expect: everyone('200') },
  {
    method: 'GET',
    route: '/connexion',
    expect: { ...everyone('200'), citizenA: '303 /mon-espace', citizenB: '303 /mon-espace' },
  },
  {
    method: 'POST',
    route: '/connexion',
    form: (f, _a, accepted) => ({
      email: 'usager.b@example.org',
      password: accepted ? f.password : 'pas le bon mot de passe',
    }),
    expect: everyone('401'),
    accept: { actor: 'anonymous', outcome: '303 /mon-espace' },
    note: 'wrong password refused for all; the right one signs in',
  },
  {
    method: 'POST',
    route: '/deconnexion',
    expect: everyone('303 /connexion?deconnexion=1'),
    note: 'ends the sender’s own session only',
  },
  { method: 'GET', route: '/mot-de-passe-oublie', expect: everyone('200') },
  {
    method: 'POST',
    route: '/mot-de-passe-oublie',
    form: () => ({ email: 'personne@example.org' }),
    expect: everyone('303 /mot-de-passe-oublie/courriel-envoye'),
  },
  { method: 'GET', route: '/mot-de-passe-oublie/courriel-envoye', expect: everyone('200') },
  { method: 'GET', route: '/mot-de-passe/nouveau', expect: everyone('400'), note: 'without a valid link' },
  {
    method: 'POST',
    route: '/mot-de-passe/nouveau',
    form: (f, _a, accepted) => ({
      jeton: accepted ? f.resetToken : 'faux',
      password: f.password,
      confirmation: f.password,
    }),
    expect: everyone('400'),
    accept: { actor: 'anonymous', outcome: '303 /connexion' },
    note: 'refused without a valid link; the mailed link sets the password',
  },

  // --- Citizen space: the signed-in citizen's own things only ---
  { method: 'GET', route: '/mon-espace', expect: citizensOnly('200') },
  { method: 'GET', route: '/mon-espace/demandes', expect: citizensOnly('200') },
  { method: 'GET', route: '/mon-espace/demandes/rattacher', expect: citizensOnly('200') },
  {
    method: 'POST',
    route: '/mon-espace/demandes/rattacher',
    form: (f, _a, accepted) => (accepted ? { reference: f.reference, cle: f.code } : { reference: '', cle: '' }),
    expect: citizensOnly('400'),
    accept: { actor: 'citizenA', outcome: '303 /mon-espace/demandes' },
    note: 'with the reference and tracking code; A attaches their own request again (no change)',
  },
  {
    method: 'GET',
    route: '/mon-espace/demandes/:reference',
    url: (f) => `/mon-espace/demandes/${f.reference}`,
    expect: citizensOnly('200', '404'),
    note: 'A owns the request; B gets "not found"',
  },
  { method: 'GET', route: '/mon-espace/messages', expect: citizensOnly('200') },
  { method: 'GET', route: '/mon-espace/preferences', expect: citizensOnly('200') },
  {
    method: 'POST',
    route: '/mon-espace/preferences',
    form: (_f, _a, accepted) =>
      accepted ? { channel: 'email', language: 'fr' } : { channel: 'pigeon', language: 'fr' },
    expect: citizensOnly('400'),
    accept: { actor: 'citizenA', outcome: '303 /mon-espace/preferences' },
  },
  { method: 'GET', route: '/mon-espace/sessions', expect: citizensOnly('200') },
  {
    method: 'POST',
    route: '/mon-espace/sessions/revoquer',
    form: (f, _a, accepted) => ({ session: accepted ? f.citizenAOtherSession : 'pas-une-session' }),
    expect: citizensOnly('400'),
    accept: { actor: 'citizenA', outcome: '303 /mon-espace/sessions' },
    note: 'A closes another of their own sessions',
  },

  // --- Personal data (RGPD), citizen side ---
  { method: 'GET', route: '/mon-espace/donnees', expect: citizensOnly('200') },
  { method: 'GET', route: '/mon-espace/donnees/export.json', expect: citizensOnly('200') },
  { method: 'GET', route: '/mon-espace/donnees/export.pdf', expect: citizensOnly('200') },
  {
    method: 'GET',
    route: '/mon-espace/donnees/documents/:id',
    url: (f) => `/mon-espace/donnees/documents/${f.documentId}`,
    expect: citizensOnly('200', '404'),
    note: 'a file of A’s request; B gets "not found"',
  },
  {
    method: 'POST',
    route: '/mon-espace/donnees/consentements/:id/retrait',
    url: (f) => `/mon-espace/donnees/consentements/${f.consentId}/retrait`,
    expect: citizensOnly('303 /mon-espace/donnees', '404'),
    accept: { actor: 'citizenA', outcome: '303 /mon-espace/donnees' },
    note: 'a consent A gave; B gets "not found"',
  },
  { method: 'GET', route: '/mon-espace/donnees/effacement', expect: citizensOnly('200') },
  { method: 'GET', route: '/mon-espace/donnees-effacees', expect: everyone('200') },

  // --- Agent login, second factor, invitations, ProConnect (not configured in tests) ---
  { method: 'GET', route: '/agent', expect: everyone('303 /agent/demandes') },
  {
    method: 'GET',
    route: '/agent/connexion',
    expect: { ...everyone('200'), ...STAFF('303 /agent/demandes') },
  },
  {
    method: 'POST',
    route: '/agent/connexion',
    form: (f, _a, accepted) => ({ email: f.agentXEmail, password: accepted ? f.password : 'pas le bon mot de passe' }),
    expect: everyone('401'),
    accept: { actor: 'anonymous', outcome: '303 /agent/demandes' },
    note: 'wrong password refused for all; the right one signs in',
  },
  { method: 'POST', route: '/agent/deconnexion', expect: everyone('303 /agent/connexion') },
  {
    method: 'GET',
    route: '/agent/connexion/code',
    expect: { ...everyone(AGENT_LOGIN), ...STAFF('303 /agent/demandes') },
    note: 'only for a half-open session',
  },
  {
    method: 'POST',
    route: '/agent/connexion/code',
    form: () => ({ code: '000000' }),
    expect: { ...everyone(AGENT_LOGIN), ...STAFF('303 /agent/demandes') },
    note: 'only for a half-open session',
  },
  { method: 'GET', route: '/agent/double-authentification', expect: ANY_STAFF('200') },
  {
    method: 'POST',
    route: '/agent/double-authentification',
    form: () => ({ code: '000000' }),
    expect: ANY_STAFF('400'),
    note: 'wrong code: the page again',
  },
  { method: 'GET', route: '/agent/invitation', expect: everyone('404'), note: 'without a valid link' },
  {
    method: 'POST',
    route: '/agent/invitation',
    form: (f, _a, accepted) => ({
      jeton: accepted ? f.invitationToken : 'faux',
      password: f.password,
      confirmation: f.password,
    }),
    expect: everyone('404'),
    accept: { actor: 'anonymous', outcome: '303 /agent/' },
    note: 'refused without a valid link; the mailed link opens the account',
  },
  { method: 'GET', route: '/agent/mot-de-passe-oublie', expect: everyone('200') },
  {
    method: 'POST',
    route: '/agent/mot-de-passe-oublie',
    form: () => ({ email: 'personne@villebelle.example' }),
    expect: everyone('303 /agent/mot-de-passe-oublie'),
    note: 'the same answer whether the account exists or not',
  },
  { method: 'GET', route: '/agent/mot-de-passe/nouveau', expect: everyone('404'), note: 'without a valid link' },
  {
    method: 'POST',
    route: '/agent/mot-de-passe/nouveau',
    form: (f, _a, accepted) => ({
      jeton: accepted ? f.agentResetToken : 'faux',
      password: f.password,
      confirmation: f.password,
    }),
    expect: everyone('404'),
    accept: { actor: 'anonymous', outcome: '303 /agent/connexion' },
    note: 'refused without a valid link; the mailed link sets the password',
  },
  {
    method: 'GET',
    route: '/agent/deconnexion/retour',
    expect: everyone('400'),
    note: 'without the state of a ProConnect logout',
  },
  { method: 'GET', route: '/agent/connexion/proconnect', expect: everyone('404') },
  { method: 'GET', route: '/agent/connexion/proconnect/retour', expect: everyone('404') },

  // --- Agent side: requests of their services ---
  { method: 'GET', route: '/agent/demandes', expect: ANY_STAFF('200') },
  {
    method: 'GET',
    route: '/agent/recherche',
    url: (f) => `/agent/recherche?q=${f.reference}`,
    expect: ANY_STAFF('200'),
    note: 'search: results within the agent’s services',
  },
  {
    method: 'GET',
    route: '/agent/demandes/:reference',
    url: (f) => `/agent/demandes/${f.reference}`,
    expect: SERVICE_X('200'),
  },
  {
    method: 'GET',
    route: '/agent/demandes/:reference/documents/:id',
    url: (f) => `/agent/demandes/${f.reference}/documents/${f.documentId}`,
    expect: SERVICE_X('200'),
  },
  {
    method: 'POST',
    route: '/agent/demandes/:reference/statut',
    url: (f) => `/agent/demandes/${f.reference}/statut`,
    form: (_f, _a, accepted) => ({ statut: accepted ? 'en_cours' : 'inconnu', message: '' }),
    expect: SERVICE_X('400'),
    accept: { actor: 'agentX', outcome: '303 /agent/demandes/' },
  },
  { method: 'GET', route: '/agent/contacts/nouveau', expect: ANY_STAFF('200'), note: 'note a phone call or a visit' },
  {
    method: 'POST',
    route: '/agent/contacts/nouveau',
    form: (f, _a, accepted) => ({
      canal: 'telephone',
      nom: accepted ? 'Paul Martin' : '',
      objet: 'Horaires',
      service: f.serviceX,
      suite: 'repondu',
    }),
    expect: ANY_STAFF('400'),
    accept: { actor: 'agentX', outcome: '303 /agent/demandes/' },
  },
  { method: 'GET', route: '/agent/deposer', expect: ANY_STAFF('200'), note: 'file a démarche for a caller' },
  {
    method: 'GET',
    route: '/agent/demarches/:slug/deposer',
    url: () => '/agent/demarches/signaler-probleme-voirie/deposer',
    expect: ANY_STAFF('200'),
  },
  {
    method: 'POST',
    route: '/agent/demarches/:slug/deposer',
    url: () => '/agent/demarches/signaler-probleme-voirie/deposer',
    form: (_f, _a, accepted) => ({
      ...VOIRIE_FORM,
      deposant_canal: 'telephone',
      ...(accepted ? { deposant_accord: 'oui' } : {}),
    }),
    expect: ANY_STAFF('400'),
    accept: { actor: 'agentX', outcome: '303 /agent/demandes/' },
    note: 'refused without the person’s consent',
  },
  {
    method: 'GET',
    route: '/agent/demandes/:reference/deposee',
    url: (f) => `/agent/demandes/${f.reference}/deposee?cle=${f.code}`,
    expect: ANY_STAFF('200'),
    note: 'authorised by the tracking code it carries, like the citizen’s confirmation',
  },
  // --- Citizen records (fiches usager) ---
  { method: 'GET', route: '/agent/usagers', expect: ANY_STAFF('200'), note: 'records the agent may see' },
  {
    method: 'GET',
    route: '/agent/usagers/doublons',
    expect: ANY_STAFF('200'),
    note: 'among records the agent may see',
  },
  { method: 'GET', route: '/agent/usagers/nouvelle', expect: ANY_STAFF('200') },
  {
    method: 'POST',
    route: '/agent/usagers/nouvelle',
    form: (_f, _a, accepted) => ({ nom: accepted ? 'Matrice' : '', langue: 'fr', canal: '' }),
    expect: ANY_STAFF('400'),
    accept: { actor: 'agentX', outcome: '303 /agent/usagers/' },
  },
  {
    method: 'GET',
    route: '/agent/usagers/:id',
    url: (f) => `/agent/usagers/${f.personX}`,
    expect: SERVICE_X('200'),
    note: 'an item in the agent’s services, or none; supervisors and admins: all',
  },
  {
    method: 'GET',
    route: '/agent/usagers/:id/modifier',
    url: (f) => `/agent/usagers/${f.personX}/modifier`,
    expect: SERVICE_X('200'),
  },
  {
    method: 'GET',
    route: '/agent/usagers/:id/fusion',
    url: (f) => `/agent/usagers/${f.personX}/fusion?avec=${f.personX2}`,
    expect: SERVICE_X('200'),
    note: 'both records visible to the agent',
  },
  {
    method: 'POST',
    route: '/agent/usagers/fusions/:mergeId/annuler',
    url: (f) => `/agent/usagers/fusions/${f.mergeX}/annuler`,
    form: (_f, _a, accepted) => ({ confirmer: accepted ? 'oui' : '' }),
    expect: SERVICE_X('400'),
    accept: { actor: 'agentX', outcome: '303 /agent/usagers/' },
  },
  {
    method: 'POST',
    route: '/agent/usagers/:id/fusion',
    url: (f) => `/agent/usagers/${f.personX}/fusion`,
    form: (f, _a, accepted) => ({ avec: accepted ? f.personX2 : '' }),
    expect: SERVICE_X('400'),
    accept: { actor: 'agentX', outcome: '303 /agent/usagers/' },
  },
  {
    method: 'POST',
    route: '/agent/usagers/:id/modifier',
    url: (f) => `/agent/usagers/${f.personX}/modifier`,
    form: (_f, _a, accepted) => ({
      nom: 'Matrice',
      langue: 'fr',
      canal: '',
      naissance: accepted ? '' : 'pas une date',
    }),
    expect: SERVICE_X('400'),
    accept: { actor: 'agentX', outcome: '303 /agent/usagers/' },
  },
  { method: 'GET', route: '/agent/demandes.csv', expect: ANY_STAFF('200'), note: 'the inbox view as CSV' },
  {
    method: 'POST',
    route: '/agent/demandes/:reference/reponse',
    url: (f) => `/agent/demandes/${f.reference}/reponse`,
    form: (_f, _a, accepted) => ({ reponse: accepted ? 'Votre dossier est complet.' : '' }),
    expect: SERVICE_X('400'),
    accept: { actor: 'agentX', outcome: '303 /agent/demandes/' },
  },
  {
    method: 'POST',
    route: '/agent/demandes/:reference/prise-en-charge',
    url: (f) => `/agent/demandes/${f.reference}/prise-en-charge`,
    // Giving an item to someone else is a supervisor's (or an admin's): an agent of the service
    // is answered like a stranger; an unknown agent is a form error for those allowed.
    form: (_f, _a, accepted) => ({ agent: accepted ? '' : 'inconnu' }),
    expect: staffOnly({ agentX: '404', agentY: '404', supervisor: '400', admin: '400' }),
    accept: { actor: 'supervisor', outcome: '303 /agent/demandes/' },
    note: 'taking an item oneself is any agent of the service’s (tested in the workspace tests)',
  },
  {
    method: 'POST',
    route: '/agent/demandes/:reference/transfert',
    url: (f) => `/agent/demandes/${f.transferReference}/transfert`,
    form: (f, _a, accepted) => ({ service: f.serviceY, motif: accepted ? 'Relève de la voirie.' : '' }),
    expect: SERVICE_X('400'),
    accept: { actor: 'agentX', outcome: '303 /agent/demandes' },
    note: 'another request of service X, sent to service Y',
  },
  {
    method: 'POST',
    route: '/agent/demandes/:reference/escalade',
    url: (f) => `/agent/demandes/${f.reference}/escalade`,
    form: (_f, _a, accepted) => ({ escalade: accepted ? 'Décision au-dessus de mon rôle.' : '' }),
    expect: SERVICE_X('400'),
    accept: { actor: 'agentX', outcome: '303 /agent/demandes/' },
    note: 'raised to the service’s supervisors, with a reason',
  },
  {
    method: 'GET',
    route: '/agent/demandes/:reference/usager',
    url: (f) => `/agent/demandes/${f.moveReference}/usager?q=Matrice`,
    expect: SERVICE_X('200'),
    note: '« Changer de fiche usager »: the records the agent may see',
  },
  {
    method: 'POST',
    route: '/agent/demandes/:reference/usager',
    url: (f) => `/agent/demandes/${f.moveReference}/usager`,
    form: (f, _a, accepted) => ({ usager: f.personX, confirmer: accepted ? 'oui' : '' }),
    expect: SERVICE_X('400'),
    accept: { actor: 'agentX', outcome: '303 /agent/demandes/' },
    note: 'one item to another record, confirmed',
  },
  {
    method: 'POST',
    route: '/agent/demandes/:reference/notes',
    url: (f) => `/agent/demandes/${f.reference}/notes`,
    form: (_f, _a, accepted) => ({ note: accepted ? 'Pièce vérifiée.' : '' }),
    expect: SERVICE_X('400'),
    accept: { actor: 'supervisor', outcome: '303 /agent/demandes/' },
  },

  // --- The inbox's tools: tags, « Pour la sélection », saved views ---
  {
    method: 'POST',
    route: '/agent/demandes/selection',
    // The accepted post names the item with a revision it never had: left untouched, listed in the summary.
    form: (f, _a, accepted) => ({ selection: accepted ? [`${f.reference}:999999`] : [], action: 'prendre' }),
    expect: ANY_STAFF('400'),
    accept: { actor: 'agentX', outcome: '303 /agent/demandes' },
    note: 'each item goes through its own rule; an item the agent may not see is listed as not found',
  },
  {
    method: 'POST',
    route: '/agent/demandes/:reference/etiquettes',
    url: (f) => `/agent/demandes/${f.reference}/etiquettes`,
    form: (_f, _a, accepted) => ({ etiquette: accepted ? 'Matrice' : '' }),
    expect: SERVICE_X('400'),
    accept: { actor: 'agentX', outcome: '303 /agent/demandes/' },
  },
  {
    method: 'POST',
    route: '/agent/demandes/:reference/etiquettes/retirer',
    url: (f) => `/agent/demandes/${f.reference}/etiquettes/retirer`,
    form: (f, _a, accepted) => ({ etiquette: accepted ? f.tagX : 'pas-une-etiquette' }),
    expect: SERVICE_X('400'),
    accept: { actor: 'supervisor', outcome: '303 /agent/demandes/' },
  },
  { method: 'GET', route: '/agent/admin/etiquettes', expect: ADMIN_ONLY('200') },
  {
    method: 'POST',
    route: '/agent/admin/etiquettes/:id',
    url: (f) => `/agent/admin/etiquettes/${f.tagX}`,
    form: (_f, _a, accepted) => ({ libelle: accepted ? 'Matrice revue' : '' }),
    expect: ADMIN_ONLY('400'),
    accept: { actor: 'admin', outcome: '303 /agent/admin/etiquettes' },
  },
  {
    method: 'POST',
    route: '/agent/admin/etiquettes/:id/supprimer',
    url: (f) => `/agent/admin/etiquettes/${f.tagToDelete}/supprimer`,
    expect: ADMIN_ONLY('303 /agent/admin/etiquettes'),
  },
  { method: 'GET', route: '/agent/vues', expect: ANY_STAFF('200'), note: 'the agent’s saved views' },
  {
    method: 'POST',
    route: '/agent/vues',
    form: (_f, _a, accepted) => ({ nom: accepted ? 'Vue de la matrice' : '', partage: '', requete: 'vue=mes' }),
    expect: ANY_STAFF('400'),
    accept: { actor: 'agentY', outcome: '303 /agent/demandes' },
  },
  {
    method: 'POST',
    route: '/agent/vues/:id',
    url: (f) => `/agent/vues/${f.viewX}`,
    form: (_f, _a, accepted) => ({ nom: accepted ? 'Vue renommée' : '' }),
    expect: staffOnly({ agentX: '400', agentY: '404', supervisor: '404', admin: '404' }),
    accept: { actor: 'agentX', outcome: '303 /agent/vues' },
    note: 'a view of agent X: only its owner renames it',
  },
  {
    method: 'POST',
    route: '/agent/vues/:id/supprimer',
    url: (f) => `/agent/vues/${f.viewToDelete}/supprimer`,
    expect: staffOnly({ agentX: '303 /agent/vues', agentY: '404', supervisor: '404', admin: '404' }),
    note: 'a view of agent X: only its owner deletes it',
  },

  // --- Tenant administration ---
  { method: 'GET', route: '/agent/admin/agents', expect: ADMIN_ONLY('200') },
  {
    method: 'POST',
    route: '/agent/admin/agents/inviter',
    form: (f, _a, accepted) => ({
      email: accepted ? 'nouvel.agent@villebelle.example' : 'pas-une-adresse',
      name: 'Nouvel Agent',
      role: 'agent',
      services: accepted ? [f.serviceX] : [],
    }),
    expect: ADMIN_ONLY('400'),
    accept: { actor: 'admin', outcome: '303 /agent/admin/agents' },
  },
  {
    method: 'POST',
    route: '/agent/admin/agents/:id/desactiver',
    url: (f) => `/agent/admin/agents/${f.spareAgentId}/desactiver`,
    expect: ADMIN_ONLY('303 /agent/admin/agents'),
  },
  {
    method: 'POST',
    route: '/agent/admin/agents/:id/reactiver',
    url: (f) => `/agent/admin/agents/${f.spareAgentId}/reactiver`,
    expect: ADMIN_ONLY('303 /agent/admin/agents'),
  },
  {
    method: 'POST',
    route: '/agent/admin/agents/:id/reinitialiser-2fa',
    url: (f) => `/agent/admin/agents/${f.spareAgentId}/reinitialiser-2fa`,
    expect: ADMIN_ONLY('303 /agent/admin/agents'),
  },
  {
    method: 'POST',
    route: '/agent/admin/agents/:id/reinitialiser-mot-de-passe',
    url: (f) => `/agent/admin/agents/${f.spareAgentId}/reinitialiser-mot-de-passe`,
    expect: ADMIN_ONLY('303 /agent/admin/agents'),
  },
  {
    method: 'POST',
    route: '/agent/admin/agents/:id/services',
    url: (f) => `/agent/admin/agents/${f.spareAgentId}/services`,
    expect: ADMIN_ONLY('303 /agent/admin/agents'),
  },
  {
    method: 'POST',
    route: '/agent/admin/proconnect',
    form: (_f, _a, accepted) => ({ sirets: accepted ? '' : 'pas un siret', domains: '' }),
    expect: ADMIN_ONLY('400'),
    accept: { actor: 'admin', outcome: '303 /agent/admin/agents' },
    note: 'SIRET and domains mapped to the tenant',
  },
  {
    method: 'POST',
    route: '/agent/admin/double-authentification',
    form: () => ({ exiger: 'non' }),
    expect: ADMIN_ONLY('303 /agent/admin/agents'),
  },
  { method: 'GET', route: '/agent/admin/demarches', expect: ADMIN_ONLY('200') },
  {
    method: 'POST',
    route: '/agent/admin/demarches/:id/publier',
    // The demo's démarches are all published: an admin gets "not found", the others are refused first.
    url: () => '/agent/admin/demarches/00000000-0000-4000-8000-000000000000/publier',
    expect: ADMIN_ONLY('404'),
    note: 'publishes a page « à vérifier »',
  },
  {
    method: 'GET',
    route: '/agent/admin/demarches/:id/apercu',
    url: (f) => `/agent/admin/demarches/${f.demarcheXId}/apercu`,
    expect: ADMIN_ONLY('200'),
    note: 'a page as citizens see it, with its readability in detail',
  },
  {
    method: 'POST',
    route: '/agent/lisibilite',
    form: () => ({ texte: 'Votre demande est bien arrivée.' }),
    expect: ANY_STAFF('200'),
    note: 'readability panel of a text being written (JSON, for the live panel)',
  },
  { method: 'GET', route: '/agent/admin/taches', expect: ADMIN_ONLY('200'), note: 'failed background jobs' },
  {
    method: 'POST',
    route: '/agent/admin/taches/:id/relancer',
    // No failed job in the demo: an admin gets "not found", the others are refused first.
    url: () => '/agent/admin/taches/00000000-0000-4000-8000-000000000000/relancer',
    expect: ADMIN_ONLY('404'),
    note: 'relaunches a failed job',
  },
  {
    method: 'POST',
    route: '/agent/admin/taches/:id/abandonner',
    url: () => '/agent/admin/taches/00000000-0000-4000-8000-000000000000/abandonner',
    expect: ADMIN_ONLY('404'),
    note: 'abandons a failed job',
  },
  // --- Reply templates and signatures: supervisors for their services, admins for all ---
  { method: 'GET', route: '/agent/admin/modeles-de-reponse', expect: SUPERVISORS('200') },
  { method: 'GET', route: '/agent/admin/modeles-de-reponse/nouveau', expect: SUPERVISORS('200') },
  {
    method: 'POST',
    route: '/agent/admin/modeles-de-reponse/nouveau',
    form: (f, _a, accepted) => ({ titre: accepted ? 'Nouveau modèle' : '', service: f.serviceX, texte: 'Bonjour,' }),
    expect: SUPERVISORS('400'),
    accept: { actor: 'supervisor', outcome: '303 /agent/admin/modeles-de-reponse' },
  },
  {
    method: 'GET',
    route: '/agent/admin/modeles-de-reponse/:id',
    url: (f) => `/agent/admin/modeles-de-reponse/${f.templateX}`,
    expect: SUPERVISORS('200'),
    note: 'a template of service X',
  },
  {
    method: 'POST',
    route: '/agent/admin/modeles-de-reponse/:id',
    url: (f) => `/agent/admin/modeles-de-reponse/${f.templateX}`,
    form: (f, _a, accepted) => ({ titre: accepted ? 'Modèle revu' : '', service: f.serviceX, texte: 'Bonjour,' }),
    expect: SUPERVISORS('400'),
    accept: { actor: 'admin', outcome: '303 /agent/admin/modeles-de-reponse' },
  },
  {
    method: 'POST',
    route: '/agent/admin/modeles-de-reponse/:id/supprimer',
    url: (f) => `/agent/admin/modeles-de-reponse/${f.templateAll}/supprimer`,
    expect: staffOnly({
      agentX: '403',
      agentY: '403',
      supervisor: '404',
      admin: '303 /agent/admin/modeles-de-reponse',
    }),
    note: 'a template for all services: an admin’s only',
  },
  {
    method: 'POST',
    route: '/agent/admin/signatures/:serviceId',
    url: (f) => `/agent/admin/signatures/${f.serviceX}`,
    form: (_f, _a, accepted) => ({ signature: accepted ? '' : 'x'.repeat(1200) }),
    expect: SUPERVISORS('400'),
    accept: { actor: 'supervisor', outcome: '303 /agent/admin/modeles-de-reponse' },
    note: 'service X’s signature',
  },
  // --- Audit journal and deadlines: supervisors for their services, admins for all ---
  { method: 'GET', route: '/agent/admin/journal', expect: SUPERVISORS('200'), note: 'the reading is logged' },
  { method: 'GET', route: '/agent/admin/journal.csv', expect: SUPERVISORS('200'), note: 'the download is logged' },
  { method: 'GET', route: '/agent/admin/delais', expect: SUPERVISORS('200'), note: 'late items, share in time' },
  { method: 'GET', route: '/agent/admin/delais.csv', expect: SUPERVISORS('200') },
  { method: 'GET', route: '/agent/admin/fermetures', expect: ADMIN_ONLY('200'), note: 'the tenant’s closing days' },
  {
    method: 'POST',
    route: '/agent/admin/fermetures',
    // 31 May 2030: the Friday after Ascension, a « pont ».
    form: (_f, _a, accepted) => ({ jour: accepted ? '2030-05-31' : 'pas une date', libelle: 'Pont de l’Ascension' }),
    expect: ADMIN_ONLY('400'),
    accept: { actor: 'admin', outcome: '303 /agent/admin/fermetures' },
  },
  {
    method: 'POST',
    route: '/agent/admin/fermetures/:day/supprimer',
    // No closing day on that date: an admin gets "not found", the others are refused first.
    url: () => '/agent/admin/fermetures/2031-01-03/supprimer',
    expect: ADMIN_ONLY('404'),
  },
  // --- Routing rules and round-robin (administrators), absences (each agent, their supervisors) ---
  { method: 'GET', route: '/agent/admin/routage', expect: ADMIN_ONLY('200') },
  { method: 'GET', route: '/agent/admin/routage/nouvelle', expect: ADMIN_ONLY('200') },
  {
    method: 'POST',
    route: '/agent/admin/routage/nouvelle',
    form: (f, _a, accepted) => ({ nom: accepted ? 'Règle API' : '', service: f.serviceX, canaux: 'api', actif: 'oui' }),
    expect: ADMIN_ONLY('400'),
    accept: { actor: 'admin', outcome: '303 /agent/admin/routage' },
  },
  {
    method: 'GET',
    route: '/agent/admin/routage/:id',
    url: (f) => `/agent/admin/routage/${f.ruleX}`,
    expect: ADMIN_ONLY('200'),
  },
  {
    method: 'POST',
    route: '/agent/admin/routage/:id',
    url: (f) => `/agent/admin/routage/${f.ruleX}`,
    form: (f, _a, accepted) => ({ nom: accepted ? 'Règle revue' : '', service: f.serviceX, canaux: 'api' }),
    expect: ADMIN_ONLY('400'),
    accept: { actor: 'admin', outcome: '303 /agent/admin/routage' },
  },
  {
    method: 'POST',
    route: '/agent/admin/routage/:id/deplacer',
    url: (f) => `/agent/admin/routage/${f.ruleX}/deplacer`,
    form: () => ({ sens: 'bas' }),
    expect: ADMIN_ONLY('303 /agent/admin/routage'),
  },
  {
    method: 'POST',
    route: '/agent/admin/routage/:id/activation',
    url: (f) => `/agent/admin/routage/${f.ruleX}/activation`,
    form: () => ({ actif: 'oui' }),
    expect: ADMIN_ONLY('303 /agent/admin/routage'),
  },
  {
    method: 'POST',
    route: '/agent/admin/routage/:id/supprimer',
    url: (f) => `/agent/admin/routage/${f.ruleToDelete}/supprimer`,
    expect: ADMIN_ONLY('303 /agent/admin/routage'),
  },
  {
    method: 'POST',
    route: '/agent/admin/routage/attribution',
    form: (f) => ({ services: f.serviceY }),
    expect: ADMIN_ONLY('303 /agent/admin/routage'),
    note: 'the services that assign in turn',
  },
  {
    method: 'POST',
    route: '/agent/admin/routage/tester',
    form: (f, _a, accepted) => ({ demarche: f.demarcheXId, canal: accepted ? 'en-ligne' : 'pigeon' }),
    expect: ADMIN_ONLY('400'),
    accept: { actor: 'admin', outcome: '200' },
    note: 'which rule a sample would meet; writes nothing',
  },
  { method: 'GET', route: '/agent/absences', expect: ANY_STAFF('200') },
  {
    method: 'POST',
    route: '/agent/absences',
    form: (f, _a, accepted) => ({ agent: f.agentXId, du: accepted ? '01/02/2099' : '', au: '02/02/2099' }),
    expect: ANY_STAFF('400'),
    accept: { actor: 'agentX', outcome: '303 /agent/absences' },
    note: 'their own; a supervisor for their services’ agents; an admin for all',
  },
  {
    method: 'POST',
    route: '/agent/absences/:id/annuler',
    url: (f) => `/agent/absences/${f.adminAbsence}/annuler`,
    expect: staffOnly({ agentX: '404', agentY: '404', supervisor: '404', admin: '303 /agent/absences' }),
    note: 'the administrator’s own absence',
  },
  { method: 'GET', route: '/agent/admin/commune', expect: ADMIN_ONLY('200') },
  {
    method: 'POST',
    route: '/agent/admin/commune',
    // The demo's own values: the rows after this one see Villebelle unchanged.
    form: (_f, _a, accepted) => ({
      adresse: '1 place de la République',
      code_postal: '00000',
      ville: 'Villebelle',
      telephone: '01 00 00 00 00',
      courriel: 'contact@villebelle.example',
      horaires:
        'Du lundi au vendredi : de 8 h 30 à 12 h et de 13 h 30 à 17 h 30\nLe samedi : de 9 h à 12 h (état civil uniquement)',
      adresse_postale: 'Mairie de Villebelle, 1 place de la République, 00000 Villebelle',
      site_internet: 'https://villebelle.example',
      expediteur_nom: '',
      expediteur_adresse: '',
      reponse_a: '',
      couleur: accepted ? '#1f4e8c' : '#ffff00',
    }),
    expect: ADMIN_ONLY('400'),
    accept: { actor: 'admin', outcome: '303 /agent/admin/commune' },
    note: 'contact details, mail sender, colour',
  },
  { method: 'GET', route: '/agent/admin/messagerie', expect: ADMIN_ONLY('200'), note: 'inbound address, IMAP mailbox' },
  {
    method: 'POST',
    route: '/agent/admin/messagerie',
    // Saved disabled, with the demo's own address: nothing is polled, the rows after see no change.
    form: (_f, _a, accepted) => ({
      adresse: 'villebelle@guichet.localhost',
      serveur: accepted ? 'imap.villebelle.example' : '',
      port: '993',
      chiffrement: 'tls',
      identifiant: 'mairie@villebelle.example',
      mot_de_passe: 'un mot de passe',
      dossier: 'INBOX',
      dossier_traites: 'Guichet/Traités',
      active: '',
    }),
    expect: ADMIN_ONLY('400'),
    accept: { actor: 'admin', outcome: '303 /agent/admin/messagerie' },
    note: 'saves or tests the IMAP mailbox',
  },
  {
    method: 'POST',
    route: '/agent/admin/messagerie/relancer',
    expect: ADMIN_ONLY('303 /agent/admin/messagerie'),
    note: 'retries the messages left aside',
  },

  // --- Personal data (RGPD), agent side ---
  {
    method: 'GET',
    route: '/agent/rgpd/effacements',
    expect: ANY_STAFF('200'),
    note: 'lists only what each may decide',
  },
  {
    method: 'POST',
    route: '/agent/rgpd/effacements/:id',
    url: (f) => `/agent/rgpd/effacements/${f.erasureId}`,
    form: (_f, _a, accepted) => ({
      decision: 'refuse',
      motif: accepted ? 'Une obligation légale impose de garder ce dossier.' : 'court',
    }),
    expect: SERVICE_X('400'),
    accept: { actor: 'agentX', outcome: '303 /agent/rgpd/effacements' },
    note: 'an erasure request about service X',
  },
  { method: 'GET', route: '/agent/rgpd/registre', expect: ADMIN_ONLY('200') },
  { method: 'GET', route: '/agent/rgpd/registre.json', expect: ADMIN_ONLY('200') },
  { method: 'GET', route: '/agent/rgpd/registre.csv', expect: ADMIN_ONLY('200') },
  { method: 'GET', route: '/agent/admin/protection-des-donnees', expect: ADMIN_ONLY('200') },
  {
    method: 'POST',
    route: '/agent/admin/protection-des-donnees',
    form: (_f, _a, accepted) => ({
      dpo_nom: 'Délégué à la protection des données',
      dpo_courriel: accepted ? 'dpo@villebelle.example' : 'pas-une-adresse',
      dpo_adresse: '',
    }),
    expect: ADMIN_ONLY('400'),
    accept: { actor: 'admin', outcome: '303 /agent/admin/protection-des-donnees' },
    note: 'the data protection officer’s contact',
  },

  // --- Knowledge base (every agent reads and proposes; supervisors of the service and admins publish) ---
  { method: 'GET', route: '/agent/connaissances', expect: ANY_STAFF('200') },
  { method: 'GET', route: '/agent/connaissances/nouvelle', expect: ANY_STAFF('200') },
  {
    method: 'POST',
    route: '/agent/connaissances/nouvelle',
    form: (f, _a, accepted) => ({
      titre: accepted ? 'Page de la matrice' : '',
      resume: 'Un résumé.',
      texte: '## En bref\n\nUn texte.',
      service: f.serviceX,
      public: 'public',
    }),
    expect: ANY_STAFF('400'),
    accept: { actor: 'agentX', outcome: '303 /agent/connaissances/' },
    note: 'a new page, as a draft',
  },
  {
    method: 'GET',
    route: '/agent/connaissances/:id',
    url: (f) => `/agent/connaissances/${f.demarcheXId}`,
    expect: ANY_STAFF('200'),
  },
  {
    method: 'GET',
    route: '/agent/connaissances/:id/modifier',
    url: (f) => `/agent/connaissances/${f.demarcheXId}/modifier`,
    expect: ANY_STAFF('200'),
  },
  {
    method: 'POST',
    route: '/agent/connaissances/:id/modifier',
    url: (f) => `/agent/connaissances/${f.demarcheXId}/modifier`,
    form: (f, _a, accepted) => ({
      titre: accepted ? 'Démarche X' : '',
      resume: 'Un résumé.',
      texte: '## En bref\n\nUn texte.',
      service: f.serviceX,
      public: 'public',
      version: '1',
    }),
    expect: ANY_STAFF('400'),
    accept: { actor: 'agentY', outcome: '303 /agent/connaissances/' },
    note: 'a new version, as a draft',
  },
  {
    method: 'GET',
    route: '/agent/connaissances/:id/historique',
    url: (f) => `/agent/connaissances/${f.demarcheXId}/historique`,
    expect: ANY_STAFF('200'),
  },
  {
    method: 'GET',
    route: '/agent/connaissances/:id/versions/:number',
    url: (f) => `/agent/connaissances/${f.demarcheXId}/versions/1`,
    expect: ANY_STAFF('200'),
  },
  {
    method: 'POST',
    route: '/agent/connaissances/:id/versions/:number/restaurer',
    url: (f) => `/agent/connaissances/${f.demarcheXId}/versions/1/restaurer`,
    form: (_f, _a, accepted) => ({ version: accepted ? '2' : '' }),
    expect: ANY_STAFF('400'),
    accept: { actor: 'agentX', outcome: '303 /agent/connaissances/' },
    note: 'version 1 again, as a new draft',
  },
  {
    method: 'POST',
    route: '/agent/connaissances/:id/relecture',
    url: (f) => `/agent/connaissances/${f.kbDraft}/relecture`,
    form: (_f, _a, accepted) => ({ version: accepted ? '1' : '' }),
    expect: ANY_STAFF('400'),
    accept: { actor: 'agentX', outcome: '303 /agent/connaissances/' },
  },
  {
    method: 'POST',
    route: '/agent/connaissances/:id/brouillon',
    url: (f) => `/agent/connaissances/${f.kbDraft}/brouillon`,
    form: (_f, _a, accepted) => ({ version: accepted ? '1' : '' }),
    expect: ANY_STAFF('400'),
    accept: { actor: 'agentY', outcome: '303 /agent/connaissances/' },
  },
  {
    method: 'POST',
    route: '/agent/connaissances/:id/publier',
    url: (f) => `/agent/connaissances/${f.kbDraft}/publier`,
    form: (_f, _a, accepted) => ({ version: accepted ? '1' : '' }),
    expect: staffOnly({ agentX: '403', agentY: '403', supervisor: '400', admin: '400' }),
    accept: { actor: 'supervisor', outcome: '303 /agent/connaissances/' },
    note: 'an article of service X',
  },
  {
    method: 'POST',
    route: '/agent/connaissances/:id/depublier',
    url: (f) => `/agent/connaissances/${f.kbDraft}/depublier`,
    expect: staffOnly({ agentX: '403', agentY: '403', supervisor: '303 /agent/connaissances/', admin: '409' }),
    note: 'the supervisor unpublishes it; then it is no longer published',
  },
  {
    method: 'POST',
    route: '/agent/connaissances/:id/responsable',
    url: (f) => `/agent/connaissances/${f.kbDraft}/responsable`,
    form: (f, _a, accepted) => ({ responsable: f.agentXId, relire_avant: accepted ? '31/12/2099' : 'pas une date' }),
    expect: staffOnly({ agentX: '403', agentY: '403', supervisor: '400', admin: '400' }),
    accept: { actor: 'admin', outcome: '303 /agent/connaissances/' },
  },
  {
    method: 'POST',
    route: '/agent/connaissances/:id/fichiers',
    url: (f) => `/agent/connaissances/${f.kbDraft}/fichiers`,
    files: (_f, _a, accepted) =>
      accepted
        ? [{ field: 'fichier', filename: 'fiche.pdf', type: 'application/pdf', data: Buffer.from('%PDF-1.4\n%%EOF\n') }]
        : [],
    expect: ANY_STAFF('400'),
    accept: { actor: 'agentX', outcome: '303 /agent/connaissances/' },
    note: 'multipart; without a file: 400',
  },
  {
    method: 'GET',
    route: '/agent/connaissances/:id/fichiers/:fileId',
    url: (f) => `/agent/connaissances/${f.demarcheXId}/fichiers/${f.kbFile}`,
    expect: ANY_STAFF('200'),
  },
  {
    method: 'POST',
    route: '/agent/connaissances/:id/fichiers/:fileId/supprimer',
    url: (f) => `/agent/connaissances/${f.demarcheXId}/fichiers/${f.kbFile}/supprimer`,
    expect: staffOnly({ agentX: '303 /agent/connaissances/', agentY: '404', supervisor: '404', admin: '404' }),
    note: 'agent X removes it; then it is gone',
  },
  {
    method: 'POST',
    route: '/agent/connaissances/:id/liens',
    url: (f) => `/agent/connaissances/${f.demarcheXId}/liens`,
    form: (f, _a, accepted) => ({ page: accepted ? f.kbDraft : '' }),
    expect: staffOnly({ agentX: '403', agentY: '403', supervisor: '400', admin: '400' }),
    accept: { actor: 'admin', outcome: '303 /agent/connaissances/' },
  },
  {
    method: 'POST',
    route: '/agent/connaissances/:id/liens/:otherId/supprimer',
    url: (f) => `/agent/connaissances/${f.demarcheXId}/liens/${f.kbLinked}/supprimer`,
    expect: staffOnly({
      agentX: '403',
      agentY: '403',
      supervisor: '303 /agent/connaissances/',
      admin: '303 /agent/connaissances/',
    }),
  },
  // --- Knowledge base search (article-search): portal, API, agents, editors ---
  {
    method: 'GET',
    route: '/recherche/suggestions',
    url: () => '/recherche/suggestions?q=naiss',
    expect: everyone('200'),
  },
  {
    method: 'GET',
    route: '/api/v1/search',
    url: () => '/api/v1/search?q=acte%20de%20naissance',
    expect: everyone('200'),
    note: 'anonymous callers limited by SEARCH_RATE_LIMIT',
  },
  {
    method: 'GET',
    route: '/agent/connaissances/recherche',
    url: () => '/agent/connaissances/recherche?q=naissance',
    expect: ANY_STAFF('200'),
    note: 'internal sheets included',
  },
  { method: 'GET', route: '/agent/admin/recherches-sans-reponse', expect: SUPERVISORS('200') },
  { method: 'GET', route: '/agent/admin/synonymes', expect: SUPERVISORS('200') },
  {
    method: 'POST',
    route: '/agent/admin/synonymes',
    form: (_f, _a, accepted) => ({
      terme: accepted ? 'matrice' : '',
      equivalents: 'acte de naissance',
      type: 'synonym',
    }),
    expect: SUPERVISORS('400'),
    accept: { actor: 'supervisor', outcome: '303 /agent/admin/synonymes' },
  },
  {
    method: 'POST',
    route: '/agent/admin/synonymes/:id/supprimer',
    url: () => '/agent/admin/synonymes/00000000-0000-4000-8000-000000000000/supprimer',
    expect: SUPERVISORS('404'),
    note: 'no such synonym: editors get « not found », the others are refused first',
  },

  // Last: citizen A's erasure request changes what A's space shows.
  {
    method: 'POST',
    route: '/mon-espace/donnees/effacement',
    form: (_f, _a, accepted) => (accepted ? { confirmation: 'oui' } : { confirmation: 'non' }),
    expect: citizensOnly('400'),
    accept: { actor: 'citizenA', outcome: '303 /mon-espace/donnees' },
    note: 'A has an open request: the erasure waits for an agent’s decision',
  },
  // --- Assistant (portal, widget, API, hand-off; the workspace's assistant and its settings) ---
  { method: 'GET', route: '/assistant', expect: everyone('200') },
  {
    method: 'POST',
    route: '/assistant',
    form: () => ({ question: 'Combien coûte un passeport ?', conversation: '' }),
    expect: everyone('303 /assistant/c/'),
    note: 'public, rate-limited (ASSISTANT_RATE_LIMIT) for all but agents',
  },
  {
    method: 'GET',
    route: '/assistant/c/:id',
    url: (f) => `/assistant/c/${f.conversation}`,
    expect: everyone('200'),
    note: 'the unguessable conversation id is the capability',
  },
  {
    method: 'GET',
    route: '/assistant/c/:id/personne',
    url: (f) => `/assistant/c/${f.conversation}/personne`,
    expect: everyone('200'),
  },
  {
    method: 'POST',
    route: '/assistant/c/:id/personne',
    url: (f) => `/assistant/c/${f.conversation}/personne`,
    form: () => ({ nom: 'Ada Lovelace', email: 'ada@example.org', telephone: '', consentement: 'oui' }),
    expect: everyone('303 /assistant/c/'),
    note: 'the first hand-off creates the item; the next ones lead to it',
  },
  {
    method: 'GET',
    route: '/assistant/c/:id/transmis',
    url: (f) => `/assistant/c/${f.conversation}/transmis`,
    expect: everyone('303 /assistant/c/'),
    note: 'before the hand-off, to its form; after it, the confirmation (200)',
  },
  {
    method: 'POST',
    route: '/api/v1/assistant',
    json: () => ({ question: 'Combien coûte un passeport ?' }),
    expect: everyone('200'),
    note: 'public, rate-limited (ASSISTANT_RATE_LIMIT) for all but agents',
  },
  { method: 'GET', route: '/agent/assistant', expect: ANY_STAFF('200') },
  {
    method: 'POST',
    route: '/agent/assistant',
    form: () => ({ question: 'Combien coûte un passeport ?', conversation: '' }),
    expect: ANY_STAFF('303 /agent/assistant/c/'),
  },
  {
    method: 'GET',
    route: '/agent/assistant/c/:id',
    url: (f) => `/agent/assistant/c/${f.agentConversation}`,
    expect: ANY_STAFF('200'),
  },
  {
    method: 'GET',
    route: '/agent/assistant/articles/:slug',
    url: () => '/agent/assistant/articles/interne-usager-agressif',
    expect: ANY_STAFF('200'),
  },
  { method: 'GET', route: '/agent/admin/assistant', expect: ADMIN_ONLY('200') },
  {
    method: 'POST',
    route: '/agent/admin/assistant',
    form: () => ({ donnees_personnelles: '' }),
    expect: ADMIN_ONLY('303 /agent/admin/assistant'),
  },

  // --- Consultations: built by administrators and supervisors, answered by anyone (public) ---
  { method: 'GET', route: '/consultations', expect: everyone('200') },
  {
    method: 'GET',
    route: '/consultations/:id',
    url: (f) => `/consultations/${f.consultationOpen}`,
    expect: everyone('200'),
  },
  {
    method: 'POST',
    route: '/consultations/:id',
    url: (f) => `/consultations/${f.consultationOpen}`,
    form: (f, _a, accepted) => (accepted ? { [`q_${f.consultationOpenQuestion}`]: 'Oui' } : {}),
    expect: everyone('400'),
    accept: { actor: 'anonymous', outcome: '303 /consultations/' },
    note: 'no account needed; the required question left out: 400',
  },
  {
    method: 'GET',
    route: '/consultations/:id/merci',
    url: (f) => `/consultations/${f.consultationOpen}/merci`,
    expect: everyone('200'),
  },
  { method: 'GET', route: '/agent/admin/consultations', expect: SUPERVISORS('200') },
  { method: 'GET', route: '/agent/admin/consultations/nouvelle', expect: SUPERVISORS('200') },
  {
    method: 'POST',
    route: '/agent/admin/consultations/nouvelle',
    form: (_f, _a, accepted) => ({
      titre: accepted ? 'Consultation de la matrice' : '',
      public: 'public',
      anonyme: 'oui',
      ouverture_jour: '2026-01-01',
      cloture_jour: '2099-01-01',
    }),
    expect: SUPERVISORS('400'),
    accept: { actor: 'admin', outcome: '303 /agent/admin/consultations/' },
  },
  {
    method: 'GET',
    route: '/agent/admin/consultations/:id',
    url: (f) => `/agent/admin/consultations/${f.consultationDraft}`,
    expect: SUPERVISORS('200'),
  },
  {
    method: 'POST',
    route: '/agent/admin/consultations/:id',
    url: (f) => `/agent/admin/consultations/${f.consultationDraft}`,
    form: (_f, _a, accepted) => ({
      titre: accepted ? 'Brouillon revu' : '',
      public: 'public',
      anonyme: 'oui',
      ouverture_jour: '2026-01-01',
      cloture_jour: '2099-01-01',
    }),
    expect: SUPERVISORS('400'),
    accept: { actor: 'admin', outcome: '303 /agent/admin/consultations/' },
  },
  {
    method: 'POST',
    route: '/agent/admin/consultations/:id/questions',
    url: (f) => `/agent/admin/consultations/${f.consultationDraft}/questions`,
    form: (_f, _a, accepted) => ({
      intitule: accepted ? 'Une remarque ?' : '',
      type: 'text',
      echelle_min: '1',
      echelle_max: '5',
      condition: '',
    }),
    expect: SUPERVISORS('400'),
    accept: { actor: 'admin', outcome: '303 /agent/admin/consultations/' },
  },
  {
    method: 'GET',
    route: '/agent/admin/consultations/:id/questions/:questionId',
    url: (f) => `/agent/admin/consultations/${f.consultationDraft}/questions/${f.consultationDraftQuestion}`,
    expect: SUPERVISORS('200'),
  },
  {
    method: 'POST',
    route: '/agent/admin/consultations/:id/questions/:questionId',
    url: (f) => `/agent/admin/consultations/${f.consultationDraft}/questions/${f.consultationDraftQuestion}`,
    form: (_f, _a, accepted) => ({
      intitule: accepted ? 'Venez-vous souvent ?' : '',
      type: 'single',
      choix: 'Oui\nNon',
      echelle_min: '1',
      echelle_max: '5',
      condition: '',
    }),
    expect: SUPERVISORS('400'),
    accept: { actor: 'admin', outcome: '303 /agent/admin/consultations/' },
  },
  {
    method: 'POST',
    route: '/agent/admin/consultations/:id/questions/:questionId/supprimer',
    url: (f) =>
      `/agent/admin/consultations/${f.consultationDraft}/questions/${f.consultationQuestionToDelete}/supprimer`,
    expect: staffOnly({ agentX: '403', agentY: '403', supervisor: '303 /agent/admin/consultations/', admin: '404' }),
    note: 'the supervisor deletes it; the admin, after, finds it gone',
  },
  {
    method: 'POST',
    route: '/agent/admin/consultations/:id/publier',
    url: (f) => `/agent/admin/consultations/${f.consultationDraft}/publier`,
    expect: SUPERVISORS('303 /agent/admin/consultations/'),
  },
  {
    method: 'POST',
    route: '/agent/admin/consultations/:id/invitations',
    url: (f) => `/agent/admin/consultations/${f.consultationInvited}/invitations`,
    form: (_f, _a, accepted) => ({ adresses: accepted ? 'invite.matrice@example.org' : 'pas une adresse' }),
    expect: SUPERVISORS('400'),
    accept: { actor: 'admin', outcome: '303 /agent/admin/consultations/' },
  },
  {
    method: 'GET',
    route: '/agent/admin/consultations/:id/resultats',
    url: (f) => `/agent/admin/consultations/${f.consultationOpen}/resultats`,
    expect: SUPERVISORS('200'),
  },
  {
    method: 'GET',
    route: '/agent/admin/consultations/:id/resultats.csv',
    url: (f) => `/agent/admin/consultations/${f.consultationOpen}/resultats.csv`,
    expect: SUPERVISORS('200'),
  },
  {
    method: 'GET',
    route: '/agent/admin/consultations/:id/resultats.json',
    url: (f) => `/agent/admin/consultations/${f.consultationOpen}/resultats.json`,
    expect: SUPERVISORS('200'),
  },
  // --- Appointments: the portal's booking, the mailed link (the token is the capability), the API, the agents' side ---
  { method: 'GET', route: '/rendez-vous', expect: everyone('200') },
  { method: 'GET', route: '/rendez-vous/:slug', url: () => '/rendez-vous/carte-identite', expect: everyone('200') },
  {
    method: 'GET',
    route: '/rendez-vous/:slug/creneaux',
    url: () => '/rendez-vous/carte-identite/creneaux',
    expect: everyone('200'),
  },
  {
    method: 'GET',
    route: '/rendez-vous/:slug/coordonnees',
    url: (f) => `/rendez-vous/carte-identite/coordonnees?creneau=${f.appt.formSlot}`,
    expect: everyone('200'),
  },
  {
    method: 'POST',
    route: '/rendez-vous/:slug/coordonnees',
    url: () => '/rendez-vous/carte-identite/coordonnees',
    form: (f, _a, accepted): Fields =>
      accepted
        ? { creneau: f.appt.formSlot, prenom: 'Ada', nom: 'Lovelace', courriel: 'ada.rdv@example.org', telephone: '' }
        : { creneau: f.appt.formSlot, prenom: '', nom: '', courriel: 'pas-une-adresse' },
    expect: everyone('400'),
    accept: { actor: 'anonymous', outcome: '303 /rendez-vous/gerer/' },
    note: 'no account needed; rate-limited (APPOINTMENT_RATE_LIMIT)',
  },
  {
    method: 'POST',
    route: '/rendez-vous/:slug/liste-attente',
    url: () => '/rendez-vous/pacs/liste-attente',
    form: (f, _a, accepted) => ({
      motif: f.appt.fullMotif,
      site: '',
      jour: accepted ? f.appt.fullDay : 'demain',
      prenom: 'Ada',
      nom: 'Lovelace',
      courriel: 'ada.attente@example.org',
    }),
    expect: everyone('400'),
    accept: { actor: 'anonymous', outcome: '303 /rendez-vous/pacs/creneaux' },
    note: 'only for a day that is full',
  },
  {
    method: 'GET',
    route: '/rendez-vous/gerer/:token',
    url: (f) => `/rendez-vous/gerer/${f.appt.apptToken}`,
    expect: everyone('200'),
  },
  {
    method: 'GET',
    route: '/rendez-vous/gerer/:token/rendez-vous.ics',
    url: (f) => `/rendez-vous/gerer/${f.appt.apptToken}/rendez-vous.ics`,
    expect: everyone('200'),
  },
  {
    method: 'GET',
    route: '/rendez-vous/gerer/:token/deplacer',
    url: (f) => `/rendez-vous/gerer/${f.appt.apptToken}/deplacer`,
    expect: everyone('200'),
  },
  {
    method: 'POST',
    route: '/rendez-vous/gerer/:token/annuler',
    url: (f) => `/rendez-vous/gerer/${f.appt.apptToken}/annuler`,
    form: (_f, _a, accepted): Fields => ({ confirmer: accepted ? 'oui' : 'non' }),
    expect: everyone('400'),
    accept: { actor: 'anonymous', outcome: '303 /rendez-vous/gerer/' },
    note: 'the mailed link is the capability; spent once used',
  },
  {
    method: 'POST',
    route: '/rendez-vous/gerer/:token/deplacer',
    url: (f) => `/rendez-vous/gerer/${f.appt.moveToken}/deplacer`,
    form: (f, _a, accepted) => ({ creneau: accepted ? f.appt.moveSlot : '' }),
    expect: everyone('400'),
    accept: { actor: 'anonymous', outcome: '303 /rendez-vous/gerer/' },
  },
  {
    method: 'GET',
    route: '/rendez-vous/offre/:token',
    url: (f) => `/rendez-vous/offre/${f.appt.offerToken}`,
    expect: everyone('200'),
  },
  {
    method: 'POST',
    route: '/rendez-vous/offre/:token',
    url: (f) => `/rendez-vous/offre/${f.appt.offerToken}`,
    form: (_f, _a, accepted): Fields => ({ confirmer: accepted ? 'oui' : 'non' }),
    expect: everyone('400'),
    accept: { actor: 'anonymous', outcome: '303 /rendez-vous/gerer/' },
    note: 'the place offered to someone of the waiting list, by the mailed link',
  },
  {
    method: 'GET',
    route: '/api/v1/rendez-vous/creneaux',
    url: () => '/api/v1/rendez-vous/creneaux?demarche=carte-identite',
    expect: everyone('200'),
  },
  {
    method: 'POST',
    route: '/api/v1/rendez-vous',
    json: (f) => ({
      slot_id: f.appt.apiSlot,
      given_name: 'Ada',
      family_name: 'Lovelace',
      email: 'ada.api@example.org',
    }),
    expect: { ...everyone('409'), anonymous: '201' },
    note: 'public, rate-limited (APPOINTMENT_RATE_LIMIT); one place: the first gets it, the others 409 slot_full',
  },
  {
    method: 'POST',
    route: '/api/v1/rendez-vous/annulation',
    json: (f) => ({ token: f.appt.apiCancelToken }),
    expect: { ...everyone('410'), anonymous: '200' },
    note: 'with the link’s token; spent once used (410 link_already_used)',
  },
  {
    method: 'POST',
    route: '/api/v1/rendez-vous/:reference/arrivee',
    url: (f) => `/api/v1/rendez-vous/${f.appt.checkInReference}/arrivee`,
    json: (f) => ({ token: f.appt.checkInToken }),
    expect: everyone('200'),
    note: 'with the link’s token, or an agent of the tenant; a second check-in keeps the first time',
  },
  { method: 'GET', route: '/agent/rendez-vous', expect: ANY_STAFF('200') },
  { method: 'GET', route: '/agent/rendez-vous/nouveau', expect: ANY_STAFF('200') },
  {
    method: 'POST',
    route: '/agent/rendez-vous/nouveau',
    form: (f, _a, accepted): Fields =>
      accepted
        ? { creneau: f.appt.agentSlot, prenom: 'Alan', nom: 'Turing', telephone: '01 23 45 67 89' }
        : { creneau: '', prenom: '', nom: '' },
    expect: ANY_STAFF('400'),
    accept: { actor: 'agentX', outcome: '303 /agent/rendez-vous/RDV-' },
    note: 'any agent books for a caller',
  },
  {
    method: 'GET',
    route: '/agent/rendez-vous/:reference',
    url: (f) => `/agent/rendez-vous/${f.appt.apptReference}`,
    expect: ANY_STAFF('200'),
  },
  {
    method: 'POST',
    route: '/agent/rendez-vous/:reference/annuler',
    url: (f) => `/agent/rendez-vous/${f.appt.agentCancelReference}/annuler`,
    form: (_f, _a, accepted): Fields => ({ confirmer: accepted ? 'oui' : 'non' }),
    expect: ANY_STAFF('400'),
    accept: { actor: 'admin', outcome: '303 /agent/rendez-vous' },
  },

  // --- The day at the counter (modules/counter): every agent of the tenant; figures for supervisors ---
  { method: 'GET', route: '/agent/guichet', expect: ANY_STAFF('200') },
  {
    method: 'GET',
    route: '/agent/guichet/lieux/:siteId',
    url: (f) => `/agent/guichet/lieux/${f.counter.siteId}?q=Matrice`,
    expect: ANY_STAFF('200'),
    note: 'the reception desk serves every démarche, whatever the agent’s services',
  },
  {
    method: 'POST',
    route: '/agent/guichet/lieux/:siteId/tickets',
    url: (f) => `/agent/guichet/lieux/${f.counter.siteId}/tickets`,
    form: (_f, _a, accepted): Fields => ({ demarche: accepted ? 'autre' : '', nom: '' }),
    expect: ANY_STAFF('400'),
    accept: { actor: 'agentX', outcome: '303 /agent/guichet/lieux/' },
    note: 'a walk-in’s ticket',
  },
  {
    method: 'POST',
    route: '/agent/guichet/lieux/:siteId/tickets/:ticketId/parti',
    url: (f) => `/agent/guichet/lieux/${f.counter.siteId}/tickets/${f.counter.waitingTicketId}/parti`,
    form: (_f, _a, accepted): Fields => ({ confirmer: accepted ? 'oui' : '' }),
    expect: ANY_STAFF('400'),
    accept: { actor: 'agentX', outcome: '303 /agent/guichet/lieux/' },
    note: '« Partie sans attendre »: someone waiting left',
  },
  {
    method: 'POST',
    route: '/agent/guichet/lieux/:siteId/arrivees',
    url: (f) => `/agent/guichet/lieux/${f.counter.siteId}/arrivees`,
    form: (f, _a, accepted): Fields => ({ reference: accepted ? f.counter.checkInReference : '' }),
    expect: ANY_STAFF('400'),
    accept: { actor: 'agentY', outcome: '303 /agent/guichet/lieux/' },
    note: 'check-in of a booked citizen: a ticket of the appointments’ line',
  },
  {
    method: 'POST',
    route: '/agent/guichet/lieux/:siteId/rendez-vous/:appointmentId/etat',
    url: (f) => `/agent/guichet/lieux/${f.counter.siteId}/rendez-vous/${f.counter.outcomeAppointmentId}/etat`,
    form: (_f, _a, accepted): Fields => ({ statut: accepted ? 'excuse' : '' }),
    expect: ANY_STAFF('400'),
    accept: { actor: 'supervisor', outcome: '303 /agent/guichet/lieux/' },
    note: 'excused, absent, back to « à venir »',
  },
  {
    method: 'GET',
    route: '/agent/guichet/arrivee/:reference',
    url: (f) => `/agent/guichet/arrivee/${f.counter.checkInReference}`,
    expect: ANY_STAFF('200'),
    note: 'where the QR code of a confirmation leads',
  },
  {
    method: 'GET',
    route: '/agent/guichet/comptoirs/:counterId',
    url: (f) => `/agent/guichet/comptoirs/${f.counter.busyCounterId}`,
    expect: ANY_STAFF('200'),
  },
  {
    method: 'POST',
    route: '/agent/guichet/comptoirs/:counterId/suivant',
    url: (f) => `/agent/guichet/comptoirs/${f.counter.counterId}/suivant`,
    expect: ANY_STAFF('303 /agent/guichet/comptoirs/'),
    accept: { actor: 'agentX', outcome: '303 /agent/guichet/comptoirs/' },
    note: 'no field to get wrong: every agent’s press calls the next ticket (or says nobody waits)',
  },
  {
    method: 'POST',
    route: '/agent/guichet/comptoirs/:counterId/tickets/:ticketId/:action',
    url: (f) => `/agent/guichet/comptoirs/${f.counter.busyCounterId}/tickets/${f.counter.calledTicketId}/commencer`,
    expect: ANY_STAFF('303 /agent/guichet/comptoirs/'),
    accept: { actor: 'agentY', outcome: '303 /agent/guichet/comptoirs/' },
    note: '« La personne est là » (commencer; also terminer, absent, rappeler): pressed twice, it stays served',
  },
  {
    method: 'GET',
    route: '/agent/guichet/comptoirs/:counterId/tickets/:ticketId/avis',
    url: (f) => `/agent/guichet/comptoirs/${f.counter.busyCounterId}/tickets/${f.counter.calledTicketId}/avis`,
    expect: ANY_STAFF('200'),
    note: 'the QR code of a visit’s survey, for the person just served (no survey yet for a ticket still called)',
  },
  {
    method: 'GET',
    route: '/agent/admin/guichet',
    expect: SUPERVISORS('200'),
    note: 'counts and durations, no personal data',
  },
  {
    method: 'GET',
    route: '/ecran/:siteId',
    url: (f) => `/ecran/${f.counter.siteId}`,
    expect: everyone('200'),
    note: 'the waiting-room screen: ticket numbers and counters only',
  },

  // --- Experiences: shared by anyone, moderated and answered by the service, actions by supervisors ---
  { method: 'GET', route: '/experiences', expect: everyone('200') },
  { method: 'GET', route: '/vous-avez-dit-nous-avons-fait', expect: everyone('200') },
  { method: 'GET', route: '/experiences/partager', expect: everyone('200') },
  {
    method: 'POST',
    route: '/experiences/partager',
    form: (_f, _a, accepted) => ({
      ton: 'positive',
      titre: accepted ? 'Accueil rapide' : '',
      recit: 'Tout s’est bien passé.',
      service: '',
      accord: 'oui',
    }),
    expect: everyone('400'),
    accept: { actor: 'anonymous', outcome: '303 /experiences/merci' },
    note: 'no account needed; without a title: 400',
  },
  { method: 'GET', route: '/experiences/merci', expect: everyone('200') },
  { method: 'GET', route: '/agent/experiences', expect: ANY_STAFF('200') },
  {
    method: 'GET',
    route: '/agent/experiences/:id',
    url: (f) => `/agent/experiences/${f.experienceToPublish}`,
    expect: ANY_STAFF('200'),
    note: 'every agent reads it; the original text and the forms are for its service’s moderators',
  },
  {
    method: 'POST',
    route: '/agent/experiences/:id/publier',
    url: (f) => `/agent/experiences/${f.experienceToPublish}/publier`,
    form: (_f, _a, accepted) => ({ titre: accepted ? 'Accueil rapide' : '', recit: 'Tout s’est bien passé.' }),
    expect: SERVICE_X('400'),
    accept: { actor: 'agentX', outcome: '303 /agent/experiences/' },
    note: 'an experience about service X: its agents, supervisors and administrators',
  },
  {
    method: 'POST',
    route: '/agent/experiences/:id/rejeter',
    url: (f) => `/agent/experiences/${f.experienceToReject}/rejeter`,
    form: (_f, _a, accepted) => ({ motif: accepted ? 'Propos injurieux.' : '' }),
    expect: SERVICE_X('400'),
    accept: { actor: 'supervisor', outcome: '303 /agent/experiences/' },
  },
  {
    method: 'POST',
    route: '/agent/experiences/:id/reponse',
    url: (f) => `/agent/experiences/${f.experiencePublished}/reponse`,
    form: (_f, _a, accepted) => ({ reponse: accepted ? 'Merci de votre message.' : '', signature: 'Le service' }),
    expect: SERVICE_X('400'),
    accept: { actor: 'agentX', outcome: '303 /agent/experiences/' },
  },
  {
    method: 'POST',
    route: '/agent/experiences/:id/actions',
    url: (f) => `/agent/experiences/${f.experiencePublished}/actions`,
    form: (f, _a, accepted) => ({ actions: accepted ? f.improvementAction : 'pas-une-action' }),
    expect: SERVICE_X('400'),
    accept: { actor: 'agentX', outcome: '303 /agent/experiences/' },
  },
  { method: 'GET', route: '/agent/actions-amelioration', expect: SUPERVISORS('200') },
  {
    method: 'POST',
    route: '/agent/actions-amelioration',
    form: (_f, _a, accepted) => ({ titre: accepted ? 'Ouvrir le samedi matin' : '', statut: 'prevue', service: '' }),
    expect: SUPERVISORS('400'),
    accept: { actor: 'admin', outcome: '303 /agent/actions-amelioration' },
  },
  {
    method: 'POST',
    route: '/agent/actions-amelioration/:id',
    url: (f) => `/agent/actions-amelioration/${f.improvementAction}`,
    form: (_f, _a, accepted) => ({ statut: accepted ? 'en_cours' : 'inconnu' }),
    expect: SUPERVISORS('400'),
    accept: { actor: 'supervisor', outcome: '303 /agent/actions-amelioration' },
  },

  // --- Complaints (réclamations): recorded by any agent, handled by the service, statistics for supervisors ---
  {
    method: 'GET',
    route: '/agent/reclamations',
    expect: ANY_STAFF('200'),
    note: 'each agent sees their services’ complaints',
  },
  { method: 'GET', route: '/agent/reclamations/nouvelle', expect: ANY_STAFF('200') },
  {
    method: 'POST',
    route: '/agent/reclamations/nouvelle',
    form: (f, _a, accepted) => ({
      service: f.serviceX,
      canal: 'telephone',
      objet: accepted ? 'Attente trop longue' : '',
      description: 'La personne attend depuis trois mois.',
      nom: 'Paul Martin',
    }),
    expect: ANY_STAFF('400'),
    accept: { actor: 'agentY', outcome: '303 /agent/reclamations/' },
    note: 'any agent records one, for any service: nobody is sent from door to door',
  },
  {
    method: 'GET',
    route: '/agent/reclamations/:id',
    url: (f) => `/agent/reclamations/${f.complaintX}`,
    expect: SERVICE_X('200'),
  },
  {
    method: 'POST',
    route: '/agent/reclamations/:id/accuse',
    url: (f) => `/agent/reclamations/${f.complaintX}/accuse`,
    form: (_f, _a, accepted) => ({ moyen: accepted ? 'telephone' : 'pigeon' }),
    expect: SERVICE_X('400'),
    accept: { actor: 'agentX', outcome: '303 /agent/reclamations/' },
  },
  {
    method: 'POST',
    route: '/agent/reclamations/:id/escalade',
    url: (f) => `/agent/reclamations/${f.complaintX}/escalade`,
    form: (_f, _a, accepted) => ({ motif: accepted ? 'La personne conteste.' : '' }),
    expect: SERVICE_X('400'),
    accept: { actor: 'supervisor', outcome: '303 /agent/reclamations/' },
  },
  {
    method: 'POST',
    route: '/agent/reclamations/:id/decision',
    url: (f) => `/agent/reclamations/${f.complaintX}/decision`,
    form: (_f, _a, accepted) => ({
      cause: 'delai',
      decision: 'fondee',
      reponse: accepted ? 'Votre dossier est traité, avec nos excuses.' : '',
    }),
    expect: SERVICE_X('400'),
    accept: { actor: 'supervisor', outcome: '303 /agent/reclamations/' },
  },
  { method: 'GET', route: '/agent/admin/reclamations', expect: SUPERVISORS('200') },
  { method: 'GET', route: '/agent/admin/reclamations.csv', expect: SUPERVISORS('200') },
  {
    method: 'POST',
    route: '/agent/admin/reclamations/delai',
    form: (_f, _a, accepted) => ({ jours: accepted ? '30' : '0' }),
    expect: ADMIN_ONLY('400'),
    accept: { actor: 'admin', outcome: '303 /agent/admin/reclamations' },
    note: 'the announced answer time: administrators',
  },

  // --- Satisfaction survey: the link's token or the tablet's secret is the capability (decision 35) ---
  { method: 'GET', route: '/avis/merci', expect: everyone('200') },
  { method: 'GET', route: '/avis/:token', url: (f) => `/avis/${f.surveyToken}`, expect: everyone('200') },
  {
    method: 'POST',
    route: '/avis/:token',
    url: (f) => `/avis/${f.surveyToken}`,
    form: (_f, _a, accepted) => ({ satisfaction: accepted ? '4' : '', commentaire: '' }),
    expect: everyone('400'),
    accept: { actor: 'anonymous', outcome: '303 /avis/merci' },
    note: 'no account needed; the overall question left out: 400',
  },
  {
    method: 'GET',
    route: '/avis/assistant/:id',
    url: (f) => `/avis/assistant/${f.conversation}`,
    expect: everyone('303 /avis/'),
  },
  { method: 'GET', route: '/avis/borne/:secret', url: (f) => `/avis/borne/${f.kioskSecret}`, expect: everyone('200') },
  {
    method: 'POST',
    route: '/avis/borne/:secret',
    url: (f) => `/avis/borne/${f.kioskSecret}`,
    form: (_f, _a, accepted) => ({ satisfaction: accepted ? '5' : '', commentaire: '' }),
    expect: everyone('400'),
    accept: { actor: 'anonymous', outcome: '303 /avis/borne/' },
    note: 'a tablet in the hall: anyone present answers',
  },
  {
    method: 'GET',
    route: '/agent/demandes/:reference/avis',
    url: (f) => `/agent/demandes/${f.reference}/avis`,
    expect: SERVICE_X('200'),
  },
  { method: 'GET', route: '/agent/admin/bornes', expect: ADMIN_ONLY('200') },
  {
    method: 'POST',
    route: '/agent/admin/bornes',
    form: (_f, _a, accepted) => ({ nom: accepted ? 'Tablette de la matrice' : '', service: '' }),
    expect: ADMIN_ONLY('400'),
    accept: { actor: 'admin', outcome: '200' },
    note: 'the new address is shown once, on the page that answers the post',
  },
  {
    method: 'POST',
    route: '/agent/admin/bornes/:id/retirer',
    url: (f) => `/agent/admin/bornes/${f.kioskToRevoke}/retirer`,
    expect: ADMIN_ONLY('303 /agent/admin/bornes'),
  },

  // --- « Nos résultats »: public, read from the published documents; the supervisors' dashboard ---
  { method: 'GET', route: '/resultats', expect: everyone('200') },
  {
    method: 'GET',
    route: '/resultats/services/:slug',
    url: () => '/resultats/services/etat-civil',
    expect: everyone('200'),
  },
  {
    method: 'GET',
    route: '/resultats/lieux/:id',
    url: (f) => `/resultats/lieux/${f.counter.siteId}`,
    expect: everyone('200'),
  },
  { method: 'GET', route: '/resultats/donnees.csv', expect: everyone('200') },
  { method: 'GET', route: '/resultats/donnees.json', expect: everyone('200') },
  { method: 'GET', route: '/agent/admin/resultats', expect: SUPERVISORS('200') },
  {
    method: 'GET',
    route: '/agent/admin/resultats/detail',
    url: () => '/agent/admin/resultats/detail?indicateur=satisfaction',
    expect: SUPERVISORS('200'),
  },
  {
    method: 'GET',
    route: '/agent/admin/resultats/detail.csv',
    url: () => '/agent/admin/resultats/detail.csv?indicateur=delais',
    expect: SUPERVISORS('200'),
  },
  { method: 'GET', route: '/agent/appels-manques', expect: ANY_STAFF('200') },
  {
    method: 'POST',
    route: '/agent/appels-manques',
    form: (f, _a, accepted) => ({ jour: '2026-01-05', appels: accepted ? '3' : '', service: f.serviceX }),
    expect: ANY_STAFF('400'),
    accept: { actor: 'agentX', outcome: '303 /agent/appels-manques' },
    note: 'agents of the service; agent Y, not of service X, is refused by the form (400)',
  },
  // The administrators' appointment settings: sites, opening hours, closures (typed or .ics), motifs.
  { method: 'GET', route: '/agent/admin/rendez-vous', expect: ADMIN_ONLY('200') },
  {
    method: 'POST',
    route: '/agent/admin/rendez-vous/lieux',
    form: (_f, _a, accepted): Fields => ({
      nom: accepted ? 'Lieu de la matrice' : '',
      type: 'annexe',
      adresse: '2 rue de la Matrice',
      nombre_guichets: '1',
    }),
    expect: ADMIN_ONLY('400'),
    accept: { actor: 'admin', outcome: '303 /agent/admin/rendez-vous?fait=lieu' },
  },
  {
    method: 'POST',
    route: '/agent/admin/rendez-vous/horaires',
    form: (f, _a, accepted): Fields => ({
      guichet: f.appt.settingsResource,
      jours: '6',
      ouverture: accepted ? '09:00' : '',
      fermeture: '10:00',
    }),
    expect: ADMIN_ONLY('400'),
    accept: { actor: 'admin', outcome: '303 /agent/admin/rendez-vous?fait=horaires' },
  },
  {
    method: 'POST',
    route: '/agent/admin/rendez-vous/horaires/:id/supprimer',
    url: (f) => `/agent/admin/rendez-vous/horaires/${f.appt.settingsPeriod}/supprimer`,
    expect: ADMIN_ONLY('303 /agent/admin/rendez-vous?fait=horaires-supprimes'),
  },
  {
    method: 'POST',
    route: '/agent/admin/rendez-vous/fermetures',
    form: (_f, _a, accepted): Fields => ({ du: accepted ? '2099-05-07' : '', libelle: 'Pont de la matrice' }),
    expect: ADMIN_ONLY('400'),
    accept: { actor: 'admin', outcome: '303 /agent/admin/rendez-vous?fait=fermeture' },
  },
  {
    method: 'POST',
    route: '/agent/admin/rendez-vous/fermetures/import',
    files: (_f, _a, accepted) =>
      accepted
        ? [
            {
              field: 'fichier',
              filename: 'fermetures.ics',
              type: 'text/calendar',
              // A day ahead within the import horizon: a file with nothing ahead is refused (400).
              data: Buffer.from(
                `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Matrice//FR\r\nBEGIN:VEVENT\r\nUID:matrice\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:${new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '')}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`,
              ),
            },
          ]
        : [],
    expect: ADMIN_ONLY('400'),
    accept: { actor: 'admin', outcome: '303 /agent/admin/rendez-vous?fait=import' },
    note: 'multipart; without a file: 400',
  },
  {
    method: 'POST',
    route: '/agent/admin/rendez-vous/fermetures/:id/supprimer',
    url: (f) => `/agent/admin/rendez-vous/fermetures/${f.appt.settingsClosure}/supprimer`,
    expect: ADMIN_ONLY('303 /agent/admin/rendez-vous?fait=fermeture-supprimee'),
  },
  {
    method: 'POST',
    route: '/agent/admin/rendez-vous/motifs',
    form: (f, _a, accepted): Fields => ({
      demarche: f.appt.settingsDemarche,
      intitule: accepted ? 'Motif de la matrice' : '',
      duree: '20',
      battement: '0',
      capacite: '1',
      mode: 'site',
      delai_min: '30',
      horizon: '90',
      annulation: '4',
      guichets: f.appt.settingsResource,
    }),
    expect: ADMIN_ONLY('400'),
    accept: { actor: 'admin', outcome: '303 /agent/admin/rendez-vous?fait=motif' },
  },
];

function key(method: string, route: string): string {
  return `${method} ${route}`;
}

describe(`route × actor matrix (${TEST_DB})`, () => {
  let ctx: TestContext;
  let app: FastifyInstance;
  const registered: { method: string; url: string }[] = [];
  let fx: Fixtures;
  const csrfCookie = newCsrfCookieValue();
  let csrf = '';
  /** Opens a new session for an HTTP actor and returns its session cookie ('' for anonymous). */
  let sessionFor: (actor: HttpActor) => Promise<string>;
  const shared = new Map<HttpActor, string>();
  const observed = new Map<string, Partial<Record<ActorName, string>>>();
  let address = 0;

  before(async () => {
    ctx = await createTestContext();
    // A second app on the same services, told of every route as it is registered.
    app = await createApp(ctx.services, {
      logger: false,
      onRoute: (r) => registered.push({ method: [r.method].flat().join(','), url: r.url }),
    });
    await app.ready();
    csrf = csrfTokenFor(ctx.config.sessionSecret, csrfCookie);
    const q = ctx.database.ownerQuery;
    const tenantId = ctx.tenantId;
    const password = 'motdepasse-solide-42';

    const otherTenant = await createTenant(q, {
      name: 'Autreville',
      slug: 'autreville',
      hosts: ['autreville.localhost'],
    });
    const agentIds = {
      agentX: await insertAgent(ctx.database, tenantId, {
        email: 'matrice.x@villebelle.example',
        password,
        serviceSlugs: ['etat-civil'],
      }),
      agentY: await insertAgent(ctx.database, tenantId, {
        email: 'matrice.y@villebelle.example',
        password,
        serviceSlugs: ['voirie-proprete'],
      }),
      supervisor: await insertAgent(ctx.database, tenantId, {
        email: 'matrice.chef@villebelle.example',
        password,
        role: 'supervisor',
        serviceSlugs: ['etat-civil'],
      }),
      admin: await insertAgent(ctx.database, tenantId, {
        email: 'matrice.admin@villebelle.example',
        password,
        role: 'admin',
      }),
    };
    const otherAdmin = await insertAgent(ctx.database, otherTenant, {
      email: 'admin@autreville.example',
      password,
      role: 'admin',
    });
    const spareAgentId = await insertAgent(ctx.database, tenantId, {
      email: 'matrice.z@villebelle.example',
      password,
      serviceSlugs: ['etat-civil'],
    });

    const citizen = async (email: string) =>
      String(
        (
          await q(
            `insert into citizens (tenant_id, email, email_verified_at, given_name, family_name) values ($1, $2, now(), 'Usager', $3) returning id`,
            [tenantId, email, email],
          )
        ).rows[0]!.id,
      );
    const citizenA = await citizen('usager.a@example.org');
    const citizenB = await citizen('usager.b@example.org');
    await q(`update citizens set password_hash = $1 where tenant_id = $2 and id = $3`, [
      await hashPassword(password),
      tenantId,
      citizenB,
    ]);
    const citizenC = await citizen('usager.c@example.org');

    const demarche = await q(
      `select d.slug, s.id as service_id from demarches d join services s on s.tenant_id = d.tenant_id and s.id = d.service_id
        where d.tenant_id = $1 and s.slug = 'etat-civil' and d.form is not null order by d.slug limit 1`,
      [tenantId],
    );
    const demarcheX = String(demarche.rows[0]!.slug);
    const serviceX = String(demarche.rows[0]!.service_id);
    const request = await insertRequest(ctx.database, tenantId, {
      demarcheSlug: demarcheX,
      applicantEmail: 'usager.a@example.org',
    });
    const code = generateTrackingSecret();
    // A reference from the application's own generator: the factory's alphabet is wider than the
    // one references are checked against, and a reference must be valid on every route.
    const prefix = String(
      (await q(`select reference_prefix from tenants where id = $1`, [tenantId])).rows[0]!.reference_prefix,
    );
    const reference = generateReference(prefix, 2026);
    await q(
      `update requests set citizen_id = $1, tracking_secret_hash = $2, reference = $3 where tenant_id = $4 and id = $5`,
      [citizenA, hashTrackingSecret(code), reference, tenantId, request.id],
    );
    const toTransfer = await insertRequest(ctx.database, tenantId, { demarcheSlug: demarcheX });
    const transferReference = generateReference(prefix, 2026);
    await q(`update requests set reference = $1 where tenant_id = $2 and id = $3`, [
      transferReference,
      tenantId,
      toTransfer.id,
    ]);
    const serviceY = String(
      (await q(`select id from services where tenant_id = $1 and slug = 'voirie-proprete'`, [tenantId])).rows[0]!.id,
    );
    const documentId = await insertDocument(ctx.database, tenantId, request.id, {
      filename: 'justificatif.pdf',
      mimeType: 'application/pdf',
      content: Buffer.from('%PDF-1.4\n%%EOF\n'),
    });
    const consent = await q(
      `insert into consents (tenant_id, citizen_id, request_id, subject, wording, version, method)
       values ($1, $2, $3, 'accord_test', 'J’accepte d’être recontacté.', 'v1', 'form_checkbox') returning id`,
      [tenantId, citizenA, request.id],
    );
    const erasure = await q(
      `insert into erasure_requests (tenant_id, citizen_id, contact_email, citizen_name, service_ids, grounds)
       values ($1, $2, 'usager.c@example.org', 'Usager C', $3, 'Une demande d’état civil est en cours.') returning id`,
      [tenantId, citizenC, [serviceX]],
    );
    const lifeEvent = await q(
      `select e as slug from demarches, unnest(life_events) as e where tenant_id = $1 order by e limit 1`,
      [tenantId],
    );

    const now = () => ctx.services.clock.now();
    const citizenIds: Partial<Record<HttpActor, string>> = { citizenA, citizenB };
    sessionFor = async (actor) => {
      if (actor === 'anonymous') return '';
      if (actor === 'citizenA' || actor === 'citizenB') {
        const token = await inTenant(ctx.services.db, tenantId, (trx) =>
          openCitizenSession(trx, { tenantId, citizenId: citizenIds[actor]!, method: 'password', now: now() }),
        );
        return `guichet_citoyen=${token}`;
      }
      const [tenant, agentId] = actor === 'otherTenantAgent' ? [otherTenant, otherAdmin] : [tenantId, agentIds[actor]];
      const token = await inTenant(ctx.services.db, tenant, (trx) =>
        createSession(trx, tenant, agentId, now(), 'full'),
      );
      return `guichet_agent=${token}`;
    };
    for (const actor of HTTP_ACTORS) shared.set(actor, await sessionFor(actor));
    const resetToken = await inTenant(ctx.services.db, tenantId, (trx) =>
      issueToken(trx, { tenantId, citizenId: citizenC, purpose: 'reset_password', now: now() }),
    );
    const unconfirmed = await q(
      `insert into citizens (tenant_id, email, password_hash) values ($1, 'usager.d@example.org', $2) returning id`,
      [tenantId, await hashPassword(password)],
    );
    const verifyToken = await inTenant(ctx.services.db, tenantId, (trx) =>
      issueToken(trx, {
        tenantId,
        citizenId: String(unconfirmed.rows[0]!.id),
        purpose: 'verify_email',
        now: now(),
      }),
    );
    const invited = await insertAgent(ctx.database, tenantId, {
      email: 'matrice.invite@villebelle.example',
      password,
      serviceSlugs: ['etat-civil'],
    });
    await q(`update agents set password_hash = '' where tenant_id = $1 and id = $2`, [tenantId, invited]);
    const invitationToken = randomBytes(32).toString('base64url');
    await q(
      `insert into agent_invitations (tenant_id, agent_id, token_hash, expires_at) values ($1, $2, $3, now() + interval '1 day')`,
      [tenantId, invited, createHash('sha256').update(invitationToken).digest('hex')],
    );
    const agentResetToken = await inTenant(ctx.services.db, tenantId, (trx) =>
      issueAgentToken(trx, {
        tenantId,
        agentId: spareAgentId,
        purpose: 'password_reset',
        issuedBy: null,
        lifetimeMs: 60 * 60 * 1000,
        now: now(),
      }),
    );
    const otherA = await inTenant(ctx.services.db, tenantId, (trx) =>
      openCitizenSession(trx, { tenantId, citizenId: citizenA, method: 'password', now: now() }),
    );

    const template = async (serviceId: string | null) =>
      String(
        (
          await q(
            `insert into reply_templates (tenant_id, service_id, title, body) values ($1, $2, 'Modèle', 'Bonjour {{nom}},') returning id`,
            [tenantId, serviceId],
          )
        ).rows[0]!.id,
      );
    const templateX = await template(serviceX);
    const templateAll = await template(null);
    const tag = async (label: string) =>
      String(
        (await q(`insert into tags (tenant_id, label) values ($1, $2) returning id`, [tenantId, label])).rows[0]!.id,
      );
    const tagX = await tag('Matrice X');
    const tagToDelete = await tag('Matrice à supprimer');
    await q(`insert into request_tags (tenant_id, request_id, tag_id) values ($1, $2, $3)`, [
      tenantId,
      request.id,
      tagX,
    ]);
    const view = async (name: string) =>
      String(
        (
          await q(
            `insert into saved_views (tenant_id, agent_id, name, query) values ($1, $2, $3, 'vue=mes') returning id`,
            [tenantId, agentIds.agentX, name],
          )
        ).rows[0]!.id,
      );
    const viewX = await view('Vue X');
    const viewToDelete = await view('Vue X à supprimer');

    // Three records of one person: the request fixture's, one to merge, one merged already (undoable).
    const record = async () =>
      String(
        (
          await q(
            `insert into people (tenant_id, display_name, email) values ($1, 'Usager Matrice', 'fiche.matrice@example.org') returning id`,
            [tenantId],
          )
        ).rows[0]!.id,
      );
    const personX = await record();
    const personX2 = await record();
    const personX3 = await record();
    const toMove = await insertRequest(ctx.database, tenantId, { demarcheSlug: demarcheX });
    const moveReference = String(
      (await q(`select reference from requests where tenant_id = $1 and id = $2`, [tenantId, toMove.id])).rows[0]!
        .reference,
    );
    await q(`update requests set person_id = $1 where tenant_id = $2 and id = $3`, [personX, tenantId, request.id]);
    const merged = await inTenant(ctx.services.db, tenantId, (trx) =>
      mergePeople(trx, {
        actor: { kind: 'agent', tenantId, agentId: agentIds.admin, role: 'admin', serviceIds: [] },
        agentName: 'Admin',
        keptId: personX,
        mergedId: personX3,
        choices: {},
        ip: '127.0.0.1',
        now: now(),
      }),
    );
    if (!merged.ok) throw new Error(merged.message);
    const rule = async (position: number) =>
      String(
        (
          await q(
            `insert into routing_rules (tenant_id, position, name, channels, service_id) values ($1, $2, 'Règle', '{telephone}', $3) returning id`,
            [tenantId, position, serviceX],
          )
        ).rows[0]!.id,
      );
    const ruleX = await rule(1);
    const ruleToDelete = await rule(2);
    const consultation = async (audience: string, published: boolean) =>
      String(
        (
          await q(
            `insert into consultations (tenant_id, title, audience, opens_at, closes_at, published_at)
             values ($1, 'Consultation', $2, now() - interval '1 day', now() + interval '30 days', $3) returning id`,
            [tenantId, audience, published ? new Date() : null],
          )
        ).rows[0]!.id,
      );
    const consultationQuestion = async (consultationId: string, position: number) =>
      String(
        (
          await q(
            `insert into consultation_questions (tenant_id, consultation_id, position, kind, label, required, options)
             values ($1, $2, $3, 'single', 'Venez-vous ?', true, '{Oui,Non}') returning id`,
            [tenantId, consultationId, position],
          )
        ).rows[0]!.id,
      );
    const consultationDraft = await consultation('public', false);
    const consultationDraftQuestion = await consultationQuestion(consultationDraft, 1);
    const consultationQuestionToDelete = await consultationQuestion(consultationDraft, 2);
    const consultationOpen = await consultation('public', false);
    const consultationOpenQuestion = await consultationQuestion(consultationOpen, 1);
    await q('update consultations set published_at = now() where id = $1', [consultationOpen]);
    const consultationInvited = await consultation('invited', true);
    const experience = async (status: string) =>
      String(
        (
          await q(
            `insert into experiences (tenant_id, tone, title, story, service_id, masked_title, masked_story, status,
               published_title, published_story, moderated_at)
             values ($1, 'positive', 'Accueil', 'Bien reçu.', $2, 'Accueil', 'Bien reçu.', $3,
               case when $3 = 'publiee' then 'Accueil' end, case when $3 = 'publiee' then 'Bien reçu.' end,
               case when $3 = 'publiee' then now() end) returning id`,
            [tenantId, serviceX, status],
          )
        ).rows[0]!.id,
      );
    const experienceToPublish = await experience('a_moderer');
    const experienceToReject = await experience('a_moderer');
    const experiencePublished = await experience('publiee');
    const improvementAction = String(
      (await q(`insert into improvement_actions (tenant_id, title) values ($1, 'Action') returning id`, [tenantId]))
        .rows[0]!.id,
    );
    const complaintX = String(
      (
        await q(
          `insert into complaints (tenant_id, reference, request_id, service_id, channel, subject, description,
             acknowledge_by, answer_due_on)
           values ($1, 'REC-2026-MATRIX', $2, $3, 'demande', 'Trop long', 'Trois mois d’attente.', now() + interval '2 days',
             current_date + 30) returning id`,
          [tenantId, request.id, serviceX],
        )
      ).rows[0]!.id,
    );
    const demarcheXId = String(
      (await q(`select id from demarches where tenant_id = $1 and slug = $2`, [tenantId, demarcheX])).rows[0]!.id,
    );
    const adminAbsence = String(
      (
        await q(
          `insert into agent_absences (tenant_id, agent_id, starts_on, ends_on) values ($1, $2, '2099-01-01', '2099-01-02') returning id`,
          [tenantId, agentIds.admin],
        )
      ).rows[0]!.id,
    );

    const kbDraft = await inTenant(ctx.services.db, tenantId, async (trx) => {
      const saved = await saveArticle(trx, {
        tenantId,
        demarcheId: null,
        baseVersion: null,
        title: 'Brouillon de la matrice',
        summary: 'Un résumé.',
        bodyMarkdown: '## En bref\n\nUn texte.',
        keywords: [],
        serviceId: serviceX,
        audience: 'public',
        note: '',
        authorId: agentIds.agentX,
        now: now(),
      });
      if (!saved.ok) throw new Error('kbDraft');
      return saved.value.demarcheId;
    });
    const kbFile = String(
      (
        await q(
          `insert into article_attachments (tenant_id, demarche_id, filename, mime_type, size_bytes, sha256, content)
           values ($1, $2, 'fiche.pdf', 'application/pdf', 15, 'x', $3) returning id`,
          [tenantId, demarcheXId, Buffer.from('%PDF-1.4\n%%EOF\n')],
        )
      ).rows[0]!.id,
    );
    const kbLinked = String(
      (await q(`select id from demarches where tenant_id = $1 and service_id = $2 limit 1`, [tenantId, serviceY]))
        .rows[0]!.id,
    );
    await q(
      `insert into article_links (tenant_id, first_id, second_id) values ($1, least($2::uuid, $3::uuid), greatest($2::uuid, $3::uuid))`,
      [tenantId, demarcheXId, kbLinked],
    );

    const conversation = 'matrixConversation0000001';
    const agentConversation = 'matrixAgentConversation01';
    await q(
      `insert into assistant_conversations (tenant_id, id, audience, messages) values
         ($1, $2, 'public', '[{"role":"question","text":"Combien coûte un passeport ?","at":"2026-01-01T00:00:00Z"}]'),
         ($1, $3, 'agent', '[{"role":"question","text":"passeport","at":"2026-01-01T00:00:00Z"}]')`,
      [tenantId, conversation, agentConversation],
    );

    const survey = await inTenant(ctx.services.db, tenantId, async (trx) => {
      const link = await inviteToSurvey(trx, {
        tenantId,
        sessionSecret: ctx.config.sessionSecret,
        baseUrl: '',
        linkDays: 30,
        now: now(),
        interaction: 'request',
        channel: 'en-ligne',
        requestId: request.id,
        serviceId: serviceX,
      });
      const kiosk = await createKiosk(trx, { tenantId, name: 'Accueil', serviceId: null, siteId: null });
      const spare = await createKiosk(trx, { tenantId, name: 'Tablette à retirer', serviceId: null, siteId: null });
      if (!link || !kiosk.ok || !spare.ok) throw new Error('survey fixtures');
      const toRevoke = await trx
        .selectFrom('survey_kiosks')
        .select('id')
        .where('name', '=', 'Tablette à retirer')
        .executeTakeFirstOrThrow();
      return { token: link.token, kioskSecret: kiosk.value.secret, kioskToRevoke: toRevoke.id };
    });

    fx = {
      experienceToPublish,
      experienceToReject,
      experiencePublished,
      improvementAction,
      complaintX,
      surveyToken: survey.token,
      kioskSecret: survey.kioskSecret,
      kioskToRevoke: survey.kioskToRevoke,
      consultationDraft,
      consultationDraftQuestion,
      consultationQuestionToDelete,
      consultationOpen,
      consultationOpenQuestion,
      consultationInvited,
      appt: await appointmentFixtures(ctx),
      counter: await counterFixtures(ctx),
      kbDraft,
      kbFile,
      kbLinked,
      conversation,
      agentConversation,
      transferReference,
      serviceY,
      templateX,
      templateAll,
      tagX,
      tagToDelete,
      viewX,
      viewToDelete,
      personX,
      personX2,
      moveReference,
      mergeX: merged.mergeId,
      demarcheXId,
      agentXId: agentIds.agentX,
      ruleX,
      ruleToDelete,
      adminAbsence,
      reference,
      code,
      documentId,
      consentId: String(consent.rows[0]!.id),
      demarcheX,
      serviceX,
      lifeEvent: String(lifeEvent.rows[0]?.slug ?? 'je-demenage'),
      erasureId: String(erasure.rows[0]!.id),
      spareAgentId,
      citizenAOtherSession: citizenSessionIdFor(otherA),
      resetToken,
      verifyToken,
      invitationToken,
      agentResetToken,
      agentXEmail: 'matrice.x@villebelle.example',
      password,
    };
  });

  after(async () => {
    await app?.close();
    await ctx?.close();
  });

  async function send(row: Row, actor: HttpActor, cookie: string, accepted: boolean) {
    const cookies = [`guichet_csrf=${csrfCookie}`, cookie].filter(Boolean).join('; ');
    address += 1;
    // Each request from its own address: the rate limits are per address and this is not an attack.
    const remoteAddress = `10.77.${Math.floor(address / 250) % 250}.${(address % 250) + 1}`;
    const url = row.url ? row.url(fx) : row.route;
    const headers: Record<string, string> = { host: 'localhost', cookie: cookies, ...(row.headers?.(fx) ?? {}) };
    if (row.method === 'GET') return app.inject({ method: 'GET', url, headers, remoteAddress });
    if (row.json) {
      return app.inject({ method: 'POST', url, headers, remoteAddress, payload: row.json(fx) as object });
    }
    const { payload, contentType } = await encodeForm(
      { _csrf: csrf, ...(row.form?.(fx, actor, accepted) ?? {}) },
      row.files?.(fx, actor, accepted) ?? [],
    );
    return app.inject({
      method: 'POST',
      url,
      headers: { ...headers, 'content-type': contentType },
      remoteAddress,
      payload,
    });
  }

  function outcomeOf(res: { statusCode: number; headers: Record<string, unknown> }, expected: Outcome): string {
    const status = String(res.statusCode);
    if (!expected.includes(' ')) return status;
    const location = String(res.headers.location ?? '').replace(/^https?:\/\/[^/]+/, '');
    const prefix = expected.slice(expected.indexOf(' ') + 1);
    return location.startsWith(prefix) ? expected : `${status} ${location}`;
  }

  test('every registered route has a row, and every row a registered route', () => {
    const routes = new Set<string>();
    for (const r of registered) {
      for (const m of r.method.split(',')) {
        // Fastify adds a HEAD route for each GET: it answers like the GET, covered by the GET row.
        if (m === 'HEAD' && registered.some((o) => o.url === r.url && o.method.split(',').includes('GET'))) continue;
        routes.add(key(m, r.url));
      }
    }
    const rows = new Set(MATRIX.map((r) => key(r.method, r.route)));
    assert.equal(rows.size, MATRIX.length, 'a route has two rows');
    const missing = [...routes].filter((r) => !rows.has(r));
    assert.deepEqual(missing, [], `registered routes missing from the matrix: ${missing.join(', ')}`);
    const stale = [...rows].filter((r) => !routes.has(r));
    assert.deepEqual(stale, [], `rows for routes that are not registered: ${stale.join(', ')}`);
  });

  test('GET routes: each actor gets what the matrix says', async () => {
    const failures: string[] = [];
    for (const row of MATRIX.filter((r) => r.method === 'GET')) {
      const seen: Partial<Record<ActorName, string>> = {};
      for (const actor of HTTP_ACTORS) {
        const res = await send(row, actor, shared.get(actor)!, false);
        const got = outcomeOf(res, row.expect[actor]);
        seen[actor] = got;
        if (got !== row.expect[actor])
          failures.push(`${key(row.method, row.route)} as ${actor}: expected ${row.expect[actor]}, got ${got}`);
      }
      observed.set(key(row.method, row.route), seen);
    }
    assert.deepEqual(failures, []);
  });

  test('POST routes: refused to those not allowed, accepted for an allowed actor (valid CSRF)', async () => {
    const failures: string[] = [];
    for (const row of MATRIX.filter((r) => r.method === 'POST')) {
      const seen: Partial<Record<ActorName, string>> = {};
      // A fresh session for each request: logging out or revoking must not end the shared ones.
      for (const actor of HTTP_ACTORS) {
        if (row.accept?.actor === actor) continue;
        const res = await send(row, actor, await sessionFor(actor), false);
        const got = outcomeOf(res, row.expect[actor]);
        seen[actor] = got;
        if (got !== row.expect[actor])
          failures.push(`${key(row.method, row.route)} as ${actor}: expected ${row.expect[actor]}, got ${got}`);
      }
      if (row.accept) {
        const { actor, outcome } = row.accept;
        const res = await send(row, actor, await sessionFor(actor), true);
        const got = outcomeOf(res, outcome);
        seen[actor] = got === outcome ? `${outcome} ✓` : got;
        if (got !== outcome)
          failures.push(`${key(row.method, row.route)} accepted for ${actor}: expected ${outcome}, got ${got}`);
      }
      observed.set(key(row.method, row.route), seen);
    }
    assert.deepEqual(failures, []);
    // Each POST row was accepted for somebody: no state-changing route is refused to everyone.
    for (const row of MATRIX.filter((r) => r.method === 'POST')) {
      const seen = observed.get(key(row.method, row.route))!;
      assert.ok(
        Object.values(seen).some((o) => /^(2\d\d|303)/.test(o!)),
        `${key(row.method, row.route)}: no actor was accepted`,
      );
    }
  });

  test('the other tenant’s agent holds a valid session: on its own host it is signed in', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/agent/demandes',
      headers: { host: 'autreville.localhost', cookie: shared.get('otherTenantAgent')! },
    });
    assert.equal(res.statusCode, 200);
  });

  test('without the CSRF token, a POST is refused even for an allowed actor', async () => {
    const res = await app.inject({
      method: 'POST',
      url: `/agent/demandes/${fx.reference}/notes`,
      headers: {
        host: 'localhost',
        cookie: `guichet_csrf=${csrfCookie}; ${await sessionFor('agentX')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: 'note=Sans+jeton',
    });
    assert.equal(res.statusCode, 403);
  });

  test('the operator has no HTTP identity and can() grants it nothing', () => {
    const operator: Actor = { kind: 'operator' };
    for (const action of allActions()) {
      assert.equal(can(operator, action, sampleResource(action, ctx.tenantId)), false, `operator may ${action}`);
    }
  });

  after(() => {
    if (process.env.WRITE_MATRIX !== '1' || TEST_DB !== 'pglite') return;
    writeMatrix(observed);
  });
});

function writeMatrix(observed: Map<string, Partial<Record<ActorName, string>>>) {
  const header = `| route | ${ACTORS.map((a) => ACTOR_LABELS[a]).join(' | ')} | note |`;
  const lines = MATRIX.map((row) => {
    const seen = observed.get(key(row.method, row.route)) ?? {};
    const cells = ACTORS.map((a) =>
      a === 'operator' ? '—' : (seen[a] ?? '?').replace(/ \/[^ ]*/, (m) => ` →${m.trim()}`),
    );
    return `| \`${row.method} ${row.route}\` | ${cells.join(' | ')} | ${row.note ?? ''} |`;
  });
  const doc = [
    '# Authorisation matrix',
    '',
    'Generated by `test/authorization/route-matrix.test.ts` (`WRITE_MATRIX=1 npm test -- route-matrix`): every route the',
    'server registers, requested by each actor through `app.inject` on the Villebelle demo. Do not edit by hand.',
    '',
    'Actors: anonymous; citizens A (owns the request used in the URLs) and B; agents of service X (état civil) and',
    'Y (voirie-propreté); an admin of another tenant (Autreville) sending its cookie to Villebelle; the supervisor of',
    'service X; Villebelle’s administrator; the platform operator. Rules: `src/platform/policy.ts` and the',
    '`policy.ts` of each module; the reasons are in `docs/decisions/0006-authorisation-policies.md`.',
    '',
    'Cells: HTTP status, `→/path` for a redirect. `✓` marks the allowed actor whose POST went through with its effects;',
    'other allowed actors sent an invalid form (400: past the policy, nothing changed). `—`: the operator has no',
    'session on tenant sites (no HTTP identity); the test checks through `can()` that no rule grants it anything.',
    'HEAD routes answer like their GET.',
    '',
    header,
    `| --- | ${ACTORS.map(() => '---').join(' | ')} | --- |`,
    ...lines,
    '',
  ].join('\n');
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'authorisation.md');
  writeFileSync(file, doc);
}
