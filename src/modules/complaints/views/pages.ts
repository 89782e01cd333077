import {
  formatDateFr,
  formatDateTimeFr,
  formatDeadlineFr,
  formatNumberFr,
  parisDay,
} from '../../../platform/format.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import type { FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { adminNav } from '../../agents/views/admin-nav.ts';
import { radioGroup, selectField, textareaField, textField } from '../../../platform/web/fields.ts';
import type { NewComplaintValues } from '../forms.ts';
import type { ComplaintIndicators } from '../indicators.ts';
import {
  ACK_LABELS,
  ACK_WAYS,
  CAUSE_LABELS,
  CAUSES,
  CHANNEL_LABELS,
  CHANNELS,
  DECISION_LABELS,
  DECISIONS,
  LEVEL_LABELS,
  LEVELS,
  STATUS_LABELS,
} from '../labels.ts';
import type { ComplaintDetailRow, ComplaintEventRow, ComplaintListRow } from '../repository.ts';

export const COMPLAINTS_PATH = '/agent/reclamations';
export const NEW_COMPLAINT_PATH = '/agent/reclamations/nouvelle';
export const STATISTICS_PATH = '/agent/admin/reclamations';

/** The deadline that matters now: the acknowledgement while not given, then the answer. */
export function nextDeadline(
  c: Pick<ComplaintListRow, 'status' | 'acknowledged_at' | 'acknowledge_by' | 'answer_due_on'>,
  now: Date,
): { label: string; late: boolean } | null {
  if (c.status === 'close') return null;
  const today = parisDay(now);
  if (!c.acknowledged_at) {
    const late = now > c.acknowledge_by;
    return {
      label: `Accusé de réception avant le ${formatDateFr(new Date(c.acknowledge_by.getTime() - 1))}${late ? ' (dépassé)' : ''}`,
      late,
    };
  }
  return {
    label: `Réponse avant le ${formatDateFr(c.answer_due_on)} (${formatDeadlineFr(c.answer_due_on, today)})`,
    late: c.answer_due_on < today,
  };
}

function deadlineCell(c: ComplaintListRow, now: Date): SafeHtml {
  const d = nextDeadline(c, now);
  if (!d)
    return html`Répondue le ${formatDateFr(c.closed_at!)}${c.answered_late ? html` <strong class="tag late">en retard</strong>` : ''}`;
  return html`<span class="${d.late ? 'tag late' : 'hint'}">${d.label}</span>`;
}

/** « Réclamations »: the agent's complaints (their services), open ones by deadline. */
export function complaintListPage(
  ctx: PageContext,
  input: { rows: ComplaintListRow[]; open: boolean; now: Date; canViewStatistics: boolean; notice?: string },
): SafeHtml {
  const main = html`<h1>Réclamations</h1>
    <p>
      Une réclamation reçoit un accusé de réception sous deux jours ouvrés, puis une réponse dans le délai annoncé. Elle
      peut passer du service à la direction, puis au médiateur.
    </p>
    <p class="cta actions-inline">
      <a class="button" href="${url(ctx, NEW_COMPLAINT_PATH)}">Enregistrer une réclamation</a>
      ${input.canViewStatistics ? html`<a href="${url(ctx, STATISTICS_PATH)}">Statistiques des réclamations</a>` : ''}
    </p>
    <nav aria-label="Filtrer les réclamations">
      <ul class="inbox-views">
        <li>
          <a href="${url(ctx, COMPLAINTS_PATH)}" ${input.open ? html`aria-current="page"` : ''}>À traiter</a>
        </li>
        <li>
          <a href="${url(ctx, `${COMPLAINTS_PATH}?vue=toutes`)}" ${input.open ? '' : html`aria-current="page"`}>Toutes</a>
        </li>
      </ul>
    </nav>
    ${
      input.rows.length === 0
        ? html`<p>${input.open ? 'Aucune réclamation à traiter.' : 'Aucune réclamation.'}</p>`
        : html`<div class="table-wrap">
            <table class="inbox">
              <caption>
                ${input.open ? 'Réclamations à traiter, l’échéance la plus proche d’abord' : 'Toutes les réclamations'}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Numéro</th>
                  <th scope="col">Objet</th>
                  <th scope="col">Service</th>
                  <th scope="col">Niveau</th>
                  <th scope="col">Échéance</th>
                </tr>
              </thead>
              <tbody>
                ${input.rows.map(
                  (c) =>
                    html`<tr>
                      <th scope="row" class="reference">
                        <a href="${url(ctx, `${COMPLAINTS_PATH}/${c.id}`)}">${c.reference}</a>
                      </th>
                      <td data-label="Objet">
                        ${c.subject}${c.request_reference ? html`<br /><span class="hint">Demande ${c.request_reference}</span>` : ''}
                      </td>
                      <td data-label="Service">${c.service_name}</td>
                      <td data-label="Niveau">${LEVEL_LABELS[c.level]}</td>
                      <td data-label="Échéance">${deadlineCell(c, input.now)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }`;
  return layout(ctx, { title: 'Réclamations', main, area: 'agent', notice: input.notice });
}

/** « Enregistrer une réclamation », prefilled from a request when it comes from one. */
export function newComplaintPage(
  ctx: PageContext,
  input: {
    values: NewComplaintValues;
    errors: FieldError[];
    services: { id: string; name: string }[];
    request: { reference: string; demarcheTitle: string } | null;
    answerDays: number;
  },
): SafeHtml {
  const v = input.values;
  const main = html`${errorSummary(input.errors)}
    <h1>Enregistrer une réclamation</h1>
    ${
      input.request
        ? html`<p>
          Réclamation sur la demande
          <a href="${url(ctx, `/agent/demandes/${encodeURIComponent(input.request.reference)}`)}">${input.request.reference}</a>
          (${input.request.demarcheTitle}). Elle sera affichée sur la page de la demande.
        </p>`
        : ''
    }
    <p>
      Avec une adresse électronique, l’accusé de réception part tout de suite, avec le numéro de la réclamation et la date
      de réponse (dans ${formatNumberFr(input.answerDays)} jours). Sans adresse, donnez l’accusé de réception par
      téléphone ou par courrier sous deux jours ouvrés.
    </p>
    <form method="post" action="${url(ctx, NEW_COMPLAINT_PATH)}" novalidate>
      ${csrfField(ctx)}
      <input type="hidden" name="demande" value="${v.demande}" />
      ${selectField({
        name: 'service',
        label: 'Service concerné',
        value: v.service,
        empty: 'Choisissez un service',
        options: input.services.map((s) => ({ value: s.id, label: s.name })),
        errors: input.errors,
      })}
      ${radioGroup({
        name: 'canal',
        label: 'Comment est-elle arrivée ?',
        value: v.canal,
        options: CHANNELS.filter((c) => c !== 'demande' || input.request).map((c) => ({
          value: c,
          label: CHANNEL_LABELS[c],
        })),
        errors: input.errors,
      })}
      ${textField({ name: 'objet', label: 'Objet', value: v.objet, maxlength: 200, errors: input.errors })}
      ${textareaField({
        name: 'description',
        label: 'Ce que la personne reproche',
        hint: 'Avec ses mots : ce qui s’est passé, ce qu’elle demande.',
        value: v.description,
        rows: 8,
        errors: input.errors,
      })}
      <fieldset class="form-section">
        <legend><h2>La personne</h2></legend>
        ${textField({ name: 'nom', label: 'Nom', optional: true, value: v.nom, errors: input.errors })}
        ${textField({
          name: 'courriel',
          label: 'Adresse électronique',
          type: 'email',
          optional: true,
          value: v.courriel,
          errors: input.errors,
        })}
        ${textField({ name: 'telephone', label: 'Téléphone', type: 'tel', optional: true, value: v.telephone, errors: input.errors })}
      </fieldset>
      <button type="submit" class="button">Enregistrer la réclamation</button>
    </form>`;
  return layout(ctx, {
    title: 'Enregistrer une réclamation',
    main,
    area: 'agent',
    errors: input.errors,
    breadcrumbs: [{ label: 'Réclamations', href: COMPLAINTS_PATH }, { label: 'Enregistrer une réclamation' }],
  });
}

function historyLine(e: ComplaintEventRow): string {
  switch (e.kind) {
    case 'created':
      return 'Réclamation enregistrée';
    case 'acknowledged':
      return e.body || 'Accusé de réception';
    case 'escalated':
      return `Transmise du niveau ${LEVEL_LABELS[e.level_from!]} au niveau ${LEVEL_LABELS[e.level_to!]}`;
    case 'decided':
      return `Réponse envoyée (niveau ${LEVEL_LABELS[e.level_from ?? 'service']})`;
    default:
      return e.body;
  }
}

export interface ComplaintPageInput {
  row: ComplaintDetailRow;
  history: ComplaintEventRow[];
  canHandle: boolean;
  now: Date;
  form: { kind: 'accuse' | 'escalade' | 'decision' | null; values: Record<string, string>; errors: FieldError[] };
  notice?: string;
}

/** One complaint: deadlines, history, and the forms to acknowledge, escalate and decide. */
export function complaintPage(ctx: PageContext, input: ComplaintPageInput): SafeHtml {
  const c = input.row;
  const base = `${COMPLAINTS_PATH}/${c.id}`;
  const errorsOf = (kind: ComplaintPageInput['form']['kind']) => (input.form.kind === kind ? input.form.errors : []);
  const valueOf = (kind: ComplaintPageInput['form']['kind'], name: string, fallback = '') =>
    input.form.kind === kind ? (input.form.values[name] ?? fallback) : fallback;
  const deadline = nextDeadline(c, input.now);
  const nextLevel = LEVELS[LEVELS.indexOf(c.level) + 1];
  const main = html`${errorSummary(input.form.errors)}
    <h1>Réclamation ${c.reference}</h1>
    <dl class="facts">
      <dt>Objet</dt>
      <dd>${c.subject}</dd>
      <dt>État</dt>
      <dd>
        ${STATUS_LABELS[c.status]} – niveau ${LEVEL_LABELS[c.level]}
        ${deadline ? html`<br /><span class="${deadline.late ? 'tag late' : 'hint'}">${deadline.label}</span>` : ''}
      </dd>
      <dt>Service</dt>
      <dd>${c.service_name}</dd>
      <dt>Reçue le</dt>
      <dd>${formatDateTimeFr(c.received_at)} (${CHANNEL_LABELS[c.channel]})</dd>
      ${
        c.request_reference
          ? html`<dt>Demande</dt>
            <dd>
              <a href="${url(ctx, `/agent/demandes/${encodeURIComponent(c.request_reference)}`)}">${c.request_reference}</a>
            </dd>`
          : ''
      }
      <dt>Personne</dt>
      <dd>${[c.citizen_name, c.citizen_email, c.citizen_phone].filter(Boolean).join(' · ') || 'Non renseignée'}</dd>
      ${
        c.acknowledged_at
          ? html`<dt>Accusé de réception</dt>
            <dd>${formatDateTimeFr(c.acknowledged_at)}</dd>`
          : ''
      }
      ${
        c.status === 'close'
          ? html`<dt>Décision</dt>
            <dd>
              ${DECISION_LABELS[c.decision!]} – cause : ${CAUSE_LABELS[c.cause!]}
              ${c.answered_late ? html` <strong class="tag late">répondue en retard</strong>` : ''}
            </dd>
            <dt>Réponse</dt>
            <dd class="keep-lines">${c.answer}</dd>`
          : ''
      }
    </dl>
    <h2>Ce que la personne reproche</h2>
    <div class="message-body"><p class="keep-lines">${c.description}</p></div>
    <h2>Historique</h2>
    <ol class="timeline">
      ${input.history.map(
        (e) =>
          html`<li>
            <p class="meta">${formatDateTimeFr(e.created_at)}${e.agent_name ? ` – ${e.agent_name}` : ''}</p>
            <p>${historyLine(e)}</p>
            ${e.kind === 'escalated' && e.body ? html`<p class="keep-lines">Motif : ${e.body}</p>` : ''}
          </li>`,
      )}
    </ol>
    ${
      input.canHandle && c.status !== 'close'
        ? html`${
            !c.acknowledged_at
              ? html`<h2>Accusé de réception</h2>
                    <form method="post" action="${url(ctx, `${base}/accuse`)}" novalidate>
                      ${csrfField(ctx)}
                      ${radioGroup({
                        name: 'moyen',
                        label: 'L’accusé de réception a été donné :',
                        value: valueOf('accuse', 'moyen'),
                        options: ACK_WAYS.map((w) => ({ value: w, label: ACK_LABELS[w] })),
                        errors: errorsOf('accuse'),
                      })}
                      <button type="submit" class="button secondary">Enregistrer l’accusé de réception</button>
                    </form>`
              : ''
          }
            <h2 id="repondre">Répondre</h2>
            <form method="post" action="${url(ctx, `${base}/decision`)}" novalidate>
              ${csrfField(ctx)}
              ${selectField({
                name: 'cause',
                label: 'Cause principale',
                value: valueOf('decision', 'cause', c.cause ?? ''),
                empty: 'Choisissez une cause',
                options: CAUSES.map((k) => ({ value: k, label: CAUSE_LABELS[k] })),
                errors: errorsOf('decision'),
              })}
              ${radioGroup({
                name: 'decision',
                label: 'La réclamation est :',
                value: valueOf('decision', 'decision'),
                options: DECISIONS.map((d) => ({ value: d, label: DECISION_LABELS[d] })),
                errors: errorsOf('decision'),
              })}
              ${textareaField({
                name: 'reponse',
                label: 'Réponse à la personne',
                hint: c.citizen_email
                  ? 'Envoyée par courriel avec la décision.'
                  : 'Pas d’adresse électronique : envoyez-la par courrier ou donnez-la par téléphone.',
                value: valueOf('decision', 'reponse'),
                rows: 8,
                errors: errorsOf('decision'),
              })}
              <button type="submit" class="button">Enregistrer la décision et répondre</button>
            </form>`
        : ''
    }
    ${
      input.canHandle && nextLevel
        ? html`<h2>Passer au niveau ${LEVEL_LABELS[nextLevel].toLowerCase()}</h2>
            <p>
              ${
                c.status === 'close'
                  ? 'La personne conteste la réponse : la réclamation est réexaminée au niveau suivant.'
                  : 'La réclamation dépasse le service, ou la personne le demande.'
              }
              Le délai de réponse repart du jour du passage.
            </p>
            <form method="post" action="${url(ctx, `${base}/escalade`)}" novalidate>
              ${csrfField(ctx)}
              ${textareaField({
                name: 'motif',
                label: 'Motif',
                value: valueOf('escalade', 'motif'),
                rows: 3,
                errors: errorsOf('escalade'),
              })}
              <button type="submit" class="button secondary">Transmettre ${nextLevel === 'direction' ? 'à la direction' : 'au médiateur'}</button>
            </form>`
        : ''
    }`;
  return layout(ctx, {
    title: `Réclamation ${c.reference}`,
    main,
    area: 'agent',
    breadcrumbs: [{ label: 'Réclamations', href: COMPLAINTS_PATH }, { label: c.reference }],
    notice: input.notice,
    errors: input.form.errors,
  });
}

/** « 12,5 % », or « – » with no denominator. */
export function percent(value: number | null): string {
  return value === null ? '–' : `${formatNumberFr(Math.round(value * 1000) / 10)} %`;
}

/** The supervisors' statistics: rates per service, deadlines kept, main causes, the announced time. */
export function statisticsPage(
  ctx: PageContext,
  input: {
    values: { du: string; au: string; service: string };
    errors: FieldError[];
    indicators: ComplaintIndicators | null;
    services: { id: string; name: string }[];
    isAdmin: boolean;
    answerDays: number;
    daysForm: { value: string; errors: FieldError[] };
    notice?: string;
  },
): SafeHtml {
  const i = input.indicators;
  const qs = new URLSearchParams(input.values).toString();
  const main = html`${adminNav(ctx, STATISTICS_PATH, input.isAdmin ? 'admin' : 'supervisor')}
    ${errorSummary([...input.errors, ...input.daysForm.errors])}
    <h1>Statistiques des réclamations</h1>
    <form method="get" action="${url(ctx, STATISTICS_PATH)}" class="filters" aria-label="Période et service">
      ${textField({ name: 'du', label: 'Du', type: 'date', value: input.values.du, optional: true, errors: input.errors })}
      ${textField({ name: 'au', label: 'Au', type: 'date', value: input.values.au, optional: true, errors: input.errors })}
      ${selectField({
        name: 'service',
        label: 'Service',
        value: input.values.service,
        empty: 'Tous les services',
        options: input.services.map((s) => ({ value: s.id, label: s.name })),
        errors: input.errors,
      })}
      <button type="submit" class="button secondary">Afficher</button>
    </form>
    ${
      i
        ? html`<p class="hint">Période du ${formatDateFr(i.from)} au ${formatDateFr(i.to)}.</p>
            ${
              i.received === 0 && i.handled === 0
                ? html`<p>Aucune réclamation reçue ni traitée sur la période.</p>`
                : html`<dl class="facts">
                    <dt>Réclamations reçues</dt>
                    <dd>
                      ${formatNumberFr(i.received)}, soit ${percent(i.rate)} des ${formatNumberFr(i.requestsReceived)}
                      demandes reçues
                    </dd>
                    <dt>Accusé de réception sous deux jours ouvrés</dt>
                    <dd>${percent(i.acknowledgedInTimeRate)} (${formatNumberFr(i.acknowledgedInTime)} sur ${formatNumberFr(i.received)})</dd>
                    <dt>Réponses dans le délai annoncé</dt>
                    <dd>${percent(i.inTimeRate)} (${formatNumberFr(i.handledInTime)} sur ${formatNumberFr(i.handled)} traitées)</dd>
                    <dt>Transmises à la direction ou au médiateur</dt>
                    <dd>${formatNumberFr(i.escalated)}</dd>
                    <dt>Décisions</dt>
                    <dd>
                      ${DECISIONS.map((d) => `${DECISION_LABELS[d]} : ${formatNumberFr(i.decisions[d])}`).join(' · ')}
                    </dd>
                  </dl>`
            }
            ${
              i.byService.length > 0
                ? html`<div class="table-wrap">
                    <table class="inbox">
                      <caption>
                        Taux de réclamation par service
                      </caption>
                      <thead>
                        <tr>
                          <th scope="col">Service</th>
                          <th scope="col">Réclamations reçues</th>
                          <th scope="col">Demandes reçues</th>
                          <th scope="col">Taux de réclamation</th>
                          <th scope="col">Traitées</th>
                          <th scope="col">Dont dans le délai</th>
                        </tr>
                      </thead>
                      <tbody>
                        ${i.byService.map(
                          (s) =>
                            html`<tr>
                              <th scope="row">${s.serviceName}</th>
                              <td data-label="Réclamations reçues">${formatNumberFr(s.received)}</td>
                              <td data-label="Demandes reçues">${formatNumberFr(s.requestsReceived)}</td>
                              <td data-label="Taux de réclamation">${percent(s.rate)}</td>
                              <td data-label="Traitées">${formatNumberFr(s.handled)}</td>
                              <td data-label="Dont dans le délai">${formatNumberFr(s.handledInTime)}</td>
                            </tr>`,
                        )}
                      </tbody>
                    </table>
                  </div>`
                : ''
            }
            <h2>Causes principales</h2>
            ${
              i.causes.length === 0
                ? html`<p>Aucune réclamation traitée sur la période.</p>`
                : html`<div class="table-wrap">
                    <table class="inbox">
                      <caption>
                        Causes des réclamations traitées, la plus fréquente d’abord
                      </caption>
                      <thead>
                        <tr>
                          <th scope="col">Cause</th>
                          <th scope="col">Réclamations</th>
                          <th scope="col">Part</th>
                        </tr>
                      </thead>
                      <tbody>
                        ${i.causes.map(
                          (k) =>
                            html`<tr>
                              <th scope="row">${k.label}</th>
                              <td data-label="Réclamations">${formatNumberFr(k.count)}</td>
                              <td data-label="Part">${percent(k.share)}</td>
                            </tr>`,
                        )}
                      </tbody>
                    </table>
                  </div>`
            }
            <p><a href="${url(ctx, `${STATISTICS_PATH}.csv?${qs}`)}" download>Télécharger ces chiffres en tableur (CSV)</a></p>`
        : ''
    }
    <h2>Délai de réponse annoncé</h2>
    <p>
      Les réclamations reçoivent une réponse dans les ${formatNumberFr(input.answerDays)} jours (jours calendaires, reportés au
      jour ouvré suivant). L’accusé de réception le dit à la personne.
    </p>
    ${
      input.isAdmin
        ? html`<form method="post" action="${url(ctx, `${STATISTICS_PATH}/delai`)}" class="inline-form" novalidate>
            ${csrfField(ctx)}
            ${textField({
              name: 'jours',
              label: 'Délai de réponse (en jours)',
              value: input.daysForm.value,
              maxlength: 3,
              errors: input.daysForm.errors,
            })}
            <button type="submit" class="button secondary">Enregistrer le délai</button>
          </form>`
        : ''
    }`;
  return layout(ctx, {
    title: 'Statistiques des réclamations',
    main,
    area: 'agent',
    notice: input.notice,
    errors: [...input.errors, ...input.daysForm.errors],
  });
}
