import { formatDateFr, formatDateTimeFr, formatNumberFr } from '../../../platform/format.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import type { FieldError } from '../../../platform/web/form.ts';
import { errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { adminNav } from '../../agents/views/admin-nav.ts';
import { periodDateField } from '../../deadlines/views/deadline-report-page.ts';
import type { CounterIndicators, IndicatorRow } from '../counter-indicators.ts';
import { formatDurationFr, formatShareFr } from './durations.ts';

export const FIGURES_PATH = '/agent/admin/guichet';

export interface FiguresPageInput {
  values: { du: string; au: string; lieu: string };
  sites: { id: string; name: string }[];
  errors: FieldError[];
  figures: CounterIndicators | null;
  isAdmin: boolean;
}

function periodForm(ctx: PageContext, input: FiguresPageInput): SafeHtml {
  const dateField = (name: 'du' | 'au', label: string) => periodDateField(input, name, label);
  return html`<form method="get" action="${url(ctx, FIGURES_PATH)}" class="filters" aria-label="Période et lieu">
    ${dateField('du', 'Du')} ${dateField('au', 'Au')}
    <div class="field">
      <label for="lieu">Lieu</label>
      <select id="lieu" name="lieu">
        <option value="">Tous les lieux</option>
        ${input.sites.map(
          (s) => html`<option value="${s.id}" ${input.values.lieu === s.id ? html`selected` : ''}>${s.name}</option>`,
        )}
      </select>
    </div>
    <button type="submit" class="button secondary">Afficher</button>
  </form>`;
}

const COLUMNS = [
  'Personnes appelées',
  'Attente médiane',
  'Attente (9 personnes sur 10 en dessous)',
  'Durée médiane d’accueil',
  'Rendez-vous passés',
  'Absents',
  'Taux d’absence',
  'Créneaux proposés',
  'Créneaux réservés',
  'Part réservée',
  'Délai médian de réservation',
] as const;

function cells(r: Omit<IndicatorRow, 'siteId' | 'siteName' | 'demarcheId' | 'demarcheTitle'>): SafeHtml {
  const values = [
    formatNumberFr(r.called),
    formatDurationFr(r.wait.median),
    formatDurationFr(r.wait.p90),
    formatDurationFr(r.service.median),
    formatNumberFr(r.appointmentsDue),
    formatNumberFr(r.noShows),
    formatShareFr(r.noShowRate),
    formatNumberFr(r.slotsOffered),
    formatNumberFr(r.slotsBooked),
    formatShareFr(r.slotsOffered > 0 ? r.slotsBooked / r.slotsOffered : null),
    formatDurationFr(r.bookingLead.median),
  ];
  return html`${values.map((v, i) => html`<td data-label="${COLUMNS[i]!}">${v}</td>`)}`;
}

function figuresTable(f: CounterIndicators): SafeHtml {
  // Wider than the page on most screens: a region that takes the focus, so the keyboard scrolls it.
  return html`<div class="table-wrap" role="region" aria-label="Chiffres par lieu et par démarche" tabindex="0">
    <table class="inbox figures">
      <caption>
        Par lieu et par démarche, du ${formatDateFr(f.from)} au ${formatDateFr(f.to)}
      </caption>
      <thead>
        <tr>
          <th scope="col">Lieu et démarche</th>
          ${COLUMNS.map((c) => html`<th scope="col">${c}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${f.rows.map(
          (r) =>
            html`<tr>
              <th scope="row">${r.siteName} – ${r.demarcheTitle ?? 'Autre demande'}</th>
              ${cells(r)}
            </tr>`,
        )}
        <tr>
          <th scope="row">Ensemble</th>
          ${cells(f.total)}
        </tr>
      </tbody>
    </table>
  </div>`;
}

function firstSlotsTable(f: CounterIndicators, siteName: Map<string, string>): SafeHtml {
  return html`<div class="table-wrap">
    <table class="inbox">
      <caption>
        Premier créneau libre, à cette heure
      </caption>
      <thead>
        <tr>
          <th scope="col">Démarche</th>
          <th scope="col">Premier créneau libre</th>
          <th scope="col">Délai</th>
        </tr>
      </thead>
      <tbody>
        ${f.firstFreeSlots.map(
          (s) =>
            html`<tr>
              <th scope="row">${s.demarcheTitle}</th>
              <td data-label="Premier créneau libre">
                ${s.start ? `${formatDateTimeFr(s.start)}${s.siteId ? ` (${siteName.get(s.siteId) ?? ''})` : ''}` : 'Aucun dans le délai de réservation'}
              </td>
              <td data-label="Délai">${formatDurationFr(s.leadSeconds)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/**
 * « Accueil au guichet » for supervisors: waiting and service times, no-shows, slots offered and
 * booked, booking lead, and the first free slot of each démarche.
 */
export function figuresPage(ctx: PageContext, input: FiguresPageInput): SafeHtml {
  const f = input.figures;
  const siteName = new Map(input.sites.map((s) => [s.id, s.name]));
  const main = html`${adminNav(ctx, FIGURES_PATH, input.isAdmin ? 'admin' : 'supervisor')}
    ${errorSummary(input.errors)}
    <h1>Accueil au guichet : les chiffres</h1>
    <p>
      L’attente va de l’arrivée (pour une personne venue en avance, de l’heure de son rendez-vous) jusqu’à l’appel au
      guichet. Une personne absente n’est pas venue à son rendez-vous, ou n’est pas venue au guichet quand on l’a
      appelée. Les créneaux proposés sont ceux que les agendas ouvraient, réservés ou non.
    </p>
    ${periodForm(ctx, input)}
    ${
      f
        ? html`${f.rows.length === 0 && f.total.called === 0 && f.total.slotsOffered === 0 ? html`<p>Rien sur cette période.</p>` : figuresTable(f)}
          ${firstSlotsTable(f, siteName)}`
        : ''
    }`;
  return layout(ctx, { title: 'Accueil au guichet : les chiffres', main, area: 'agent', errors: input.errors });
}
