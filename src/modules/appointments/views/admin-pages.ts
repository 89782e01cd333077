import { formatDateTimeFr } from '../../../platform/format.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { errorOf, type FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { adminNav } from '../../agents/views/admin-nav.ts';
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

/** The administrators' page: sites and counters with their hours, closures, motifs — each with its form. */
export function settingsPage(
  ctx: PageContext,
  input: { overview: SettingsOverview; form: SettingsForm | null; notice?: string },
): SafeHtml {
  const { overview: o, form } = input;
  const counters = o.sites.flatMap((s) => s.resources.map((r) => ({ value: r.id, label: `${s.name} – ${r.name}` })));
  const siteOptions = [{ value: '', label: 'Tous les lieux' }, ...o.sites.map((s) => ({ value: s.id, label: s.name }))];
  const periodErrors = errorsOf(form, 'horaires');
  const motifErrors = errorsOf(form, 'motif');
  const days = listOf(form, 'horaires', 'jours');
  const chosen = listOf(form, 'motif', 'guichets');
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

      <h2 id="lieux">Lieux et guichets</h2>
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
                        <td>${r.name}</td>
                        <td>
                          ${
                            r.periods.length === 0
                              ? html`Aucun horaire : ce guichet ne propose pas de créneau.`
                              : html`<ul>
                                ${r.periods.map(
                                  (p) => html`<li>
                                    ${WEEKDAYS[p.weekday - 1]} de ${p.opensAt} à ${p.closesAt}
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

      <h3 id="ajouter-horaires">Ajouter des horaires à un guichet</h3>
      <form method="post" action="${url(ctx, `${SETTINGS_PATH}/horaires`)}" novalidate>
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
      </form>

      <h3 id="ajouter-lieu">Ajouter un lieu</h3>
      <form method="post" action="${url(ctx, `${SETTINGS_PATH}/lieux`)}" novalidate>
        ${csrfField(ctx)}
        ${textInput({ name: 'nom', label: 'Nom', value: valueOf(form, 'lieu', 'nom'), errors: errorsOf(form, 'lieu'), autocomplete: 'off', hint: 'Par exemple « France services du centre ».' })}
        ${select(
          'type',
          'Type de lieu',
          Object.entries(SITE_KINDS).map(([value, label]) => ({ value, label })),
          valueOf(form, 'lieu', 'type', 'annexe'),
          errorsOf(form, 'lieu'),
        )}
        ${textInput({ name: 'adresse', label: 'Adresse', value: valueOf(form, 'lieu', 'adresse'), errors: errorsOf(form, 'lieu'), autocomplete: 'off' })}
        ${textInput({ name: 'code_postal', label: 'Code postal', value: valueOf(form, 'lieu', 'code_postal'), errors: errorsOf(form, 'lieu'), autocomplete: 'off', optional: true })}
        ${textInput({ name: 'ville', label: 'Ville', value: valueOf(form, 'lieu', 'ville'), errors: errorsOf(form, 'lieu'), autocomplete: 'off', optional: true })}
        ${textInput({ name: 'telephone', label: 'Téléphone', type: 'tel', value: valueOf(form, 'lieu', 'telephone'), errors: errorsOf(form, 'lieu'), autocomplete: 'off', optional: true })}
        ${textInput({ name: 'horaires', label: 'Horaires, tels que les usagers les lisent', value: valueOf(form, 'lieu', 'horaires'), errors: errorsOf(form, 'lieu'), autocomplete: 'off', optional: true, hint: 'Par exemple « Du lundi au vendredi de 9 h à 12 h ». Les créneaux viennent des horaires des guichets.' })}
        ${textInput({ name: 'nombre_guichets', label: 'Nombre de guichets', value: valueOf(form, 'lieu', 'nombre_guichets', '1'), errors: errorsOf(form, 'lieu'), autocomplete: 'off' })}
        <button type="submit" class="button">Ajouter ce lieu</button>
      </form>

      <h2 id="fermetures">Fermetures à venir</h2>
      <p>Les jours fériés et les jours de fermeture de la mairie sont déjà retirés des créneaux.</p>
      ${
        o.closures.length === 0
          ? html`<p>Aucune fermeture à venir.</p>`
          : html`<div class="table-wrap">
            <table class="table">
              <caption class="visually-hidden">Fermetures à venir</caption>
              <thead>
                <tr>
                  <th scope="col">Raison</th>
                  <th scope="col">Du</th>
                  <th scope="col">Au</th>
                  <th scope="col">Où</th>
                  <th scope="col"><span class="visually-hidden">Action</span></th>
                </tr>
              </thead>
              <tbody>
                ${o.closures.map(
                  (c) => html`<tr>
                    <td>${c.label || 'Fermeture'}${c.source === 'ics' ? ' (importée)' : ''}</td>
                    <td>${formatDateTimeFr(c.start)}</td>
                    <td>${formatDateTimeFr(c.end)}</td>
                    <td>${c.scope}</td>
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
        ${select('lieu', 'Lieu', siteOptions, valueOf(form, 'fermeture', 'lieu'), errorsOf(form, 'fermeture'))}
        ${textInput({ name: 'du', label: 'Premier jour fermé', type: 'date', value: valueOf(form, 'fermeture', 'du'), errors: errorsOf(form, 'fermeture'), autocomplete: 'off' })}
        ${textInput({ name: 'au', label: 'Dernier jour fermé', type: 'date', value: valueOf(form, 'fermeture', 'au'), errors: errorsOf(form, 'fermeture'), autocomplete: 'off', optional: true, hint: 'Laissez vide pour un seul jour.' })}
        ${textInput({ name: 'libelle', label: 'Raison', value: valueOf(form, 'fermeture', 'libelle'), errors: errorsOf(form, 'fermeture'), autocomplete: 'off' })}
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
        ${select('lieu_import', 'Lieu', siteOptions, valueOf(form, 'import', 'lieu_import'), errorsOf(form, 'import'))}
        <div class="field${errorOf(errorsOf(form, 'import'), 'fichier') ? ' field-error' : ''}">
          <label for="fichier">Fichier .ics</label>
          <span class="hint" id="fichier-hint"
            >Exporté d’un agenda (Outlook, Thunderbird, Google Agenda…), 256 Ko au plus. Importer à nouveau le même
            fichier remplace ses fermetures.</span
          >
          ${fieldError(errorsOf(form, 'import'), 'fichier')}
          <input
            type="file"
            id="fichier"
            name="fichier"
            accept=".ics,text/calendar"
            ${
              errorOf(errorsOf(form, 'import'), 'fichier')
                ? html`aria-describedby="fichier-hint fichier-error" aria-invalid="true"`
                : html`aria-describedby="fichier-hint"`
            }
          />
        </div>
        <button type="submit" class="button">Importer</button>
      </form>

      <h2 id="motifs">Motifs de rendez-vous</h2>
      ${
        o.motifs.length === 0
          ? html`<p>Aucun motif : aucune démarche ne se prend sur rendez-vous.</p>`
          : html`<div class="table-wrap">
            <table class="table">
              <caption class="visually-hidden">Motifs de rendez-vous</caption>
              <thead>
                <tr>
                  <th scope="col">Démarche</th>
                  <th scope="col">Motif</th>
                  <th scope="col">Durée</th>
                  <th scope="col">Personnes par créneau</th>
                  <th scope="col">Guichets</th>
                </tr>
              </thead>
              <tbody>
                ${o.motifs.map(
                  (m) => html`<tr>
                    <td>${m.demarche}</td>
                    <td>${m.name}${m.mode === 'phone' ? ' (par téléphone)' : ''}</td>
                    <td>${String(m.duration)} min${m.buffer ? ` + ${m.buffer} min` : ''}</td>
                    <td>${String(m.capacity)}</td>
                    <td>${m.resources.join(', ')}</td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`
      }
      <h3 id="ajouter-motif">Ajouter un motif</h3>
      <form method="post" action="${url(ctx, `${SETTINGS_PATH}/motifs`)}" novalidate>
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
        <div class="field">
          <label for="documents">Pièces à apporter <span class="optional">(facultatif)</span></label>
          <span class="hint" id="documents-hint"
            >Une par ligne. Vide : la liste « À prévoir » de la démarche est reprise dans les messages.</span
          >
          <textarea id="documents" name="documents" rows="4" aria-describedby="documents-hint">
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
      </form>`,
  });
}
