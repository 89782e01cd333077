import type { Tx } from '../../db/tenant-scope.ts';
import type { FieldError, FormResult } from '../../platform/web/form.ts';

/**
 * The establishments whose agents may log in with ProConnect here: SIRETs (14 digits, e.g. the
 * commune's SIREN followed by its town hall's NIC) and email domains, one per line. Returns the
 * field errors of a value that is neither.
 */
export async function setProConnectMapping(
  trx: Tx,
  tenantId: string,
  input: { sirets: string; domains: string },
): Promise<FormResult<null>> {
  const lines = (text: string) =>
    [
      ...new Set(
        text
          .split(/[\s,;]+/)
          .map((l) => l.trim().toLowerCase())
          .filter(Boolean),
      ),
    ].slice(0, 100);
  const sirets = lines(input.sirets.replace(/(\d)[ .](?=\d)/g, '$1'));
  const domains = lines(input.domains).map((d) => d.replace(/^@/, ''));
  const errors: FieldError[] = [];
  const badSiret = sirets.find((s) => !/^\d{14}$/.test(s));
  if (badSiret) {
    errors.push({ field: 'sirets', message: `« ${badSiret} » n'est pas un SIRET : il faut 14 chiffres.` });
  }
  const badDomain = domains.find((d) => !/^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(d));
  if (badDomain) {
    errors.push({
      field: 'domains',
      message: `« ${badDomain} » n'est pas un nom de domaine, par exemple mairie-ville.fr.`,
    });
  }
  if (errors.length > 0) return { ok: false, errors };
  await trx
    .updateTable('tenants')
    .set({ proconnect_sirets: sirets, proconnect_domains: domains })
    .where('id', '=', tenantId)
    .execute();
  return { ok: true, value: null };
}
