import type { Tx } from '../../db/tenant-scope.ts';
import { findTemplate } from './repository.ts';
import { fillTemplate, type TemplateValues } from './template-variables.ts';

/**
 * The text of a template for one request, its variables replaced, or null when there is no such
 * template for the request's service (a template of another service, of another tenant — row-level
 * security hides those — or a wrong id): the page then opens with an empty reply.
 */
export async function fillReplyTemplate(
  trx: Tx,
  input: { templateId: string; serviceId: string; values: TemplateValues },
): Promise<string | null> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(input.templateId)) return null;
  const template = await findTemplate(trx, input.templateId);
  if (!template || (template.service_id !== null && template.service_id !== input.serviceId)) return null;
  return fillTemplate(template.body, input.values);
}
