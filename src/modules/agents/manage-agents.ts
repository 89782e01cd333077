import type { AgentRole } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import type { FieldError, FormResult } from '../../platform/web/form.ts';
import { sortFr } from '../../platform/format.ts';
import { queueMail } from '../../platform/mail.ts';
import { renderMail } from '../../platform/mail-template.ts';
import { mailSignature } from '../../platform/mail-sender.ts';
import { hashPassword } from './password.ts';
import { passwordErrors } from './password-policy.ts';
import { deleteAgentSessions } from './sessions.ts';
import { findAgentToken, issueAgentToken, spendAgentToken } from './agent-tokens.ts';

export const INVITATION_LIFETIME_MS = 72 * 60 * 60 * 1000;
export const ROLE_LABELS: Record<AgentRole, string> = {
  agent: 'Agent',
  supervisor: 'Responsable de service',
  admin: 'Administrateur',
};

export async function listAgents(trx: Tx) {
  const agents = await trx
    .selectFrom('agents')
    .select(['id', 'email', 'display_name', 'role', 'active', 'totp_enabled_at', 'password_hash', 'last_login_at'])
    .execute()
    .then((rows) => sortFr(rows, (a) => a.display_name));
  const links = await trx
    .selectFrom('agent_services as x')
    .innerJoin('services as s', (j) => j.onRef('s.tenant_id', '=', 'x.tenant_id').onRef('s.id', '=', 'x.service_id'))
    .select(['x.agent_id', 's.id', 's.name'])
    .execute()
    .then((rows) => sortFr(rows, (l) => l.name));
  return agents.map(({ password_hash, ...a }) => ({
    ...a,
    // Invited and not yet accepted: no password, no session ever opened.
    pending: password_hash === '' && a.last_login_at === null,
    services: links.filter((l) => l.agent_id === a.id).map((l) => ({ id: l.id, name: l.name })),
  }));
}
export type AgentListItem = Awaited<ReturnType<typeof listAgents>>[number];

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

/** The agent an invitation token opens, if it is unused and not expired. */
export async function findInvitation(trx: Tx, token: string, now: Date) {
  return findAgentToken(trx, token, 'invitation', now);
}

/**
 * Sets the invited agent's password (checked against the policy) and spends the invitation.
 * Returns the agent id, or the field errors of a password the policy refuses.
 */
export async function acceptInvitation(
  trx: Tx,
  input: { token: string; password: string; confirmation: string; tenantName: string; now: Date },
): Promise<FormResult<string>> {
  const invitation = await findInvitation(trx, input.token, input.now);
  if (!invitation) throw invalidInvitation();
  const refused = passwordErrors(input, invitation.email);
  if (refused.length > 0) return { ok: false, errors: refused };
  // The conditional update makes the link single-use even when two submissions race.
  if (!(await spendAgentToken(trx, invitation.id, input.now))) throw invalidInvitation();
  await trx
    .updateTable('agents')
    .set({ password_hash: await hashPassword(input.password), last_login_at: input.now })
    .where('id', '=', invitation.agent_id)
    .execute();
  return { ok: true, value: invitation.agent_id };
}

export function invalidInvitation(): AppError {
  return new AppError(
    'not_found',
    'Ce lien d’invitation n’est plus valable : il a déjà servi ou a expiré (il vaut 72 heures). Demandez à un administrateur de vous inviter à nouveau.',
  );
}

/** Deactivates or reactivates an agent; deactivation closes every session at once. */
export async function setAgentActive(trx: Tx, actorId: string, agentId: string, active: boolean): Promise<void> {
  if (!active && actorId === agentId) {
    throw new AppError('forbidden', 'Vous ne pouvez pas désactiver votre propre compte.');
  }
  const updated = await trx.updateTable('agents').set({ active }).where('id', '=', agentId).executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new AppError('not_found', "Cet agent n'existe pas.");
  if (!active) await deleteAgentSessions(trx, agentId);
}

/** Replaces the services an agent works for (ids outside the tenant are ignored). */
export async function setAgentServices(trx: Tx, tenantId: string, agentId: string, serviceIds: string[]) {
  const agent = await trx.selectFrom('agents').select('id').where('id', '=', agentId).executeTakeFirst();
  if (!agent) throw new AppError('not_found', "Cet agent n'existe pas.");
  const services = await trx.selectFrom('services').select('id').execute();
  const kept = [...new Set(serviceIds)].filter((id) => services.some((s) => s.id === id));
  await trx.deleteFrom('agent_services').where('agent_id', '=', agentId).execute();
  if (kept.length > 0) {
    await trx
      .insertInto('agent_services')
      .values(kept.map((id) => ({ tenant_id: tenantId, agent_id: agentId, service_id: id })))
      .execute();
  }
}

export async function tenantSecuritySettings(trx: Tx) {
  return trx
    .selectFrom('tenants')
    .select(['require_agent_2fa', 'proconnect_sirets', 'proconnect_domains'])
    .executeTakeFirstOrThrow();
}

export async function setRequireAgent2fa(trx: Tx, tenantId: string, value: boolean): Promise<void> {
  await trx.updateTable('tenants').set({ require_agent_2fa: value }).where('id', '=', tenantId).execute();
}

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

/**
 * Removes an agent's second factor (lost phone and recovery codes) and closes their sessions:
 * at the next login they set it up again (or log in with the password alone if not required).
 */
export async function resetSecondFactor(trx: Tx, actorId: string, agentId: string): Promise<void> {
  if (actorId === agentId) {
    throw new AppError(
      'forbidden',
      'Demandez à un autre administrateur de réinitialiser votre double authentification.',
    );
  }
  const updated = await trx
    .updateTable('agents')
    .set({ totp_secret_encrypted: null, totp_enabled_at: null, totp_last_step: null })
    .where('id', '=', agentId)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new AppError('not_found', "Cet agent n'existe pas.");
  await trx.deleteFrom('agent_recovery_codes').where('agent_id', '=', agentId).execute();
  await deleteAgentSessions(trx, agentId);
}
