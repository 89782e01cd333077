import type { Tx } from '../../db/tenant-scope.ts';
import { formatCharactersFr } from '../../platform/format.ts';
import type { FormResult } from '../../platform/web/form.ts';
import { SIGNATURE_MAX } from './forms.ts';

/** Sets the signature appended to a service's replies ('' for none). */
export async function setServiceSignature(
  trx: Tx,
  input: { serviceId: string; signature: string },
): Promise<FormResult<null>> {
  const signature = input.signature
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();
  if (signature.length > SIGNATURE_MAX)
    return {
      ok: false,
      errors: [
        { field: 'signature', message: `La signature est trop longue : ${formatCharactersFr(SIGNATURE_MAX)} au plus.` },
      ],
    };
  await trx.updateTable('services').set({ reply_signature: signature }).where('id', '=', input.serviceId).execute();
  return { ok: true, value: null };
}
