import type { z } from 'zod';
import type { Services } from '../../services.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import type { DemarcheRow, ServiceRow } from '../../db/schema.ts';
import { formDefinitionSchema, type FormDefinition } from '../catalogue/form-definition.ts';
import { findDemarcheBySlug, isShownToCitizens, listPublicDemarches, listServices } from '../catalogue/repository.ts';
import { APPLICANT_SECTION } from '../requests/form-engine/applicant.ts';
import type { Tenant } from '../tenants/tenant.ts';
import type { demarcheDetailSchema, demarcheSummarySchema } from './schemas.ts';

/** A stored definition that no longer parses cannot be submitted either: the démarche is then not online. */
function onlineForm(row: DemarcheRow): FormDefinition | null {
  if (row.form === null || row.form === undefined) return null;
  const parsed = formDefinitionSchema.safeParse(row.form);
  return parsed.success ? parsed.data : null;
}

/** Information pages are not démarches, internal sheets are for agents only, drafts for nobody yet. */
function isPublicDemarche(row: DemarcheRow): boolean {
  return isShownToCitizens(row) && row.kind === 'demarche';
}

function summary(row: DemarcheRow, service: ServiceRow | undefined): z.infer<typeof demarcheSummarySchema> {
  return {
    slug: row.slug,
    title: row.title,
    summary: row.summary,
    service: { slug: service?.slug ?? '', name: service?.name ?? '' },
    delayDays: row.delay_days,
    channels: row.channels,
    online: onlineForm(row) !== null,
  };
}

export async function listApiServices(services: Services, tenant: Tenant) {
  const rows = await inTenant(services.db, tenant.id, (trx) => listServices(trx));
  return rows.map((s) => ({ slug: s.slug, name: s.name, description: s.description }));
}

export async function listDemarches(services: Services, tenant: Tenant) {
  const { rows, serviceRows } = await inTenant(services.db, tenant.id, async (trx) => ({
    rows: await listPublicDemarches(trx),
    serviceRows: await listServices(trx),
  }));
  const byId = new Map(serviceRows.map((s) => [s.id, s]));
  return rows.filter(isPublicDemarche).map((row) => summary(row, byId.get(row.service_id)));
}

export async function getDemarche(
  services: Services,
  tenant: Tenant,
  slug: string,
): Promise<z.infer<typeof demarcheDetailSchema>> {
  const found = await inTenant(services.db, tenant.id, async (trx) => {
    const row = await findDemarcheBySlug(trx, slug);
    if (!row || !isPublicDemarche(row)) return null;
    const service = await trx.selectFrom('services').selectAll().where('id', '=', row.service_id).executeTakeFirst();
    return { row, service };
  });
  if (!found) throw new AppError('demarche_not_found', 'Cette démarche n’existe pas.');
  const { row, service } = found;
  const form = onlineForm(row);
  return {
    ...summary(row, service),
    keywords: row.keywords,
    sections: row.sections ?? {},
    updatedAt: new Date(row.updated_at).toISOString(),
    form,
    applicantFields: form ? APPLICANT_SECTION.fields : [],
  };
}
