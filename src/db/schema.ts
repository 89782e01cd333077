import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Table types, kept in one place. Dates of type `date` come back as 'YYYY-MM-DD' strings. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export type RequestStatus = 'recue' | 'en_cours' | 'en_attente_usager' | 'traitee' | 'refusee';
export type AgentRole = 'agent' | 'supervisor' | 'admin';
export type RequestEventKind =
  | 'submitted'
  | 'status_changed'
  | 'citizen_message'
  | 'agent_message'
  | 'internal_note'
  /** The first event of an item opened by an email: the message (modules/inbound-mail). */
  | 'email_received'
  /** Taken in hand, given to someone, put back in the queue (agents only). */
  | 'assigned'
  /** The due date moved by the time the item waited for the citizen (agents only). */
  | 'deadline_extended'
  /** Sent to another service, with the reason (agents only). */
  | 'transferred'
  /** Sent to a service by a routing rule (agents only). */
  | 'routed'
  /** Raised to the service's supervisors, with the reason (agents only). */
  | 'escalated'
  /** Tags added or removed (agents only). */
  | 'tags_changed'
  /** A text message sent to the citizen. */
  | 'sms_sent'
  /** Filed by an agent for the citizen (phone, counter). */
  | 'filed_on_behalf'
  /** The item moved to another citizen record (merge, undo, correction; agents only). */
  | 'person_changed'
  /** Its personal data removed (retention, erasure; agents only). */
  | 'anonymised';

/**
 * How an access or a change reached Guichet (the audit trail): a page of the site, the JSON API,
 * the tracking page (reference and code), an inbound mail, a background job.
 */
export type AuditChannel = 'web' | 'api' | 'tracking' | 'mail' | 'job';

export interface TenantContact {
  address?: string;
  postalCode?: string;
  city?: string;
  phone?: string;
  email?: string;
  openingHours?: string[];
  postalAddress?: string;
  franceServices?: { name: string; address: string; phone?: string; hours?: string }[];
  website?: string;
  /** RGAA conformity status published in the accessibility statement (default: non conforme). */
  accessibilityStatus?: 'totalement conforme' | 'partiellement conforme' | 'non conforme';
  /** Date of the last accessibility audit, if any (YYYY-MM-DD). */
  accessibilityAuditDate?: string;
  /** Director of publication named in the legal notice (default: the mayor, unnamed). */
  publicationDirector?: string;
  /** Hosting provider named in the legal notice, as declared by the collectivité. */
  hosting?: { name: string; address?: string; phone?: string; website?: string };
}
/** The data protection officer the collectivité designated; every field optional (privacy/dpo.ts). */
export interface TenantDpo {
  /** A person's name or a title ("Délégué à la protection des données du centre de gestion"). */
  name?: string;
  email?: string;
  /** Where to write, several lines. */
  postalAddress?: string;
}
export interface TenantTheme {
  primaryColor?: string;
  logoText?: string;
}

export interface TenantsTable {
  id: Generated<string>;
  tenant_id: ColumnType<string, never, never>;
  slug: string;
  name: string;
  kind: Generated<'commune' | 'intercommunalite' | 'departement' | 'region'>;
  insee_code: string | null;
  departement_code: string | null;
  departement_name: string | null;
  region_name: string | null;
  population: number | null;
  reference_prefix: string;
  contact: ColumnType<TenantContact, string | undefined, string>;
  theme: ColumnType<TenantTheme, string | undefined, string>;
  created_at: Generated<Date>;
  require_agent_2fa: Generated<boolean>;
  proconnect_sirets: ColumnType<string[], string[] | undefined, string[]>;
  proconnect_domains: ColumnType<string[], string[] | undefined, string[]>;
  dpo: ColumnType<TenantDpo, string | undefined, string>;
  /** Null: « Mairie de <name> » (see tenants/mail-sender.ts). */
  mail_sender_name: Generated<string | null>;
  /** Null: MAIL_FROM's address. */
  mail_sender_address: Generated<string | null>;
  /** Null: the contact address, if any. */
  mail_reply_to: Generated<string | null>;
  /** Null: <slug>@INBOUND_DOMAIN (inbound-mail/inbound-address.ts). */
  inbound_address: Generated<string | null>;
  /** Working days before a due date when the agents are warned (deadline.warning). */
  deadline_warning_days: Generated<number>;
  /** Personal data may reach the configured language model unmasked (assistant, decision 27). */
  llm_personal_data: Generated<boolean>;
  /** The tenant's SIRET: API Particulier's `recipient` (decision 31). Null: not set yet. */
  siret: Generated<string | null>;
  /** Calendar days a complaint is answered in, announced in its acknowledgement (complaints, decision 37). */
  complaint_answer_days: Generated<number>;
}

/** The tenant's own closing days, on top of public holidays: not working days in its deadlines. */
export interface TenantClosingDaysTable {
  tenant_id: string;
  /** 'YYYY-MM-DD' */
  day: string;
  label: Generated<string>;
}

/** An item open past its due date, or closed after it: one row per item and due date. */
export interface DeadlineBreachesTable {
  tenant_id: string;
  request_id: string;
  due_on: string;
  detected_at: Date;
  kind: 'closed_late' | 'overdue';
}

export interface TenantHostsTable {
  host: string;
  tenant_id: string;
}

export interface ServicesTable {
  tenant_id: string;
  id: Generated<string>;
  slug: string;
  name: string;
  description: Generated<string>;
  email: string | null;
  /** Appended to the service's replies to citizens; '' for none (migration 20261203125000). */
  reply_signature: Generated<string>;
  /** New items routed to the service go to its available agents in turn (requests/auto-assign.ts). */
  auto_assign: Generated<boolean>;
}

export interface DemarchesTable {
  tenant_id: string;
  id: Generated<string>;
  service_id: string;
  slug: string;
  /** 'contact': the internal démarche messages without a form land on (inbound mail). */
  kind: 'demarche' | 'information' | 'contact';
  title: string;
  summary: Generated<string>;
  sections: Json<Record<string, string>>;
  delay_days: number | null;
  channels: ColumnType<string[], string[] | undefined, string[]>;
  keywords: ColumnType<string[], string[] | undefined, string[]>;
  life_events: ColumnType<string[], string[] | undefined, string[]>;
  audience: Generated<'public' | 'internal'>;
  form: ColumnType<unknown, string | null | undefined, string | null>;
  search_text: Generated<string>;
  /** Title and keywords in the guichet_fr_kb configuration (trigger): the suggestions' index. */
  suggest_vector: Generated<string | null>;
  updated_at: Generated<Date>;
  /** Months a closed request keeps its personal data (privacy module's retention job). */
  retention_months: Generated<number>;
  /** Null while « à vérifier » (copied from the model catalogue): citizens do not see it. */
  published_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The page's readability report (migration 20261203141000; null: analysed when read). */
  readability: ColumnType<unknown, string | null | undefined, string | null>;
}

export interface AgentsTable {
  tenant_id: string;
  id: Generated<string>;
  email: string;
  display_name: string;
  password_hash: string;
  role: Generated<AgentRole>;
  active: Generated<boolean>;
  created_at: Generated<Date>;
  last_login_at: Date | null;
  totp_secret_encrypted: Generated<string | null>;
  totp_enabled_at: Generated<Date | null>;
  totp_last_step: ColumnType<string | null, string | number | null | undefined, string | number | null>;
}

export interface AgentServicesTable {
  tenant_id: string;
  agent_id: string;
  service_id: string;
  /** When the agent last received an item of this service by round-robin (null: never). */
  last_auto_assigned_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** A routing rule: the first active one whose conditions all hold sends a new item to its service. */
export interface RoutingRulesTable {
  tenant_id: string;
  id: Generated<string>;
  position: number;
  name: string;
  active: Generated<boolean>;
  demarche_ids: ColumnType<string[], string[] | undefined, string[]>;
  /** LIFE_EVENTS slugs (catalogue/taxonomy.ts). */
  themes: ColumnType<string[], string[] | undefined, string[]>;
  keywords: ColumnType<string[], string[] | undefined, string[]>;
  /** Postcodes or commune and district names. */
  places: ColumnType<string[], string[] | undefined, string[]>;
  channels: ColumnType<string[], string[] | undefined, string[]>;
  service_id: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** An agent's absence, both days included ('YYYY-MM-DD'). */
export interface AgentAbsencesTable {
  tenant_id: string;
  id: Generated<string>;
  agent_id: string;
  starts_on: string;
  ends_on: string;
  reason: Generated<string>;
  declared_by: string | null;
  created_at: Generated<Date>;
}

export interface AgentSessionsTable {
  tenant_id: string;
  id: string;
  agent_id: string;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  expires_at: Timestamp;
  stage: Generated<AgentSessionStage>;
  failed_codes: Generated<number>;
  /** ProConnect sessions: the provider's ID token, for id_token_hint at logout. */
  id_token: string | null;
}

export type AgentSessionStage = 'full' | 'second_factor' | 'enrolment';

export interface AgentRecoveryCodesTable {
  tenant_id: string;
  agent_id: string;
  code_hash: string;
  created_at: Generated<Date>;
  used_at: Date | null;
}

export interface AgentInvitationsTable {
  tenant_id: string;
  id: Generated<string>;
  agent_id: string;
  token_hash: string;
  invited_by: string | null;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  used_at: Date | null;
  purpose: Generated<AgentTokenPurpose>;
}

export type AgentTokenPurpose = 'invitation' | 'password_reset';

export interface RequestsTable {
  tenant_id: string;
  id: Generated<string>;
  reference: string;
  demarche_id: string;
  service_id: string;
  status: Generated<RequestStatus>;
  channel: Generated<string>;
  data: Json<Record<string, unknown>>;
  applicant_name: string | null;
  applicant_email: string | null;
  applicant_phone: string | null;
  tracking_secret_hash: string;
  /** The code sealed for links in later mails (decision 13); null before, and once anonymised. */
  tracking_secret_sealed: Generated<string | null>;
  submitted_at: Generated<Date>;
  due_on: string;
  updated_at: Generated<Date>;
  closed_at: Date | null;
  anonymised_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  citizen_id: ColumnType<string | null, string | null | undefined, string | null>;
  identity_source: ColumnType<'franceconnect' | null, 'franceconnect' | null | undefined, 'franceconnect' | null>;
  /** The agent who has the item in hand; null: nobody yet. */
  assigned_agent_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Bumped by every timeline event (trigger) and every change of assignment: against silent overwrites. */
  revision: Generated<number>;
  /** When the citizen last wrote (trigger on request_events). */
  citizen_activity_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Since when the item waits for the citizen: its deadline clock is paused (requests/deadline-clock.ts). */
  waiting_since: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The request's words for the agents' search, kept by a trigger (migration 20261203123000). */
  search_vector: ColumnType<string | null, never, never>;
  /** The citizen record the item concerns (people); null: nobody known, or anonymised. */
  person_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The agent who filed the démarche for the citizen (phone, counter); null: the citizen did. */
  filed_by_agent_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Raised to the service's supervisors (requests/escalate-request.ts); null once dealt with. */
  escalated_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** When each agent last opened each item: what makes an item unread for them. */
export interface RequestReadsTable {
  tenant_id: string;
  request_id: string;
  agent_id: string;
  read_at: Date;
}

export interface RequestEventsTable {
  tenant_id: string;
  id: Generated<string>;
  request_id: string;
  kind: RequestEventKind;
  status_from: RequestStatus | null;
  status_to: RequestStatus | null;
  body: Generated<string>;
  author_kind: 'citizen' | 'agent' | 'system';
  author_agent_id: string | null;
  visible_to_citizen: boolean;
  created_at: Generated<Date>;
  /** The body's words for the agents' search (generated column). */
  search_vector: ColumnType<string | null, never, never>;
  /** Set by a trigger from the author when an insert does not say it. */
  channel: Generated<AuditChannel>;
  /** An agent's message: its readability summary (migration 20261203141000); null otherwise. */
  readability: ColumnType<unknown, string | null | undefined, never>;
}

export interface RequestDocumentsTable {
  tenant_id: string;
  id: Generated<string>;
  request_id: string;
  event_id: string | null;
  field_name: string | null;
  filename: string;
  mime_type: string;
  size_bytes: number;
  sha256: string;
  content: Buffer;
  created_at: Generated<Date>;
  /** The agent who attached it to a reply; null: the citizen's (a form, a message, an email). */
  author_agent_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface MailOutboxTable {
  tenant_id: string;
  id: Generated<string>;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  request_id: string | null;
  status: Generated<'pending' | 'sent' | 'failed' | 'expired'>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Generated<Date>;
  next_attempt_at: Generated<Date>;
  sent_at: Date | null;
  /** Set while a sender holds the row; an expired claim can be taken again. */
  claimed_until: Generated<Date | null>;
  /** The local part of the mail's Message-ID, <message_id@domain> (threading, bounces). */
  message_id: Generated<string>;
  /** Null: the tenant's Reply-To (platform/mail-sender.ts). */
  reply_to: Generated<string | null>;
  /** Extra headers: Auto-Submitted, In-Reply-To, References. */
  headers: ColumnType<Record<string, string>, string | undefined, string>;
  /** Documents of the item (request_documents) attached to the mail, read when it is sent. */
  attachment_ids: ColumnType<string[], string[] | undefined, string[]>;
  /** Past it the mail is not sent any more (status 'expired'): a reminder after its appointment. */
  not_after: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** Files generated with the mail (an appointment's .ics). */
  inline_attachments: ColumnType<InlineAttachment[], string | undefined, string>;
}

/** A file written with a mail of the outbox (migration 20261204100000). */
export interface InlineAttachment {
  filename: string;
  contentType: string;
  /** Text content (UTF-8). */
  content: string;
}

/** A text message about an item, sent by the job queue (platform/sms/outbox.ts). */
export interface SmsMessagesTable {
  tenant_id: string;
  id: Generated<string>;
  request_id: string | null;
  /** E.164. */
  to_number: string;
  text_body: string;
  encoding: 'gsm7' | 'ucs2';
  segments: number;
  purpose: 'reply' | 'status' | 'appointment' | 'survey';
  status: Generated<'pending' | 'sent' | 'failed' | 'expired'>;
  provider: string | null;
  provider_message_id: string | null;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Generated<Date>;
  sent_at: Date | null;
  /** Past it the text is not sent any more (an appointment's reminder). */
  not_after: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  appointment_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface InboundMailsTable {
  tenant_id: string;
  id: Generated<string>;
  received_at: Generated<Date>;
  message_id: string | null;
  from_address: string | null;
  from_name: string | null;
  subject: Generated<string>;
  subject_key: Generated<string>;
  request_id: string | null;
  event_id: string | null;
  threaded_by: 'new' | 'subject_reference' | 'in_reply_to' | 'plus_address' | 'none';
  from_other_address: Generated<boolean>;
  related_request_id: string | null;
  new_text: Generated<string>;
  quoted_text: Generated<string>;
  html_sanitised: string | null;
  not_answered_reason: string | null;
  acknowledged: Generated<boolean>;
  size_bytes: Generated<number>;
}

export interface MailFailedAddressesTable {
  tenant_id: string;
  id: Generated<string>;
  address: string;
  request_id: string | null;
  outbox_id: string | null;
  status: Generated<string>;
  diagnostic: Generated<string>;
  failed_at: Generated<Date>;
}

export interface CitizensTable {
  tenant_id: string;
  id: Generated<string>;
  email: string | null;
  email_verified_at: Date | null;
  password_hash: string | null;
  given_name: string | null;
  family_name: string | null;
  preferred_username: string | null;
  birthdate: string | null;
  birthplace: string | null;
  birthcountry: string | null;
  gender: string | null;
  franceconnect_sub: string | null;
  identity_verified_at: Date | null;
  preferences: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  last_login_at: Date | null;
}

/** A citizen record (fiche usager): one person, with or without an account (migration 20261203129000). */
export interface PeopleTable {
  tenant_id: string;
  id: Generated<string>;
  given_name: string | null;
  family_name: string | null;
  display_name: Generated<string>;
  /** 'YYYY-MM-DD' */
  birthdate: ColumnType<string | null, string | null | undefined, string | null>;
  email: string | null;
  phone: string | null;
  postal_address: Generated<string>;
  preferred_channel: ColumnType<PreferredChannel | null, PreferredChannel | null | undefined, PreferredChannel | null>;
  language: Generated<string>;
  accessibility_needs: Generated<string>;
  citizen_id: ColumnType<string | null, string | null | undefined, string | null>;
  identity_source: ColumnType<'franceconnect' | null, 'franceconnect' | null | undefined, 'franceconnect' | null>;
  identity_verified_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  merged_into_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** The fields of a record a merge chooses between, and undo puts back (people/merge-people.ts). */
export interface PersonFields {
  given_name: string | null;
  family_name: string | null;
  display_name: string;
  birthdate: string | null;
  email: string | null;
  phone: string | null;
  postal_address: string;
  preferred_channel: PreferredChannel | null;
  language: string;
  accessibility_needs: string;
}

/** One merge of a record into another, kept so that it can be undone exactly (migration 20261203130000). */
export interface PersonMergesTable {
  tenant_id: string;
  id: Generated<string>;
  kept_id: string;
  merged_id: string;
  merged_by: string | null;
  merged_at: Timestamp;
  /** Rows moved to the kept record, by "table.column". */
  moved: ColumnType<Record<string, string[]>, string, string>;
  kept_before: ColumnType<PersonFields, string, string>;
  kept_after: ColumnType<PersonFields, string, string>;
  undone_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  undone_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export type PreferredChannel = 'email' | 'telephone' | 'sms' | 'courrier' | 'guichet';

export interface CitizenSessionsTable {
  tenant_id: string;
  id: string;
  citizen_id: string;
  method: 'password' | 'franceconnect';
  id_token: string | null;
  user_agent: string | null;
  ip: string | null;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  expires_at: Timestamp;
}

export interface CitizenTokensTable {
  tenant_id: string;
  id: string;
  citizen_id: string;
  purpose: 'verify_email' | 'reset_password';
  created_at: Generated<Date>;
  expires_at: Timestamp;
  used_at: Date | null;
  /** sha256 of the cookie of the browser a confirmation link was asked from (null: not bound). */
  browser_hash: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ReplyTemplatesTable {
  tenant_id: string;
  id: Generated<string>;
  /** null: a template for every service of the tenant. */
  service_id: string | null;
  title: string;
  body: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  /** The body's readability report, computed at save (migration 20261203141000). */
  readability: ColumnType<unknown, string | null | undefined, string | null>;
}

/** A tenant's IMAP mailbox (migration 20261203134000_imap_mailboxes.sql, inbound-mail/poll-mailbox.ts). */
export interface ImapMailboxesTable {
  tenant_id: string;
  id: Generated<string>;
  host: string;
  port: number;
  tls_mode: 'tls' | 'starttls' | 'none';
  username: string;
  /** platform/security/sealed-secret.ts */
  password_sealed: string;
  folder: Generated<string>;
  processed_folder: Generated<string>;
  enabled: Generated<boolean>;
  /** bigint: read with Number() (UIDs are 32-bit unsigned). */
  uid_validity: ColumnType<number | string | null, number | null | undefined, number | null>;
  last_uid: ColumnType<number | string, number | undefined, number>;
  poll_locked_until: Date | null;
  last_poll_at: Date | null;
  last_success_at: Date | null;
  last_error: string | null;
  last_error_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** A message of a polled folder, by (UIDVALIDITY, UID): pending → stored → done, or failed. */
export interface ImapMessagesTable {
  tenant_id: string;
  mailbox_id: string;
  uid_validity: ColumnType<number | string, number, number>;
  uid: ColumnType<number | string, number, number>;
  message_key: string;
  size_bytes: Generated<number>;
  status: ColumnType<'pending' | 'stored' | 'done' | 'failed', 'pending' | 'stored' | 'done' | 'failed' | undefined>;
  attempts: Generated<number>;
  last_error: string | null;
  first_seen_at: Generated<Date>;
  stored_at: Date | null;
  finished_at: Date | null;
}

// Appointments (migration 20261204100000_appointments.sql; modules/appointments, modules/counter).

export type AppointmentSiteKind = 'mairie' | 'annexe' | 'france_services' | 'autre';
export interface AppointmentSitesTable {
  tenant_id: string;
  id: Generated<string>;
  name: string;
  kind: Generated<AppointmentSiteKind>;
  address: Generated<string>;
  postal_code: Generated<string>;
  city: Generated<string>;
  phone: Generated<string>;
  access_info: Generated<string>;
  /** As citizens read them; slots come from the resources' opening periods. */
  opening_hours: Generated<string>;
  active: Generated<boolean>;
  position: Generated<number>;
  created_at: Generated<Date>;
}

export type AppointmentResourceKind = 'counter' | 'room' | 'agent';
export interface AppointmentResourcesTable {
  tenant_id: string;
  id: Generated<string>;
  site_id: string;
  kind: Generated<AppointmentResourceKind>;
  name: string;
  agent_id: ColumnType<string | null, string | null | undefined, string | null>;
  active: Generated<boolean>;
  position: Generated<number>;
  created_at: Generated<Date>;
}

/** A weekly opening of a resource: ISO weekday (1 Monday … 7 Sunday), local wall times 'HH:MM:SS'. */
export interface AppointmentOpeningPeriodsTable {
  tenant_id: string;
  id: Generated<string>;
  resource_id: string;
  weekday: number;
  opens_at: string;
  closes_at: string;
  /** 'YYYY-MM-DD' */
  valid_from: ColumnType<string | null, string | null | undefined, string | null>;
  valid_until: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A closure of a resource, a site, or the whole tenant (both null). */
export interface AppointmentClosuresTable {
  tenant_id: string;
  id: Generated<string>;
  site_id: ColumnType<string | null, string | null | undefined, string | null>;
  resource_id: ColumnType<string | null, string | null | undefined, string | null>;
  starts_at: Timestamp;
  ends_at: Timestamp;
  label: Generated<string>;
  source: Generated<'manual' | 'ics'>;
  ics_uid: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Generated<Date>;
}

export interface AppointmentMotifsTable {
  tenant_id: string;
  id: Generated<string>;
  demarche_id: string;
  name: string;
  duration_minutes: number;
  buffer_minutes: Generated<number>;
  /** Empty: the démarche's « À prévoir » section is the checklist. */
  documents: ColumnType<string[], string[] | undefined, string[]>;
  mode: Generated<'site' | 'phone'>;
  min_lead_minutes: Generated<number>;
  max_lead_days: Generated<number>;
  cancel_until_minutes: Generated<number>;
  capacity: Generated<number>;
  waiting_list: Generated<boolean>;
  active: Generated<boolean>;
  position: Generated<number>;
  created_at: Generated<Date>;
}

export interface AppointmentMotifResourcesTable {
  tenant_id: string;
  motif_id: string;
  resource_id: string;
}

export type AppointmentStatus = 'booked' | 'cancelled' | 'seen' | 'excused' | 'no_show';
export type AppointmentChannel = 'web' | 'api' | 'phone' | 'counter' | 'kiosk';
export interface AppointmentsTable {
  tenant_id: string;
  id: Generated<string>;
  /** RDV-XXXXXX */
  reference: string;
  motif_id: string;
  demarche_id: string;
  site_id: string;
  resource_id: string;
  person_id: ColumnType<string | null, string | null | undefined, string | null>;
  starts_at: Timestamp;
  ends_at: Timestamp;
  /** End plus the motif's buffer: the resource's busy range. */
  busy_until: Timestamp;
  /** `<motif id>@<start ISO>`: overlapping live appointments of a resource share it (decision 39). */
  slot_key: string;
  capacity: Generated<number>;
  seat: Generated<number>;
  given_name: string;
  family_name: string;
  email: string | null;
  /** E.164 */
  phone: string | null;
  sms_reminders: Generated<boolean>;
  channel: AppointmentChannel;
  booked_by_agent_id: ColumnType<string | null, string | null | undefined, string | null>;
  request_id: ColumnType<string | null, string | null | undefined, string | null>;
  status: Generated<AppointmentStatus>;
  status_changed_at: Generated<Date>;
  cancelled_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  cancelled_by: ColumnType<'citizen' | 'agent' | 'system' | null, 'citizen' | 'agent' | 'system' | null | undefined>;
  /** The day at the counter (modules/counter). */
  checked_in_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  called_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  served_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  completed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  served_by_agent_id: ColumnType<string | null, string | null | undefined, string | null>;
  counter_resource_id: ColumnType<string | null, string | null | undefined, string | null>;
  ics_sequence: Generated<number>;
  moves: Generated<number>;
  /** The start each reminder was sent for (reminders.ts). */
  reminder_48h_sent_for: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  reminder_2h_sent_for: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface AppointmentLinksTable {
  tenant_id: string;
  token_hash: string;
  appointment_id: string;
  created_at: Generated<Date>;
  used_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  used_for: ColumnType<'cancel' | 'move' | null, 'cancel' | 'move' | null | undefined>;
}

export type WaitlistStatus = 'waiting' | 'booked' | 'withdrawn' | 'exhausted' | 'expired';
export interface AppointmentWaitlistTable {
  tenant_id: string;
  id: Generated<string>;
  motif_id: string;
  site_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** 'YYYY-MM-DD' */
  day: ColumnType<string, string, string>;
  person_id: ColumnType<string | null, string | null | undefined, string | null>;
  given_name: string;
  family_name: string;
  email: string;
  phone: ColumnType<string | null, string | null | undefined, string | null>;
  status: Generated<WaitlistStatus>;
  offers_sent: Generated<number>;
  last_offer_on: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Generated<Date>;
}

export interface AppointmentOffersTable {
  tenant_id: string;
  id: Generated<string>;
  waitlist_id: string;
  resource_id: string;
  starts_at: Timestamp;
  token_hash: string;
  offered_at: Generated<Date>;
  accepted_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  appointment_id: ColumnType<string | null, string | null | undefined, string | null>;
}

// The day at the counter (migration 20261204101000_counter.sql; modules/counter, decision 40).

/** The letter a site gives a walk-in line (a démarche, or « Autre demande » when null). */
export interface CounterLinesTable {
  tenant_id: string;
  site_id: string;
  demarche_id: string | null;
  letter: string;
  created_at: Generated<Date>;
}

/** The last ticket number given per site, day and letter. */
export interface CounterTicketNumbersTable {
  tenant_id: string;
  site_id: string;
  /** 'YYYY-MM-DD' */
  day: ColumnType<string, string, string>;
  letter: string;
  last_number: number;
}

export type CounterTicketStatus = 'waiting' | 'called' | 'serving' | 'seen' | 'no_show' | 'left';
type NullableTime = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type NullableId = ColumnType<string | null, string | null | undefined, string | null>;

/** One person waiting at a site: a walk-in or a checked-in appointment, with its times. */
export interface CounterTicketsTable {
  tenant_id: string;
  id: Generated<string>;
  site_id: string;
  /** 'YYYY-MM-DD', the commune's day it was issued. */
  day: ColumnType<string, string, string>;
  letter: string;
  number: number;
  demarche_id: NullableId;
  appointment_id: NullableId;
  name: Generated<string>;
  status: Generated<CounterTicketStatus>;
  issued_at: Timestamp;
  /** Where the waiting time starts: arrival, or an early comer's appointment time. */
  wait_from: Timestamp;
  called_at: NullableTime;
  last_called_at: NullableTime;
  calls: Generated<number>;
  served_at: NullableTime;
  completed_at: NullableTime;
  counter_resource_id: NullableId;
  called_by_agent_id: NullableId;
  served_by_agent_id: NullableId;
  issued_by_agent_id: NullableId;
}

export interface Database {
  appointment_sites: AppointmentSitesTable;
  appointment_resources: AppointmentResourcesTable;
  appointment_opening_periods: AppointmentOpeningPeriodsTable;
  appointment_closures: AppointmentClosuresTable;
  appointment_motifs: AppointmentMotifsTable;
  appointment_motif_resources: AppointmentMotifResourcesTable;
  appointments: AppointmentsTable;
  appointment_links: AppointmentLinksTable;
  appointment_waitlist: AppointmentWaitlistTable;
  appointment_offers: AppointmentOffersTable;
  counter_lines: CounterLinesTable;
  counter_ticket_numbers: CounterTicketNumbersTable;
  counter_tickets: CounterTicketsTable;
  citizens: CitizensTable;
  people: PeopleTable;
  person_merges: PersonMergesTable;
  citizen_sessions: CitizenSessionsTable;
  citizen_tokens: CitizenTokensTable;
  tenants: TenantsTable;
  tenant_hosts: TenantHostsTable;
  services: ServicesTable;
  demarches: DemarchesTable;
  agents: AgentsTable;
  agent_services: AgentServicesTable;
  agent_sessions: AgentSessionsTable;
  agent_recovery_codes: AgentRecoveryCodesTable;
  agent_invitations: AgentInvitationsTable;
  requests: RequestsTable;
  request_events: RequestEventsTable;
  request_reads: RequestReadsTable;
  tenant_closing_days: TenantClosingDaysTable;
  deadline_breaches: DeadlineBreachesTable;
  request_documents: RequestDocumentsTable;
  mail_outbox: MailOutboxTable;
  sms_messages: SmsMessagesTable;
  inbound_mails: InboundMailsTable;
  mail_failed_addresses: MailFailedAddressesTable;
  consents: ConsentsTable;
  erasure_requests: ErasureRequestsTable;
  personal_data_access_log: PersonalDataAccessLogTable;
  tenant_audit_log: TenantAuditLogTable;
  jobs: JobsTable;
  reply_templates: ReplyTemplatesTable;
  imap_mailboxes: ImapMailboxesTable;
  imap_messages: ImapMessagesTable;
  tags: TagsTable;
  request_tags: RequestTagsTable;
  saved_views: SavedViewsTable;
  request_mentions: RequestMentionsTable;
  routing_rules: RoutingRulesTable;
  agent_absences: AgentAbsencesTable;
  article_versions: ArticleVersionsTable;
  knowledge_articles: KnowledgeArticlesTable;
  article_attachments: ArticleAttachmentsTable;
  article_links: ArticleLinksTable;
  search_synonyms: SearchSynonymsTable;
  search_queries: SearchQueriesTable;
  assistant_conversations: AssistantConversationsTable;
  consultations: ConsultationsTable;
  consultation_questions: ConsultationQuestionsTable;
  consultation_invitations: ConsultationInvitationsTable;
  consultation_responses: ConsultationResponsesTable;
  consultation_throttle: ConsultationThrottleTable;
  improvement_actions: ImprovementActionsTable;
  experiences: ExperiencesTable;
  experience_actions: ExperienceActionsTable;
  complaints: ComplaintsTable;
  complaint_events: ComplaintEventsTable;
  survey_invitations: SurveyInvitationsTable;
  survey_kiosks: SurveyKiosksTable;
  survey_answers: SurveyAnswersTable;
  survey_rate_counts: SurveyRateCountsTable;
  missed_calls: MissedCallsTable;
  published_results: PublishedResultsTable;
}

/** A term of a tenant's search and what it also means (article-search, decision 26). */
export interface SearchSynonymsTable {
  tenant_id: string;
  id: Generated<string>;
  term: string;
  expansions: ColumnType<string[], string[], string[]>;
  kind: ColumnType<'synonym' | 'abbreviation', 'synonym' | 'abbreviation' | undefined, 'synonym' | 'abbreviation'>;
  created_at: Generated<Date>;
}
export type SearchSynonymRow = Selectable<SearchSynonymsTable>;

/** A search made on the portal or by an agent: folded, cut, never personal data. */
export interface SearchQueriesTable {
  tenant_id: string;
  id: Generated<string>;
  query: string;
  result_count: number;
  top_score: Generated<number>;
  answerable: boolean;
  audience: 'public' | 'agent';
  at: Generated<Date>;
}

/** A tenant's tags on items (migration 20261203132000; label unique per tenant, case ignored). */
export interface TagsTable {
  tenant_id: string;
  id: Generated<string>;
  label: string;
  created_at: Generated<Date>;
}

export interface RequestTagsTable {
  tenant_id: string;
  request_id: string;
  tag_id: string;
  added_at: Generated<Date>;
  added_by: string | null;
}

/** An agent's saved inbox view: the list's query string, shared with one service or not. */
export interface SavedViewsTable {
  tenant_id: string;
  id: Generated<string>;
  agent_id: string;
  name: string;
  query: string;
  shared_service_id: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** When an agent was last mentioned in a note of an item (« Mentionné » until they open it). */
export interface RequestMentionsTable {
  tenant_id: string;
  request_id: string;
  agent_id: string;
  mentioned_at: Date;
}

/** The job queue (migration 20261203120000_job_queue.sql, platform/jobs/queue.ts). */
export interface JobsTable {
  id: Generated<string>;
  /** Null for platform jobs (the daily jobs). */
  tenant_id: string | null;
  queue: string;
  payload: Json<unknown>;
  status: Generated<'pending' | 'running' | 'done' | 'failed' | 'abandoned'>;
  unique_key: string | null;
  run_at: Generated<Date>;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  /** The lease of the worker running it; past it, another worker may run the job again. */
  locked_until: Date | null;
  last_error: string | null;
  created_at: Generated<Date>;
  finished_at: Date | null;
}

export interface ConsentsTable {
  tenant_id: string;
  id: Generated<string>;
  citizen_id: string | null;
  request_id: string | null;
  demarche_id: string | null;
  subject: string;
  wording: string;
  version: string;
  method: 'form_checkbox' | 'account_setting';
  given_at: Timestamp;
  withdrawn_at: Date | null;
  /** False for a consent the démarche requires (see privacy/consents.ts): erasure, not withdrawal. */
  withdrawable: Generated<boolean>;
}

export interface ErasureRequestsTable {
  tenant_id: string;
  id: Generated<string>;
  citizen_id: string | null;
  contact_email: string | null;
  citizen_name: string | null;
  service_ids: ColumnType<string[], string[] | undefined, string[]>;
  grounds: string;
  status: Generated<'pending' | 'approved' | 'refused'>;
  requested_at: Timestamp;
  decided_at: Date | null;
  decided_by: string | null;
  decision_reason: string | null;
}

export type AccessLogAction =
  | 'view_request'
  | 'download_document'
  | 'export'
  | 'erasure'
  | 'withdraw_consent'
  | 'link_request'
  /** An agent opened a citizen record (fiche usager). */
  | 'view_person'
  /** An agent merged two citizen records, or undid a merge. */
  | 'merge_people'
  | 'unmerge_people'
  /** The audit journal (modules/audit), read on screen or downloaded. */
  | 'view_journal'
  | 'export_journal';

export interface PersonalDataAccessLogTable {
  tenant_id: string;
  id: Generated<string>;
  at: Timestamp;
  actor_kind: 'agent' | 'citizen' | 'system';
  actor_id: string | null;
  actor_label: string;
  action: AccessLogAction;
  citizen_id: string | null;
  request_id: string | null;
  request_reference: string | null;
  ip: string | null;
  /** The citizen record looked at or merged, if any (migration 20261203130000). */
  person_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Set by a trigger from the actor when an insert does not say it. */
  channel: Generated<AuditChannel>;
}

export type TenantAuditAction = 'closing_day_added' | 'closing_day_removed';

/** Changes to the tenant's settings that concern no item (append-only, modules/audit). */
export interface TenantAuditLogTable {
  tenant_id: string;
  id: Generated<string>;
  at: Timestamp;
  actor_kind: 'agent' | 'system';
  actor_id: string | null;
  actor_label: string;
  action: TenantAuditAction;
  detail: Generated<string>;
  channel: AuditChannel;
  ip: string | null;
}

export type ArticleState = 'brouillon' | 'relecture' | 'publie';

/** One version of a knowledge base article (migration 20261203140000, modules/knowledge). */
export interface ArticleVersionsTable {
  tenant_id: string;
  id: Generated<string>;
  demarche_id: string;
  number: number;
  title: string;
  summary: string;
  /** The whole page as one Markdown document with its "## " sections. */
  body_markdown: string;
  keywords: ColumnType<string[], string[] | undefined, string[]>;
  service_id: string;
  audience: 'public' | 'internal';
  author_agent_id: string | null;
  note: Generated<string>;
  created_at: Generated<Date>;
  readability: ColumnType<unknown, string | null | undefined, string | null>;
  published_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  published_by: ColumnType<string | null, string | null | undefined, string | null>;
}

/** An article's workflow: the state of its latest version, the version citizens see, its owner. */
export interface KnowledgeArticlesTable {
  tenant_id: string;
  demarche_id: string;
  state: ArticleState;
  latest_version: number;
  published_version: number | null;
  owner_agent_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** 'YYYY-MM-DD': « à relire » once past. */
  review_on: ColumnType<string | null, string | null | undefined, string | null>;
  updated_at: Generated<Date>;
}

export interface ArticleAttachmentsTable {
  tenant_id: string;
  id: Generated<string>;
  demarche_id: string;
  filename: string;
  mime_type: string;
  size_bytes: number;
  sha256: string;
  content: Buffer;
  uploaded_by: string | null;
  created_at: Generated<Date>;
}

/** « Voir aussi » between two pages, both ways; `first_id` < `second_id`. */
export interface ArticleLinksTable {
  tenant_id: string;
  first_id: string;
  second_id: string;
  created_at: Generated<Date>;
}

/** One message of an assistant conversation (modules/assistant). */
export interface AssistantMessage {
  role: 'question' | 'answer';
  text: string;
  at: string;
  /** Answers: the articles cited, and whether the assistant said it did not know. */
  citations?: { slug: string; title: string; url: string }[];
  declined?: boolean;
}

/** A conversation with the assistant, deleted 30 days after it began (migration 20261203143000). */
export interface AssistantConversationsTable {
  tenant_id: string;
  id: string;
  audience: 'public' | 'agent';
  messages: Json<AssistantMessage[]>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  handed_off_request_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A consultation (modules/consultations, migration 20261204104000): a draft until published. */
export interface ConsultationsTable {
  tenant_id: string;
  id: Generated<string>;
  title: string;
  description: Generated<string>;
  audience: 'public' | 'invited';
  anonymous: Generated<boolean>;
  opens_at: Timestamp;
  closes_at: Timestamp;
  published_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_by: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type ConsultationQuestionKind = 'single' | 'multiple' | 'scale' | 'text';

/** A question of a consultation; frozen once the consultation is published (a trigger). */
export interface ConsultationQuestionsTable {
  tenant_id: string;
  id: Generated<string>;
  consultation_id: string;
  position: number;
  kind: ConsultationQuestionKind;
  label: string;
  hint: Generated<string>;
  required: Generated<boolean>;
  options: Generated<string[]>;
  scale_min: ColumnType<number | null, number | null | undefined, number | null>;
  scale_max: ColumnType<number | null, number | null | undefined, number | null>;
  scale_min_label: Generated<string>;
  scale_max_label: Generated<string>;
  condition_question_id: ColumnType<string | null, string | null | undefined, string | null>;
  condition_values: Generated<string[]>;
}

/** An invitation to a consultation open to a list: only the token's sha256 is kept. */
export interface ConsultationInvitationsTable {
  tenant_id: string;
  id: Generated<string>;
  consultation_id: string;
  email: string;
  token_hash: string;
  created_at: Generated<Date>;
  used_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** An answer by question id: a choice's label, the labels ticked, a scale's number, a text. */
export type ConsultationAnswers = Record<string, string | string[] | number>;

export interface ConsultationResponsesTable {
  tenant_id: string;
  id: Generated<string>;
  consultation_id: string;
  submitted_at: Timestamp;
  answers: Json<ConsultationAnswers>;
  respondent_name: ColumnType<string | null, string | null | undefined, string | null>;
  respondent_email: ColumnType<string | null, string | null | undefined, string | null>;
  invitation_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Answers posted to a public consultation, by a keyed hash of the address (rate limit). */
export interface ConsultationThrottleTable {
  tenant_id: string;
  consultation_id: string;
  source_key: string;
  at: Timestamp;
}

/** What a survey is about (modules/satisfaction); answers add 'kiosk' (a counter tablet). */
/** 'visit': a ticket served at the counter (migration 20261205300000). */
export type SurveyInteraction = 'request' | 'contact' | 'assistant' | 'visit';

/** One invitation to answer the survey, per interaction (migration 20261205002000). */
export interface SurveyInvitationsTable {
  tenant_id: string;
  id: Generated<string>;
  interaction: SurveyInteraction;
  channel: string;
  request_id: string | null;
  conversation_id: string | null;
  service_id: string | null;
  demarche_id: string | null;
  /** Where the interaction took place (a counter visit), migration 20261205300000. */
  site_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The counter ticket served, for a visit. */
  ticket_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Generated<Date>;
  expires_at: Date;
  answered_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** A counter tablet in kiosk mode; only the sha256 of its secret is stored. */
export interface SurveyKiosksTable {
  tenant_id: string;
  id: Generated<string>;
  name: string;
  service_id: string | null;
  /** The site where the tablet stands (migration 20261205300000). */
  site_id: ColumnType<string | null, string | null | undefined, string | null>;
  secret_hash: string;
  created_at: Generated<Date>;
  revoked_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** One answer to the satisfaction survey: the day only, the request only when the citizen linked it. */
export interface SurveyAnswersTable {
  tenant_id: string;
  id: Generated<string>;
  /** 'YYYY-MM-DD' */
  answered_on: string;
  interaction: SurveyInteraction | 'kiosk';
  channel: string;
  service_id: string | null;
  demarche_id: string | null;
  kiosk_id: string | null;
  request_id: string | null;
  /** The site of a counter visit or tablet (migration 20261205300000). */
  site_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** 1 (pas du tout satisfait) to 5 (très satisfait). */
  satisfaction: number;
  /** 1 (non, pas du tout) to 4 (oui, tout à fait); null: not answered. */
  simple: number | null;
  clear: number | null;
  /** 0 to 10, online démarches only. */
  online_score: number | null;
  comment: Generated<string>;
}

export interface SurveyRateCountsTable {
  tenant_id: string;
  client_key: string;
  day: string;
  answers: Generated<number>;
}

/** Calls that reached no agent, noted per day (the taux de décroché's denominator). */
export interface MissedCallsTable {
  tenant_id: string;
  id: Generated<string>;
  day: string;
  service_id: string | null;
  calls: number;
  recorded_by: string | null;
  recorded_at: Generated<Date>;
}

/** The figures « Nos résultats » shows, computed daily (modules/results). */
export interface PublishedResultsTable {
  tenant_id: string;
  scope: string;
  computed_at: Date;
  figures: Json<unknown>;
}

export type TenantRow = Selectable<TenantsTable>;
export type ServiceRow = Selectable<ServicesTable>;
export type DemarcheRow = Selectable<DemarchesTable>;
export type AgentRow = Selectable<AgentsTable>;
export type RequestRow = Selectable<RequestsTable>;
export type CitizenRow = Selectable<CitizensTable>;
export type RequestEventRow = Selectable<RequestEventsTable>;
export type NewRequest = Insertable<RequestsTable>;
export type RequestUpdate = Updateable<RequestsTable>;

// --- Experiences, improvement actions and complaints (migration 20261205003000, decision 37) ---

export type ActionStatus = 'prevue' | 'en_cours' | 'realisee';
export type ExperienceTone = 'positive' | 'neutre' | 'negative';
export type ExperienceStatus = 'a_moderer' | 'publiee' | 'rejetee';

/** An improvement action, published with its status (« Vous avez dit, nous avons fait »). */
export interface ImprovementActionsTable {
  tenant_id: string;
  id: Generated<string>;
  title: string;
  description: ColumnType<string, string | undefined, string>;
  status: ColumnType<ActionStatus, ActionStatus | undefined, ActionStatus>;
  service_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  done_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** A citizen's experience: as typed (moderators only), as masked, as published, and its answer. */
export interface ExperiencesTable {
  tenant_id: string;
  id: Generated<string>;
  tone: ExperienceTone;
  title: string;
  story: ColumnType<string | null, string | null, string | null>;
  service_id: ColumnType<string | null, string | null | undefined, string | null>;
  author_name: ColumnType<string | null, string | null | undefined, string | null>;
  contact_email: ColumnType<string | null, string | null | undefined, string | null>;
  status: ColumnType<ExperienceStatus, ExperienceStatus | undefined, ExperienceStatus>;
  masked_title: string;
  masked_story: string;
  published_title: ColumnType<string | null, string | null | undefined, string | null>;
  published_story: ColumnType<string | null, string | null | undefined, string | null>;
  rejection_reason: ColumnType<string | null, string | null | undefined, string | null>;
  moderated_by: ColumnType<string | null, string | null | undefined, string | null>;
  moderated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  answer: ColumnType<string | null, string | null | undefined, string | null>;
  answer_signature: ColumnType<string | null, string | null | undefined, string | null>;
  answered_by: ColumnType<string | null, string | null | undefined, string | null>;
  answered_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  source_key: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ExperienceActionsTable {
  tenant_id: string;
  experience_id: string;
  action_id: string;
}

export type ComplaintLevel = 'service' | 'direction' | 'mediateur';
export type ComplaintStatus = 'recue' | 'en_cours' | 'close';
export type ComplaintChannel = 'demande' | 'courriel' | 'telephone' | 'accueil' | 'courrier' | 'formulaire';
export type ComplaintCause =
  'delai' | 'accueil' | 'information' | 'decision' | 'erreur' | 'qualite' | 'accessibilite' | 'autre';
export type ComplaintDecision = 'fondee' | 'partiellement_fondee' | 'non_fondee';

/** A complaint (réclamation), linked to its request when there is one. */
export interface ComplaintsTable {
  tenant_id: string;
  id: Generated<string>;
  reference: string;
  request_id: ColumnType<string | null, string | null | undefined, string | null>;
  service_id: string;
  channel: ComplaintChannel;
  subject: string;
  description: string;
  citizen_name: ColumnType<string | null, string | null | undefined, string | null>;
  citizen_email: ColumnType<string | null, string | null | undefined, string | null>;
  citizen_phone: ColumnType<string | null, string | null | undefined, string | null>;
  level: ColumnType<ComplaintLevel, ComplaintLevel | undefined, ComplaintLevel>;
  status: ColumnType<ComplaintStatus, ComplaintStatus | undefined, ComplaintStatus>;
  received_at: ColumnType<Date, Date | string | undefined, Date | string>;
  acknowledge_by: ColumnType<Date, Date | string, Date | string>;
  acknowledged_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  acknowledged_how: ColumnType<string | null, string | null | undefined, string | null>;
  answer_due_on: ColumnType<string, string, string>;
  assigned_agent_id: ColumnType<string | null, string | null | undefined, string | null>;
  cause: ColumnType<ComplaintCause | null, ComplaintCause | null | undefined, ComplaintCause | null>;
  decision: ColumnType<ComplaintDecision | null, ComplaintDecision | null | undefined, ComplaintDecision | null>;
  answer: ColumnType<string | null, string | null | undefined, string | null>;
  closed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  answered_late: ColumnType<boolean | null, boolean | null | undefined, boolean | null>;
  created_by: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Generated<Date>;
}

export type ComplaintEventKind = 'created' | 'acknowledged' | 'escalated' | 'assigned' | 'decided' | 'note';

/** The append-only history of a complaint. */
export interface ComplaintEventsTable {
  tenant_id: string;
  id: Generated<string>;
  complaint_id: string;
  kind: ComplaintEventKind;
  level_from: ColumnType<ComplaintLevel | null, ComplaintLevel | null | undefined, never>;
  level_to: ColumnType<ComplaintLevel | null, ComplaintLevel | null | undefined, never>;
  body: ColumnType<string, string | undefined, never>;
  agent_id: ColumnType<string | null, string | null | undefined, never>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}
