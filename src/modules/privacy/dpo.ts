import { formatCharactersFr } from '../../platform/format.ts';
import type { TenantDpo } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { checkEmail } from '../../platform/security/email.ts';
import type { FieldError } from '../../platform/web/form.ts';
import { postalLines } from '../../platform/tenant-wording.ts';
import type { Tenant } from '../tenants/tenant.ts';

/** The data protection officer as the pages, exports and register show it. */
export interface DpoContact {
  /** Name or title to write to. */
  name: string;
  email: string | null;
  /** Where to write, as lines; null when nothing is known. */
  postalAddress: string[] | null;
  /**
   * True when the tenant declared its DPO's contact. False: nothing is declared and the
   * commune's own contact stands in (letters "à l’attention du délégué à la protection des
   * données"), as it did before DPO settings existed.
   */
  declared: boolean;
}

export const DEFAULT_DPO_NAME = 'Délégué à la protection des données';

const present = (v: string | undefined): v is string => typeof v === 'string' && v.trim() !== '';

/**
 * Who the data protection officer is and how to reach them. Each piece the tenant did not
 * declare falls back: the name to the title of the function, the email address to the
 * commune's contact address, the postal address to the commune's (see `postalLines`).
 */
export function dataProtectionOfficer(tenant: Tenant): DpoContact {
  const dpo = tenant.dpo ?? {};
  const declared = present(dpo.name) || present(dpo.email) || present(dpo.postalAddress);
  return {
    name: present(dpo.name) ? dpo.name.trim() : DEFAULT_DPO_NAME,
    email: present(dpo.email) ? dpo.email : present(tenant.contact.email) ? tenant.contact.email : null,
    postalAddress: present(dpo.postalAddress)
      ? dpo.postalAddress
          .split(/\s*\n\s*/)
          .map((l) => l.trim())
          .filter(Boolean)
      : postalLines(tenant),
    declared,
  };
}

/** The DPO contact on one line (register, CSV). */
export function dpoOneLine(dpo: DpoContact): string {
  return [dpo.name, dpo.email, dpo.postalAddress?.join(', ')].filter(Boolean).join(' – ');
}

export interface DpoFormValues {
  name: string;
  email: string;
  postalAddress: string;
}

const MAX_NAME = 200;
const MAX_ADDRESS = 500;
const MAX_ADDRESS_LINES = 8;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** The form's values, checked; every field may be left empty (the fallbacks above apply). */
export function validateDpoSettings(
  values: DpoFormValues,
): { ok: true; value: TenantDpo } | { ok: false; errors: FieldError[] } {
  const name = values.name.replace(CONTROL, '').replace(/\s+/g, ' ').trim();
  const postal = values.postalAddress
    .replace(CONTROL, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  const errors: FieldError[] = [];
  if (name.length > MAX_NAME) {
    errors.push({
      field: 'dpo_nom',
      message: `Le nom ou la fonction ne doit pas dépasser ${formatCharactersFr(MAX_NAME)}.`,
    });
  }
  let email: string | undefined;
  if (values.email.trim() !== '') {
    const check = checkEmail(values.email);
    if (check.ok) email = check.email;
    else errors.push({ field: 'dpo_courriel', message: check.message });
  }
  if (postal.join('\n').length > MAX_ADDRESS || postal.length > MAX_ADDRESS_LINES) {
    errors.push({
      field: 'dpo_adresse',
      message: `L’adresse postale ne doit pas dépasser ${MAX_ADDRESS_LINES} lignes ni ${formatCharactersFr(MAX_ADDRESS)}.`,
    });
  }
  if (errors.length > 0) return { ok: false, errors };
  const value: TenantDpo = {};
  if (name) value.name = name;
  if (email) value.email = email;
  if (postal.length) value.postalAddress = postal.join('\n');
  return { ok: true, value };
}

/** Saves the tenant's DPO (the tenant's own row: row-level security keeps it to that one). */
export async function saveDpoSettings(trx: Tx, tenantId: string, value: TenantDpo): Promise<void> {
  await trx
    .updateTable('tenants')
    .set({ dpo: JSON.stringify(value) })
    .where('id', '=', tenantId)
    .execute();
}

/** The form's values from what is stored (empty fields where the fallbacks apply). */
export function dpoFormValues(dpo: TenantDpo): DpoFormValues {
  return { name: dpo.name ?? '', email: dpo.email ?? '', postalAddress: dpo.postalAddress ?? '' };
}
