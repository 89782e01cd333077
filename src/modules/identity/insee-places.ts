import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * FranceConnect gives the place of birth as INSEE codes (Code officiel géographique): a commune
 * code (`birthplace`, empty when born abroad) and a country code (`birthcountry`, 99xxx, France
 * 99100). People read names: these functions turn codes into names, for the forms and for what
 * agents see. A person born in 1950 carries the code of their commune of birth as it was then:
 * many of those communes have since merged, so the code may name a commune that no longer
 * exists on its own.
 */

interface CommuneRecord {
  code: string;
  nom: string;
  type: 'commune-actuelle' | 'commune-deleguee' | 'commune-associee' | 'arrondissement-municipal';
  departement?: string;
  chefLieu?: string;
  commune?: string;
  anciensCodes?: string[];
}

/** What a commune code names, for people. */
export interface BirthCommune {
  code: string;
  /** « Nantes », « Gennes », or null when the code is in no list (it is then shown as is). */
  name: string | null;
  /** The commune it is part of today, when the code names a former commune (merged, associated). */
  currentName: string | null;
  /** Département code, e.g. 44. */
  departement: string | null;
}

interface CommuneIndex {
  byCode: Map<string, { name: string; departement: string | null; currentCode: string | null }>;
  /** Former codes (`anciensCodes`) with no record of their own → the current commune's code. */
  absorbedInto: Map<string, string>;
}

let index: CommuneIndex | null = null;

/**
 * The commune list of @etalab/decoupage-administratif, read once on first use (8 MB of JSON,
 * kept as two small maps; the parsed file itself is not kept).
 */
function communeIndex(): CommuneIndex {
  if (index) return index;
  const require = createRequire(import.meta.url);
  const file = require.resolve('@etalab/decoupage-administratif/data/communes.json');
  const records = JSON.parse(readFileSync(file, 'utf8')) as CommuneRecord[];
  const byCode: CommuneIndex['byCode'] = new Map();
  const absorbedInto: CommuneIndex['absorbedInto'] = new Map();
  // Current communes first: a code shared by a commune nouvelle and its delegated commune names
  // the current one (its former name comes second, in `currentName`'s place).
  for (const r of records) {
    if (r.type !== 'commune-actuelle') continue;
    byCode.set(r.code, { name: r.nom, departement: r.departement ?? null, currentCode: null });
  }
  for (const r of records) {
    if (r.type === 'commune-actuelle') {
      for (const old of r.anciensCodes ?? []) absorbedInto.set(old, r.code);
      continue;
    }
    const parent = r.type === 'arrondissement-municipal' ? (r.commune ?? null) : (r.chefLieu ?? null);
    if (byCode.has(r.code)) continue;
    byCode.set(r.code, {
      name: r.nom,
      departement: r.departement ?? null,
      currentCode: r.type === 'arrondissement-municipal' ? null : parent,
    });
  }
  index = { byCode, absorbedInto };
  return index;
}

const COMMUNE_CODE = /^(\d{5}|2[AB]\d{3})$/;

/** The commune a code names, today or formerly; null for something that is not a commune code. */
export function birthCommune(code: string | null | undefined): BirthCommune | null {
  const c = (code ?? '').trim().toUpperCase();
  if (!COMMUNE_CODE.test(c)) return null;
  const { byCode, absorbedInto } = communeIndex();
  const found = byCode.get(c);
  if (found) {
    const current = found.currentCode && found.currentCode !== c ? byCode.get(found.currentCode) : undefined;
    return {
      code: c,
      name: found.name,
      currentName: current && current.name !== found.name ? current.name : null,
      departement: found.departement,
    };
  }
  const into = absorbedInto.get(c);
  const current = into ? byCode.get(into) : undefined;
  return { code: c, name: null, currentName: current?.name ?? null, departement: current?.departement ?? null };
}

/**
 * A commune code as people read it: « Nantes (44) », « Gennes (49), aujourd’hui
 * Gennes-Val-de-Loire », « commune de code INSEE 33110, aujourd’hui Bordeaux », or the code alone.
 */
export function birthplaceLabel(code: string | null | undefined): string | null {
  const c = (code ?? '').trim();
  if (!c) return null;
  const commune = birthCommune(c);
  if (!commune) return c;
  const dep = commune.departement ? ` (${commune.departement})` : '';
  const today = commune.currentName ? `, aujourd’hui ${commune.currentName}` : '';
  if (commune.name) return `${commune.name}${dep}${today}`;
  if (commune.currentName) return `Commune de code INSEE ${commune.code}${today}`;
  return `Commune de code INSEE ${commune.code}`;
}

/**
 * INSEE country codes (COG « pays », 99xxx) of the countries most often met, by name. The full
 * list (about 280 codes, with former states) is not shipped by any installed package: a code
 * missing here is shown as « pays de code INSEE 99xxx ».
 */
export const INSEE_COUNTRIES: Readonly<Record<string, string>> = {
  '99100': 'France',
  '99101': 'Danemark',
  '99102': 'Islande',
  '99103': 'Norvège',
  '99104': 'Suède',
  '99105': 'Finlande',
  '99106': 'Estonie',
  '99107': 'Lettonie',
  '99108': 'Lituanie',
  '99109': 'Allemagne',
  '99110': 'Autriche',
  '99111': 'Bulgarie',
  '99112': 'Hongrie',
  '99113': 'Liechtenstein',
  '99114': 'Roumanie',
  '99116': 'Tchéquie',
  '99117': 'Slovaquie',
  '99118': 'Bosnie-Herzégovine',
  '99119': 'Croatie',
  '99122': 'Pologne',
  '99123': 'Russie',
  '99125': 'Albanie',
  '99126': 'Grèce',
  '99127': 'Italie',
  '99128': 'Saint-Marin',
  '99129': 'Vatican',
  '99130': 'Andorre',
  '99131': 'Belgique',
  '99132': 'Royaume-Uni',
  '99134': 'Espagne',
  '99135': 'Pays-Bas',
  '99136': 'Irlande',
  '99137': 'Luxembourg',
  '99138': 'Monaco',
  '99139': 'Portugal',
  '99140': 'Suisse',
  '99144': 'Malte',
  '99145': 'Slovénie',
  '99148': 'Biélorussie',
  '99151': 'Moldavie',
  '99155': 'Ukraine',
  '99201': 'Arabie saoudite',
  '99203': 'Irak',
  '99204': 'Iran',
  '99205': 'Liban',
  '99206': 'Syrie',
  '99207': 'Israël',
  '99208': 'Turquie',
  '99212': 'Afghanistan',
  '99213': 'Pakistan',
  '99216': 'Chine',
  '99217': 'Japon',
  '99223': 'Inde',
  '99301': 'Égypte',
  '99303': 'Afrique du Sud',
  '99312': 'République démocratique du Congo',
  '99315': 'Éthiopie',
  '99316': 'Libye',
  '99322': 'Cameroun',
  '99323': 'République centrafricaine',
  '99324': 'Congo',
  '99326': 'Côte d’Ivoire',
  '99327': 'Bénin',
  '99328': 'Gabon',
  '99329': 'Ghana',
  '99330': 'Guinée',
  '99331': 'Burkina Faso',
  '99332': 'Kenya',
  '99333': 'Madagascar',
  '99335': 'Mali',
  '99336': 'Mauritanie',
  '99337': 'Niger',
  '99338': 'Nigeria',
  '99341': 'Sénégal',
  '99344': 'Tchad',
  '99345': 'Togo',
  '99350': 'Maroc',
  '99351': 'Tunisie',
  '99352': 'Algérie',
  '99401': 'Canada',
  '99404': 'États-Unis',
  '99405': 'Mexique',
  '99501': 'Australie',
  '99502': 'Nouvelle-Zélande',
};

/** A country code as people read it: « Maroc », or « pays de code INSEE 99xxx » when unknown. */
export function birthcountryLabel(code: string | null | undefined): string | null {
  const c = (code ?? '').trim();
  if (!c) return null;
  return INSEE_COUNTRIES[c] ?? `Pays de code INSEE ${c}`;
}
