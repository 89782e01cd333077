import { CHANNEL_LABELS } from '../../catalogue/taxonomy.ts';
import type { RequestStatus } from '../../../db/schema.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import type { FieldError } from '../../../platform/web/form.ts';
import { MESSAGE_MAX_LENGTH, TRANSITIONS } from '../../requests/change-request-status.ts';
import { AGENT_STATUS_LABELS as STATUS_LABELS } from '../../requests/status.ts';
import type { DocumentRow, EventRow, RequestDetailRow } from '../repository.ts';
import { presentAnswers, verifiedIdentity } from '../../requests/form-engine/present.ts';
import { identityVerifiedNote } from '../../identity/views.ts';
import { timeline } from '../../requests/timeline.ts';
import { isLate, statusBadge } from './status-badge.ts';
import { readabilityAttributes, readabilityHint } from '../../../platform/plain-language/readability-hint.ts';
import {
  formatAgoFr,
  formatBytes,
  formatCharactersFr,
  formatDateFr,
  formatDateTimeFr,
  formatPhoneFr,
} from '../../../platform/format.ts';

export interface RequestDetailPageInput {
  request: RequestDetailRow;
  documents: DocumentRow[];
  events: EventRow[];
  canChangeStatus: boolean;
  canAddNote: boolean;
  canReply?: boolean;
  canTake?: boolean;
  canAssign?: boolean;
  canTransfer?: boolean;
  canEscalate?: boolean;
  /** « Changer de fiche usager » (people/move-item-to-person.ts). */
  canChangePerson?: boolean;
  /** The other services of the commune, for a transfer. */
  transferTargets?: { id: string; name: string }[];
  /** The agents the item may be given to (for those who may assign). */
  assignable?: { id: string; display_name: string; absent_until?: string | null }[];
  /** The agent looking at the page. */
  viewerId?: string;
  today: string;
  /** The last delivery failure of the citizen's address (« adresse en échec »), if any. */
  failedAddress?: { failed_at: Date; status: string; diagnostic: string };
  /** Consents given on the request, with their withdrawal if the citizen withdrew one. */
  consents?: { wording: string; given_at: Date; withdrawn_at: Date | null }[];
  /** Errors of the form that was sent, if any, and what was typed in it. */
  form?: {
    kind: 'statut' | 'note' | 'reponse' | 'agent' | 'transfert' | 'etiquette' | 'escalade';
    errors: FieldError[];
    values: Record<string, string>;
  };
  notice?: string;
  /** Reply templates of the request's service and for all services (replies module). */
  replyTemplates?: { id: string; title: string }[];
  /** The template the reply was filled from, if any. */
  chosenTemplateId?: string;
  /** The service's signature, appended to the reply when it is sent. */
  replySignature?: string;
  /** Whether the item's citizen can be texted (a mobile number) and chose SMS (requests/sms-notice.ts). */
  replySms?: { mobile: string | null; chosen: boolean };
  /** Other agents who opened the item lately (the most recent first), and the time now. */
  presence?: { name: string; read_at: Date }[];
  now?: Date;
  /** The item's tags, and the tenant's (offered when typing one), when the agent may tag it. */
  tags?: { id: string; label: string }[];
  knownTags?: { label: string }[];
  canTag?: boolean;
  /** The « Aide à la réponse » panel (triage module), for the agents of the item's service. */
  helpPanel?: SafeHtml;
  /** The complaints about the item and « Traiter comme réclamation » (complaints module). */
  complaintPanel?: SafeHtml;
}

function fieldError(errors: FieldError[], field: string): FieldError | undefined {
  return errors.find((e) => e.field === field);
}

/** A textarea with its label, hint and error, as every text of this page's forms. */
function textareaField(field: {
  name: string;
  label: string;
  hint: SafeHtml | string;
  error: FieldError | undefined;
  value: string;
  rows: number;
}): SafeHtml {
  const { name, error } = field;
  return html`<div class="field${error ? ' field-error' : ''}">
    <label for="${name}">${field.label}</label>
    <span class="hint" id="${name}-hint">${field.hint}</span>
    ${error ? html`<span class="error-message" id="${name}-error">${error.message}</span>` : ''}
    <textarea
      id="${name}"
      name="${name}"
      rows="${field.rows}"
      aria-describedby="${name}-hint${error ? ` ${name}-error` : ''}"
      ${error ? html`aria-invalid="true"` : ''}
    >
${field.value}</textarea>
  </div>`;
}

function statusForm(ctx: PageContext, input: RequestDetailPageInput): SafeHtml {
  const r = input.request;
  const next = TRANSITIONS[r.status];
  if (next.length === 0) {
    return html`<p>Cette demande est close : son statut ne peut plus changer.</p>`;
  }
  const errors = input.form?.kind === 'statut' ? input.form.errors : [];
  const values = input.form?.kind === 'statut' ? input.form.values : {};
  const statusError = fieldError(errors, 'statut');
  const messageError = fieldError(errors, 'message');
  const chosen = values.statut ?? '';
  return html`<form method="post" action="${url(ctx, `/agent/demandes/${encodeURIComponent(r.reference)}/statut`)}">
    ${csrfField(ctx)}${revisionField(r.revision)}
    <div class="field${statusError ? ' field-error' : ''}">
      <label for="statut">Nouveau statut</label>
      ${statusError ? html`<span class="error-message" id="statut-error">${statusError.message}</span>` : ''}
      <select id="statut" name="statut" ${statusError ? html`aria-describedby="statut-error" aria-invalid="true"` : ''}>
        ${next.map(
          (s: RequestStatus) =>
            html`<option value="${s}" ${chosen === s ? html` selected` : ''}>${STATUS_LABELS[s]}</option>`,
        )}
      </select>
    </div>
    ${textareaField({
      name: 'message',
      label: "Message à l'usager",
      hint: `L'usager reçoit ce message par courriel. Il est obligatoire si vous refusez la demande ou si vous attendez quelque chose de l'usager. ${formatCharactersFr(MESSAGE_MAX_LENGTH)} au maximum.`,
      error: messageError,
      value: values.message ?? '',
      rows: 5,
    })}
    <button type="submit" class="button">Changer le statut</button>
  </form>`;
}

function revisionField(revision: number): SafeHtml {
  return html`<input type="hidden" name="revision" value="${revision}" />`;
}

/** The choice of a reply template: a GET form, so that it works without JavaScript. */
function templateChoice(ctx: PageContext, input: RequestDetailPageInput): SafeHtml {
  const templates = input.replyTemplates ?? [];
  if (templates.length === 0) return html``;
  return html`<form method="get" action="${url(ctx, `/agent/demandes/${encodeURIComponent(input.request.reference)}`)}">
    <div class="field">
      <label for="modele">Partir d’un modèle</label>
      <span class="hint" id="modele-hint">Le texte remplace celui de votre réponse : relisez-le avant de l’envoyer.</span>
      <select id="modele" name="modele" aria-describedby="modele-hint">
        ${templates.map(
          (t) =>
            html`<option value="${t.id}" ${t.id === input.chosenTemplateId ? html` selected` : ''}>${t.title}</option>`,
        )}
      </select>
    </div>
    <button type="submit" class="button secondary">Utiliser ce modèle</button>
  </form>`;
}

function replyForm(ctx: PageContext, input: RequestDetailPageInput): SafeHtml {
  const r = input.request;
  const errors = input.form?.kind === 'reponse' ? input.form.errors : [];
  const values = input.form?.kind === 'reponse' ? input.form.values : {};
  const error = fieldError(errors, 'reponse');
  const typed = values.reponse ?? '';
  const mailed = r.applicant_email
    ? 'L’usager la reçoit par courriel et la voit sur sa page de suivi.'
    : 'L’usager n’a pas donné d’adresse électronique : il la verra sur sa page de suivi. Pensez à l’appeler si besoin.';
  const signature = input.replySignature?.trim() ?? '';
  const filesError = errors.filter((e) => e.field === 'pieces');
  const sms = input.replySms;
  return html`${templateChoice(ctx, input)}<form
    method="post"
    action="${url(ctx, `/agent/demandes/${encodeURIComponent(r.reference)}/reponse`)}"
    enctype="multipart/form-data"
  >
    ${csrfField(ctx)}${revisionField(r.revision)}
    <div class="field${error ? ' field-error' : ''}">
      <label for="reponse">Votre réponse</label>
      <span class="hint" id="reponse-hint"
        >${mailed} Le statut ne change pas. ${formatCharactersFr(MESSAGE_MAX_LENGTH)} au maximum.</span
      >
      ${
        signature
          ? html`<span class="hint keep-lines" id="reponse-signature">La signature du service est ajoutée à la fin :
${signature}</span>`
          : ''
      }
      ${error ? html`<span class="error-message" id="reponse-error">${error.message}</span>` : ''}
      <textarea
        id="reponse"
        name="reponse"
        rows="${typed ? 12 : 6}"
        aria-describedby="reponse-hint${signature ? ' reponse-signature' : ''}${error ? ' reponse-error' : ''}${typed.trim() ? ' reponse-lisibilite' : ''}"
        ${error ? html`aria-invalid="true"` : ''}
        ${readabilityAttributes(ctx.base, 'reponse-lisibilite')}
      >
${typed}</textarea>
      ${readabilityHint(typed, 'reponse-lisibilite', { live: true })}
    </div>
    <div class="field${filesError.length ? ' field-error' : ''}">
      <label for="pieces">Pièces jointes <span class="optional">(facultatif)</span></label>
      <span class="hint" id="pieces-hint"
        >PDF, JPEG ou PNG, 5 fichiers au plus. L’usager les télécharge sur sa page de suivi ; ils sont joints au
        courriel s’ils ne sont pas trop lourds.${errors.length ? ' Si vous aviez choisi des fichiers, ajoutez-les à nouveau.' : ''}</span
      >
      ${filesError.map((e) => html`<span class="error-message" id="pieces-error">${e.message}</span>`)}
      <input
        type="file"
        id="pieces"
        name="pieces"
        multiple
        accept="application/pdf,image/jpeg,image/png"
        aria-describedby="pieces-hint${filesError.length ? ' pieces-error' : ''}"
        ${filesError.length ? html`aria-invalid="true"` : ''}
      />
    </div>
    ${
      sms?.mobile && sms.chosen
        ? html`<p class="hint">L’usager a choisi d’être prévenu par SMS : un SMS lui signale la réponse (sans son contenu).</p>`
        : sms?.mobile
          ? html`<div class="field">
              <div class="choice">
                <input
                  type="checkbox"
                  id="sms"
                  name="sms"
                  value="1"
                  aria-describedby="sms-hint"
                  ${values.sms ? html`checked` : ''}
                />
                <label for="sms">Prévenir aussi par SMS</label>
              </div>
              <span class="hint" id="sms-hint"
                >Un SMS au ${formatPhoneFr(sms.mobile)} signale la réponse et donne le lien de suivi, sans le contenu.</span
              >
            </div>`
          : ''
    }
    <button type="submit" class="button">Envoyer la réponse</button>
    <button type="submit" class="button secondary" name="action" value="relire">Relire sans envoyer</button>
  </form>`;
}

function assignmentForms(ctx: PageContext, input: RequestDetailPageInput): SafeHtml {
  const r = input.request;
  const action = url(ctx, `/agent/demandes/${encodeURIComponent(r.reference)}/prise-en-charge`);
  const errors = input.form?.kind === 'agent' ? input.form.errors : [];
  const error = fieldError(errors, 'agent');
  const mine = r.assigned_agent_id !== null && r.assigned_agent_id === input.viewerId;
  const quick =
    input.canTake && !mine
      ? html`<form method="post" action="${action}" class="inline-form">
          ${csrfField(ctx)}${revisionField(r.revision)}
          <input type="hidden" name="agent" value="${input.viewerId ?? ''}" />
          <button type="submit" class="button">Prendre en charge</button>
        </form>`
      : input.canTake && mine
        ? html`<form method="post" action="${action}" class="inline-form">
            ${csrfField(ctx)}${revisionField(r.revision)}
            <input type="hidden" name="agent" value="" />
            <button type="submit" class="button secondary">Remettre dans la file du service</button>
          </form>`
        : '';
  const choose =
    input.canAssign && input.assignable && input.assignable.length > 0
      ? html`<form method="post" action="${action}">
          ${csrfField(ctx)}${revisionField(r.revision)}
          <div class="field${error ? ' field-error' : ''}">
            <label for="agent">Confier à</label>
            ${error ? html`<span class="error-message" id="agent-error">${error.message}</span>` : ''}
            <select id="agent" name="agent" ${error ? html`aria-describedby="agent-error" aria-invalid="true"` : ''}>
              <option value="">Personne (file du service)</option>
              ${input.assignable.map(
                (a) =>
                  html`<option value="${a.id}" ${a.id === r.assigned_agent_id ? html` selected` : ''}>
                    ${a.display_name}${a.absent_until ? ` (absence jusqu’au ${formatDateFr(a.absent_until)})` : ''}
                  </option>`,
              )}
            </select>
          </div>
          <button type="submit" class="button secondary">Confier</button>
        </form>`
      : error
        ? html`<p class="error-message" id="agent-error">${error.message}</p>`
        : '';
  return html`<p>
      ${r.assignee_name ? html`Prise en charge par <strong>${r.assignee_name}</strong>.` : 'Personne ne l’a encore prise en charge.'}
    </p>
    ${quick}${choose}`;
}

function transferForm(ctx: PageContext, input: RequestDetailPageInput): SafeHtml {
  const r = input.request;
  const errors = input.form?.kind === 'transfert' ? input.form.errors : [];
  const values = input.form?.kind === 'transfert' ? input.form.values : {};
  const serviceError = fieldError(errors, 'service');
  const reasonError = fieldError(errors, 'motif');
  return html`<form method="post" action="${url(ctx, `/agent/demandes/${encodeURIComponent(r.reference)}/transfert`)}">
    ${csrfField(ctx)}${revisionField(r.revision)}
    <div class="field${serviceError ? ' field-error' : ''}">
      <label for="transfert-service">Service qui doit la traiter</label>
      ${serviceError ? html`<span class="error-message" id="service-error">${serviceError.message}</span>` : ''}
      <select
        id="transfert-service"
        name="service"
        ${serviceError ? html`aria-describedby="service-error" aria-invalid="true"` : ''}
      >
        ${(input.transferTargets ?? []).map(
          (s) => html`<option value="${s.id}" ${values.service === s.id ? html` selected` : ''}>${s.name}</option>`,
        )}
      </select>
    </div>
    ${textareaField({
      name: 'motif',
      label: 'Motif du transfert',
      hint: 'Les agents de l’autre service le lisent. L’usager ne le voit pas.',
      error: reasonError,
      value: values.motif ?? '',
      rows: 3,
    })}
    <button type="submit" class="button secondary">Transférer</button>
  </form>`;
}

function escalationForm(ctx: PageContext, input: RequestDetailPageInput): SafeHtml {
  const r = input.request;
  const errors = input.form?.kind === 'escalade' ? input.form.errors : [];
  const values = input.form?.kind === 'escalade' ? input.form.values : {};
  return html`<form method="post" action="${url(ctx, `/agent/demandes/${encodeURIComponent(r.reference)}/escalade`)}">
    ${csrfField(ctx)}${revisionField(r.revision)}
    ${textareaField({
      name: 'escalade',
      label: 'Motif de l’escalade',
      hint: 'Les responsables du service reçoivent un courriel avec ce motif. L’usager ne le voit pas.',
      error: fieldError(errors, 'escalade'),
      value: values.escalade ?? '',
      rows: 3,
    })}
    <button type="submit" class="button secondary">Escalader</button>
  </form>`;
}

function noteForm(ctx: PageContext, input: RequestDetailPageInput): SafeHtml {
  const errors = input.form?.kind === 'note' ? input.form.errors : [];
  const values = input.form?.kind === 'note' ? input.form.values : {};
  const noteError = fieldError(errors, 'note');
  return html`<form
    method="post"
    action="${url(ctx, `/agent/demandes/${encodeURIComponent(input.request.reference)}/notes`)}"
  >
    ${csrfField(ctx)}
    ${textareaField({
      name: 'note',
      label: 'Note interne',
      hint: "Seuls les agents voient cette note. L'usager ne la reçoit pas. Pour prévenir un collègue, écrivez @ suivi de son prénom ou du début de son adresse électronique (@camille.voirie) : il reçoit un courriel.",
      error: noteError,
      value: values.note ?? '',
      rows: 4,
    })}
    <button type="submit" class="button secondary">Ajouter la note</button>
  </form>`;
}

/** The item's tags, each with its button to take it off, and the field that adds one (new or known). */
function tagForms(ctx: PageContext, input: RequestDetailPageInput): SafeHtml {
  const r = input.request;
  const base = `/agent/demandes/${encodeURIComponent(r.reference)}/etiquettes`;
  const errors = input.form?.kind === 'etiquette' ? input.form.errors : [];
  const values = input.form?.kind === 'etiquette' ? input.form.values : {};
  const error = fieldError(errors, 'etiquette');
  const tags = input.tags ?? [];
  return html`${
    tags.length === 0
      ? html`<p>Aucune étiquette.</p>`
      : html`<ul class="item-tags">
          ${tags.map(
            (t) =>
              html`<li class="tag">
                ${t.label}
                <form method="post" action="${url(ctx, `${base}/retirer`)}" class="inline-form">
                  ${csrfField(ctx)}${revisionField(r.revision)}
                  <input type="hidden" name="etiquette" value="${t.id}" />
                  <button type="submit" class="link-button">Retirer<span class="visually-hidden"> l’étiquette ${t.label}</span></button>
                </form>
              </li>`,
          )}
        </ul>`
  }
    <form method="post" action="${url(ctx, base)}" class="inline-form">
      ${csrfField(ctx)}${revisionField(r.revision)}
      <div class="field${error ? ' field-error' : ''}">
        <label for="etiquette">Ajouter une étiquette</label>
        <span class="hint" id="etiquette-hint">Choisissez-en une ou écrivez-en une nouvelle.</span>
        ${error ? html`<span class="error-message" id="etiquette-error">${error.message}</span>` : ''}
        <input
          type="text"
          id="etiquette"
          name="etiquette"
          maxlength="40"
          list="etiquettes-connues"
          value="${values.etiquette ?? ''}"
          aria-describedby="etiquette-hint${error ? ' etiquette-error' : ''}"
          ${error ? html`aria-invalid="true"` : ''}
        />
        <datalist id="etiquettes-connues">
          ${(input.knownTags ?? []).map((t) => html`<option value="${t.label}"></option>`)}
        </datalist>
      </div>
      <button type="submit" class="button secondary">Ajouter</button>
    </form>`;
}

/** « Dominique Martin a ouvert cette demande il y a 3 minutes. »: someone else may be on it. */
function presenceLine(input: RequestDetailPageInput): SafeHtml | string {
  const now = input.now;
  if (!now || !input.presence || input.presence.length === 0) return '';
  return html`<ul class="presence" aria-label="Autres agents sur cette demande">
    ${input.presence.map(
      (p) => html`<li><strong>${p.name}</strong> a ouvert cette demande ${formatAgoFr(p.read_at, now)}.</li>`,
    )}
  </ul>`;
}

/** « Adresse en échec »: mails to the citizen bounced; the date and the server's diagnostic. */
function failedAddressNote(input: RequestDetailPageInput): SafeHtml | string {
  const f = input.failedAddress;
  if (!f) return '';
  const why = [f.status, f.diagnostic].filter(Boolean).join(' ');
  return html` <strong class="tag late">Adresse en échec</strong>
    <span class="hint">Un courriel envoyé à cette adresse est revenu en erreur le ${formatDateTimeFr(f.failed_at)}${why ? ` : ${why}` : ''}. Contactez l’usager autrement.</span>`;
}

/**
 * A reply to an item that came from another address than its citizen's: a separate item, flagged
 * so that nobody answers or appends it as if the citizen had written.
 */
function otherAddressFlag(ctx: PageContext, e: EventRow): SafeHtml | null {
  if (!e.mail_from_other) return null;
  const answered = e.mail_answers_reference
    ? html`la demande <a href="${url(ctx, `/agent/demandes/${encodeURIComponent(e.mail_answers_reference)}`)}">${e.mail_answers_reference}</a>`
    : 'une autre demande';
  return html`<strong>Réponse venue d’une autre adresse.</strong> Ce courriel répond à ${answered}, mais il vient de
    ${e.mail_from ?? 'une adresse inconnue'}, qui n’est pas l’adresse de l’usager de cette demande. Vérifiez qui écrit
    avant de répondre ou de joindre ce message à la demande.`;
}

export function requestDetailPage(ctx: PageContext, input: RequestDetailPageInput): SafeHtml {
  const r = input.request;
  const late = isLate(r.status, r.due_on, input.today);
  // Files are listed with their download links under « Pièces jointes ».
  const answers = presentAnswers(r.demarche_form, r.data).filter((a) => a.kind !== 'file');
  const title = `Demande ${r.reference}`;
  // The reference stays on one line on a phone (« VB-2026- / 533WX » reads as two things).
  const main = html`<h1>Demande <span class="nowrap">${r.reference}</span></h1>
    ${errorSummary(input.form?.errors ?? [])}
    <p class="lead">${r.demarche_title}</p>
    ${presenceLine(input)}
    <dl class="facts">
      <dt>Statut</dt>
      <dd>${statusBadge(r.status)}</dd>
      <dt>Service</dt>
      <dd>${r.service_name}</dd>
      <dt>Usager</dt>
      <dd>
        ${r.applicant_name ?? 'Nom non renseigné'}${
          r.person_id ? html` · <a href="${url(ctx, `/agent/usagers/${r.person_id}`)}">Fiche usager</a>` : ''
        }${
          input.canChangePerson
            ? html` · <a href="${url(ctx, `/agent/demandes/${encodeURIComponent(r.reference)}/usager`)}"
                  >Changer de fiche usager</a
                >`
            : ''
        }
        ${identityVerifiedNote(verifiedIdentity(r.data))}
      </dd>
      <dt>Prise en charge</dt>
      <dd>
        ${r.assignee_name ?? 'Personne pour le moment'}${
          r.escalated_at
            ? html` <strong class="tag escalated">Escaladée le ${formatDateTimeFr(r.escalated_at)}</strong>`
            : ''
        }
      </dd>
      <dt>Déposée le</dt>
      <dd>
        ${formatDateTimeFr(r.submitted_at)}, ${CHANNEL_LABELS[r.channel] ?? r.channel}${
          r.filed_by_name ? html`, par ${r.filed_by_name} pour l’usager` : ''
        }
      </dd>
      ${
        r.applicant_email
          ? html`<dt>Courriel de l’usager</dt>
            <dd>${r.applicant_email}${failedAddressNote(input)}</dd>`
          : ''
      }
      <dt>À traiter avant le</dt>
      <dd>${formatDateFr(r.due_on)}${late ? html` <strong class="tag late">En retard</strong>` : ''}</dd>
      ${
        r.closed_at
          ? html`<dt>Close le</dt>
              <dd>${formatDateTimeFr(r.closed_at)}</dd>`
          : ''
      }
    </dl>

    ${
      (r.channel === 'telephone' || r.channel === 'guichet') && !r.filed_by_name
        ? html`<p>
            <a href="${url(ctx, `/agent/deposer?contact=${r.reference}`)}">Déposer une démarche pour cette personne</a>
          </p>`
        : ''
    }
    <div class="workspace">
      <aside class="workspace-actions" aria-labelledby="actions-title">
        <h2 id="actions-title">Traiter la demande</h2>
        <h3>Prise en charge</h3>
        ${assignmentForms(ctx, input)}
        ${
          input.canTag
            ? html`<h3>Étiquettes</h3>
                ${tagForms(ctx, input)}`
            : ''
        }
        ${
          input.canReply
            ? html`<h3>Répondre à l'usager</h3>
                ${replyForm(ctx, input)}`
            : ''
        }
        ${
          input.canChangeStatus
            ? html`<h3>Changer le statut</h3>
                ${statusForm(ctx, input)}`
            : ''
        }
        ${
          input.canTransfer && (input.transferTargets ?? []).length > 0
            ? html`<details class="action-more" ${input.form?.kind === 'transfert' ? html`open` : ''}>
                <summary>Transférer à un autre service</summary>
                ${transferForm(ctx, input)}
              </details>`
            : ''
        }
        ${
          input.canEscalate && (input.form?.kind === 'escalade' || (!r.closed_at && !r.escalated_at))
            ? html`<details class="action-more" ${input.form?.kind === 'escalade' ? html`open` : ''}>
                <summary>Escalader aux responsables du service</summary>
                ${escalationForm(ctx, input)}
              </details>`
            : ''
        }
        ${
          input.canAddNote
            ? html`<details class="action-more" ${input.form?.kind === 'note' ? html`open` : ''}>
                <summary>Ajouter une note interne</summary>
                ${noteForm(ctx, input)}
              </details>`
            : ''
        }
      </aside>
      <div class="workspace-main">
        ${input.complaintPanel ?? ''} ${input.helpPanel ?? ''}
        <h2>Réponses de l'usager</h2>
        ${
          answers.length === 0
            ? html`<p>Aucune réponse enregistrée.</p>`
            : html`<dl class="facts answers">
                ${answers.map(
                  (a) =>
                    html`<dt>${a.label}</dt>
                      <dd class="keep-lines">${a.value}${a.verifiedBy ? html` <span class="badge-verified">Vérifié par ${a.verifiedBy}</span>` : ''}</dd>`,
                )}
              </dl>`
        }

        ${
          input.consents && input.consents.length > 0
            ? html`<h2>Accords de l'usager</h2>
                <ul>
                  ${input.consents.map(
                    (c) =>
                      html`<li>
                        « ${c.wording} » – donné le ${formatDateTimeFr(c.given_at)}${
                          c.withdrawn_at
                            ? html` <strong class="tag">Retiré le ${formatDateTimeFr(c.withdrawn_at)} : ne plus l'utiliser</strong>`
                            : ''
                        }
                      </li>`,
                  )}
                </ul>`
            : ''
        }

        <h2>Pièces jointes</h2>
        ${
          input.documents.length === 0
            ? html`<p>Aucune pièce jointe.</p>`
            : html`<ul>
                ${input.documents.map(
                  (d) =>
                    html`<li>
                      <a href="${url(ctx, `/agent/demandes/${encodeURIComponent(r.reference)}/documents/${d.id}`)}" download
                        >Télécharger ${d.filename}</a
                      >
                      (${formatBytes(d.size_bytes)})
                    </li>`,
                )}
              </ul>`
        }

        ${
          r.channel === 'guichet' || r.channel === 'telephone' || r.status === 'traitee' || r.status === 'refusee'
            ? html`<p>
                <a href="${url(ctx, `/agent/demandes/${encodeURIComponent(r.reference)}/avis`)}"
                  >Montrer le QR code de l’enquête de satisfaction</a
                >
              </p>`
            : ''
        }

        <h2>Historique</h2>
        ${timeline(
          input.events.map((e) => ({
            id: e.id,
            kind: e.kind,
            at: e.created_at,
            statusTo: e.status_to,
            body: e.body,
            authorKind: e.author_kind,
            agentName: e.agent_name,
            quoted: e.mail_quoted,
            flag: otherAddressFlag(ctx, e),
          })),
          input.documents.map((d) => ({
            eventId: d.event_id,
            filename: d.filename,
            sizeBytes: d.size_bytes,
            href: url(ctx, `/agent/demandes/${encodeURIComponent(r.reference)}/documents/${d.id}`),
          })),
          'agent',
        )}
      </div>
    </div>`;
  return layout(ctx, {
    title,
    errors: input.form?.errors,
    main,
    area: 'agent',
    notice: input.notice,
    breadcrumbs: [{ label: 'Demandes', href: '/agent/demandes' }, { label: r.reference }],
  });
}
