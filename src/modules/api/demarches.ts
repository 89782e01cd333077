import type { z } from 'zod';
import type { Services } from '../../app.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { formDefinitionSchema, type FormDefinition } from '../catalogue/form-definition.ts';
import { APPLICANT_SECTION } from '../requests/form-engine/applicant.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { findApiDemarche, listApiDemarches, type ApiDemarche } from './repository.ts';
import type { demarcheDetailSchema, demarcheSummarySchema } from './schemas.ts';

/** A stored definition that no longer parses cannot be submitted either: the démarche is then not online. */
function onlineForm(row: ApiDemarche): FormDefinition | null {
  if (row.form === null || row.form === undefined) return null;
  const parsed = formDefinitionSchema.safeParse(row.form);
  return parsed.success ? parsed.data : null;
}

function summary(row: ApiDemarche): z.infer<typeof demarcheSummarySchema> {
  return {
    slug: row.slug,
    title: row.title,
    summary: row.summary,
    service: { slug: row.serviceSlug, name: row.serviceName },
    delayDays: row.delayDays,
    channels: row.channels,
    online: onlineForm(row) !== null,
  };
}

export async function listDemarches(services: Services, tenant: Tenant) {
  const rows = await inTenant(services.db, tenant.id, (trx) => listApiDemarches(trx));
  return rows.map(summary);
}

export async function getDemarche(
  services: Services,
  tenant: Tenant,
  slug: string,
): Promise<z.infer<typeof demarcheDetailSchema>> {
  const row = await inTenant(services.db, tenant.id, (trx) => findApiDemarche(trx, slug));
  if (!row) throw new AppError('demarche_not_found', 'Cette démarche n’existe pas.');
  const form = onlineForm(row);
  return {
    ...summary(row),
    keywords: row.keywords,
    sections: row.sections ?? {},
    updatedAt: new Date(row.updatedAt).toISOString(),
    form,
    applicantFields: form ? APPLICANT_SECTION.fields : [],
  };
}
