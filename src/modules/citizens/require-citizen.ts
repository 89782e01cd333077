import type { FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { AppError } from '../../platform/errors.ts';
import { can } from '../authorization.ts';
import { citizenActor, ownAccount } from './policy.ts';
import { currentCitizen, type CitizenSession } from './sessions.ts';
import { headerSafePath } from '../../platform/web/return-path.ts';

/** Thrown for an anonymous request to the citizen space; turned into a redirect to the login page. */
export class CitizenLoginRequired extends AppError {
  constructor(readonly retour: string) {
    super('unauthenticated', 'Connectez-vous pour accéder à votre espace.');
  }
}

export async function requireCitizen(request: FastifyRequest, services: Services): Promise<CitizenSession> {
  const session = await currentCitizen(request, services);
  if (session) {
    // The space shows only the signed-in citizen's own account: the policy says so explicitly.
    const actor = citizenActor(request.tenant?.id ?? '', session);
    if (!can(actor, 'view_own_space', ownAccount(actor))) throw new CitizenLoginRequired('/mon-espace');
    return session;
  }
  // A form sent without a session is not replayed after login: back to the space's home.
  throw new CitizenLoginRequired(request.method === 'GET' ? request.url : '/mon-espace');
}

/**
 * Where to go after login: a local path of the citizen side only (never another site, never
 * the agent side, never a protocol-relative or backslash trick), percent-encoded to ASCII.
 */
export function safeCitizenReturn(value: unknown): string {
  if (typeof value !== 'string' || value.length > 500) return '/mon-espace';
  if (!/^\/[^\s\\]*$/.test(value) || value.startsWith('//') || value.includes('/../')) return '/mon-espace';
  if (/^\/(agent|api|connexion|inscription|deconnexion|mot-de-passe)(?:[/?#]|$)/.test(value)) return '/mon-espace';
  // Checked before any session opens: the redirect that follows login can always be sent.
  return headerSafePath(value) ?? '/mon-espace';
}
