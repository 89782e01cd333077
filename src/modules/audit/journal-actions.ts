import type { AccessLogAction, AuditChannel, RequestEventKind, TenantAuditAction } from '../../db/schema.ts';

/**
 * What the journal lists: readings of personal data (the access log), changes to items (their
 * timeline events) and changes to the tenant's settings (the tenant audit log), each action with
 * the words the journal says it in. One code per action across the three sources.
 */
export type JournalAction = AccessLogAction | RequestEventKind | TenantAuditAction;

export const ACCESS_ACTIONS: Record<AccessLogAction, string> = {
  view_request: 'Consultation d’une demande',
  download_document: 'Téléchargement d’un document',
  export: 'Téléchargement des données d’un usager',
  erasure: 'Demande d’effacement traitée',
  withdraw_consent: 'Retrait d’un accord',
  link_request: 'Demande rattachée à un compte',
  view_journal: 'Consultation du journal',
  export_journal: 'Téléchargement du journal',
  view_person: 'Consultation d’une fiche usager',
  merge_people: 'Fusion de deux fiches usager',
  unmerge_people: 'Annulation d’une fusion de fiches',
};

export const EVENT_ACTIONS: Record<RequestEventKind, string> = {
  submitted: 'Dépôt d’une demande',
  email_received: 'Courriel reçu',
  status_changed: 'Changement de statut',
  citizen_message: 'Message de l’usager',
  agent_message: 'Réponse à l’usager',
  internal_note: 'Note interne',
  assigned: 'Prise en charge ou attribution',
  deadline_extended: 'Échéance reportée',
  transferred: 'Transfert à un autre service',
  routed: 'Orientation vers un service',
  escalated: 'Remontée au responsable',
  tags_changed: 'Étiquettes modifiées',
  sms_sent: 'SMS envoyé',
  filed_on_behalf: 'Demande déposée pour l’usager',
  person_changed: 'Fiche usager modifiée',
  anonymised: 'Données personnelles effacées',
};

export const TENANT_ACTIONS: Record<TenantAuditAction, string> = {
  closing_day_added: 'Jour de fermeture ajouté',
  closing_day_removed: 'Jour de fermeture retiré',
};

export const JOURNAL_ACTIONS: Record<JournalAction, string> = {
  ...ACCESS_ACTIONS,
  ...EVENT_ACTIONS,
  ...TENANT_ACTIONS,
};

/** The filter's groups, in the order of the list. */
export const ACTION_GROUPS: { label: string; actions: Record<string, string> }[] = [
  { label: 'Consultations', actions: ACCESS_ACTIONS },
  { label: 'Modifications des demandes', actions: EVENT_ACTIONS },
  { label: 'Réglages de la collectivité', actions: TENANT_ACTIONS },
];

export const CHANNEL_LABELS: Record<AuditChannel, string> = {
  web: 'Site (pages)',
  api: 'API',
  tracking: 'Page de suivi',
  mail: 'Courriel',
  job: 'Tâche automatique',
};

export function isJournalAction(value: string): value is JournalAction {
  return Object.hasOwn(JOURNAL_ACTIONS, value);
}
