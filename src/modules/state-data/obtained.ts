import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { STATE_DATA_KINDS } from '../catalogue/form-definition.ts';

/**
 * What the commune obtained from API Particulier for one request: the kind of data, the body
 * that holds it, when, and what the citizen was found by. Kept in the request's answers under
 * `_state_data` (a list), so it goes with them: shown with the answers, exported with them, and
 * emptied with them when the démarche's retention ends (privacy/anonymise.ts).
 */
export const obtainedStateDataSchema = z.object({
  kind: z.enum(STATE_DATA_KINDS),
  /** 'CAF', 'MSA', 'Enseignement supérieur', 'France Travail' */
  source: z.string(),
  /** ISO 8601 instant of the answer. */
  obtainedAt: z.string(),
  /**
   * What the person was found by: `etat_civil` is the civil status typed on the form;
   * `numero_allocataire` is kept for requests filed before composition-familiale-v2.
   */
  foundBy: z.enum(['franceconnect', 'etat_civil', 'numero_allocataire', 'ine', 'identifiant_france_travail']),
  /** Only what the démarche needs (minimisation). */
  values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});
export type ObtainedStateData = z.infer<typeof obtainedStateDataSchema>;

/** Where a request's answers keep it. */
export const STATE_DATA_KEY = '_state_data';

/** The hidden field that carries one obtained piece from the re-rendered form to the submission. */
export function stateDataFieldName(kind: string): string {
  return `_donnees_${kind}`;
}

/** How long a fetched answer may wait in the form before it must be fetched again. */
const TOKEN_TTL_MS = 2 * 60 * 60 * 1000;

function key(sessionSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', sessionSecret, 'guichet', 'state-data-token', 32));
}

function mac(sessionSecret: string, scope: string, payload: string): string {
  return createHmac('sha256', key(sessionSecret)).update(`${scope}\n${payload}`).digest('base64url');
}

/**
 * Signs what was obtained, for the form's hidden field: the citizen cannot change the quotient
 * familial on the way to the submission, nor carry it to another démarche or commune (`scope`).
 */
export function signStateData(sessionSecret: string, scope: string, data: ObtainedStateData): string {
  const payload = Buffer.from(JSON.stringify(data)).toString('base64url');
  return `${payload}.${mac(sessionSecret, scope, payload)}`;
}

/** The signed data back, or null when the token is not one we signed for this scope, or too old. */
export function openStateData(
  sessionSecret: string,
  scope: string,
  token: string,
  now: Date,
): ObtainedStateData | null {
  const [payload, signature] = token.split('.');
  if (!payload || !signature) return null;
  const expected = Buffer.from(mac(sessionSecret, scope, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const data = obtainedStateDataSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    const age = now.getTime() - Date.parse(data.obtainedAt);
    return age >= 0 && age <= TOKEN_TTL_MS ? data : null;
  } catch {
    return null;
  }
}

/** The scope a token is valid in: one tenant, one démarche. */
export function stateDataScope(tenantId: string, demarcheSlug: string): string {
  return `${tenantId}:${demarcheSlug}`;
}

/**
 * The obtained data a submitted form carries, each checked (signature, scope, age); one per kind.
 * Anything else is ignored: the data is then simply not there, and the form's fallback applies.
 */
export function readStateDataFields(
  sessionSecret: string,
  scope: string,
  fields: Record<string, string | string[]>,
  now: Date,
): ObtainedStateData[] {
  const found: ObtainedStateData[] = [];
  for (const kind of STATE_DATA_KINDS) {
    const raw = fields[stateDataFieldName(kind)];
    const token = Array.isArray(raw) ? raw[0] : raw;
    if (!token) continue;
    const data = openStateData(sessionSecret, scope, token, now);
    if (data && data.kind === kind) found.push(data);
  }
  return found;
}
