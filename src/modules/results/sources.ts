import type { Tx } from '../../db/tenant-scope.ts';
import type { ActionFigures, ComplaintFigures, CounterWaitFigures, SiteSourceFigures } from './indicators.ts';

/** The period and scope a source is asked about (days in the commune's time zone, both included). */
export interface SourceRange {
  from: string;
  to: string;
  /** null: the whole collectivité. */
  serviceId: string | null;
}

/** The period and site a site's source is asked about; `now` tells which appointments are over. */
export interface SiteRange {
  from: string;
  to: string;
  siteId: string;
  now: Date;
}

/**
 * Indicators whose data other modules own, handed to the daily computation (decision 36):
 *
 * - `complaints`: the complaint rate and main causes (issue 12, part 3: the complaints module);
 * - `counterWait`: the median waiting time at the counter (the appointments and counter module);
 * - `actions`: the improvement actions decided from citizens' feedback, « Vous avez dit, nous
 *   avons fait » (issue 12, part 2: the experiences module);
 * - `site`: the figures of one site (« Par lieu d'accueil »): the counter's median wait and visits,
 *   appointments booked and the no-show rate there (the counter module).
 *
 * A module that records them passes its function where the job is built (`resultsJobs` in
 * services.ts); until then the figure is null and « Nos résultats » says « pas encore de
 * données » for it, as for any indicator without data.
 */
export interface ResultsSources {
  complaints?: (trx: Tx, range: SourceRange) => Promise<ComplaintFigures | null>;
  counterWait?: (trx: Tx, range: SourceRange) => Promise<CounterWaitFigures | null>;
  actions?: (trx: Tx, range: SourceRange) => Promise<ActionFigures | null>;
  site?: (trx: Tx, range: SiteRange) => Promise<SiteSourceFigures>;
}
