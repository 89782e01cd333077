import type { DatabaseHandle } from '../../db/database.ts';
import type { TenantContact } from '../../db/schema.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { inviteAgent } from '../agents/invite-agent.ts';
import { copyModelCatalogue } from '../catalogue/copy-model-catalogue.ts';
import { seedReplyTemplates } from '../replies/seed-reply-templates.ts';
import { seedSearchSynonyms } from '../article-search/seed-search-synonyms.ts';
import { createTenant, findCommune, slugify } from './create-tenant.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface SetUpCommuneInput {
  inseeCode: string;
  hosts?: string[];
  slug?: string;
  referencePrefix?: string;
  /** The first administrator, invited (no password is ever chosen for them). */
  admin: { email: string; name?: string };
  /** What the official list does not give; the rest is defaulted from it. */
  contact?: { address?: string; phone?: string; email?: string; website?: string };
  /** The absolute address of the new site, for the invitation link (tenants/tenant-url.ts). */
  siteUrl: (tenant: { slug: string; hosts: string[] }) => string;
  now: Date;
}

export interface SetUpCommuneResult {
  tenantId: string;
  slug: string;
  name: string;
  departementName: string | null;
  regionName: string | null;
  population: number | null;
  contact: TenantContact;
  siteUrl: string;
  invitationLink: string;
  serviceCount: number;
  toReviewCount: number;
}

/**
 * Creates a commune that can start: its tenant (from its INSEE code, with the official data of
 * @etalab/decoupage-administratif), the standard services and the model catalogue « à vérifier »,
 * and its first administrator as an invitation, mailed (queued) and returned as a link. Either
 * all of it exists afterwards, or none of it: a failure after the tenant row removes the tenant.
 */
export async function setUpCommune(
  database: Pick<DatabaseHandle, 'db' | 'ownerQuery'>,
  input: SetUpCommuneInput,
): Promise<SetUpCommuneResult> {
  const commune = findCommune(input.inseeCode);
  if (!commune) throw new AppError('not_found', `Aucune commune n'a le code INSEE « ${input.inseeCode} ».`);
  const adminEmail = input.admin.email.trim().toLowerCase();
  if (!EMAIL.test(adminEmail))
    throw new AppError('validation_failed', `L’adresse de l’administrateur « ${input.admin.email} » n’est pas valide.`);
  const contactEmail = input.contact?.email?.trim();
  if (contactEmail && !EMAIL.test(contactEmail))
    throw new AppError('validation_failed', `L’adresse de contact « ${contactEmail} » n’est pas valide.`);

  const hosts = (input.hosts ?? []).map((h) => h.trim().toLowerCase()).filter((h) => h !== '');
  const slug = input.slug ?? slugify(commune.name);
  const postalCode = commune.postalCodes[0];
  const address = input.contact?.address?.trim();
  const contact: TenantContact = {
    city: commune.name,
    ...(postalCode ? { postalCode } : {}),
    ...(address ? { address } : {}),
    ...(input.contact?.phone?.trim() ? { phone: input.contact.phone.trim() } : {}),
    ...(contactEmail ? { email: contactEmail } : {}),
    ...(input.contact?.website?.trim() ? { website: input.contact.website.trim() } : {}),
  };
  const tenantId = await createTenant(database.ownerQuery, {
    name: commune.name,
    slug,
    kind: 'commune',
    inseeCode: commune.inseeCode,
    departementCode: commune.departementCode,
    departementName: commune.departementName,
    regionName: commune.regionName,
    population: commune.population,
    referencePrefix: input.referencePrefix,
    hosts,
    contact,
  });
  const siteUrl = input.siteUrl({ slug, hosts });
  try {
    await copyModelCatalogue(database.db, tenantId);
    await seedReplyTemplates(database.db, tenantId);
    await seedSearchSynonyms(database.db, tenantId);
    return await inTenant(database.db, tenantId, async (trx) => {
      const invited = await inviteAgent(trx, {
        tenantId,
        tenantName: commune.name,
        invitedBy: null,
        email: adminEmail,
        name: input.admin.name?.trim() || `Administrateur de ${commune.name}`,
        role: 'admin',
        serviceIds: [],
        baseUrl: siteUrl,
        now: input.now,
      });
      // A new tenant has no agent yet: the address cannot be taken, and admins need no service.
      if (!invited.ok) throw new AppError('validation_failed', invited.errors[0]!.message);
      const services = await trx
        .selectFrom('services')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      const toReview = await trx
        .selectFrom('demarches')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('published_at', 'is', null)
        .executeTakeFirst();
      return {
        tenantId,
        slug,
        name: commune.name,
        departementName: commune.departementName,
        regionName: commune.regionName,
        population: commune.population,
        contact,
        siteUrl,
        invitationLink: invited.value.link,
        serviceCount: Number(services?.n ?? 0),
        toReviewCount: Number(toReview?.n ?? 0),
      };
    });
  } catch (err) {
    // A commune without its catalogue or its administrator cannot start: leave nothing behind.
    await database.ownerQuery('delete from tenants where id = $1', [tenantId]);
    throw err;
  }
}
