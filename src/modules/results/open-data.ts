import { csvCell } from '../../platform/csv.ts';
import type { ResultsDocument, SiteResultsDocument } from './compute-results.ts';
import type { CounterWaitFigures, Figures, SiteFigures } from './indicators.ts';
import { LICENCE_URL } from './views/results-page.ts';

/**
 * The published indicators as open data, one row per scope, indicator and period (the schema is
 * docs/open-data-results.md): the long format of the programme's own publications, so that a
 * row reads alone. Values are shares from 0 to 1 (net satisfaction from −1 to 1), with their
 * numerator and denominator; a period without data has an empty value, never 0.
 */
export interface OpenDataRow {
  collectivite: string;
  code_insee: string;
  perimetre: 'collectivite' | 'service' | 'lieu';
  service: string;
  /** The site's name for `lieu` (the mairie, an annexe, France services); empty otherwise. */
  lieu: string;
  indicateur: string;
  libelle: string;
  canal: string;
  periode: 'courante' | 'precedente';
  date_debut: string;
  date_fin: string;
  numerateur: number | null;
  denominateur: number | null;
  valeur: number | null;
  unite: 'part' | 'nombre' | 'minutes';
  calcule_le: string;
}

export const OPEN_DATA_COLUMNS: readonly (keyof OpenDataRow)[] = [
  'collectivite',
  'code_insee',
  'perimetre',
  'service',
  'lieu',
  'indicateur',
  'libelle',
  'canal',
  'periode',
  'date_debut',
  'date_fin',
  'numerateur',
  'denominateur',
  'valeur',
  'unite',
  'calcule_le',
];

const round = (v: number | null) => (v === null ? null : Math.round(v * 10_000) / 10_000);

type IndicatorRow = Pick<
  OpenDataRow,
  'indicateur' | 'libelle' | 'canal' | 'numerateur' | 'denominateur' | 'valeur' | 'unite'
>;

function waitRow(w: CounterWaitFigures): IndicatorRow {
  return {
    indicateur: 'attente_mediane_accueil',
    libelle: 'Temps d’attente médian à l’accueil',
    canal: 'guichet',
    numerateur: null,
    denominateur: w.visits,
    valeur: w.medianMinutes,
    unite: 'minutes',
  };
}

/**
 * A site's rows: the counter's wait and visits when measured, appointments booked and missed when
 * any, the satisfaction of its visits when anyone answered.
 */
function siteRows(f: SiteFigures): IndicatorRow[] {
  const nombre = (indicateur: string, libelle: string, valeur: number, canal = ''): IndicatorRow => ({
    indicateur,
    libelle,
    canal,
    numerateur: null,
    denominateur: null,
    valeur,
    unite: 'nombre',
  });
  const rows: IndicatorRow[] = [];
  if (f.counterWait)
    rows.push(waitRow(f.counterWait), nombre('visites_guichet', 'Visites au guichet', f.counterWait.visits, 'guichet'));
  if (f.appointments)
    rows.push(nombre('rendez_vous_pris', 'Rendez-vous pris', f.appointments.booked), {
      indicateur: 'taux_rendez_vous_non_honores',
      libelle: 'Rendez-vous non honorés',
      canal: '',
      numerateur: f.appointments.noShows,
      denominateur: f.appointments.due,
      valeur: round(f.appointments.noShowRate),
      unite: 'part',
    });
  if (f.satisfaction) rows.push(...satisfactionRows(f.satisfaction));
  return rows;
}

function part(indicateur: string, libelle: string, num: number, den: number, valeur: number | null): IndicatorRow {
  return { indicateur, libelle, canal: '', numerateur: num, denominateur: den, valeur: round(valeur), unite: 'part' };
}

/** The four satisfaction rows of a scope: the collectivité, a service, a site. */
function satisfactionRows(s: Figures['satisfaction']): IndicatorRow[] {
  return [
    part('taux_satisfaction', 'Taux de satisfaction', s.satisfied, s.answers, s.rate),
    part('satisfaction_nette', 'Satisfaction nette', s.satisfied - s.dissatisfied, s.answers, s.net),
    part('demarche_simple', 'Démarche jugée simple', s.simple.yes, s.simple.answered, s.simple.rate),
    part('reponse_claire', 'Réponse jugée claire', s.clear.yes, s.clear.answered, s.clear.rate),
  ];
}

function indicatorRows(f: Figures): IndicatorRow[] {
  const rows: IndicatorRow[] = [
    ...satisfactionRows(f.satisfaction),
    part('respect_delais', 'Respect des délais annoncés', f.deadlines.inTime, f.deadlines.handled, f.deadlines.rate),
    part('taux_decroche', 'Taux de décroché', f.pickUp.answered, f.pickUp.required, f.pickUp.rate),
    part(
      'demarches_en_ligne_8_sur_10',
      'Démarches en ligne notées au moins 8 sur 10',
      f.online.atLeast8,
      f.online.rated,
      f.online.rate,
    ),
    ...f.volumes.map((v): IndicatorRow => ({
      indicateur: 'demandes_recues',
      libelle: 'Demandes reçues',
      canal: v.channel,
      numerateur: null,
      denominateur: null,
      valeur: v.count,
      unite: 'nombre',
    })),
  ];
  if (f.counterWait) rows.push(waitRow(f.counterWait));
  if (f.actions)
    rows.push(
      {
        indicateur: 'actions_realisees',
        libelle: 'Actions d’amélioration réalisées',
        canal: '',
        numerateur: null,
        denominateur: null,
        valeur: f.actions.done,
        unite: 'nombre',
      },
      {
        indicateur: 'actions_en_cours',
        libelle: 'Actions d’amélioration en cours',
        canal: '',
        numerateur: null,
        denominateur: null,
        valeur: f.actions.inProgress,
        unite: 'nombre',
      },
    );
  if (f.complaints)
    rows.push(part('taux_reclamation', 'Taux de réclamation', f.complaints.complaints, f.received, f.complaints.rate));
  return rows;
}

export function openDataRows(
  tenant: { name: string; inseeCode: string | null },
  docs: ResultsDocument[],
  sites: SiteResultsDocument[] = [],
): OpenDataRow[] {
  const periods = <F>(
    d: { current: { from: string; to: string; figures: F }; previous: { from: string; to: string; figures: F } },
    rowsOf: (f: F) => IndicatorRow[],
    scope: Pick<OpenDataRow, 'perimetre' | 'service' | 'lieu' | 'calcule_le'>,
  ): OpenDataRow[] =>
    (['courante', 'precedente'] as const).flatMap((periode) => {
      const p = periode === 'courante' ? d.current : d.previous;
      return rowsOf(p.figures).map((r) => ({
        collectivite: tenant.name,
        code_insee: tenant.inseeCode ?? '',
        perimetre: scope.perimetre,
        service: scope.service,
        lieu: scope.lieu,
        ...r,
        periode,
        date_debut: p.from,
        date_fin: p.to,
        calcule_le: scope.calcule_le,
      }));
    });
  return [
    ...docs.flatMap((d) =>
      periods(d, indicatorRows, {
        perimetre: d.serviceId === null ? 'collectivite' : 'service',
        service: d.serviceName ?? '',
        lieu: '',
        calcule_le: d.computedAt,
      }),
    ),
    ...sites.flatMap((d) =>
      periods(d, siteRows, { perimetre: 'lieu', service: '', lieu: d.siteName, calcule_le: d.computedAt }),
    ),
  ];
}

/**
 * CSV with semicolons (as the platform's exports), numbers with a decimal point, text cells
 * escaped. Not `toCsv`: its formula guard would turn a negative net satisfaction into text.
 */
export function openDataCsv(rows: OpenDataRow[]): string {
  const cell = (v: string | number | null) => (v === null ? '' : typeof v === 'number' ? String(v) : csvCell(v));
  const lines = [OPEN_DATA_COLUMNS.join(';'), ...rows.map((r) => OPEN_DATA_COLUMNS.map((c) => cell(r[c])).join(';'))];
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

export function openDataJson(
  tenant: { name: string; inseeCode: string | null },
  rows: OpenDataRow[],
  source: string,
): Record<string, unknown> {
  return {
    collectivite: tenant.name,
    code_insee: tenant.inseeCode ?? '',
    source,
    licence: 'Licence Ouverte 2.0 (Etalab)',
    licence_url: LICENCE_URL,
    schema: 'docs/open-data-results.md (documentation de Guichet)',
    indicateurs: rows,
  };
}
