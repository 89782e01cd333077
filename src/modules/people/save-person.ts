import type { PreferredChannel } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { parsePhone } from '../../platform/format.ts';
import type { FieldError, FormResult } from '../../platform/web/form.ts';
import type { PersonFormValues } from './forms.ts';
import type { PersonRow } from './repository.ts';

/** Checks what a form alone cannot: a real birth date in the past, a phone number, a name. */
function check(values: PersonFormValues, today: string, verified: boolean): FieldError[] {
  const errors: FieldError[] = [];
  if (!verified && values.prenoms === '' && values.nom === '') {
    errors.push({ field: 'nom', message: 'Indiquez au moins le nom de la personne.' });
  }
  if (!verified && values.naissance !== '') {
    const d = new Date(`${values.naissance}T00:00:00Z`);
    if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== values.naissance) {
      errors.push({ field: 'naissance', message: 'Cette date n’existe pas : indiquez-la par exemple 1984-03-21.' });
    } else if (values.naissance > today || values.naissance < '1900-01-01') {
      errors.push({ field: 'naissance', message: 'Indiquez une date de naissance passée, après 1900.' });
    }
  }
  if (values.telephone !== '' && parsePhone(values.telephone) === null) {
    errors.push({ field: 'telephone', message: 'Indiquez un numéro de téléphone, par exemple 06 12 34 56 78.' });
  }
  return errors;
}

function columns(values: PersonFormValues) {
  return {
    email: values.courriel || null,
    phone: values.telephone ? parsePhone(values.telephone) : null,
    postal_address: values.adresse,
    preferred_channel: (values.canal || null) as PreferredChannel | null,
    language: values.langue,
    accessibility_needs: values.accessibilite,
  };
}

function identity(values: PersonFormValues) {
  return {
    given_name: values.prenoms || null,
    family_name: values.nom || null,
    display_name: `${values.prenoms} ${values.nom}`.trim(),
    birthdate: values.naissance || null,
  };
}

/** « Nouvelle fiche »: a record created by an agent, before anything was filed for the person. */
export async function createPerson(
  trx: Tx,
  input: { tenantId: string; values: PersonFormValues; today: string; now: Date },
): Promise<FormResult<{ id: string }>> {
  const errors = check(input.values, input.today, false);
  if (errors.length > 0) return { ok: false, errors };
  const row = await trx
    .insertInto('people')
    .values({
      tenant_id: input.tenantId,
      ...identity(input.values),
      ...columns(input.values),
      created_at: input.now,
      updated_at: input.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ok: true, value: { id: row.id } };
}

/**
 * « Modifier la fiche »: contact details, preferred channel, language, accessibility needs, and the
 * identity unless FranceConnect verified it (then the verified names and birth date stay as they are).
 */
export async function updatePerson(
  trx: Tx,
  input: { person: PersonRow; values: PersonFormValues; today: string; now: Date },
): Promise<FormResult<{ id: string }>> {
  const verified = input.person.identity_source !== null;
  const errors = check(input.values, input.today, verified);
  if (errors.length > 0) return { ok: false, errors };
  await trx
    .updateTable('people')
    .set({ ...(verified ? {} : identity(input.values)), ...columns(input.values), updated_at: input.now })
    .where('id', '=', input.person.id)
    .execute();
  return { ok: true, value: { id: input.person.id } };
}

/** The form's values from a record, to edit it. */
export function formValuesOf(p: PersonRow): Record<keyof PersonFormValues, string> {
  return {
    prenoms: p.given_name ?? (p.family_name ? '' : p.display_name),
    nom: p.family_name ?? '',
    naissance: p.birthdate ?? '',
    courriel: p.email ?? '',
    telephone: p.phone ?? '',
    adresse: p.postal_address,
    canal: p.preferred_channel ?? '',
    langue: p.language,
    accessibilite: p.accessibility_needs,
  };
}
