import { formatDateFr, formatDateTimeFr, formatNumberFr } from '../../../platform/format.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { SITE_KINDS } from '../../appointments/views/admin-pages.ts';
import type { ResultsDocument, SiteResultsDocument } from '../compute-results.ts';
import { MIN_RATINGS_PER_DEMARCHE, type CounterWaitFigures, type Figures, type SiteFigures } from '../indicators.ts';
import { channelLabel, monthFr, percentFr, pointsFr, shortMonthFr } from '../present.ts';
import { barChart } from './chart.ts';

export const RESULTS_PATH = '/resultats';
export const LICENCE_URL = 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/';

const NO_DATA = 'Pas encore de données pour cette période.';

/** « 12 min », or null when the counter has no measured visit. */
function minutesOr(wait: CounterWaitFigures | null): string | null {
  return wait && wait.medianMinutes !== null ? `${formatNumberFr(Math.round(wait.medianMinutes))} min` : null;
}

/** « 87 % » or null when there is nothing to divide. */
function rateOr(rate: number | null, format: (v: number) => string = percentFr): string | null {
  return rate === null ? null : format(rate);
}

/** A drill-down link (agents' dashboard) around a count, or the count alone. */
export type Drill = ((indicator: string, period: 'courante' | 'precedente') => string) | null;

/**
 * One indicator: its value now, the previous period's beside it, what it is computed from. The
 * value of a period with nothing to count is « pas encore de données », never « 0 % ».
 */
function indicator(input: {
  id: string;
  title: string;
  now: string | null;
  before: string | null;
  basis: SafeHtml | string;
  definition: string;
}): SafeHtml {
  return html`<section class="result-figure" aria-labelledby="${input.id}">
    <h3 id="${input.id}">${input.title}</h3>
    ${input.now === null ? html`<p class="no-data">${NO_DATA}</p>` : html`<p class="figure-value">${input.now}</p>`}
    <p class="figure-previous">Période précédente : ${input.before ?? 'pas de données'}</p>
    <p class="hint">${input.basis}</p>
    <p class="hint">${input.definition}</p>
  </section>`;
}

/** The median wait at the counter (a scope's or a site's); `noDataMore` follows « pas de mesure ». */
function waitIndicator(
  now: CounterWaitFigures | null,
  before: CounterWaitFigures | null,
  noDataMore: string,
  definition: string,
): SafeHtml {
  return indicator({
    id: 'attente',
    title: 'Temps d’attente médian à l’accueil',
    now: minutesOr(now),
    before: minutesOr(before),
    basis: now
      ? count(now.visits, 'visite', 'visites')
      : `Pas de mesure : aucun passage au guichet noté sur la période.${noDataMore}`,
    definition,
  });
}

function count(n: number, one: string, many: string): string {
  return `${formatNumberFr(n)} ${n === 1 ? one : many}`;
}

/** The four satisfaction indicators of a scope (commune, service or site), previous period beside. */
function satisfactionIndicators(
  c: Figures['satisfaction'],
  p: Figures['satisfaction'] | null,
  answers: string | SafeHtml,
): SafeHtml {
  return html`<div class="result-figures">
      ${indicator({
        id: 'satisfaction-taux',
        title: 'Taux de satisfaction',
        now: rateOr(c.rate),
        before: rateOr(p?.rate ?? null),
        basis: html`${answers} sur la période.`,
        definition:
          'Part des personnes « très satisfaites » ou « plutôt satisfaites » parmi celles qui ont répondu à la question « Globalement, êtes-vous satisfait ? ».',
      })}
      ${indicator({
        id: 'satisfaction-nette',
        title: 'Satisfaction nette',
        now: rateOr(c.net, pointsFr),
        before: rateOr(p?.net ?? null, pointsFr),
        basis: `${count(c.satisfied, 'personne satisfaite', 'personnes satisfaites')}, ${count(c.dissatisfied, 'personne insatisfaite', 'personnes insatisfaites')}.`,
        definition: 'Part des personnes satisfaites moins part des personnes insatisfaites, en points.',
      })}
      ${indicator({
        id: 'satisfaction-simple',
        title: 'Démarche jugée simple',
        now: rateOr(c.simple.rate),
        before: rateOr(p?.simple.rate ?? null),
        basis: `${count(c.simple.answered, 'réponse', 'réponses')} à cette question.`,
        definition: 'Part des « oui, tout à fait » et « plutôt oui » à « Votre démarche a-t-elle été simple ? ».',
      })}
      ${indicator({
        id: 'satisfaction-claire',
        title: 'Réponse jugée claire',
        now: rateOr(c.clear.rate),
        before: rateOr(p?.clear.rate ?? null),
        basis: `${count(c.clear.answered, 'réponse', 'réponses')} à cette question.`,
        definition: 'Part des « oui, tout à fait » et « plutôt oui » à « La réponse était-elle claire ? ».',
      })}
    </div>`;
}

/** The indicators of one document: used by the public page and the supervisors' dashboard. */
export function resultFigures(doc: ResultsDocument, drill: Drill = null): SafeHtml {
  const c: Figures = doc.current.figures;
  const p: Figures = doc.previous.figures;
  const link = (indicatorName: string, text: string) =>
    drill ? html`<a href="${drill(indicatorName, 'courante')}">${text}</a>` : text;
  const months = doc.months;
  return html`<h2>Satisfaction</h2>
    ${satisfactionIndicators(c.satisfaction, p.satisfaction, link('satisfaction', answersOf(c.satisfaction)))}
    ${barChart({
      id: 'graphique-satisfaction',
      title: 'Taux de satisfaction par mois',
      points: months.map((m) => ({
        label: shortMonthFr(m.month),
        longLabel: monthFr(m.month),
        value: m.satisfactionRate,
        base: count(m.answers, 'avis', 'avis'),
      })),
      format: percentFr,
      valueHeader: 'Taux de satisfaction',
      baseHeader: 'Nombre d’avis',
    })}
    <h2>Délais et accueil</h2>
    <div class="result-figures">
      ${indicator({
        id: 'delais',
        title: 'Respect des délais annoncés',
        now: rateOr(c.deadlines.rate),
        before: rateOr(p.deadlines.rate),
        basis: html`${formatNumberFr(c.deadlines.inTime)} sur ${link('delais', count(c.deadlines.handled, 'demande traitée', 'demandes traitées'))}.`,
        definition:
          'Demandes traitées dans le délai annoncé, divisées par les demandes traitées sur la période. Le délai compte en jours ouvrés, sans les jours fériés ni les jours de fermeture, et s’arrête quand la mairie attend une réponse de votre part. Les questions réglées sur le moment, au téléphone ou à l’accueil, ne comptent pas.',
      })}
      ${indicator({
        id: 'decroche',
        title: 'Taux de décroché',
        now: rateOr(c.pickUp.rate),
        before: rateOr(p.pickUp.rate),
        basis: html`${formatNumberFr(c.pickUp.answered)} sur ${link('decroche', count(c.pickUp.required, 'appel', 'appels'))}.`,
        definition:
          'Appels pris par un agent, divisés par les appels qui demandaient un agent : les appels notés par les agents et les appels restés sans réponse relevés chaque jour.',
      })}
      ${waitIndicator(
        c.counterWait,
        p.counterWait,
        ' Ce temps est mesuré pour toute la collectivité et par lieu d’accueil, pas par service.',
        'La moitié des personnes ont attendu moins que ce temps à l’accueil.',
      )}
    </div>
    ${barChart({
      id: 'graphique-delais',
      title: 'Respect des délais par mois',
      points: months.map((m) => ({
        label: shortMonthFr(m.month),
        longLabel: monthFr(m.month),
        value: m.deadlineRate,
        base: count(m.handled, 'demande traitée', 'demandes traitées'),
      })),
      format: percentFr,
      valueHeader: 'Dans le délai annoncé',
      baseHeader: 'Demandes traitées',
    })}
    <h2>Démarches en ligne</h2>
    <div class="result-figures">
      ${indicator({
        id: 'en-ligne',
        title: 'Démarches en ligne notées au moins 8 sur 10',
        now: rateOr(c.online.rate),
        before: rateOr(p.online.rate),
        basis: `${formatNumberFr(c.online.atLeast8)} sur ${count(c.online.rated, 'démarche notée', 'démarches notées')} (${count(c.online.ratings, 'note', 'notes')}).`,
        definition: `Après une démarche faite en ligne, l’enquête demande une note de 0 à 10. Une démarche compte quand elle a reçu au moins ${MIN_RATINGS_PER_DEMARCHE} notes sur la période ; elle est « notée au moins 8 » quand la moyenne de ses notes atteint 8.`,
      })}
    </div>
    <h2>Demandes reçues par canal</h2>
    ${
      c.received === 0 && p.received === 0
        ? html`<p class="no-data">${NO_DATA}</p>`
        : html`<div class="table-wrap">
            <table class="table">
              <caption>
                Demandes reçues par canal, période en cours et période précédente
              </caption>
              <thead>
                <tr>
                  <th scope="col">Canal</th>
                  <th scope="col">Période en cours</th>
                  <th scope="col">Période précédente</th>
                </tr>
              </thead>
              <tbody>
                ${[...new Set([...c.volumes, ...p.volumes].map((v) => v.channel))].map(
                  (channel) =>
                    html`<tr>
                      <th scope="row">${drill ? html`<a href="${drill(`volumes-${channel}`, 'courante')}">${channelLabel(channel)}</a>` : channelLabel(channel)}</th>
                      <td>${formatNumberFr(c.volumes.find((v) => v.channel === channel)?.count ?? 0)}</td>
                      <td>${formatNumberFr(p.volumes.find((v) => v.channel === channel)?.count ?? 0)}</td>
                    </tr>`,
                )}
                <tr>
                  <th scope="row">Total</th>
                  <td>${formatNumberFr(c.received)}</td>
                  <td>${formatNumberFr(p.received)}</td>
                </tr>
              </tbody>
            </table>
          </div>`
    }
    <h2>Réclamations</h2>
    ${
      c.complaints
        ? html`<div class="result-figures">
              ${indicator({
                id: 'reclamations',
                title: 'Taux de réclamation',
                now: rateOr(c.complaints.rate),
                before: rateOr(p.complaints?.rate ?? null),
                basis: count(c.complaints.complaints, 'réclamation', 'réclamations'),
                definition: 'Réclamations reçues, divisées par les demandes reçues sur la période.',
              })}
            </div>
            ${
              c.complaints.causes.length > 0
                ? html`<h3>Principales causes</h3>
                    <ol>
                      ${c.complaints.causes.map((k) => html`<li>${k.label} (${formatNumberFr(k.count)})</li>`)}
                    </ol>`
                : ''
            }`
        : html`<p class="no-data">Pas encore de données : aucune demande ni réclamation reçue sur la période.</p>`
    }
    <h2>Vous avez dit, nous avons fait</h2>
    ${
      c.actions
        ? html`<p>
              ${count(c.actions.done, 'action réalisée', 'actions réalisées')},
              ${count(c.actions.inProgress, 'action en cours', 'actions en cours')} sur la période, à partir de vos avis.
            </p>
            ${
              c.actions.latest.length > 0
                ? html`<ul>
                    ${c.actions.latest.map(
                      (a) =>
                        html`<li>${a.title} — ${a.status === 'done' ? 'réalisée' : 'en cours'} (${formatDateFr(a.on)})</li>`,
                    )}
                  </ul>`
                : ''
            }`
        : html`<p class="no-data">
            Pas encore d’action d’amélioration sur la période. Les avis que vous partagez sont lus : les actions décidées
            à partir d’eux seront publiées ici.
          </p>`
    }`;
}

export interface ResultsPageInput {
  doc: ResultsDocument | null;
  /** The services with published figures, for the menu. */
  services: { slug: string; name: string }[];
  /** The active sites with published figures, for the menu « Par lieu d'accueil ». */
  sites: { id: string; name: string }[];
  /** The service shown, or null: the whole collectivité. */
  service: { slug: string; name: string } | null;
}

/** The menus beside the figures: the whole collectivité, each service, each site. */
function scopeMenus(
  ctx: PageContext,
  input: { services: ResultsPageInput['services']; sites: ResultsPageInput['sites']; shown: string },
): SafeHtml {
  const link = (href: string, label: string) =>
    html`<li><a href="${url(ctx, href)}" ${href === input.shown ? html`aria-current="page"` : ''}>${label}</a></li>`;
  return html`${
    input.shown !== RESULTS_PATH && (input.services.length > 0 || input.sites.length > 0)
      ? html`<p><a href="${url(ctx, RESULTS_PATH)}">Toute la collectivité</a></p>`
      : ''
  }
    ${
      input.services.length > 0
        ? html`<nav aria-label="Résultats par service" class="result-scopes">
            <h2>Par service</h2>
            <ul>
              ${input.services.map((s) => link(`${RESULTS_PATH}/services/${s.slug}`, s.name))}
            </ul>
          </nav>`
        : ''
    }
    ${
      input.sites.length > 0
        ? html`<nav aria-label="Résultats par lieu d’accueil" class="result-scopes">
            <h2>Par lieu d’accueil</h2>
            <ul>
              ${input.sites.map((s) => link(`${RESULTS_PATH}/lieux/${s.id}`, s.name))}
            </ul>
          </nav>`
        : ''
    }`;
}

/** The period a document covers, and when it was computed. */
function periodLine(doc: {
  current: { from: string; to: string };
  previous: { from: string; to: string };
  computedAt: string;
}): SafeHtml {
  return html`<p>
    Période : du ${formatDateFr(doc.current.from)} au ${formatDateFr(doc.current.to)}. Période précédente : du
    ${formatDateFr(doc.previous.from)} au ${formatDateFr(doc.previous.to)}. Calculé le
    ${formatDateTimeFr(doc.computedAt)}.
  </p>`;
}

function noDataPanel(): SafeHtml {
  return html`<div class="no-data-panel">
    <h2>Pas encore de données</h2>
    <p>
      Aucun résultat n’est encore publié. Les premiers chiffres apparaîtront ici le lendemain des premières demandes
      traitées et des premiers avis reçus.
    </p>
  </div>`;
}

function openDataSection(ctx: PageContext): SafeHtml {
  return html`<h2>Données ouvertes</h2>
    <p>
      Ces indicateurs sont publiés sous la
      <a href="${LICENCE_URL}">Licence Ouverte 2.0 (Etalab)</a> : vous pouvez les réutiliser librement en citant la
      source.
    </p>
    <ul>
      <li><a href="${url(ctx, `${RESULTS_PATH}/donnees.csv`)}" download>Télécharger les indicateurs (CSV)</a></li>
      <li><a href="${url(ctx, `${RESULTS_PATH}/donnees.json`)}">Télécharger les indicateurs (JSON)</a></li>
    </ul>`;
}

/**
 * « Nos résultats »: the Services Publics+ indicators of the collectivité (or of one service),
 * computed each night, with the previous period beside each figure, charts with their data
 * tables, and the open data. A collectivité with nothing yet says so.
 */
export function resultsPage(ctx: PageContext, input: ResultsPageInput): SafeHtml {
  const title = input.service ? `Nos résultats – ${input.service.name}` : 'Nos résultats';
  const doc = input.doc;
  const main = html`<h1>${title}</h1>
    <p class="lead">
      Nous publions la qualité de notre service, comme le demande le programme Services Publics+ : votre satisfaction, le
      respect des délais que nous annonçons, les appels décrochés. Les chiffres sont calculés chaque nuit à partir des
      demandes et des avis reçus.
    </p>
    ${doc ? periodLine(doc) : ''}
    ${scopeMenus(ctx, {
      services: input.services,
      sites: input.sites,
      shown: input.service ? `${RESULTS_PATH}/services/${input.service.slug}` : RESULTS_PATH,
    })}
    ${doc ? resultFigures(doc) : noDataPanel()}
    ${openDataSection(ctx)}`;
  return layout(ctx, {
    title,
    main,
    breadcrumbs: input.service
      ? [{ label: 'Accueil', href: '/' }, { label: 'Nos résultats', href: RESULTS_PATH }, { label: input.service.name }]
      : [{ label: 'Accueil', href: '/' }, { label: 'Nos résultats' }],
  });
}

/** « 12 % », or null when no appointment was due. */
function noShowOr(f: SiteFigures): string | null {
  return f.appointments && f.appointments.noShowRate !== null ? percentFr(f.appointments.noShowRate) : null;
}

function answersOf(s: Figures['satisfaction']): string {
  return count(s.answers, 'avis', 'avis');
}

/**
 * The figures of one site: the counter's wait and visits, appointments booked and missed, the
 * satisfaction of its visits. Used by the public page and the supervisors' dashboard (`drill`).
 */
export function siteFigures(ctx: PageContext, doc: SiteResultsDocument, drill: Drill = null): SafeHtml {
  const c = doc.current.figures;
  const p = doc.previous.figures;
  const visits = (f: SiteFigures) => (f.counterWait ? count(f.counterWait.visits, 'visite', 'visites') : null);
  const booked = (f: SiteFigures) =>
    f.appointments ? count(f.appointments.booked, 'rendez-vous', 'rendez-vous') : null;
  return html`<h2>Accueil au guichet</h2>
    <div class="result-figures">
      ${waitIndicator(
        c.counterWait,
        p.counterWait,
        '',
        'La moitié des personnes ont attendu moins que ce temps avant d’être appelées à un guichet.',
      )}
      ${indicator({
        id: 'visites',
        title: 'Visites au guichet',
        now: visits(c),
        before: visits(p),
        basis: 'Personnes appelées à un guichet, avec ou sans rendez-vous.',
        definition: 'Chaque ticket appelé compte une fois, le jour de son premier appel.',
      })}
    </div>
    <h2>Rendez-vous</h2>
    <div class="result-figures">
      ${indicator({
        id: 'rendez-vous',
        title: 'Rendez-vous pris',
        now: booked(c),
        before: booked(p),
        basis: 'Rendez-vous prévus dans ce lieu sur la période, en ligne, par téléphone ou à l’accueil.',
        definition: 'Les rendez-vous annulés ne comptent pas.',
      })}
      ${indicator({
        id: 'absences',
        title: 'Rendez-vous non honorés',
        now: noShowOr(c),
        before: noShowOr(p),
        basis: !c.appointments
          ? 'Pas de rendez-vous dans ce lieu sur la période.'
          : c.appointments.due === 0
            ? 'Aucun de ces rendez-vous n’a encore eu lieu.'
            : `${formatNumberFr(c.appointments.noShows)} sur ${count(c.appointments.due, 'rendez-vous passé', 'rendez-vous passés')}.`,
        definition:
          'Personnes absentes sans prévenir, divisées par les rendez-vous dont l’heure est passée (les rendez-vous annulés ne comptent pas).',
      })}
    </div>
    <h2>Satisfaction</h2>
    ${
      c.satisfaction
        ? satisfactionIndicators(
            c.satisfaction,
            p.satisfaction ?? null,
            drill
              ? html`<a href="${drill('satisfaction', 'courante')}">${answersOf(c.satisfaction)}</a>`
              : answersOf(c.satisfaction),
          )
        : html`<p class="no-data">${NO_DATA}</p>`
    }
    <p class="hint">
      Les avis donnés après une visite dans ce lieu (par le lien reçu ou le QR code montré au guichet) et sur la
      tablette posée à l’accueil. Tous les avis comptent aussi
      <a href="${url(ctx, RESULTS_PATH)}">pour toute la collectivité</a>.
    </p>`;
}

export interface SiteResultsPageInput {
  /** The site shown (active), and its published document — null before the first run. */
  site: { id: string; name: string };
  doc: SiteResultsDocument | null;
  services: ResultsPageInput['services'];
  sites: ResultsPageInput['sites'];
}

/**
 * « Nos résultats » of one place (the mairie, an annexe, France services): the figures that
 * belong to a place — the counter's median wait and visits, appointments booked, the no-show
 * rate and the satisfaction of its visits — with the previous period beside each.
 */
export function siteResultsPage(ctx: PageContext, input: SiteResultsPageInput): SafeHtml {
  const title = `Nos résultats – ${input.site.name}`;
  const doc = input.doc;
  const main = html`<h1>${title}</h1>
    <p class="lead">
      ${doc ? `${SITE_KINDS[doc.siteKind] ?? 'Lieu d’accueil'}. ` : ''}Ce que nous mesurons dans ce lieu d’accueil :
      l’attente au guichet, les visites, les rendez-vous pris et ceux qui n’ont pas été honorés, et votre satisfaction.
      Les chiffres sont calculés chaque nuit.
    </p>
    ${doc ? periodLine(doc) : ''}
    ${scopeMenus(ctx, { services: input.services, sites: input.sites, shown: `${RESULTS_PATH}/lieux/${input.site.id}` })}
    ${doc ? siteFigures(ctx, doc) : noDataPanel()}
    ${openDataSection(ctx)}`;
  return layout(ctx, {
    title,
    main,
    breadcrumbs: [
      { label: 'Accueil', href: '/' },
      { label: 'Nos résultats', href: RESULTS_PATH },
      { label: input.site.name },
    ],
  });
}
