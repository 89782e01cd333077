import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { inTenant, type Db } from '../../db/tenant-scope.ts';
import { ensureContactDemarche } from './contact-demarche.ts';
import { DEFAULT_DELAY_DAYS, FORMS_BY_SLUG } from './forms/index.ts';
import { retentionMonthsFor } from '../privacy/processing-catalogue.ts';
import { parseFormDefinition, type FormDefinition } from './form-definition.ts';
import { LIFE_EVENTS_BY_ARTICLE, serviceInfo } from './taxonomy.ts';
import { analyseDemarche } from './demarche-readability.ts';

const frontMatterSchema = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  title: z.string().min(1),
  service: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  demarche: z.boolean().default(false),
  channels: z.array(z.string()).default([]),
  delay_days: z.number().int().min(0).optional(),
  keywords: z.array(z.union([z.string(), z.number()]).transform(String)).default([]),
  audience: z.enum(['public', 'internal']).default('public'),
});

export interface ParsedArticle {
  slug: string;
  title: string;
  service: string;
  kind: 'demarche' | 'information';
  channels: string[];
  delayDays: number | null;
  keywords: string[];
  audience: 'public' | 'internal';
  sections: Record<string, string>;
  summary: string;
}

/** Lower case, no accents, no punctuation: the form both the index and the queries are compared in. */
export function normalizeText(value: string): string {
  return value
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[’']/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** What the citizens' search compares a query with (catalogue/repository.ts searchDemarches). */
export function searchTextOf(page: { title: string; keywords: string[]; summary: string }): string {
  return normalizeText([page.title, ...page.keywords, page.summary].join(' '));
}

export function slugify(value: string): string {
  return normalizeText(value)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The "## " sections of an article's Markdown body, keyed by slugified heading; text before the
 * first heading belongs to no section and is left out.
 */
export function parseSections(body: string): Record<string, string> {
  const sections: Record<string, string> = {};
  let current: string | null = null;
  let lines: string[] = [];
  const flush = () => {
    if (current) sections[current] = lines.join('\n').trim();
  };
  for (const line of body.split(/\r?\n/)) {
    const heading = /^##\s+(.+?)\s*$/.exec(line);
    if (heading) {
      flush();
      current = slugify(heading[1]!);
      lines = [];
    } else if (current) {
      lines.push(line);
    }
  }
  flush();
  return sections;
}

/** The summary lists and search show: the « En bref » section on one line. */
export function summaryOf(sections: Record<string, string>): string {
  return (sections['en-bref'] ?? '').replace(/\s+/g, ' ').trim();
}

/** Splits an article into its front matter and its "## " sections (keyed by slugified heading). */
export function parseArticle(source: string, fileName: string): ParsedArticle {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(source);
  if (!m) throw new Error(`${fileName}: no front matter`);
  const front = frontMatterSchema.parse(parseYaml(m[1]!));
  const sections = parseSections(m[2]!);
  return {
    slug: front.slug,
    title: front.title,
    service: front.service,
    kind: front.demarche ? 'demarche' : 'information',
    channels: front.channels,
    // The articles use 0 for "immediate"; the catalogue stores only committed delays (> 0).
    delayDays: front.delay_days && front.delay_days > 0 ? front.delay_days : null,
    keywords: front.keywords,
    audience: front.audience,
    sections,
    summary: summaryOf(sections),
  };
}

/** Service codes of the incoming requests file, next to the articles folder, when present. */
async function requestServiceCodes(corpusDir: string): Promise<string[]> {
  const file = path.join(corpusDir, '..', 'requests-dev.jsonl');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  const codes: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const service = (JSON.parse(line) as { service?: unknown }).service;
    if (typeof service === 'string' && /^[a-z0-9][a-z0-9-]*$/.test(service)) codes.push(service);
  }
  return codes;
}

export async function loadArticles(corpusDir: string): Promise<ParsedArticle[]> {
  const files = (await readdir(corpusDir)).filter((f) => f.endsWith('.md')).sort();
  return Promise.all(files.map(async (f) => parseArticle(await readFile(path.join(corpusDir, f), 'utf8'), f)));
}

export interface SeedCatalogueOptions {
  /** Store every page « à vérifier » (unpublished) until an administrator publishes it. */
  draft?: boolean;
  /** Services to create even when no article names them. */
  serviceCodes?: string[];
  /** Adapts an online form before it is stored (the model catalogue's neutral wording). */
  adaptForm?: (form: FormDefinition) => FormDefinition;
}

/**
 * Loads services, démarches and information pages from a folder of corpus articles, and the
 * tenant's contact démarche (catalogue/contact-demarche.ts).
 */
export async function seedCatalogue(
  db: Db,
  tenantId: string,
  corpusDir: string,
  options: SeedCatalogueOptions = {},
): Promise<void> {
  const articles = await loadArticles(corpusDir);
  const codes = [
    ...new Set([
      ...articles.map((a) => a.service),
      ...(options.serviceCodes ?? []),
      ...(await requestServiceCodes(corpusDir)),
    ]),
  ].sort();

  await inTenant(db, tenantId, async (trx) => {
    // A second call on the same tenant changes nothing: existing slugs are kept as they are.
    await trx
      .insertInto('services')
      .values(
        codes.map((code) => {
          const info = serviceInfo(code);
          return { tenant_id: tenantId, slug: code, name: info.name, description: info.description, email: null };
        }),
      )
      .onConflict((oc) => oc.columns(['tenant_id', 'slug']).doNothing())
      .execute();
    const services = await trx.selectFrom('services').select(['id', 'slug']).execute();
    const serviceId = new Map(services.map((s) => [s.slug, s.id]));

    const rows = articles.map((a) => {
      const original = FORMS_BY_SLUG[a.slug];
      const form = original && options.adaptForm ? options.adaptForm(original) : original;
      if (form) parseFormDefinition(form);
      const channels = form && !a.channels.includes('en-ligne') ? ['en-ligne', ...a.channels] : a.channels;
      const delayDays = a.delayDays ?? (form ? (DEFAULT_DELAY_DAYS[a.slug] ?? null) : null);
      if (form && delayDays === null) throw new Error(`${a.slug}: an online form needs a committed delay`);
      return {
        tenant_id: tenantId,
        service_id: serviceId.get(a.service)!,
        slug: a.slug,
        kind: a.kind,
        title: a.title,
        summary: a.summary,
        sections: JSON.stringify(a.sections),
        delay_days: delayDays,
        channels,
        keywords: a.keywords,
        life_events: LIFE_EVENTS_BY_ARTICLE[a.slug] ?? [],
        audience: a.audience,
        form: form ? JSON.stringify(form) : null,
        // How long closed requests keep personal data: see privacy/processing-catalogue.ts.
        retention_months: retentionMonthsFor(a.slug),
        search_text: searchTextOf(a),
        readability: JSON.stringify(analyseDemarche(a.sections, a.summary)),
        ...(options.draft ? { published_at: null } : {}),
      };
    });
    if (rows.length > 0) {
      await trx
        .insertInto('demarches')
        .values(rows)
        .onConflict((oc) => oc.columns(['tenant_id', 'slug']).doNothing())
        .execute();
    }
    // Where messages written to the tenant's address land (inbound-mail).
    await ensureContactDemarche(trx, tenantId);
  });
}
