import type { Tx } from '../../db/tenant-scope.ts';
import type { CitizenPreferences } from './preferences.ts';
import { savePreferences } from './repository.ts';

/**
 * Saves what the citizen chose in "Mes préférences". Keys stored by other features (or by an
 * older version of the page) are kept: the form only replaces what it shows.
 */
export async function updatePreferences(
  trx: Tx,
  input: { citizenId: string; stored: Record<string, unknown>; chosen: CitizenPreferences; now: Date },
): Promise<void> {
  await savePreferences(trx, input.citizenId, { ...input.stored, ...input.chosen }, input.now);
}
