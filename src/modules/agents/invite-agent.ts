import type { AgentRole } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import type { FormResult } from '../../platform/web/form.ts';
import { queueMail } from '../../platform/mail.ts';
import { renderMail } from '../../platform/mail-template.ts';
import { mailSignature } from '../../platform/mail-sender.ts';
import { issueAgentToken } from './agent-tokens.ts';

export const INVITATION_LIFETIME_MS = 72 * 60 * 60 * 1000;

export interface InviteInput {
  tenantId: string;
  tenantName: string;
  /** The inviting admin; null for the first administrator, invited by `npm run tenant:create`. */
  invitedBy: string | null;
  /** Checked by the form (or by `npm run tenant:create`); lower-cased here. */
  email: string;
  name: string;
  role: AgentRole;
  serviceIds: string[];
  /** Absolute URL of the tenant's site, for the link in the mail. */
  baseUrl: string;
  now: Date;
}

/**
 * Creates the agent's account without a password and mails a single-use link, valid 72 hours,
 * to choose one. Only the link's hash is stored. Returns the new agent's id and the link
 * (printed by `npm run tenant:create`), or the field errors only the database can tell: no
 * service of this tenant chosen for an agent who is not an administrator, an address taken.
 */
export async function inviteAgent(trx: Tx, input: InviteInput): Promise<FormResult<{ agentId: string; link: string }>> {
  const email = input.email.trim().toLowerCase();
  const name = input.name.trim();
  const services = await trx.selectFrom('services').select('id').execute();
  const serviceIds = input.serviceIds.filter((id) => services.some((s) => s.id === id));
  if (input.role !== 'admin' && serviceIds.length === 0) {
    return { ok: false, errors: [{ field: 'services', message: 'Choisissez au moins un service pour cet agent.' }] };
  }
  const existing = await trx.selectFrom('agents').select('id').where('email', '=', email).executeTakeFirst();
  if (existing)
    return { ok: false, errors: [{ field: 'email', message: 'Un agent a déjà un compte avec cette adresse.' }] };

  const agent = await trx
    .insertInto('agents')
    .values({
      tenant_id: input.tenantId,
      email,
      display_name: name,
      password_hash: '',
      role: input.role,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (serviceIds.length > 0) {
    await trx
      .insertInto('agent_services')
      .values(serviceIds.map((id) => ({ tenant_id: input.tenantId, agent_id: agent.id, service_id: id })))
      .execute();
  }
  const token = await issueAgentToken(trx, {
    tenantId: input.tenantId,
    agentId: agent.id,
    purpose: 'invitation',
    issuedBy: input.invitedBy,
    lifetimeMs: INVITATION_LIFETIME_MS,
    now: input.now,
  });
  const link = `${input.baseUrl}/agent/invitation?jeton=${token}`;
  await queueMail(
    trx,
    input.tenantId,
    renderMail({
      to: email,
      subject: `Votre compte agent – ${input.tenantName}`,
      greeting: `Bonjour ${name},`,
      blocks: [
        {
          kind: 'paragraph',
          text:
            input.invitedBy === null
              ? `Le guichet en ligne de ${input.tenantName} est ouvert et vous en êtes le premier administrateur.`
              : `Un administrateur de ${input.tenantName} vous a créé un compte dans l'espace agents.`,
        },
        { kind: 'paragraph', text: 'Pour choisir votre mot de passe, ouvrez ce lien :' },
        { kind: 'button', label: 'Choisir mon mot de passe', url: link },
        { kind: 'paragraph', text: 'Ce lien ne marche qu’une fois et pendant 72 heures.' },
        { kind: 'paragraph', text: 'Si vous ne vous attendiez pas à ce message, ignorez-le.' },
      ],
      signature: mailSignature({ name: input.tenantName }),
    }),
  );
  return { ok: true, value: { agentId: agent.id, link } };
}
