import type { RequestStatus } from '../../db/schema.ts';
import { formatBytes, formatDateTimeFr } from '../../platform/format.ts';
import { html, type SafeHtml } from '../../platform/html.ts';
import { AGENT_STATUS_LABELS, STATUS_LABELS } from './status.ts';

/** Who reads the timeline: the citizen is spoken to (« Votre message »), the agent reads about the citizen. */
export type TimelineReader = 'citizen' | 'agent';

export interface TimelineEvent {
  id: string;
  /** A request event kind ('submitted', 'email_received', 'status_changed', 'citizen_message', 'agent_message', 'internal_note', 'assigned'). */
  kind: string;
  at: Date | string;
  statusTo: string | null;
  body: string;
  authorKind: 'citizen' | 'agent' | 'system' | string;
  /** The agent's name, shown to agents. */
  agentName?: string | null;
  /** An inbound mail's quoted history, folded under its new words (agents only). */
  quoted?: string | null;
  /** Something the agent must notice before acting (a reply from another address). */
  flag?: SafeHtml | string | null;
}

export interface TimelineDocument {
  eventId: string | null;
  filename: string;
  sizeBytes: number;
  /** A download link, where the reader may download it. */
  href?: string;
}

function statusLabel(status: string | null, reader: TimelineReader): string {
  if (!status) return '';
  const labels = reader === 'agent' ? AGENT_STATUS_LABELS : STATUS_LABELS;
  return labels[status as RequestStatus] ?? status;
}

/**
 * The title of an event, the same on every page that shows a request's history: the citizen's
 * space and tracking page, the agent's page, the citizen's messages. A citizen's message made
 * only of documents is titled by its documents.
 */
export function eventTitle(
  e: Pick<TimelineEvent, 'kind' | 'statusTo' | 'body'>,
  reader: TimelineReader,
  documentCount = 0,
): string {
  const forAgent = reader === 'agent';
  switch (e.kind) {
    case 'submitted':
      return forAgent ? 'Demande déposée' : 'Demande envoyée';
    case 'email_received':
      return forAgent ? 'Courriel reçu' : 'Votre courriel';
    case 'status_changed': {
      const label = statusLabel(e.statusTo, reader);
      if (forAgent) return label ? `Statut changé : ${label}` : 'Statut changé';
      return label ? `Nouveau statut : ${label}` : 'Nouveau statut';
    }
    case 'citizen_message':
      if (e.body.trim() === '' && documentCount > 0) {
        const documents = documentCount > 1 ? 'Documents ajoutés' : 'Document ajouté';
        return forAgent ? `${documents} par l'usager` : documents;
      }
      return forAgent ? "Message de l'usager" : 'Votre message';
    case 'agent_message':
      return forAgent ? "Message envoyé à l'usager" : 'Message de la commune';
    case 'internal_note':
      return "Note interne – non visible par l'usager";
    case 'transferred':
      return 'Transfert à un autre service';
    case 'assigned':
      // The body says who has it in hand now (« Prise en charge par Camille Martin »).
      return 'Prise en charge';
    case 'sms_sent':
      // Never shown to the citizen: the body says to which number and what.
      return 'SMS envoyé à l’usager';
    case 'tags_changed':
      // The body says which tag, added or taken off, by whom.
      return 'Étiquettes';
    case 'routed':
      // The body names the rule and the service.
      return 'Orientation automatique';
    case 'escalated':
      return 'Escaladée aux responsables';
    case 'deadline_extended':
      // The body gives the new date and the working days waited.
      return 'Échéance reportée';
    case 'anonymised':
      // The body says why (retention period over, erasure asked by the citizen).
      return 'Données personnelles effacées';
    case 'filed_on_behalf':
      // The body says how (« lors de votre appel ») and that the citizen agreed.
      return forAgent ? 'Déposée pour l’usager par un agent' : 'Déposée pour vous';
    case 'person_changed':
      // The body says which citizen record the item is on now (merge, undo).
      return 'Fiche usager changée';
    default:
      return e.kind;
  }
}

/** Who wrote the event, as the reader calls them. */
export function eventAuthor(e: Pick<TimelineEvent, 'authorKind' | 'agentName'>, reader: TimelineReader): string {
  if (e.authorKind === 'citizen') return reader === 'agent' ? "L'usager" : 'Vous';
  if (e.authorKind === 'agent') return reader === 'agent' ? (e.agentName ?? 'Un agent') : 'La commune';
  return 'Guichet';
}

/** Events only agents see, shown apart on their timeline. */
const INTERNAL_KINDS = new Set([
  'internal_note',
  'assigned',
  'transferred',
  'deadline_extended',
  'person_changed',
  'tags_changed',
  'sms_sent',
  'anonymised',
  'routed',
  'escalated',
]);

/**
 * A request's history, oldest first: each event with its title, date, author, text (line breaks
 * kept) and the documents added with it.
 */
export function timeline(events: TimelineEvent[], documents: TimelineDocument[], reader: TimelineReader): SafeHtml {
  return html`<ol class="timeline">
    ${events.map((e) => {
      const docs = documents.filter((d) => d.eventId === e.id);
      return html`<li${INTERNAL_KINDS.has(e.kind) ? html` class="note-internal"` : ''}>
        <h3>${eventTitle(e, reader, docs.length)}</h3>
        <p class="meta">${formatDateTimeFr(e.at)} · ${eventAuthor(e, reader)}</p>
        ${e.flag && reader === 'agent' ? html`<p class="warning">${e.flag}</p>` : ''}
        ${e.body ? html`<p class="message-body">${e.body}</p>` : ''}
        ${
          e.quoted && reader === 'agent'
            ? html`<details class="quoted-history">
                <summary>Afficher l’historique</summary>
                <p class="message-body">${e.quoted}</p>
              </details>`
            : ''
        }
        ${
          docs.length
            ? html`<ul>
                ${docs.map(
                  (d) =>
                    html`<li>
                      ${d.href ? html`<a href="${d.href}" download>Télécharger ${d.filename}</a>` : d.filename}
                      (${formatBytes(d.sizeBytes)})
                    </li>`,
                )}
              </ul>`
            : ''
        }
      </li>`;
    })}
  </ol>`;
}
