import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
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
  /** Name as compared (`nameKey`) → the codes of the communes, current or former, that bear it. */
  byName: Map<string, string[]>;
  /** Paris, Lyon, Marseille → their arrondissements' codes (people are born in an arrondissement). */
  arrondissements: Map<string, string[]>;
}

let index: CommuneIndex | null = null;

function communeFile(): string {
  return createRequire(import.meta.url).resolve('@etalab/decoupage-administratif/data/communes.json');
}

/**
 * The commune list of @etalab/decoupage-administratif, read once (8 MB of JSON, kept as a few
 * maps; the parsed file itself is not kept). `preloadInseePlaces` reads it when the server
 * starts, so that no citizen waits for it; otherwise it is read at first use.
 */
function communeIndex(): CommuneIndex {
  index ??= buildIndex(JSON.parse(readFileSync(communeFile(), 'utf8')) as CommuneRecord[]);
  return index;
}

/**
 * Reads the commune list in the background (the file is read without blocking; parsing it
 * takes a few hundred milliseconds of the event loop, once). Called at start-up.
 */
export async function preloadInseePlaces(): Promise<void> {
  if (index) return;
  const text = await readFile(communeFile(), 'utf8');
  index ??= buildIndex(JSON.parse(text) as CommuneRecord[]);
}

/** Has the commune list been read (for tests and the start-up log)? */
export function inseePlacesLoaded(): boolean {
  return index !== null;
}

function buildIndex(records: CommuneRecord[]): CommuneIndex {
  const byCode: CommuneIndex['byCode'] = new Map();
  const absorbedInto: CommuneIndex['absorbedInto'] = new Map();
  const byName: CommuneIndex['byName'] = new Map();
  const arrondissements: CommuneIndex['arrondissements'] = new Map();
  const named = (name: string, code: string) => {
    const key = nameKey(name);
    const codes = byName.get(key);
    if (!codes) byName.set(key, [code]);
    else if (!codes.includes(code)) codes.push(code);
  };
  // Current communes first: a code shared by a commune nouvelle and its delegated commune names
  // the current one (its former name comes second, in `currentName`'s place).
  for (const r of records) {
    if (r.type !== 'commune-actuelle') continue;
    byCode.set(r.code, { name: r.nom, departement: r.departement ?? null, currentCode: null });
  }
  for (const r of records) {
    if (r.type === 'commune-actuelle') {
      for (const old of r.anciensCodes ?? []) absorbedInto.set(old, r.code);
      named(r.nom, r.code);
      continue;
    }
    const parent = r.type === 'arrondissement-municipal' ? (r.commune ?? null) : (r.chefLieu ?? null);
    named(r.nom, r.code);
    if (r.type === 'arrondissement-municipal' && parent) {
      const list = arrondissements.get(parent) ?? [];
      list.push(r.code);
      arrondissements.set(parent, list);
    }
    if (byCode.has(r.code)) continue;
    byCode.set(r.code, {
      name: r.nom,
      departement: r.departement ?? null,
      currentCode: r.type === 'arrondissement-municipal' ? null : parent,
    });
  }
  return { byCode, absorbedInto, byName, arrondissements };
}

/**
 * A commune's name as compared with what people type: no accents, no case, hyphens and
 * apostrophes as spaces, « St » and « Ste » as « Saint » and « Sainte ».
 */
export function nameKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/\bste\b/g, 'sainte')
    .replace(/\bst\b/g, 'saint')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A commune a typed name may be, as the citizen chooses among them. */
export interface CommuneCandidate {
  code: string;
  /** « Saint-Denis (93) », « Gennes (49), aujourd’hui Gennes-Val-de-Loire » */
  label: string;
}

/**
 * The communes a name typed by a person may be: one (found), several (the person chooses) or
 * none. A département may follow the name (« Saint-Denis (93) », « Saint-Denis 974 »); a
 * commune code is taken as such. Former communes (delegated, associated) count: people are born
 * where the commune was then. Paris, Lyon and Marseille are their arrondissements.
 */
export function findCommunesByName(typed: string): CommuneCandidate[] {
  const text = typed.trim();
  const asCode = text.toUpperCase();
  if (COMMUNE_CODE.test(asCode)) {
    const label = birthplaceLabel(asCode);
    return birthCommune(asCode)?.name && label ? [{ code: asCode, label }] : [];
  }
  const m = /^(.*?)[\s,(-]*\b(\d{2,3}|2[AB])\)?\s*$/i.exec(text);
  const name = m ? m[1]! : text;
  const departement = m ? m[2]!.toUpperCase() : null;
  const { byName, byCode, arrondissements } = communeIndex();
  const codes = (byName.get(nameKey(name)) ?? []).flatMap((c) => arrondissements.get(c) ?? [c]);
  return codes
    .filter((c) => !departement || byCode.get(c)?.departement === departement)
    .map((code) => ({ code, label: birthplaceLabel(code) ?? code }))
    .sort((a, b) => a.label.localeCompare(b.label, 'fr', { numeric: true }));
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

/**
 * The INSEE code of a country typed by name (« maroc », « États-Unis », « Etats Unis »), or null
 * when the name is not in the table.
 */
export function findCountryByName(typed: string): string | null {
  const key = nameKey(typed);
  if (!key) return null;
  if (/^99\d{3}$/.test(key) && INSEE_COUNTRIES[key]) return key;
  for (const [code, name] of Object.entries(INSEE_COUNTRIES)) if (nameKey(name) === key) return code;
  return null;
}

/** A country code as people read it: « Maroc », or « pays de code INSEE 99xxx » when unknown. */
export function birthcountryLabel(code: string | null | undefined): string | null {
  const c = (code ?? '').trim();
  if (!c) return null;
  return INSEE_COUNTRIES[c] ?? `Pays de code INSEE ${c}`;
}
