import type { QuotientFamilialQuery } from '../../platform/api-particulier/index.ts';
import type { FormDefinition, FormField } from '../catalogue/form-definition.ts';
import { findCommunesByName, findCountryByName, type CommuneCandidate } from '../identity/insee-places.ts';
import type { IdentityClaims } from '../requests/form-engine/claims.ts';
import {
  allFields,
  anchorOf,
  first,
  parseDate,
  type FieldError,
  type RawAnswers,
} from '../requests/form-engine/validate.ts';

/**
 * The civil status the quotient familial is asked by (API Particulier's composition-familiale-v2),
 * from FranceConnect's verified claims or from what the citizen typed on the form. The form's
 * fields follow a convention of names (the cantine form declares them, with the claims that fill
 * them under FranceConnect).
 */
export const CIVIL_STATUS_FIELDS = {
  nomNaissance: 'qf_nom_naissance',
  nomUsage: 'qf_nom_usage',
  prenoms: 'qf_prenoms',
  dateNaissance: 'qf_date_naissance',
  sexe: 'qf_sexe',
  communeNaissance: 'qf_commune_naissance',
  paysNaissance: 'qf_pays_naissance',
} as const;

/** The radio buttons the citizen picks their commune of birth with, when several bear its name. */
export const COMMUNE_CHOICE_FIELD = '_qf_commune_code';

const FRANCE = '99100';

export type CivilStatus = Omit<QuotientFamilialQuery, 'recipient' | 'annee' | 'mois'>;

/** Several communes bear the typed name: the form lists them under the field. */
export interface CommuneChoice {
  /** The field the name was typed in. */
  field: string;
  typed: string;
  options: CommuneCandidate[];
  /** The code already chosen, if any (kept when the form comes back). */
  chosen: string;
}

export type CivilStatusResult =
  { ok: true; person: CivilStatus } | { ok: false; errors: FieldError[]; communeChoice?: CommuneChoice };

const SEXES: Record<string, 'F' | 'M'> = { female: 'F', male: 'M' };

/** First names as the civil status lists them: separated by spaces or commas. */
function firstNames(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((p) => p.trim())
    .filter(Boolean);
}

/**
 * The civil status FranceConnect verified, when it is complete enough to search by: names,
 * birth date, sex, country of birth, and the commune when born in France. Null otherwise (the
 * form's fields are then used, the verified ones locked).
 */
export function civilStatusFromClaims(claims: IdentityClaims | null | undefined): CivilStatus | null {
  if (!claims) return null;
  const family = (claims.family_name ?? '').trim();
  const given = firstNames(claims.given_name ?? '');
  const birthdate = (claims.birthdate ?? '').trim();
  const sexe = SEXES[claims.gender ?? ''];
  const country = (claims.birthcountry ?? '').trim();
  const commune = (claims.birthplace ?? '').trim();
  if (!family || given.length === 0 || !/^\d{4}-\d{2}-\d{2}$/.test(birthdate) || !sexe || !/^99\d{3}$/.test(country))
    return null;
  if (country === FRANCE && !commune) return null;
  return {
    nomNaissance: family,
    nomUsage: (claims.preferred_username ?? '').trim() || null,
    prenoms: given,
    dateNaissance: birthdate,
    sexe,
    codeInseeLieuDeNaissance: country === FRANCE ? commune : null,
    codePaysLieuDeNaissance: country,
  };
}

/**
 * The civil status typed on the form, checked field by field: each missing or unreadable answer
 * gets a message that says what to type. The commune of birth is typed as a name and becomes its
 * INSEE code (a name several communes bear asks the citizen to choose); born abroad, the country
 * is typed and becomes its INSEE code.
 */
export function civilStatusFromAnswers(form: FormDefinition, answers: RawAnswers, today: string): CivilStatusResult {
  const fields = new Map(allFields(form).map((f) => [f.name, f]));
  const errors: FieldError[] = [];
  const error = (name: string, message: string, anchor?: string) => {
    const f: FormField | undefined = fields.get(name);
    errors.push({ field: name, anchor: anchor ?? (f ? anchorOf(f) : name), message });
  };
  const F = CIVIL_STATUS_FIELDS;
  const nomNaissance = first(answers, F.nomNaissance);
  const prenoms = firstNames(first(answers, F.prenoms));
  const typedDate = first(answers, F.dateNaissance);
  const date = parseDate(typedDate);
  const sexe = SEXES[first(answers, F.sexe)];
  const typedCountry = first(answers, F.paysNaissance);
  const typedCommune = first(answers, F.communeNaissance);
  const purpose = 'pour que nous demandions votre quotient familial';

  if (!nomNaissance) error(F.nomNaissance, `Indiquez votre nom de naissance ${purpose}.`);
  if (prenoms.length === 0) error(F.prenoms, `Indiquez vos prénoms ${purpose}.`);
  if (!typedDate) error(F.dateNaissance, `Indiquez votre date de naissance ${purpose}.`);
  else if (!date || date > today)
    error(F.dateNaissance, 'La date de naissance n’est pas une date passée. Écrivez-la comme 14/07/1988.');
  if (!sexe) error(F.sexe, `Indiquez votre sexe tel qu’il figure à l’état civil ${purpose}.`);

  const country = typedCountry === '' ? FRANCE : findCountryByName(typedCountry);
  if (!country)
    error(
      F.paysNaissance,
      `Nous ne reconnaissons pas le pays « ${typedCountry} ». Écrivez son nom en français, par exemple Maroc, ou joignez le document.`,
    );

  let commune: string | null = null;
  let communeChoice: CommuneChoice | undefined;
  if (country === FRANCE) {
    if (!typedCommune) {
      error(
        F.communeNaissance,
        `Indiquez votre commune de naissance ${purpose}. Né à l’étranger : indiquez le pays de naissance.`,
      );
    } else {
      const candidates = findCommunesByName(typedCommune);
      const chosen = first(answers, COMMUNE_CHOICE_FIELD);
      if (candidates.length === 1) commune = candidates[0]!.code;
      else if (candidates.length > 1 && candidates.some((c) => c.code === chosen)) commune = chosen;
      else if (candidates.length > 1) {
        communeChoice = { field: F.communeNaissance, typed: typedCommune, options: candidates, chosen: '' };
        error(
          F.communeNaissance,
          `Plusieurs communes s’appellent « ${typedCommune} » : choisissez la vôtre dans la liste sous le champ.`,
          `${COMMUNE_CHOICE_FIELD}-0`,
        );
      } else
        error(
          F.communeNaissance,
          `Nous ne trouvons pas de commune « ${typedCommune} ». Vérifiez l’orthographe, ou ajoutez le département, par exemple Saint-Denis (93).`,
        );
    }
  }
  if (errors.length > 0 || !date || !sexe || !country) return { ok: false, errors, communeChoice };
  return {
    ok: true,
    person: {
      nomNaissance,
      nomUsage: first(answers, F.nomUsage) || null,
      prenoms,
      dateNaissance: date,
      sexe,
      codeInseeLieuDeNaissance: commune,
      codePaysLieuDeNaissance: country,
    },
  };
}
