import type { FormResult } from '../../platform/web/form.ts';

/** The longest reason an agent gives for a transfer or an escalation. */
export const AGENT_REASON_MAX = 1000;

/**
 * A reason an agent gives to colleagues (why a transfer, why an escalation): line breaks as typed,
 * trimmed, required, at most AGENT_REASON_MAX characters. Errors go to `field`.
 */
export function agentReason(raw: string, field: string, missing: string): FormResult<string> {
  const reason = raw.replace(/\r\n/g, '\n').trim();
  if (reason === '') return { ok: false, errors: [{ field, message: missing }] };
  if (reason.length > AGENT_REASON_MAX) {
    return { ok: false, errors: [{ field, message: 'Le motif est trop long : 1 000 caractères au maximum.' }] };
  }
  return { ok: true, value: reason };
}
