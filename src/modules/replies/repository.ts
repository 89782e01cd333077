import type { Tx } from '../../db/tenant-scope.ts';

/** Templates an agent of these services may use: those of the services and those for all. */
export async function templatesForService(trx: Tx, serviceId: string) {
  return trx
    .selectFrom('reply_templates')
    .select(['id', 'title', 'body', 'service_id'])
    .where((eb) => eb.or([eb('service_id', '=', serviceId), eb('service_id', 'is', null)]))
    .orderBy('title')
    .execute();
}
export type ReplyTemplateRow = Awaited<ReturnType<typeof templatesForService>>[number];

/** Every template of the tenant, with its service's name (null: all services). */
export async function listAllTemplates(trx: Tx) {
  return trx
    .selectFrom('reply_templates as t')
    .leftJoin('services as s', (j) => j.onRef('s.tenant_id', '=', 't.tenant_id').onRef('s.id', '=', 't.service_id'))
    .select(['t.id', 't.title', 't.body', 't.service_id', 's.name as service_name', 't.updated_at'])
    .orderBy('s.name')
    .orderBy('t.title')
    .execute();
}
export type ListedTemplateRow = Awaited<ReturnType<typeof listAllTemplates>>[number];

export async function findTemplate(trx: Tx, id: string) {
  return trx
    .selectFrom('reply_templates')
    .select(['id', 'title', 'body', 'service_id'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listServicesWithSignatures(trx: Tx) {
  return trx.selectFrom('services').select(['id', 'name', 'reply_signature']).orderBy('name').execute();
}
export type ServiceSignatureRow = Awaited<ReturnType<typeof listServicesWithSignatures>>[number];

export async function serviceSignature(trx: Tx, serviceId: string): Promise<string> {
  const row = await trx.selectFrom('services').select('reply_signature').where('id', '=', serviceId).executeTakeFirst();
  return row?.reply_signature ?? '';
}
