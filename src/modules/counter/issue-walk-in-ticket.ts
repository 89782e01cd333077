import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { parisDay } from '../../platform/format.ts';
import { issueTicket, lineLetter } from './issue-ticket.ts';
import { counterSite, walkInDemarches } from './repository.ts';

export interface WalkInInput {
  tenantId: string;
  siteId: string;
  /** A démarche served at the site's counters, or null for « Autre demande ». */
  demarcheId: string | null;
  /** What the person gave, for the agent's list (optional; never on the screen). */
  name: string;
  agentId: string | null;
  now: Date;
}

/**
 * A ticket for someone who comes without an appointment: the line of their démarche at this
 * site (« A012 »), numbered for the day. Waiting starts now.
 */
export async function issueWalkInTicket(trx: Tx, input: WalkInInput): Promise<{ id: string; code: string }> {
  const site = await counterSite(trx, input.siteId);
  if (!site) throw new AppError('not_found', 'Ce lieu d’accueil n’existe pas ou n’a pas de guichet.');
  if (input.demarcheId !== null) {
    const offered = await walkInDemarches(trx, input.siteId);
    if (!offered.some((d) => d.id === input.demarcheId))
      throw new AppError('invalid_input', 'Choisissez une démarche de la liste.', { field: 'demarche' });
  }
  const letter = await lineLetter(trx, input.tenantId, input.siteId, input.demarcheId);
  return issueTicket(trx, {
    tenantId: input.tenantId,
    siteId: input.siteId,
    day: parisDay(input.now),
    letter,
    demarcheId: input.demarcheId,
    appointmentId: null,
    name: input.name,
    issuedAt: input.now,
    waitFrom: input.now,
    agentId: input.agentId,
  });
}
