import type { z } from 'zod';
import type { FieldError, FormResult } from '../../platform/web/form.ts';
import { BULK_MAX_ITEMS, type BulkAction } from '../inbox/apply-bulk-action.ts';
import { tagLabel } from '../inbox/tag-label.ts';
import { isRequestStatus, MESSAGE_REQUIRED } from '../requests/change-request-status.ts';
import type { bulkActionForm } from './forms.ts';
import { UUID } from './route-support.ts';

const ITEM = /^([A-Z]{2,4}-\d{4}-[A-Z0-9]{3,12}):(\d{1,9})$/;

/**
 * What « Pour la sélection » asks for, checked before any item is touched: the ticked items with
 * the revision each had in the list, and the action with what it needs (an agent, a service and
 * a reason, a tag, a status and the message the citizen must get).
 */
export function parseBulkForm(
  form: z.output<typeof bulkActionForm>,
  canAssign: boolean,
): FormResult<{ items: { reference: string; revision: number }[]; action: BulkAction }> {
  const errors: FieldError[] = [];
  const items: { reference: string; revision: number }[] = [];
  for (const value of form.selection) {
    const m = ITEM.exec(value);
    if (m) items.push({ reference: m[1]!, revision: Number(m[2]) });
  }
  if (items.length < form.selection.length) {
    errors.push({
      field: 'selection',
      anchor: 'bulk-action',
      message: 'La sélection est illisible : rechargez la page.',
    });
  } else if (items.length === 0) {
    errors.push({ field: 'selection', anchor: 'bulk-action', message: 'Cochez au moins une demande dans la liste.' });
  } else if (items.length > BULK_MAX_ITEMS) {
    errors.push({
      field: 'selection',
      anchor: 'bulk-action',
      message: `Sélectionnez au plus ${BULK_MAX_ITEMS} demandes à la fois.`,
    });
  }
  const text = form.texte.replace(/\r\n/g, '\n').trim();
  let action: BulkAction | null = null;
  switch (form.action) {
    case 'prendre':
      action = { kind: 'prendre' };
      break;
    case 'attribuer':
      if (!canAssign)
        errors.push({
          field: 'action',
          anchor: 'bulk-action',
          message: 'Seul un responsable confie une demande à un autre agent.',
        });
      else if (!UUID.test(form.agent))
        errors.push({
          field: 'agent',
          anchor: 'bulk-agent',
          message: 'Choisissez l’agent à qui confier la sélection.',
        });
      else action = { kind: 'attribuer', agentId: form.agent };
      break;
    case 'transferer':
      if (!UUID.test(form.service))
        errors.push({
          field: 'service',
          anchor: 'bulk-service',
          message: 'Choisissez le service qui doit traiter la sélection.',
        });
      if (text === '')
        errors.push({
          field: 'texte',
          anchor: 'bulk-texte',
          message: 'Indiquez pourquoi vous transférez ces demandes.',
        });
      if (errors.length === 0) action = { kind: 'transferer', serviceId: form.service, reason: text };
      break;
    case 'etiqueter': {
      const label = tagLabel(form.etiquette, 'etiquette');
      if (!label.ok) errors.push(...label.errors.map((e) => ({ ...e, anchor: 'bulk-tag' })));
      else action = { kind: 'etiqueter', label: label.value };
      break;
    }
    case 'statut':
      if (!isRequestStatus(form.statut))
        errors.push({ field: 'statut', anchor: 'bulk-statut', message: 'Choisissez le nouveau statut.' });
      else if (MESSAGE_REQUIRED.includes(form.statut) && text === '') {
        errors.push({
          field: 'texte',
          anchor: 'bulk-texte',
          message: 'Écrivez le message que chaque usager recevra avec ce statut.',
        });
      } else action = { kind: 'statut', status: form.statut, message: text };
      break;
  }
  if (errors.length > 0 || action === null) return { ok: false, errors };
  return { ok: true, value: { items, action } };
}
