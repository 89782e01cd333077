import { createRequire } from 'node:module';
import type { TenantContact, TenantDpo, TenantTheme } from '../../db/schema.ts';
import { AppError } from '../../platform/errors.ts';

const require = createRequire(import.meta.url);

interface Commune {
  code: string;
  nom: string;
  departement?: string;
  region?: string;
  type: string;
  population?: number;
  codesPostaux?: string[];
}
interface Area {
  code: string;
  nom: string;
}

export interface CommuneInfo {
  inseeCode: string;
  name: string;
  departementCode: string | null;
  departementName: string | null;
  regionName: string | null;
  population: number | null;
  postalCodes: string[];
}

/** Looks a commune up in the official list (@etalab/decoupage-administratif, INSEE codes). */
export function findCommune(inseeCode: string): CommuneInfo | null {
  const communes = require('@etalab/decoupage-administratif/data/communes.json') as Commune[];
  const c = communes.find((x) => x.code === inseeCode && x.type === 'commune-actuelle');
  if (!c) return null;
  const deps = require('@etalab/decoupage-administratif/data/departements.json') as Area[];
  const regions = require('@etalab/decoupage-administratif/data/regions.json') as Area[];
  return {
    inseeCode: c.code,
    name: c.nom,
    departementCode: c.departement ?? null,
    departementName: deps.find((d) => d.code === c.departement)?.nom ?? null,
    regionName: regions.find((r) => r.code === c.region)?.nom ?? null,
    population: c.population ?? null,
    postalCodes: c.codesPostaux ?? [],
  };
}

/** "Saint-Malo" → "SM", "Rennes" → "RE": the prefix of request references. */
export function defaultReferencePrefix(name: string): string {
  const words = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .split(/[^A-Z]+/)
    .filter((w) => w.length > 0 && !['LE', 'LA', 'LES', 'DE', 'DU', 'DES', 'SUR', 'EN', 'L', 'D'].includes(w));
  if (words.length >= 2)
    return words
      .slice(0, 3)
      .map((w) => w[0])
      .join('');
  return (words[0] ?? 'GU').slice(0, 2).padEnd(2, 'X');
}

export function slugify(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 63);
}

export interface CreateTenantInput {
  name: string;
  slug?: string;
  kind?: 'commune' | 'intercommunalite' | 'departement' | 'region';
  inseeCode?: string | null;
  departementCode?: string | null;
  departementName?: string | null;
  regionName?: string | null;
  population?: number | null;
  referencePrefix?: string;
  hosts?: string[];
  contact?: TenantContact;
  theme?: TenantTheme;
  /** The data protection officer; empty, the commune's contact stands in (privacy/dpo.ts). */
  dpo?: TenantDpo;
  /** 14 digits: API Particulier's `recipient`. */
  siret?: string | null;
}

type OwnerQuery = (text: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

/**
 * Creates a tenant and its host names. Runs as the schema owner: the application role may not
 * create tenants (an operator's act, done with `npm run tenant:create`).
 */
export async function createTenant(ownerQuery: OwnerQuery, input: CreateTenantInput): Promise<string> {
  const slug = input.slug ?? slugify(input.name);
  const existing = await ownerQuery('select id from tenants where slug = $1', [slug]);
  if (existing.rows.length > 0)
    throw new AppError('conflict', `Une collectivité utilise déjà l'identifiant « ${slug} ».`);
  for (const host of input.hosts ?? []) {
    const taken = await ownerQuery('select 1 from tenant_hosts where host = $1', [host.toLowerCase()]);
    if (taken.rows.length > 0) throw new AppError('conflict', `Le nom d'hôte « ${host} » est déjà utilisé.`);
  }
  const r = await ownerQuery(
    `insert into tenants (slug, name, kind, insee_code, departement_code, departement_name, region_name, population,
       reference_prefix, contact, theme, dpo, siret)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning id`,
    [
      slug,
      input.name,
      input.kind ?? 'commune',
      input.inseeCode ?? null,
      input.departementCode ?? null,
      input.departementName ?? null,
      input.regionName ?? null,
      input.population ?? null,
      input.referencePrefix ?? defaultReferencePrefix(input.name),
      JSON.stringify(input.contact ?? {}),
      JSON.stringify(input.theme ?? {}),
      JSON.stringify(input.dpo ?? {}),
      input.siret ?? null,
    ],
  );
  const id = String(r.rows[0]?.id);
  for (const host of input.hosts ?? []) {
    await ownerQuery('insert into tenant_hosts (host, tenant_id) values ($1, $2)', [host.toLowerCase(), id]);
  }
  return id;
}

/** Creates a commune's tenant from its INSEE code. */
export async function createCommuneTenant(
  ownerQuery: OwnerQuery,
  inseeCode: string,
  options: { hosts?: string[]; slug?: string; referencePrefix?: string } = {},
): Promise<string> {
  const commune = findCommune(inseeCode);
  if (!commune) throw new AppError('not_found', `Aucune commune n'a le code INSEE « ${inseeCode} ».`);
  return createTenant(ownerQuery, {
    name: commune.name,
    slug: options.slug,
    kind: 'commune',
    inseeCode: commune.inseeCode,
    departementCode: commune.departementCode,
    departementName: commune.departementName,
    regionName: commune.regionName,
    population: commune.population,
    referencePrefix: options.referencePrefix,
    hosts: options.hosts,
    contact: { city: commune.name, postalCode: commune.postalCodes[0] },
  });
}
