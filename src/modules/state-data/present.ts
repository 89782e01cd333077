import { formatDateFr, formatDateTimeFr, formatNumberFr } from '../../platform/format.ts';
import { obtainedStateDataSchema, STATE_DATA_KEY, type ObtainedStateData } from './obtained.ts';

/** One line of the answers (the shape of requests/form-engine/present.ts's PresentedAnswer). */
export interface StateDataLine {
  name: string;
  label: string;
  value: string;
  kind: 'state_data';
}

const MONTHS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];

const FOUND_BY: Record<ObtainedStateData['foundBy'], string> = {
  franceconnect: 'l’identité FranceConnect',
  etat_civil: 'l’état civil indiqué dans le formulaire',
  numero_allocataire: 'le numéro d’allocataire et le code postal',
  ine: 'le numéro INE',
  identifiant_france_travail: 'l’identifiant France Travail',
};

/** « Données obtenues auprès de la CAF le 3 décembre 2026 à 10 h 12 » */
export function obtainedFrom(d: ObtainedStateData): string {
  const source =
    d.source === 'France Travail'
      ? 'de France Travail'
      : d.source === 'Enseignement supérieur'
        ? 'du ministère de l’Enseignement supérieur'
        : `de la ${d.source}`;
  return `Données obtenues auprès ${source} le ${formatDateTimeFr(d.obtainedAt)}`;
}

/** The same, with the consent and what the person was found by. */
export function obtainedSentence(d: ObtainedStateData): string {
  return `${obtainedFrom(d)}, avec l’accord de l’usager (API Particulier, recherche par ${FOUND_BY[d.foundBy]})`;
}

/** The values of one obtained piece, as lines. */
export function stateDataValueLines(d: ObtainedStateData): { label: string; value: string }[] {
  const v = d.values;
  switch (d.kind) {
    case 'quotient_familial': {
      const [year, month] = String(v.mois ?? '').split('-');
      const lines = [{ label: 'Quotient familial', value: `${formatNumberFr(Number(v.quotientFamilial))} €` }];
      if (year && month)
        lines.push({ label: 'Mois de calcul', value: `${MONTHS[Number(month) - 1] ?? month} ${year}` });
      if (typeof v.enfants === 'number') lines.push({ label: 'Enfants à charge', value: formatNumberFr(v.enfants) });
      return lines;
    }
    case 'statut_etudiant':
      return [
        { label: 'Statut étudiant', value: `Inscrit cette année : ${String(v.etablissement ?? '')}` },
        ...(typeof v.jusquAu === 'string'
          ? [{ label: 'Inscription valable jusqu’au', value: formatDateFr(v.jusquAu) }]
          : []),
      ];
    case 'statut_demandeur_emploi':
      return [
        {
          label: 'Statut demandeur d’emploi',
          value: `Inscrit à France Travail${typeof v.depuis === 'string' ? ` depuis le ${formatDateFr(v.depuis)}` : ''}`,
        },
      ];
  }
}

/** The obtained data kept in a request's answers (`_state_data`), or none when absent or not readable. */
export function storedStateData(data: Record<string, unknown>): ObtainedStateData[] {
  const raw = data[STATE_DATA_KEY];
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((r) => {
    const parsed = obtainedStateDataSchema.safeParse(r);
    return parsed.success ? [parsed.data] : [];
  });
}

/**
 * The lines the answers presenter shows for the State's data: for each piece, where and when it
 * was obtained, then its values. The same on the agent's page, the tracking page, the receipt and
 * the exports.
 */
export function presentStateData(data: Record<string, unknown>): StateDataLine[] {
  return storedStateData(data).flatMap((d, i) => [
    {
      name: `${STATE_DATA_KEY}.${i}`,
      label: 'Données de l’État',
      value: obtainedSentence(d),
      kind: 'state_data' as const,
    },
    ...stateDataValueLines(d).map((l, j) => ({
      name: `${STATE_DATA_KEY}.${i}.${j}`,
      label: l.label,
      value: l.value,
      kind: 'state_data' as const,
    })),
  ]);
}
