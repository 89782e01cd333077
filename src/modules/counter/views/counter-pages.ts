import { formatDateFr, formatTimeFr, formatNumberFr } from '../../../platform/format.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { errorOf, type FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import type { FoundAppointments } from '../find-appointments.ts';
import type { WalkInValues } from '../forms.ts';
import type { Counter, CounterSite, DayAppointment, TicketRow } from '../repository.ts';
import { formatDurationFr } from './durations.ts';

export const COUNTER_PATH = '/agent/guichet';
export const sitePath = (siteId: string) => `${COUNTER_PATH}/lieux/${siteId}`;
export const counterPath = (counterId: string) => `${COUNTER_PATH}/comptoirs/${counterId}`;
export const displayPath = (siteId: string) => `/ecran/${siteId}`;

const APPOINTMENT_STATES: Record<DayAppointment['status'], string> = {
  booked: 'À venir',
  cancelled: 'Annulé',
  seen: 'Reçu',
  excused: 'Excusé',
  no_show: 'Absent',
};

function minutesSince(from: Date, now: Date): string {
  return formatDurationFr(Math.max(0, (now.getTime() - from.getTime()) / 1000));
}

/** « Guichet »: the sites with counters, each with its day, its counters and its screen. */
export function sitesPage(ctx: PageContext, input: { sites: CounterSite[] }): SafeHtml {
  const main = html`<h1>Accueil au guichet</h1>
    ${
      input.sites.length === 0
        ? html`<p>
            Aucun lieu d’accueil n’a de guichet. Les lieux et leurs guichets se règlent avec les agendas de rendez-vous.
          </p>`
        : html`<ul class="card-list">
            ${input.sites.map(
              (s) =>
                html`<li class="card">
                  <h2><a href="${url(ctx, sitePath(s.id))}">${s.name}</a></h2>
                  <p>Arrivées, tickets et file d’attente du jour.</p>
                  <ul>
                    ${s.counters.map((c) => html`<li><a href="${url(ctx, counterPath(c.id))}">${c.name}</a></li>`)}
                    <li><a href="${url(ctx, displayPath(s.id))}">Écran de la salle d’attente</a></li>
                  </ul>
                </li>`,
            )}
          </ul>`
    }`;
  return layout(ctx, { title: 'Accueil au guichet', main, area: 'agent' });
}

export interface SiteDayInput {
  site: CounterSite;
  today: string;
  now: Date;
  search: { text: string; found: FoundAppointments | null };
  walkIn: { values: WalkInValues; demarches: { id: string; title: string }[] };
  waiting: TicketRow[];
  appointments: DayAppointment[];
  errors: FieldError[];
  notice?: string;
}

function checkInButton(ctx: PageContext, siteId: string, reference: string, label: SafeHtml | string): SafeHtml {
  return html`<form method="post" action="${url(ctx, `${sitePath(siteId)}/arrivees`)}" class="inline-form">
    ${csrfField(ctx)}<input type="hidden" name="reference" value="${reference}" />
    <button type="submit" class="button">${label}</button>
  </form>`;
}

function searchSection(ctx: PageContext, input: SiteDayInput): SafeHtml {
  const error = errorOf(input.errors, 'q');
  const found = input.search.found;
  return html`<section aria-labelledby="arrivee-titre">
    <h2 id="arrivee-titre">Arrivée d’une personne qui a rendez-vous</h2>
    <form method="get" action="${url(ctx, sitePath(input.site.id))}" class="search-form" role="search">
      <div class="field${error ? ' field-error' : ''}">
        <label for="q">Nom, référence ou code QR</label>
        <span class="hint" id="q-hint">Tapez le nom ou la référence (RDV-4F7K2X), ou lisez le code QR avec la douchette.</span>
        ${error ? html`<span class="error-message" id="q-error">${error}</span>` : ''}
        <input
          type="search"
          id="q"
          name="q"
          maxlength="300"
          autocomplete="off"
          value="${input.search.text}"
          aria-describedby="q-hint${error ? ' q-error' : ''}"
          ${error ? html`aria-invalid="true"` : ''}
        />
      </div>
      <button type="submit" class="button secondary">Chercher</button>
    </form>
    ${
      found === null
        ? ''
        : found.appointments.length === 0
          ? html`<p role="status">
              ${found.by === 'reference' ? 'Aucun rendez-vous n’a cette référence.' : 'Aucun rendez-vous à ce nom aujourd’hui ici.'}
            </p>`
          : html`<ul class="card-list" aria-label="Rendez-vous trouvés">
              ${found.appointments.map(
                (a) =>
                  html`<li class="card">
                    <p>
                      <strong>${a.name}</strong> – ${formatDateFr(a.start)} à ${formatTimeFr(a.start)}<br />${a.motifName}
                      · <span class="reference">${a.reference}</span> · ${APPOINTMENT_STATES[a.status]}
                    </p>
                    ${
                      a.ticketCode
                        ? html`<p>Arrivée déjà enregistrée : ticket <strong>${a.ticketCode}</strong>.</p>`
                        : a.status === 'cancelled' || a.status === 'seen'
                          ? ''
                          : checkInButton(
                              ctx,
                              input.site.id,
                              a.reference,
                              html`Enregistrer l’arrivée<span class="visually-hidden"> de ${a.name}</span>`,
                            )
                    }
                  </li>`,
              )}
            </ul>`
    }
  </section>`;
}

function walkInSection(ctx: PageContext, input: SiteDayInput): SafeHtml {
  const error = errorOf(input.errors, 'demarche');
  const nameError = errorOf(input.errors, 'nom');
  const v = input.walkIn.values;
  return html`<section aria-labelledby="sans-rdv-titre">
    <h2 id="sans-rdv-titre">Sans rendez-vous : donner un ticket</h2>
    <form method="post" action="${url(ctx, `${sitePath(input.site.id)}/tickets`)}" novalidate>
      ${csrfField(ctx)}
      <div class="field${error ? ' field-error' : ''}">
        <label for="demarche">Démarche</label>
        ${error ? html`<span class="error-message" id="demarche-error">${error}</span>` : ''}
        <select
          id="demarche"
          name="demarche"
          ${error ? html`aria-describedby="demarche-error" aria-invalid="true"` : ''}
        >
          <option value="">Choisir…</option>
          ${input.walkIn.demarches.map(
            (d) => html`<option value="${d.id}" ${v.demarche === d.id ? html`selected` : ''}>${d.title}</option>`,
          )}
          <option value="autre" ${v.demarche === 'autre' ? html`selected` : ''}>Autre demande</option>
        </select>
      </div>
      <div class="field${nameError ? ' field-error' : ''}">
        <label for="nom">Nom <span class="optional">(facultatif)</span></label>
        <span class="hint" id="nom-hint">Pour vous retrouver dans la liste ; il n’est jamais affiché sur l’écran.</span>
        ${nameError ? html`<span class="error-message" id="nom-error">${nameError}</span>` : ''}
        <input
          type="text"
          id="nom"
          name="nom"
          maxlength="200"
          autocomplete="off"
          value="${v.nom}"
          aria-describedby="nom-hint${nameError ? ' nom-error' : ''}"
          ${nameError ? html`aria-invalid="true"` : ''}
        />
      </div>
      <button type="submit" class="button">Donner un ticket</button>
    </form>
  </section>`;
}

function waitingSection(ctx: PageContext, input: SiteDayInput): SafeHtml {
  const n = input.waiting.length;
  return html`<section aria-labelledby="file-titre">
    <h2 id="file-titre">File d’attente : ${n === 0 ? 'personne' : n === 1 ? '1 personne' : `${formatNumberFr(n)} personnes`}</h2>
    ${
      n === 0
        ? html`<p>Personne n’attend.</p>`
        : html`<div class="table-wrap">
            <table class="inbox">
              <caption class="visually-hidden">
                Personnes qui attendent, dans l’ordre d’arrivée
              </caption>
              <thead>
                <tr>
                  <th scope="col">Ticket</th>
                  <th scope="col">Démarche</th>
                  <th scope="col">Nom</th>
                  <th scope="col">Arrivée</th>
                  <th scope="col">Attend depuis</th>
                  <th scope="col"><span class="visually-hidden">Action</span></th>
                </tr>
              </thead>
              <tbody>
                ${input.waiting.map(
                  (t) =>
                    html`<tr>
                      <th scope="row" class="reference">${t.code}</th>
                      <td data-label="Démarche">${t.demarcheTitle ?? 'Autre demande'}</td>
                      <td data-label="Nom">${t.name || '–'}</td>
                      <td data-label="Arrivée">
                        ${formatTimeFr(t.issuedAt)}${t.appointment ? html` (rendez-vous à ${formatTimeFr(t.appointment.start)})` : ''}
                      </td>
                      <td data-label="Attend depuis">${minutesSince(t.waitFrom, input.now)}</td>
                      <td>
                        <form
                          method="post"
                          action="${url(ctx, `${sitePath(input.site.id)}/tickets/${t.id}/parti`)}"
                          class="inline-form"
                        >
                          ${csrfField(ctx)}
                          <button type="submit" class="button secondary" name="confirmer" value="oui">
                            Partie sans attendre<span class="visually-hidden"> : ticket ${t.code}</span>
                          </button>
                        </form>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
  </section>`;
}

function outcomeButtons(ctx: PageContext, siteId: string, a: DayAppointment, now: Date): SafeHtml {
  const form = (statut: string, label: string) =>
    html`<form
      method="post"
      action="${url(ctx, `${sitePath(siteId)}/rendez-vous/${a.id}/etat`)}"
      class="inline-form"
    >
      ${csrfField(ctx)}<input type="hidden" name="statut" value="${statut}" />
      <button type="submit" class="button secondary">${label}<span class="visually-hidden"> : ${a.name}</span></button>
    </form>`;
  if (a.ticketCode || a.status === 'seen' || a.status === 'cancelled') return html``;
  if (a.status !== 'booked') return form('a-venir', 'Remettre à venir');
  if (a.checkedInAt)
    return checkInButton(
      ctx,
      siteId,
      a.reference,
      html`Donner un ticket<span class="visually-hidden"> : ${a.name}</span>`,
    );
  return html`${checkInButton(ctx, siteId, a.reference, html`Arrivé<span class="visually-hidden"> : ${a.name}</span>`)}
  ${form('excuse', 'Excusé')} ${a.start.getTime() <= now.getTime() ? form('absent', 'Absent') : ''}`;
}

function appointmentsSection(ctx: PageContext, input: SiteDayInput): SafeHtml {
  return html`<section aria-labelledby="rdv-titre">
    <h2 id="rdv-titre">Rendez-vous du ${formatDateFr(input.today)}</h2>
    ${
      input.appointments.length === 0
        ? html`<p>Aucun rendez-vous aujourd’hui ici.</p>`
        : html`<div class="table-wrap">
            <table class="inbox">
              <caption class="visually-hidden">
                Rendez-vous du jour, par heure
              </caption>
              <thead>
                <tr>
                  <th scope="col">Heure</th>
                  <th scope="col">Nom</th>
                  <th scope="col">Motif</th>
                  <th scope="col">Référence</th>
                  <th scope="col">État</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                ${input.appointments.map(
                  (a) =>
                    html`<tr>
                      <th scope="row">${formatTimeFr(a.start)}</th>
                      <td data-label="Nom">${a.name}</td>
                      <td data-label="Motif">${a.motifName}</td>
                      <td data-label="Référence"><span class="reference">${a.reference}</span></td>
                      <td data-label="État">
                        ${
                          a.ticketCode && a.status === 'booked'
                            ? `Arrivé (ticket ${a.ticketCode})`
                            : a.checkedInAt && a.status === 'booked'
                              ? `Arrivée signalée à ${formatTimeFr(a.checkedInAt)} : donnez-lui un ticket`
                              : APPOINTMENT_STATES[a.status]
                        }
                      </td>
                      <td data-label="Actions" class="actions-inline">${outcomeButtons(ctx, input.site.id, a, input.now)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
  </section>`;
}

/** A site's day: check-in, walk-in tickets, the waiting line, the day's appointments. */
export function siteDayPage(ctx: PageContext, input: SiteDayInput): SafeHtml {
  const main = html`${errorSummary(input.errors)}
    <h1>Accueil – ${input.site.name}</h1>
    <p>${formatDateFr(input.today)}.</p>
    <nav aria-label="Guichets de ce lieu">
      <ul class="actions-inline">
        ${input.site.counters.map((c) => html`<li><a href="${url(ctx, counterPath(c.id))}">${c.name}</a></li>`)}
        <li><a href="${url(ctx, displayPath(input.site.id))}">Écran de la salle d’attente</a></li>
      </ul>
    </nav>
    ${searchSection(ctx, input)} ${walkInSection(ctx, input)} ${waitingSection(ctx, input)} ${appointmentsSection(ctx, input)}`;
  return layout(ctx, {
    title: `Accueil – ${input.site.name}`,
    main,
    area: 'agent',
    notice: input.notice,
    errors: input.errors,
    breadcrumbs: [{ label: 'Accueil au guichet', href: COUNTER_PATH }, { label: input.site.name }],
  });
}

/** Where the QR code of a confirmation leads: the appointment, and the check-in button. */
export function checkInPage(
  ctx: PageContext,
  input: { reference: string; found: FoundAppointments; siteName: string | null },
): SafeHtml {
  const a = input.found.appointments[0];
  const main = html`<h1>Arrivée au rendez-vous ${input.reference}</h1>
    ${
      !a
        ? html`<p>Aucun rendez-vous n’a cette référence.</p>`
        : html`<p>
              <strong>${a.name}</strong> – ${formatDateFr(a.start)} à ${formatTimeFr(a.start)}, ${input.siteName ?? ''}.<br />${a.motifName}
              · ${APPOINTMENT_STATES[a.status]}
            </p>
            ${
              a.ticketCode
                ? html`<p>Arrivée déjà enregistrée : ticket <strong>${a.ticketCode}</strong>.</p>`
                : checkInButton(ctx, a.siteId, a.reference, 'Enregistrer l’arrivée')
            }`
    }
    <p><a href="${url(ctx, COUNTER_PATH)}">Retour à l’accueil au guichet</a></p>`;
  return layout(ctx, { title: `Arrivée au rendez-vous ${input.reference}`, main, area: 'agent' });
}

export interface CounterPageInput {
  counter: Counter;
  current: TicketRow | null;
  waiting: number;
  now: Date;
  errors: FieldError[];
  notice?: string;
  /** The ticket just served at this counter: a link to its survey's QR code. */
  lastServed?: { id: string; code: string } | null;
}

function ticketAction(ctx: PageContext, input: CounterPageInput, action: string, label: string, primary = false) {
  return html`<form
    method="post"
    action="${url(ctx, `${counterPath(input.counter.id)}/tickets/${input.current!.id}/${action}`)}"
    class="inline-form"
  >
    ${csrfField(ctx)}<button type="submit" class="button${primary ? '' : ' secondary'}">${label}</button>
  </form>`;
}

/** One counter: who is at it, and « Appeler le suivant ». */
export function counterPage(ctx: PageContext, input: CounterPageInput): SafeHtml {
  const t = input.current;
  const main = html`${errorSummary(input.errors)}
    <h1>${input.counter.name} – ${input.counter.siteName}</h1>
    <section aria-labelledby="au-guichet-titre" class="panel-success">
      <h2 id="au-guichet-titre">Au guichet</h2>
      ${
        t
          ? html`<p class="ticket-code">${t.code}</p>
              <p>
                ${t.demarcheTitle ?? 'Autre demande'}${t.name ? html` – ${t.name}` : ''}${t.appointment ? html` · rendez-vous ${t.appointment.reference} à ${formatTimeFr(t.appointment.start)}` : ''}
              </p>
              <p>
                ${
                  t.status === 'called'
                    ? `Appelé à ${formatTimeFr(t.lastCalledAt ?? t.calledAt!)}${t.calls > 1 ? ` (${t.calls} appels)` : ''}.`
                    : `Reçu depuis ${formatTimeFr(t.servedAt!)}.`
                }
              </p>
              <div class="actions-inline">
                ${
                  t.status === 'called'
                    ? html`${ticketAction(ctx, input, 'commencer', 'La personne est là', true)}
                      ${ticketAction(ctx, input, 'rappeler', 'Appeler à nouveau')}
                      ${ticketAction(ctx, input, 'absent', 'Personne absente')}`
                    : ticketAction(ctx, input, 'terminer', 'Terminer l’accueil')
                }
              </div>`
          : html`<p>Personne au guichet.</p>`
      }
    </section>
    ${
      input.lastServed
        ? html`<p>
            Ticket ${input.lastServed.code} reçu.
            <a href="${url(ctx, `${counterPath(input.counter.id)}/tickets/${input.lastServed.id}/avis`)}"
              >Montrer à la personne le QR code de l’enquête de satisfaction</a
            >
          </p>`
        : ''
    }
    <p>
      ${input.waiting === 0 ? 'Personne n’attend.' : input.waiting === 1 ? '1 personne attend.' : `${formatNumberFr(input.waiting)} personnes attendent.`}
      <a href="${url(ctx, sitePath(input.counter.siteId))}">Voir la file et les rendez-vous du jour</a>
    </p>
    <form method="post" action="${url(ctx, `${counterPath(input.counter.id)}/suivant`)}">
      ${csrfField(ctx)}
      <p class="hint" id="suivant-hint">
        ${t ? 'Termine l’accueil en cours, puis appelle le ticket suivant sur l’écran.' : 'Appelle le ticket suivant sur l’écran.'}
      </p>
      <button type="submit" class="button" id="suivant" aria-describedby="suivant-hint">Appeler le suivant</button>
    </form>`;
  return layout(ctx, {
    title: `${input.counter.name} – ${input.counter.siteName}`,
    main,
    area: 'agent',
    notice: input.notice,
    errors: input.errors,
    breadcrumbs: [
      { label: 'Accueil au guichet', href: COUNTER_PATH },
      { label: input.counter.siteName, href: sitePath(input.counter.siteId) },
      { label: input.counter.name },
    ],
  });
}
