import { z } from 'zod';

/**
 * API Particulier (https://particulier.api.gouv.fr): the State's data about a person, that an
 * administration may obtain instead of asking for a document ("Dites-le-nous une fois"). Guichet
 * uses three of its version 2 endpoints, with the token sent as `X-Api-Key` and the SIRET of the
 * establishment the data is given to as `recipient`:
 *
 * - quotient familial, CAF and MSA: `GET /api/v2/composition-familiale-v2` by civil status
 *   (`nomNaissance`, `nomUsage`, `prenoms[]`, `anneeDateDeNaissance`, `moisDateDeNaissance`,
 *   `jourDateDeNaissance`, `codeInseeLieuDeNaissance`, `codePaysLieuDeNaissance`, `sexe`, and
 *   optionally `annee` and `mois`); the former `/api/v2/composition-familiale` (numéro
 *   d'allocataire and code postal) is no longer served;
 * - statut étudiant: `GET /api/v2/etudiants?ine=…`;
 * - statut demandeur d'emploi: `GET /api/v2/situations-pole-emploi?identifiant=…`.
 *
 * The shapes follow API Particulier's published test cases (etalab/siade_staging_data,
 * payloads/api_particulier_v2_cnav_quotient_familial_v2). Answers are validated (zod); whatever
 * goes wrong ends as an `ApiParticulierError` of one stable kind. See decision 31.
 */
export interface ApiParticulier {
  quotientFamilial(query: QuotientFamilialQuery): Promise<QuotientFamilial>;
  statutEtudiant(query: { recipient: string; ine: string }): Promise<StatutEtudiant>;
  statutDemandeurEmploi(query: { recipient: string; identifiant: string }): Promise<StatutDemandeurEmploi>;
}

/** The person the quotient familial is asked about, by civil status (one of the allocataires). */
export interface QuotientFamilialQuery {
  /** The SIRET of the establishment the data is given to (the tenant's). */
  recipient: string;
  nomNaissance: string;
  /** Nom d'usage, when there is one. */
  nomUsage?: string | null;
  /** All the first names, in the civil status's order. */
  prenoms: string[];
  /** YYYY-MM-DD */
  dateNaissance: string;
  sexe: 'F' | 'M';
  /** INSEE code of the commune of birth (Code officiel géographique); null when born abroad. */
  codeInseeLieuDeNaissance: string | null;
  /** INSEE code of the country of birth (99100: France). */
  codePaysLieuDeNaissance: string;
  /** A past month's quotient familial; without them, the current one. */
  annee?: number;
  mois?: number;
}

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

/** The errors' body: `{"error": "not_found", "reason": "Dossier allocataire inexistant…", "message": …}`. */
export const errorBodySchema = z.object({ error: z.string(), reason: z.string().optional() });

const optionalText = z.string().nullable().optional();

/** The allocataire's address as the CAF or the MSA holds it (not kept by Guichet). */
const adresse = z
  .object({
    identite: optionalText,
    complementInformation: optionalText,
    complementInformationGeographique: optionalText,
    numeroLibelleVoie: optionalText,
    lieuDit: optionalText,
    codePostalVille: optionalText,
    pays: optionalText,
  })
  .nullable()
  .optional();

/** A month or a day of birth: "06"; null, "" or "00" when the civil status does not know it. */
const birthPart = z
  .string()
  .regex(/^(\d{2})?$/)
  .nullable()
  .optional();

const personneV2 = z.object({
  nomNaissance: z.string(),
  /** The test cases spell it `nomUsage` (newer) or `nomUsuel` (older): both are read. */
  nomUsage: optionalText,
  nomUsuel: optionalText,
  prenoms: z.string(),
  anneeDateDeNaissance: z.string().regex(/^\d{4}$/),
  moisDateDeNaissance: birthPart,
  jourDateDeNaissance: birthPart,
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
  /** YYYY-MM-DD; YYYY-MM or YYYY when the civil status does not know the day or the month. */
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

/** YYYY-MM-DD, or YYYY-MM or YYYY when the day or the month is not known. */
function birthdateOf(p: z.infer<typeof personneV2>): string {
  const known = (v: string | null | undefined) => (v && v !== '00' ? v : null);
  const month = known(p.moisDateDeNaissance);
  const day = month ? known(p.jourDateDeNaissance) : null;
  return [p.anneeDateDeNaissance, month, day].filter(Boolean).join('-');
}

export function presentCompositionFamilialeV2(raw: z.infer<typeof compositionFamilialeV2Schema>): QuotientFamilial {
  const person = (p: z.infer<typeof personneV2>) => ({
    name: `${p.prenoms} ${p.nomUsage || p.nomUsuel || p.nomNaissance}`.trim(),
    birthdate: birthdateOf(p),
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
