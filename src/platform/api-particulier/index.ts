import type { Config } from '../../config.ts';
import type { Clock } from '../clock.ts';
import type { ApiParticulier } from './api-particulier.ts';
import { HttpApiParticulier } from './http-client.ts';

export * from './api-particulier.ts';

/** API Particulier as configured (API_PARTICULIER_URL and _TOKEN), or null when it is not. */
export function createApiParticulier(config: Config, clock: Clock): ApiParticulier | null {
  const { url, token, timeoutMs } = config.apiParticulier;
  if (!url || !token) return null;
  return new HttpApiParticulier({
    baseUrl: url,
    token,
    timeoutMs,
    // Registrations are dated in France: "today" there.
    today: () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' }).format(clock.now()),
  });
}
