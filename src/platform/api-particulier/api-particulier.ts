import { z } from 'zod';

/**
 * API Particulier (https://particulier.api.gouv.fr): the State's data about a person, that an
 * administration may obtain instead of asking for a document ("Dites-le-nous une fois"). Guichet
 * uses three of its version 2 endpoints, with the token sent as `X-Api-Key`:
 *
 * - quotient familial, CAF and MSA: `GET /api/v2/composition-familiale-v2` with the person's civil
 *   status (the FranceConnect identity: birth name, first names, birth date, sex, INSEE codes of
 *   the birthplace and country), or, without FranceConnect, `GET /api/v2/composition-familiale`
 *   with `numeroAllocataire` and `codePostal` (CAF only);
 * - statut étudiant: `GET /api/v2/etudiants?ine=…`;
 * - statut demandeur d'emploi: `GET /api/v2/situations-pole-emploi?identifiant=…`.
 *
 * Answers are validated against the documented shapes (zod); whatever goes wrong ends as an
 * `ApiParticulierError` of one stable kind. See decision 31.
 */
export interface ApiParticulier {
  quotientFamilial(query: QuotientFamilialQuery): Promise<QuotientFamilial>;
  statutEtudiant(query: { ine: string }): Promise<StatutEtudiant>;
  statutDemandeurEmploi(query: { identifiant: string }): Promise<StatutDemandeurEmploi>;
}

/** Who the quotient familial is asked about. */
export type QuotientFamilialQuery =
  | { by: 'allocataire'; numeroAllocataire: string; codePostal: string }
  | {
      by: 'identite';
      nomNaissance: string;
      prenoms: string[];
      /** YYYY-MM-DD */
      dateNaissance: string;
      sexe: 'F' | 'M';
      /** INSEE code of the commune of birth; empty when born abroad. */
      codeInseeLieuDeNaissance: string;
      /** INSEE code of the country of birth (99100: France). */
      codePaysLieuDeNaissance: string;
    };

/** Why a call gave nothing, as the form explains it to the citizen. */
export type ApiParticulierErrorKind = 'unknown_person' | 'provider_error' | 'timeout' | 'malformed_answer';

export class ApiParticulierError extends Error {
  constructor(
    readonly kind: ApiParticulierErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ApiParticulierError';
  }
}

// --- The documented answers (API Particulier v2) ---------------------------------------------

const adresse = z
  .object({
    identite: z.string().nullable().optional(),
    numeroRue: z.string().nullable().optional(),
    codePostalVille: z.string().nullable().optional(),
    pays: z.string().nullable().optional(),
  })
  .nullable()
  .optional();

/** `/api/v2/composition-familiale` (CAF, by numéro d'allocataire): dates as DDMMYYYY. */
export const compositionFamilialeSchema = z.object({
  allocataires: z.array(
    z.object({ nomPrenom: z.string(), dateDeNaissance: z.string().regex(/^\d{8}$/), sexe: z.enum(['F', 'M']) }),
  ),
  enfants: z.array(
    z.object({ nomPrenom: z.string(), dateDeNaissance: z.string().regex(/^\d{8}$/), sexe: z.enum(['F', 'M']) }),
  ),
  adresse,
  quotientFamilial: z.number().int().min(0),
  annee: z.number().int().min(2000).max(2100),
  mois: z.number().int().min(1).max(12),
});

const personneV2 = z.object({
  nomNaissance: z.string(),
  nomUsuel: z.string().nullable().optional(),
  prenoms: z.string(),
  anneeDateDeNaissance: z.string().regex(/^\d{4}$/),
  moisDateDeNaissance: z.string().regex(/^\d{2}$/),
  jourDateDeNaissance: z.string().regex(/^\d{2}$/),
  sexe: z.enum(['F', 'M']),
});

/** `/api/v2/composition-familiale-v2` (CAF and MSA, by civil status). */
export const compositionFamilialeV2Schema = z.object({
  regime: z.enum(['CNAF', 'MSA']),
  allocataires: z.array(personneV2),
  enfants: z.array(personneV2),
  adresse,
  quotientFamilial: z.number().int().min(0),
  annee: z.number().int().min(2000).max(2100),
  mois: z.number().int().min(1).max(12),
});

/** `/api/v2/etudiants` */
export const etudiantSchema = z.object({
  ine: z.string(),
  nom: z.string(),
  prenom: z.string(),
  dateNaissance: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  inscriptions: z.array(
    z.object({
      dateDebutInscription: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      dateFinInscription: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      statut: z.enum(['admis', 'inscrit']),
      regime: z.string(),
      codeCommune: z.string().nullable().optional(),
      etablissement: z.object({ uai: z.string(), nom: z.string() }),
    }),
  ),
});

/** `/api/v2/situations-pole-emploi` */
export const situationPoleEmploiSchema = z.object({
  identifiant: z.string(),
  nom: z.string(),
  nomUsage: z.string().nullable().optional(),
  prenom: z.string(),
  sexe: z.enum(['F', 'M']).nullable().optional(),
  dateNaissance: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  dateInscription: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  dateCessationInscription: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable(),
  codeCategorieInscription: z.number().int(),
  libelleCategorieInscription: z.string(),
});

// --- What Guichet keeps of them ---------------------------------------------------------------

export interface PersonSummary {
  name: string;
  /** YYYY-MM-DD */
  birthdate: string;
}

export interface QuotientFamilial {
  /** The organisation that holds the file: 'CNAF' (CAF) or 'MSA'. */
  regime: 'CNAF' | 'MSA';
  quotientFamilial: number;
  annee: number;
  mois: number;
  allocataires: PersonSummary[];
  enfants: PersonSummary[];
}

export interface StatutEtudiant {
  /** Registered (or admitted) today, somewhere. */
  etudiant: boolean;
  /** The current registrations: school name and dates. */
  inscriptions: { etablissement: string; debut: string; fin: string; statut: 'admis' | 'inscrit' }[];
}

export interface StatutDemandeurEmploi {
  /** Registered at France Travail today. */
  inscrit: boolean;
  dateInscription: string;
  categorie: string;
}

/** DDMMYYYY → YYYY-MM-DD */
export function isoFromDdmmyyyy(value: string): string {
  return `${value.slice(4, 8)}-${value.slice(2, 4)}-${value.slice(0, 2)}`;
}

export function presentCompositionFamiliale(raw: z.infer<typeof compositionFamilialeSchema>): QuotientFamilial {
  const person = (p: { nomPrenom: string; dateDeNaissance: string }) => ({
    name: p.nomPrenom,
    birthdate: isoFromDdmmyyyy(p.dateDeNaissance),
  });
  return {
    regime: 'CNAF',
    quotientFamilial: raw.quotientFamilial,
    annee: raw.annee,
    mois: raw.mois,
    allocataires: raw.allocataires.map(person),
    enfants: raw.enfants.map(person),
  };
}

export function presentCompositionFamilialeV2(raw: z.infer<typeof compositionFamilialeV2Schema>): QuotientFamilial {
  const person = (p: z.infer<typeof personneV2>) => ({
    name: `${p.prenoms} ${p.nomUsuel || p.nomNaissance}`.trim(),
    birthdate: `${p.anneeDateDeNaissance}-${p.moisDateDeNaissance}-${p.jourDateDeNaissance}`,
  });
  return {
    regime: raw.regime,
    quotientFamilial: raw.quotientFamilial,
    annee: raw.annee,
    mois: raw.mois,
    allocataires: raw.allocataires.map(person),
    enfants: raw.enfants.map(person),
  };
}

export function presentEtudiant(raw: z.infer<typeof etudiantSchema>, today: string): StatutEtudiant {
  const current = raw.inscriptions.filter((i) => i.dateDebutInscription <= today && today <= i.dateFinInscription);
  return {
    etudiant: current.length > 0,
    inscriptions: current.map((i) => ({
      etablissement: i.etablissement.nom,
      debut: i.dateDebutInscription,
      fin: i.dateFinInscription,
      statut: i.statut,
    })),
  };
}

export function presentSituationPoleEmploi(
  raw: z.infer<typeof situationPoleEmploiSchema>,
  today: string,
): StatutDemandeurEmploi {
  return {
    inscrit:
      raw.dateInscription <= today && (raw.dateCessationInscription === null || raw.dateCessationInscription > today),
    dateInscription: raw.dateInscription,
    categorie: raw.libelleCategorieInscription,
  };
}
