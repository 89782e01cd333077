import { formatDateTimeFr, formatPhoneFr, formatTimeFr } from '../../../platform/format.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import type { FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { siteLocation, type AppointmentDetails } from '../appointment-details.ts';
import type { AgendaRow, MotifRow } from '../repository.ts';
import { textInput } from './booking-pages.ts';
import { dayLabel, slotDays, type SlotChoice } from './slot-list.ts';

export const AGENDA_PATH = '/agent/rendez-vous';

const STATUS: Record<string, string> = {
  booked: 'Réservé',
  cancelled: 'Annulé',
  seen: 'Reçu',
  excused: 'Excusé',
  no_show: 'Absent',
};

/** The day's appointments, all sites. */
export function agendaPage(
  ctx: PageContext,
  input: {
    day: string;
    previous: string;
    next: string;
    rows: AgendaRow[];
    sites: { id: string; name: string }[];
    siteId: string | null;
    notice?: string;
  },
): SafeHtml {
  const site = input.siteId ? `&lieu=${input.siteId}` : '';
  const siteName = input.sites.find((s) => s.id === input.siteId)?.name;
  return layout(ctx, {
    area: 'agent',
    title: 'Rendez-vous',
    notice: input.notice,
    main: html`<h1>Rendez-vous du ${dayLabel(input.day)}${siteName ? html` – ${siteName}` : ''}</h1>
      <p><a class="button" href="${url(ctx, `${AGENDA_PATH}/nouveau`)}">Prendre un rendez-vous pour un appelant</a></p>
      <form method="get" action="${url(ctx, AGENDA_PATH)}" class="inline-form">
        <input type="hidden" name="jour" value="${input.day}" />
        <div class="field">
          <label for="lieu">Lieu</label>
          <select id="lieu" name="lieu">
            <option value="">Tous les lieux</option>
            ${input.sites.map(
              (s) => html`<option value="${s.id}" ${s.id === input.siteId ? html`selected` : ''}>${s.name}</option>`,
            )}
          </select>
        </div>
        <button type="submit" class="button">Afficher</button>
      </form>
      <nav aria-label="Autres jours">
        <ul class="pagination">
          <li><a href="${url(ctx, `${AGENDA_PATH}?jour=${input.previous}${site}`)}">Jour précédent</a></li>
          <li><a href="${url(ctx, `${AGENDA_PATH}?jour=${input.next}${site}`)}">Jour suivant</a></li>
        </ul>
      </nav>
      ${
        input.rows.length === 0
          ? html`<p>Aucun rendez-vous ce jour-là.</p>`
          : html`<div class="table-wrap">
            <table class="table">
              <caption class="visually-hidden">Rendez-vous du ${dayLabel(input.day)}</caption>
              <thead>
                <tr>
                  <th scope="col">Heure</th>
                  <th scope="col">Usager</th>
                  <th scope="col">Motif</th>
                  <th scope="col">Lieu</th>
                  <th scope="col">État</th>
                </tr>
              </thead>
              <tbody>
                ${input.rows.map(
                  (r) => html`<tr>
                    <td>${formatTimeFr(r.start)}</td>
                    <td><a href="${url(ctx, `${AGENDA_PATH}/${r.reference}`)}">${r.name}</a></td>
                    <td>${r.motif}</td>
                    <td>${r.site} – ${r.resource}</td>
                    <td>${STATUS[r.status] ?? r.status}</td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`
      }`,
  });
}

export interface AgentBookingInput {
  demarches: { slug: string; title: string }[];
  demarcheSlug: string;
  motifs: MotifRow[];
  motifId: string;
  from: string;
  next: string;
  slots: SlotChoice[];
  values: { creneau: string; prenom: string; nom: string; courriel: string; telephone: string; sms: boolean };
  usager: string;
  demande: string;
  personName: string | null;
  errors: FieldError[];
}

/** An agent books for a caller: démarche and motif (GET), then a slot and the person (POST). */
export function agentBookingPage(ctx: PageContext, input: AgentBookingInput): SafeHtml {
  const v = input.values;
  const keep = `&usager=${input.usager}&demande=${encodeURIComponent(input.demande)}`;
  return layout(ctx, {
    area: 'agent',
    title: 'Prendre un rendez-vous pour un appelant',
    errors: input.errors,
    breadcrumbs: [{ label: 'Rendez-vous', href: AGENDA_PATH }, { label: 'Nouveau' }],
    main: html`${errorSummary(input.errors)}
      <h1>Prendre un rendez-vous pour un appelant</h1>
      ${input.personName ? html`<p>Pour : <strong>${input.personName}</strong> (fiche usager).</p>` : ''}
      ${input.demande ? html`<p>Suite de l’appel ${input.demande}.</p>` : ''}
      <form method="get" action="${url(ctx, `${AGENDA_PATH}/nouveau`)}" class="inline-form">
        <input type="hidden" name="usager" value="${input.usager}" />
        <input type="hidden" name="demande" value="${input.demande}" />
        <div class="field">
          <label for="demarche">Démarche</label>
          <select id="demarche" name="demarche">
            ${input.demarches.map(
              (d) =>
                html`<option value="${d.slug}" ${d.slug === input.demarcheSlug ? html`selected` : ''}>${d.title}</option>`,
            )}
          </select>
        </div>
        ${
          input.motifs.length > 1
            ? html`<div class="field">
              <label for="motif">Motif</label>
              <select id="motif" name="motif">
                ${input.motifs.map((m) => html`<option value="${m.id}" ${m.id === input.motifId ? html`selected` : ''}>${m.name}</option>`)}
              </select>
            </div>`
            : ''
        }
        <button type="submit" class="button">Voir les créneaux</button>
      </form>
      ${
        input.demarcheSlug
          ? html`<form method="post" action="${url(ctx, `${AGENDA_PATH}/nouveau`)}" novalidate>
            ${csrfField(ctx)}
            <input type="hidden" name="usager" value="${input.usager}" />
            <input type="hidden" name="demande" value="${input.demande}" />
            <fieldset class="form-section" id="creneau">
              <legend>Créneau</legend>
              ${slotDays(input.slots, { radioName: 'creneau', checked: v.creneau, showSite: true })}
              <p>
                <a href="${url(ctx, `${AGENDA_PATH}/nouveau?demarche=${input.demarcheSlug}&motif=${input.motifId}&du=${input.next}${keep}`)}"
                  >Semaine suivante</a
                >
              </p>
            </fieldset>
            <fieldset class="form-section">
              <legend>La personne</legend>
              ${textInput({ name: 'prenom', label: 'Prénom', value: v.prenom, errors: input.errors, autocomplete: 'off' })}
              ${textInput({ name: 'nom', label: 'Nom', value: v.nom, errors: input.errors, autocomplete: 'off' })}
              ${textInput({
                name: 'courriel',
                label: 'Adresse électronique',
                type: 'email',
                value: v.courriel,
                errors: input.errors,
                autocomplete: 'off',
                optional: true,
                hint: 'Pour la confirmation avec le fichier .ics et le lien d’annulation.',
              })}
              ${textInput({
                name: 'telephone',
                label: 'Téléphone',
                type: 'tel',
                value: v.telephone,
                errors: input.errors,
                autocomplete: 'off',
                optional: true,
              })}
              <div class="checkbox">
                <input type="checkbox" id="sms" name="sms" value="oui" ${v.sms ? html`checked` : ''} />
                <label for="sms">La personne veut la confirmation et les rappels par SMS</label>
              </div>
            </fieldset>
            <button type="submit" class="button">Réserver</button>
          </form>`
          : ''
      }`,
  });
}

export function agentAppointmentPage(
  ctx: PageContext,
  input: { a: AppointmentDetails; notice?: string; changeable: boolean },
): SafeHtml {
  const a = input.a;
  return layout(ctx, {
    area: 'agent',
    title: `Rendez-vous ${a.reference}`,
    notice: input.notice,
    breadcrumbs: [{ label: 'Rendez-vous', href: AGENDA_PATH }, { label: a.reference }],
    main: html`<h1>Rendez-vous ${a.reference}</h1>
      <dl class="facts">
        <dt>État</dt>
        <dd>${STATUS[a.status] ?? a.status}</dd>
        <dt>Usager</dt>
        <dd>
          ${a.personId ? html`<a href="${url(ctx, `/agent/usagers/${a.personId}`)}">${a.givenName} ${a.familyName}</a>` : html`${a.givenName} ${a.familyName}`}
        </dd>
        <dt>Contact</dt>
        <dd>${[a.email ?? '', a.phone ? formatPhoneFr(a.phone) : ''].filter(Boolean).join(' · ') || 'aucun'}</dd>
        <dt>Quand</dt>
        <dd>${formatDateTimeFr(a.start)}</dd>
        <dt>Où</dt>
        <dd>${siteLocation(a.site)} – ${a.resource.name}</dd>
        <dt>Démarche</dt>
        <dd>${a.demarche.title} – ${a.motif.name}</dd>
      </dl>
      ${
        a.checklist.length
          ? html`<h2>Documents demandés</h2>
            <ul>
              ${a.checklist.map((c) => html`<li>${c}</li>`)}
            </ul>`
          : ''
      }
      ${
        input.changeable
          ? html`<form method="post" action="${url(ctx, `${AGENDA_PATH}/${a.reference}/annuler`)}">
            ${csrfField(ctx)}
            <button type="submit" class="button" name="confirmer" value="oui">Annuler ce rendez-vous (l’usager est prévenu)</button>
          </form>`
          : ''
      }`,
  });
}
