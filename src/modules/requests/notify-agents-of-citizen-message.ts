import type { Tx } from '../../db/tenant-scope.ts';
import { agentsToNotify } from './agents-to-notify.ts';
import { queueMail } from '../../platform/mail.ts';
import { renderMail } from '../../platform/mail-template.ts';

/**
 * Tells the agents that a citizen wrote: the agent who has the item in hand, or, when nobody has
 * it yet, the active agents of its service. The mail carries no personal data beyond the
 * reference and the démarche: the message is read in the workspace, behind the agent's login.
 * Queued in the caller's transaction. Returns how many agents are told.
 */
export async function notifyAgentsOfCitizenMessage(
  trx: Tx,
  input: {
    tenantId: string;
    tenantName: string;
    requestId: string;
    reference: string;
    demarcheTitle: string;
    withDocuments: boolean;
    /** The tenant's public address: the link opens the item in the workspace. */
    baseUrl: string;
  },
): Promise<number> {
  const request = await trx
    .selectFrom('requests as r')
    .leftJoin('agents as a', (j) =>
      j.onRef('a.tenant_id', '=', 'r.tenant_id').onRef('a.id', '=', 'r.assigned_agent_id').on('a.active', '=', true),
    )
    .select(['r.service_id', 'a.email as assignee_email', 'a.display_name as assignee_name'])
    .where('r.id', '=', input.requestId)
    .executeTakeFirstOrThrow();
  const recipients = await agentsToNotify(trx, {
    serviceId: request.service_id,
    assignee: request.assignee_email ? { email: request.assignee_email, name: request.assignee_name ?? '' } : null,
  });
  const link = `${input.baseUrl}/agent/demandes/${encodeURIComponent(input.reference)}`;
  for (const agent of recipients) {
    await queueMail(
      trx,
      input.tenantId,
      renderMail({
        to: agent.email,
        requestId: input.requestId,
        subject: `Nouveau message de l’usager – demande ${input.reference}`,
        greeting: `Bonjour ${agent.display_name},`,
        blocks: [
          {
            kind: 'paragraph',
            text: input.withDocuments
              ? `L’usager a écrit ou ajouté des documents sur la demande ${input.reference}.`
              : `L’usager a écrit sur la demande ${input.reference}.`,
          },
          { kind: 'value', label: 'Démarche', value: input.demarcheTitle },
          {
            kind: 'paragraph',
            text: request.assignee_email
              ? 'Vous avez cette demande en charge.'
              : 'Personne n’a encore pris cette demande en charge : ce message est envoyé aux agents du service.',
          },
          { kind: 'button', label: 'Ouvrir la demande', url: link },
        ],
        signature: `Guichet – ${input.tenantName}`,
      }),
    );
  }
  return recipients.length;
}
