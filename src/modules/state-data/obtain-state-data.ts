import type { Services } from '../../services.ts';
import { ApiParticulierError, type ApiParticulierErrorKind } from '../../platform/api-particulier/index.ts';
import type { FormDefinition, FormField, StateDataKind } from '../catalogue/form-definition.ts';
import { allFields, anchorOf, first, type FieldError, type RawAnswers } from '../requests/form-engine/validate.ts';
import type { IdentityClaims } from '../requests/form-engine/claims.ts';
import {
  CIVIL_STATUS_FIELDS,
  civilStatusFromAnswers,
  civilStatusFromClaims,
  type CommuneChoice,
} from './civil-status.ts';
import type { ObtainedStateData } from './obtained.ts';

/** The fields the numbers are typed in, by convention of the démarches' forms. */
export const QUERY_FIELDS = {
  ine: 'ine',
  identifiantFranceTravail: 'identifiant_france_travail',
} as const;

/** Who holds the data, and the document asked for instead, as the citizen reads them. */
const WORDING: Record<StateDataKind, { holder: string; service: string; document: string }> = {
  quotient_familial: {
    holder: 'la CAF ou la MSA',
    service: 'Le service de la CAF et de la MSA',
    document: 'votre attestation de quotient familial ou votre dernier avis d’imposition',
  },
  statut_etudiant: {
    holder: 'le ministère de l’Enseignement supérieur',
    service: 'Le service du ministère de l’Enseignement supérieur',
    document: 'votre certificat de scolarité de cette année',
  },
  statut_demandeur_emploi: {
    holder: 'France Travail',
    service: 'Le service de France Travail',
    document: 'votre attestation d’inscription à France Travail',
  },
};

/** Why nothing came back, in plain French; the form adds what to join instead. */
function reason(kind: StateDataKind, why: ApiParticulierErrorKind | 'refused' | 'unavailable' | 'not_current'): string {
  const holder = WORDING[kind].holder;
  switch (why) {
    case 'refused':
      return `Vous n’avez pas coché la case d’accord : nous ne demandons rien à ${holder}.`;
    case 'unknown_person':
      return kind === 'quotient_familial'
        ? `${capitalise(holder)} ne connaissent pas de dossier avec ces informations. Vérifiez votre nom de naissance, vos prénoms, votre date et votre lieu de naissance.`
        : `${capitalise(holder)} ne connaît personne avec cet identifiant. Vérifiez-le.`;
    case 'not_current':
      return kind === 'statut_etudiant'
        ? 'Nous ne trouvons pas d’inscription en cours pour cette année.'
        : 'Nous ne trouvons pas d’inscription en cours à France Travail.';
    case 'timeout':
      return `${WORDING[kind].service} met trop de temps à répondre.`;
    case 'malformed_answer':
      return `${WORDING[kind].service} a donné une réponse que nous ne savons pas lire.`;
    case 'provider_error':
    case 'unavailable':
      return `${WORDING[kind].service} ne répond pas pour le moment.`;
  }
}

/** What else the form may take when the data cannot be obtained, after the document. */
const LAST_RESORT: Partial<Record<StateDataKind, string>> = {
  quotient_familial:
    ' Vous pouvez aussi indiquer votre numéro d’allocataire CAF : la mairie le vérifiera auprès de la CAF.',
};

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export type ObtainStateDataResult =
  | { ok: true; obtained: ObtainedStateData }
  /**
   * `invalid`: the numbers to search with are missing or wrong (the citizen can fix them);
   * otherwise the form now asks for the document. `cause`: what API Particulier answered, for
   * the logs (never what the citizen typed).
   */
  | {
      ok: false;
      errors: FieldError[];
      invalid?: boolean;
      cause?: ApiParticulierErrorKind | 'no_siret';
      /** Several communes bear the typed name of the commune of birth: the form lists them. */
      communeChoice?: CommuneChoice;
    };

export interface ObtainStateDataInput {
  form: FormDefinition;
  kind: StateDataKind;
  /** What the form holds now (the citizen clicked the button before sending it). */
  answers: RawAnswers;
  /**
   * The FranceConnect claims of the signed-in citizen, if any: the quotient familial is asked by
   * them when they are complete (otherwise by the form's fields, the verified ones locked).
   */
  franceconnect?: IdentityClaims | null;
  /** The tenant's SIRET, sent as `recipient`; without it nothing is asked. */
  recipient: string | null;
  /** Today in France (YYYY-MM-DD): a birth date must be before. */
  today: string;
}

/**
 * Asks API Particulier for one piece of data the citizen agreed to on the form. Without the
 * ticked consent nothing is asked. On any failure, the errors name the form's fallback document
 * and say why, so the form can ask for it instead (the citizen loses nothing they typed).
 */
export async function obtainStateData(services: Services, input: ObtainStateDataInput): Promise<ObtainStateDataResult> {
  const fields = allFields(input.form);
  const consent = fields.find((f) => f.type === 'checkbox' && f.consent && f.stateData?.kind === input.kind);
  if (!consent?.stateData) return { ok: false, invalid: true, errors: [] };
  const fallback = fields.find((f) => f.name === consent.stateData!.fallback) ?? consent;
  const fail = (why: Parameters<typeof reason>[1]): ObtainStateDataResult & { ok: false } => ({
    ok: false,
    ...(why === 'refused' || why === 'unavailable' || why === 'not_current' ? {} : { cause: why }),
    errors: [
      {
        field: fallback.name,
        anchor: anchorOf(fallback),
        message: `${reason(input.kind, why)} Joignez ${WORDING[input.kind].document}${why === 'refused' ? ', ou cochez la case' : ''}.${LAST_RESORT[input.kind] ?? ''}`,
      },
    ],
  });
  if (first(input.answers, consent.name) === '') return fail('refused');
  const api = services.apiParticulier;
  if (!api) return fail('unavailable');
  if (!input.recipient) return { ...fail('unavailable'), cause: 'no_siret' };
  const recipient = input.recipient;

  const missing = (field: string, message: string): ObtainStateDataResult => {
    const f: FormField | undefined = fields.find((x) => x.name === field);
    return { ok: false, invalid: true, errors: [{ field, anchor: f ? anchorOf(f) : field, message }] };
  };
  const now = services.clock.now();
  const obtainedAt = now.toISOString();
  try {
    if (input.kind === 'quotient_familial') {
      // FranceConnect's verified civil status when it is complete; else what the form holds.
      const verified = civilStatusFromClaims(input.franceconnect);
      // A form saved before the civil-status fields (numéro d'allocataire and code postal only)
      // has nothing to search with: the document it is.
      if (!verified && !fields.some((f) => f.name === CIVIL_STATUS_FIELDS.nomNaissance)) return fail('unavailable');
      const typed = verified ? null : civilStatusFromAnswers(input.form, input.answers, input.today);
      if (typed && !typed.ok)
        return { ok: false, invalid: true, errors: typed.errors, communeChoice: typed.communeChoice };
      const person = verified ?? (typed?.ok ? typed.person : null);
      if (!person) return fail('unavailable');
      const qf = await api.quotientFamilial({ recipient, ...person });
      return {
        ok: true,
        obtained: {
          kind: 'quotient_familial',
          source: qf.regime === 'MSA' ? 'MSA' : 'CAF',
          obtainedAt,
          foundBy: verified ? 'franceconnect' : 'etat_civil',
          values: {
            quotientFamilial: qf.quotientFamilial,
            mois: `${qf.annee}-${String(qf.mois).padStart(2, '0')}`,
            enfants: qf.enfants.length,
          },
        },
      };
    }
    if (input.kind === 'statut_etudiant') {
      const ine = first(input.answers, QUERY_FIELDS.ine).replace(/\s/g, '').toUpperCase();
      if (!/^[0-9A-Z]{11}$/.test(ine))
        return missing(
          QUERY_FIELDS.ine,
          'Indiquez votre numéro INE : 11 chiffres et lettres, sur votre carte d’étudiant.',
        );
      const s = await api.statutEtudiant({ recipient, ine });
      const current = s.inscriptions[0];
      if (!s.etudiant || !current) return fail('not_current');
      return {
        ok: true,
        obtained: {
          kind: 'statut_etudiant',
          source: 'Enseignement supérieur',
          obtainedAt,
          foundBy: 'ine',
          values: { etudiant: true, etablissement: current.etablissement, jusquAu: current.fin },
        },
      };
    }
    const identifiant = first(input.answers, QUERY_FIELDS.identifiantFranceTravail).trim();
    if (!/^[\p{L}\p{N}_.-]{3,40}$/u.test(identifiant))
      return missing(
        QUERY_FIELDS.identifiantFranceTravail,
        'Indiquez votre identifiant France Travail : il figure sur vos courriers de France Travail.',
      );
    const j = await api.statutDemandeurEmploi({ recipient, identifiant });
    if (!j.inscrit) return fail('not_current');
    return {
      ok: true,
      obtained: {
        kind: 'statut_demandeur_emploi',
        source: 'France Travail',
        obtainedAt,
        foundBy: 'identifiant_france_travail',
        values: { inscrit: true, depuis: j.dateInscription },
      },
    };
  } catch (err) {
    if (!(err instanceof ApiParticulierError)) throw err;
    return fail(err.kind);
  }
}
