import { formatDateFr, formatDateTimeFr } from '../../../platform/format.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { errorOf, type FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { adminNav } from '../../agents/views/admin-nav.ts';
import { addDays, wallTimeOf } from '../local-time.ts';
import type { SettingsOverview } from '../settings.ts';
import { textInput } from './booking-pages.ts';

export const SETTINGS_PATH = '/agent/admin/rendez-vous';

const WEEKDAYS = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];
export const SITE_KINDS: Record<string, string> = {
  mairie: 'Mairie',
  annexe: 'Mairie annexe',
  france_services: 'France services',
  autre: 'Autre lieu',
};

/** Which form of the page failed, with what was typed. */
export interface SettingsForm {
  kind: 'lieu' | 'horaires' | 'fermeture' | 'import' | 'motif';
  values: Record<string, string | string[]>;
  errors: FieldError[];
}

function valueOf(form: SettingsForm | null, kind: SettingsForm['kind'], name: string, fallback = ''): string {
  if (form?.kind !== kind) return fallback;
  const v = form.values[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? fallback);
}
function listOf(form: SettingsForm | null, kind: SettingsForm['kind'], name: string): string[] {
  if (form?.kind !== kind) return [];
  const v = form.values[name];
  return Array.isArray(v) ? v : v ? [v] : [];
}
function errorsOf(form: SettingsForm | null, kind: SettingsForm['kind']): FieldError[] {
  return form?.kind === kind ? form.errors : [];
}

function fieldError(errors: readonly FieldError[], name: string): SafeHtml | string {
  const e = errorOf(errors, name);
  return e ? html`<span class="error-message" id="${name}-error">${e}</span>` : '';
}

function select(
  name: string,
  label: string,
  options: { value: string; label: string }[],
  selected: string,
  errors: readonly FieldError[],
): SafeHtml {
  const e = errorOf(errors, name);
  return html`<div class="field${e ? ' field-error' : ''}">
    <label for="${name}">${label}</label>
    ${fieldError(errors, name)}
    <select id="${name}" name="${name}" ${e ? html`aria-invalid="true" aria-describedby="${name}-error"` : ''}>
      ${options.map((o) => html`<option value="${o.value}" ${o.value === selected ? html`selected` : ''}>${o.label}</option>`)}
    </select>
  </div>`;
}

/**
 * When a closure applies, as an administrator typed it: whole days (stored up to the next
 * midnight) as « 7 décembre 2026 » or « du 24 décembre 2026 au 28 décembre 2026 », otherwise
 * from instant to instant (a timed event of an imported calendar).
 */
export function closurePeriod(start: Date, end: Date): string {
  const from = wallTimeOf(start);
  const to = wallTimeOf(end);
  if (from.minutes === 0 && to.minutes === 0) {
    const last = addDays(to.day, -1);
    return last <= from.day ? formatDateFr(from.day) : `du ${formatDateFr(from.day)} au ${formatDateFr(last)}`;
  }
  return `du ${formatDateTimeFr(start)} au ${formatDateTimeFr(end)}`;
}

/** Minutes as read: « 45 min », « 2 h », « 1 h 30 ». */
function duration(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const rest = minutes % 60;
  return `${Math.floor(minutes / 60)} h${rest ? ` ${String(rest).padStart(2, '0')}` : ''}`;
}

/** When a citizen may book and cancel a motif, in one sentence. */
function bookingWindow(m: SettingsOverview['motifs'][number]): string {
  const days = m.maxLeadDays === 1 ? '1 jour' : `${m.maxLeadDays} jours`;
  return `De ${days} à ${duration(m.minLeadMinutes)} avant ; annulable jusqu’à ${duration(m.cancelUntilMinutes)} avant.`;
}

type Option = { value: string; label: string };

function sitesSection(ctx: PageContext, o: SettingsOverview, form: SettingsForm | null, counters: Option[]): SafeHtml {
  const periodErrors = errorsOf(form, 'horaires');
  const siteErrors = errorsOf(form, 'lieu');
  const days = listOf(form, 'horaires', 'jours');
  return html`<h2 id="lieux">Lieux et guichets</h2>
    ${o.sites.length === 0 ? html`<p>Aucun lieu pour l’instant. Commencez par ajouter un lieu et ses guichets.</p>` : ''}
    ${o.sites.map(
      (s) => html`<section class="form-section" aria-labelledby="lieu-${s.id}">
        <h3 id="lieu-${s.id}">${s.name}</h3>
        <p>${SITE_KINDS[s.kind] ?? s.kind}${s.address ? html` · ${s.address}` : ''}</p>
        ${
          s.resources.length === 0
            ? html`<p>Aucun guichet.</p>`
            : html`<div class="table-wrap">
              <table class="table">
                <caption class="visually-hidden">Horaires des guichets de ${s.name}</caption>
                <thead>
                  <tr>
                    <th scope="col">Guichet</th>
                    <th scope="col">Horaires</th>
                  </tr>
                </thead>
                <tbody>
                  ${s.resources.map(
                    (r) => html`<tr>
                      <th scope="row" class="nowrap">${r.name}</th>
                      <td>
                        ${
                          r.periods.length === 0
                            ? html`Aucun horaire : ce guichet ne propose pas de créneau.`
                            : html`<ul class="row-list">
                              ${r.periods.map(
                                (p) => html`<li>
                                  <span>${WEEKDAYS[p.weekday - 1]} de ${p.opensAt} à ${p.closesAt}</span>
                                  <form
                                    method="post"
                                    action="${url(ctx, `${SETTINGS_PATH}/horaires/${p.id}/supprimer`)}"
                                    class="inline-form"
                                  >
                                    ${csrfField(ctx)}
                                    <button type="submit" class="link-button">
                                      Supprimer<span class="visually-hidden">
                                        ${r.name}, ${WEEKDAYS[p.weekday - 1]} ${p.opensAt}</span
                                      >
                                    </button>
                                  </form>
                                </li>`,
                              )}
                            </ul>`
                        }
                      </td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
        }
      </section>`,
    )}

    <h3 id="ajouter-lieu">Ajouter un lieu</h3>
    <form method="post" action="${url(ctx, `${SETTINGS_PATH}/lieux`)}" novalidate>
      ${csrfField(ctx)}
      ${textInput({ name: 'nom', label: 'Nom', value: valueOf(form, 'lieu', 'nom'), errors: siteErrors, autocomplete: 'off', hint: 'Par exemple « France services du centre ».' })}
      ${select(
        'type',
        'Type de lieu',
        Object.entries(SITE_KINDS).map(([value, label]) => ({ value, label })),
        valueOf(form, 'lieu', 'type', 'annexe'),
        siteErrors,
      )}
      ${textInput({ name: 'adresse', label: 'Adresse', value: valueOf(form, 'lieu', 'adresse'), errors: siteErrors, autocomplete: 'off' })}
      ${textInput({ name: 'code_postal', label: 'Code postal', value: valueOf(form, 'lieu', 'code_postal'), errors: siteErrors, autocomplete: 'off', optional: true })}
      ${textInput({ name: 'ville', label: 'Ville', value: valueOf(form, 'lieu', 'ville'), errors: siteErrors, autocomplete: 'off', optional: true })}
      ${textInput({ name: 'telephone', label: 'Téléphone', type: 'tel', value: valueOf(form, 'lieu', 'telephone'), errors: siteErrors, autocomplete: 'off', optional: true })}
      ${textInput({ name: 'horaires', label: 'Horaires, tels que les usagers les lisent', value: valueOf(form, 'lieu', 'horaires'), errors: siteErrors, autocomplete: 'off', optional: true, hint: 'Par exemple « Du lundi au vendredi de 9 h à 12 h ». Les créneaux viennent des horaires des guichets.' })}
      ${textInput({ name: 'nombre_guichets', label: 'Nombre de guichets', value: valueOf(form, 'lieu', 'nombre_guichets', '1'), errors: siteErrors, autocomplete: 'off', hint: 'Ils s’appelleront « Guichet 1 », « Guichet 2 »…' })}
      <button type="submit" class="button">Ajouter ce lieu</button>
    </form>

    <h3 id="ajouter-horaires">Ajouter des horaires à un guichet</h3>
    ${
      counters.length === 0
        ? html`<p>Ajoutez d’abord un lieu : ses guichets recevront ensuite des horaires.</p>`
        : html`<form method="post" action="${url(ctx, `${SETTINGS_PATH}/horaires`)}" novalidate>
          ${csrfField(ctx)}
          ${select('guichet', 'Guichet', counters, valueOf(form, 'horaires', 'guichet'), periodErrors)}
          <fieldset class="field${errorOf(periodErrors, 'jours') ? ' field-error' : ''}" id="jours">
            <legend>Jours</legend>
            ${fieldError(periodErrors, 'jours')}
            <div class="choices">
              ${WEEKDAYS.map(
                (d, i) => html`<div class="checkbox">
                  <input type="checkbox" id="jour-${i + 1}" name="jours" value="${String(i + 1)}" ${days.includes(String(i + 1)) ? html`checked` : ''} />
                  <label for="jour-${i + 1}">${d}</label>
                </div>`,
              )}
            </div>
          </fieldset>
          ${textInput({ name: 'ouverture', label: 'Ouverture', value: valueOf(form, 'horaires', 'ouverture'), errors: periodErrors, autocomplete: 'off', hint: 'Par exemple 08:30.' })}
          ${textInput({ name: 'fermeture', label: 'Fermeture', value: valueOf(form, 'horaires', 'fermeture'), errors: periodErrors, autocomplete: 'off', hint: 'Par exemple 12:00.' })}
          <button type="submit" class="button">Ajouter ces horaires</button>
        </form>`
    }`;
}

function closuresSection(ctx: PageContext, o: SettingsOverview, form: SettingsForm | null): SafeHtml {
  const siteOptions = [{ value: '', label: 'Tous les lieux' }, ...o.sites.map((s) => ({ value: s.id, label: s.name }))];
  const closureErrors = errorsOf(form, 'fermeture');
  const importErrors = errorsOf(form, 'import');
  const fileError = errorOf(importErrors, 'fichier');
  return html`<h2 id="fermetures">Fermetures à venir</h2>
    <p>
      Les jours fériés et les
      <a href="${url(ctx, '/agent/admin/fermetures')}">jours de fermeture de la mairie</a> sont déjà retirés des
      créneaux.
    </p>
    ${
      o.closures.length === 0
        ? html`<p>Aucune fermeture à venir.</p>`
        : html`<div class="table-wrap">
          <table class="table table-cards">
            <caption class="visually-hidden">Fermetures à venir</caption>
            <thead>
              <tr>
                <th scope="col">Raison</th>
                <th scope="col">Quand</th>
                <th scope="col">Où</th>
                <th scope="col"><span class="visually-hidden">Action</span></th>
              </tr>
            </thead>
            <tbody>
              ${o.closures.map(
                (c) => html`<tr>
                  <th scope="row">${c.label || 'Fermeture'}${c.source === 'ics' ? ' (importée)' : ''}</th>
                  <td data-label="Quand">${closurePeriod(c.start, c.end)}</td>
                  <td data-label="Où">${c.scope}</td>
                  <td>
                    <form method="post" action="${url(ctx, `${SETTINGS_PATH}/fermetures/${c.id}/supprimer`)}" class="inline-form">
                      ${csrfField(ctx)}
                      <button type="submit" class="link-button">
                        Supprimer<span class="visually-hidden"> la fermeture ${c.label}</span>
                      </button>
                    </form>
                  </td>
                </tr>`,
              )}
            </tbody>
          </table>
        </div>`
    }
    <h3 id="ajouter-fermeture">Ajouter une fermeture</h3>
    <form method="post" action="${url(ctx, `${SETTINGS_PATH}/fermetures`)}" novalidate>
      ${csrfField(ctx)}
      ${select('lieu', 'Lieu', siteOptions, valueOf(form, 'fermeture', 'lieu'), closureErrors)}
      ${textInput({ name: 'du', label: 'Premier jour fermé', type: 'date', value: valueOf(form, 'fermeture', 'du'), errors: closureErrors, autocomplete: 'off' })}
      ${textInput({ name: 'au', label: 'Dernier jour fermé', type: 'date', value: valueOf(form, 'fermeture', 'au'), errors: closureErrors, autocomplete: 'off', optional: true, hint: 'Laissez vide pour un seul jour.' })}
      ${textInput({ name: 'libelle', label: 'Raison', value: valueOf(form, 'fermeture', 'libelle'), errors: closureErrors, autocomplete: 'off' })}
      <button type="submit" class="button">Ajouter cette fermeture</button>
    </form>
    <h3 id="importer">Importer des fermetures (fichier iCalendar .ics)</h3>
    <form
      method="post"
      action="${url(ctx, `${SETTINGS_PATH}/fermetures/import`)}"
      enctype="multipart/form-data"
      novalidate
    >
      ${csrfField(ctx)}
      ${select('lieu_import', 'Lieu', siteOptions, valueOf(form, 'import', 'lieu_import'), importErrors)}
      <div class="field${fileError ? ' field-error' : ''}">
        <label for="fichier">Fichier .ics</label>
        <span class="hint" id="fichier-hint"
          >Exporté d’un agenda (Outlook, Thunderbird, Google Agenda…), 256 Ko au plus. Importer à nouveau le même
          fichier remplace ses fermetures.</span
        >
        ${fieldError(importErrors, 'fichier')}
        <input
          type="file"
          id="fichier"
          name="fichier"
          accept=".ics,text/calendar"
          ${
            fileError
              ? html`aria-describedby="fichier-hint fichier-error" aria-invalid="true"`
              : html`aria-describedby="fichier-hint"`
          }
        />
      </div>
      <button type="submit" class="button">Importer</button>
    </form>`;
}

function motifsSection(ctx: PageContext, o: SettingsOverview, form: SettingsForm | null, counters: Option[]): SafeHtml {
  const motifErrors = errorsOf(form, 'motif');
  const chosen = listOf(form, 'motif', 'guichets');
  const missing = [
    counters.length === 0 ? html`<li>un lieu et ses guichets, plus haut sur cette page</li>` : '',
    o.demarches.length === 0
      ? html`<li>
          une démarche publiée : publiez-la dans
          <a href="${url(ctx, '/agent/admin/demarches')}">Démarches à vérifier</a>.
        </li>`
      : '',
  ].filter((x) => x !== '');
  return html`<h2 id="motifs">Motifs de rendez-vous</h2>
    ${
      o.motifs.length === 0
        ? html`<p>Aucun motif : aucune démarche ne se prend sur rendez-vous.</p>`
        : html`<div class="table-wrap">
          <table class="table table-cards">
            <caption class="visually-hidden">Motifs de rendez-vous</caption>
            <thead>
              <tr>
                <th scope="col">Motif</th>
                <th scope="col">Démarche</th>
                <th scope="col">Durée</th>
                <th scope="col">Personnes par créneau</th>
                <th scope="col">Réservation</th>
                <th scope="col">Guichets</th>
              </tr>
            </thead>
            <tbody>
              ${o.motifs.map(
                (m) => html`<tr>
                  <th scope="row">${m.name}${m.mode === 'phone' ? ' (par téléphone)' : ''}</th>
                  <td data-label="Démarche">${m.demarche}</td>
                  <td data-label="Durée" class="nowrap">
                    ${duration(m.duration)}${m.buffer ? ` + ${duration(m.buffer)} de battement` : ''}
                  </td>
                  <td data-label="Personnes par créneau">${String(m.capacity)}</td>
                  <td data-label="Réservation">${bookingWindow(m)}</td>
                  <td data-label="Guichets">${m.resources.join(', ')}</td>
                </tr>`,
              )}
            </tbody>
          </table>
        </div>`
    }
    <h3 id="ajouter-motif">Ajouter un motif</h3>
    ${
      missing.length > 0
        ? html`<p>Pour ajouter un motif, il faut d’abord :</p>
          <ul>
            ${missing}
          </ul>`
        : html`<form method="post" action="${url(ctx, `${SETTINGS_PATH}/motifs`)}" novalidate>
          ${csrfField(ctx)}
          ${select(
            'demarche',
            'Démarche',
            o.demarches.map((d) => ({ value: d.id, label: d.title })),
            valueOf(form, 'motif', 'demarche'),
            motifErrors,
          )}
          ${textInput({ name: 'intitule', label: 'Nom du motif', value: valueOf(form, 'motif', 'intitule'), errors: motifErrors, autocomplete: 'off' })}
          ${textInput({ name: 'duree', label: 'Durée (minutes)', value: valueOf(form, 'motif', 'duree', '20'), errors: motifErrors, autocomplete: 'off' })}
          ${textInput({ name: 'battement', label: 'Battement après chaque rendez-vous (minutes)', value: valueOf(form, 'motif', 'battement', '5'), errors: motifErrors, autocomplete: 'off' })}
          ${textInput({ name: 'capacite', label: 'Personnes par créneau', value: valueOf(form, 'motif', 'capacite', '1'), errors: motifErrors, autocomplete: 'off', hint: '1 pour un rendez-vous individuel ; plus pour une séance collective.' })}
          ${select(
            'mode',
            'Où',
            [
              { value: 'site', label: 'Sur place' },
              { value: 'phone', label: 'Par téléphone' },
            ],
            valueOf(form, 'motif', 'mode', 'site'),
            motifErrors,
          )}
          ${textInput({ name: 'delai_min', label: 'Réservable au plus tard (minutes avant)', value: valueOf(form, 'motif', 'delai_min', '30'), errors: motifErrors, autocomplete: 'off' })}
          ${textInput({ name: 'horizon', label: 'Réservable au plus tôt (jours avant)', value: valueOf(form, 'motif', 'horizon', '90'), errors: motifErrors, autocomplete: 'off' })}
          ${textInput({ name: 'annulation', label: 'Annulable par l’usager jusqu’à (heures avant)', value: valueOf(form, 'motif', 'annulation', '4'), errors: motifErrors, autocomplete: 'off' })}
          <div class="field${errorOf(motifErrors, 'documents') ? ' field-error' : ''}">
            <label for="documents">Pièces à apporter <span class="optional">(facultatif)</span></label>
            <span class="hint" id="documents-hint"
              >Une par ligne. Vide : la liste « À prévoir » de la démarche est reprise dans les messages.</span
            >
            ${fieldError(motifErrors, 'documents')}
            <textarea
              id="documents"
              name="documents"
              rows="4"
              ${
                errorOf(motifErrors, 'documents')
                  ? html`aria-describedby="documents-hint documents-error" aria-invalid="true"`
                  : html`aria-describedby="documents-hint"`
              }
            >
${valueOf(form, 'motif', 'documents')}</textarea
            >
          </div>
          <fieldset class="field${errorOf(motifErrors, 'guichets') ? ' field-error' : ''}" id="guichets">
            <legend>Guichets qui reçoivent ce motif</legend>
            ${fieldError(motifErrors, 'guichets')}
            <div class="choices">
              ${counters.map(
                (c) => html`<div class="checkbox">
                  <input type="checkbox" id="guichet-${c.value}" name="guichets" value="${c.value}" ${chosen.includes(c.value) ? html`checked` : ''} />
                  <label for="guichet-${c.value}">${c.label}</label>
                </div>`,
              )}
            </div>
          </fieldset>
          <button type="submit" class="button">Ajouter ce motif</button>
        </form>`
    }`;
}

/**
 * The administrators' page: sites and counters with their hours, closures, motifs — each with its
 * form, in the order a new commune fills them in; a form that needs something not there yet says what.
 */
export function settingsPage(
  ctx: PageContext,
  input: { overview: SettingsOverview; form: SettingsForm | null; notice?: string },
): SafeHtml {
  const { overview: o, form } = input;
  const counters = o.sites.flatMap((s) => s.resources.map((r) => ({ value: r.id, label: `${s.name} – ${r.name}` })));
  return layout(ctx, {
    area: 'agent',
    title: 'Rendez-vous : lieux, horaires, fermetures, motifs',
    notice: input.notice,
    errors: form?.errors,
    breadcrumbs: [{ label: 'Administration' }, { label: 'Rendez-vous' }],
    main: html`${adminNav(ctx, SETTINGS_PATH)} ${errorSummary(form?.errors ?? [])}
      <h1>Rendez-vous : lieux, horaires, fermetures, motifs</h1>
      <p>
        Les créneaux proposés viennent des horaires des guichets, moins les jours fériés, les fermetures et les
        rendez-vous déjà pris. Modifier ces réglages ne déplace ni n’annule aucun rendez-vous pris.
      </p>
      ${sitesSection(ctx, o, form, counters)} ${closuresSection(ctx, o, form)} ${motifsSection(ctx, o, form, counters)}`,
  });
}
