import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import type { FieldError } from '../../platform/web/form.ts';
import { can } from '../authorization.ts';
import { agentActor } from '../agents/policy.ts';
import { queueMail } from '../../platform/mail.ts';
import { formatDateFr } from '../../platform/format.ts';
import { renderMail, type MailBlock } from '../../platform/mail-template.ts';
import { mailContactLines, mailSignature } from '../../platform/mail-sender.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { logPersonalDataAccess } from './access-log.ts';
import { forgetPeopleWithoutData } from '../people/forget-people.ts';
import { anonymiseRequests, forgetFailedAddresses, forgetUnlinkedInboundMail } from './anonymise.ts';

export interface ErasureAssessment {
  /** No legal obligation keeps the data: erasure can be done at once. */
  immediate: boolean;
  /** Why not, in the citizen's words: one line per request that must be kept. */
  grounds: string[];
  /** Services whose requests keep the data: their agents decide. */
  serviceIds: string[];
}

function addMonths(d: Date, months: number): Date {
  const r = new Date(d);
  r.setMonth(r.getMonth() + months);
  return r;
}

/**
 * Whether a citizen's data can be erased at once: not while one of their requests is open, or
 * closed but within its démarche's retention period (the commune must be able to answer for it).
 */
export async function assessErasure(trx: Tx, citizenId: string, now: Date): Promise<ErasureAssessment> {
  const rows = await trx
    .selectFrom('requests as r')
    .innerJoin('demarches as d', (j) => j.onRef('d.tenant_id', '=', 'r.tenant_id').onRef('d.id', '=', 'r.demarche_id'))
    .select(['r.reference', 'r.service_id', 'r.closed_at', 'd.title', 'd.retention_months'])
    .where('r.citizen_id', '=', citizenId)
    .where('r.anonymised_at', 'is', null)
    .orderBy('r.submitted_at')
    .execute();
  const grounds: string[] = [];
  const services = new Set<string>();
  for (const r of rows) {
    if (r.closed_at === null) {
      grounds.push(`Votre demande ${r.reference} (${r.title}) est en cours de traitement.`);
      services.add(r.service_id);
      continue;
    }
    const until = addMonths(new Date(r.closed_at), r.retention_months);
    if (until > now) {
      grounds.push(
        `Votre demande ${r.reference} (${r.title}) doit être conservée jusqu’au ${formatDateFr(until.toISOString().slice(0, 10))}.`,
      );
      services.add(r.service_id);
    }
  }
  return { immediate: grounds.length === 0, grounds, serviceIds: [...services] };
}

/**
 * Erases a citizen: their requests are anonymised, then the account goes, and with it (by the
 * foreign keys) sessions, tokens and consents given on the account; their citizen record keeps no
 * personal field once nothing else of theirs remains (an item filed without the account keeps it).
 */
export async function eraseCitizen(trx: Tx, citizenId: string, now: Date): Promise<{ anonymised: number }> {
  const ids = (await trx.selectFrom('requests').select('id').where('citizen_id', '=', citizenId).execute()).map(
    (r) => r.id,
  );
  const person = await trx.selectFrom('people').select('id').where('citizen_id', '=', citizenId).executeTakeFirst();
  const account = await trx.selectFrom('citizens').select('email').where('id', '=', citizenId).executeTakeFirst();
  const anonymised = await anonymiseRequests(trx, ids, now, { reason: 'erasure', channel: 'web' });
  // The account's own address: its failures and the mail from it that no item holds.
  if (account?.email) {
    await forgetFailedAddresses(trx, [account.email.toLowerCase()]);
    await forgetUnlinkedInboundMail(trx, account.email);
  }
  await trx.deleteFrom('citizens').where('id', '=', citizenId).execute();
  if (person) await forgetPeopleWithoutData(trx, [person.id], now);
  return { anonymised };
}

export interface ErasureCitizen {
  id: string;
  email: string | null;
  name: string;
}

/** Records an erasure request for an agent to decide; one pending request per citizen. */
export async function requestErasure(
  trx: Tx,
  input: { tenant: Tenant; citizen: ErasureCitizen; assessment: ErasureAssessment; now: Date; baseUrl: string },
): Promise<{ created: boolean }> {
  const pending = await trx
    .selectFrom('erasure_requests')
    .select('id')
    .where('citizen_id', '=', input.citizen.id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (pending) return { created: false };
  await trx
    .insertInto('erasure_requests')
    .values({
      tenant_id: input.tenant.id,
      citizen_id: input.citizen.id,
      contact_email: input.citizen.email,
      citizen_name: input.citizen.name,
      service_ids: input.assessment.serviceIds,
      grounds: input.assessment.grounds.join('\n'),
      requested_at: input.now,
    })
    .execute();
  if (input.citizen.email) {
    await queueMail(
      trx,
      input.tenant.id,
      renderMail({
        to: input.citizen.email,
        subject: `${input.tenant.name} : votre demande d’effacement de vos données est enregistrée`,
        greeting: 'Bonjour,',
        blocks: [
          {
            kind: 'paragraph',
            text: 'Nous avons bien reçu votre demande d’effacement de votre compte et de vos données.',
          },
          { kind: 'paragraph', text: 'La mairie doit garder certaines informations pour le moment :' },
          { kind: 'list', items: input.assessment.grounds },
          {
            kind: 'paragraph',
            text: 'Un agent va examiner votre demande. Vous recevrez sa réponse par courriel, en général sous un mois.',
          },
          {
            kind: 'button',
            label: 'Suivre votre demande dans votre espace',
            url: `${input.baseUrl}/mon-espace/donnees`,
          },
        ],
        signature: mailSignature(input.tenant),
        contact: mailContactLines(input.tenant.contact),
      }),
    );
  }
  return { created: true };
}

export interface DecidingAgent {
  id: string;
  name: string;
  role: 'agent' | 'supervisor' | 'admin';
  serviceIds: string[];
}

/** Admins decide every erasure request; agents and supervisors those concerning their services. */
export function canDecideErasure(
  tenantId: string,
  agent: Pick<DecidingAgent, 'id' | 'role' | 'serviceIds'>,
  erasure: { service_ids: string[] },
) {
  return can(agentActor(tenantId, agent), 'decide_erasure', {
    kind: 'erasure_request',
    tenantId,
    serviceIds: erasure.service_ids,
  });
}

/**
 * An agent's decision. Approving erases the account and anonymises all of its requests (the
 * agent has judged that no obligation keeps them); refusing needs a reason, which the citizen
 * receives. Either way the citizen is told by mail, and the address is then forgotten. A refusal
 * without a reason comes back as `{ ok: false, errors }`.
 */
export async function decideErasure(
  trx: Tx,
  input: {
    tenant: Tenant;
    agent: DecidingAgent;
    erasureId: string;
    decision: 'approve' | 'refuse';
    reason: string;
    now: Date;
    ip?: string;
  },
): Promise<{ ok: true } | { ok: false; errors: FieldError[] }> {
  const row = await trx.selectFrom('erasure_requests').selectAll().where('id', '=', input.erasureId).executeTakeFirst();
  if (!row || !canDecideErasure(input.tenant.id, input.agent, row)) {
    throw new AppError('not_found', "Cette demande d'effacement n'existe pas ou vous n'y avez pas accès.");
  }
  if (row.status !== 'pending') throw new AppError('conflict', 'Cette demande d’effacement a déjà été traitée.');
  const reason = input.reason.trim();
  if (input.decision === 'refuse' && reason.length < 10) {
    return {
      ok: false,
      errors: [{ field: 'motif', message: 'Expliquez au demandeur pourquoi vous refusez (10 caractères au moins).' }],
    };
  }
  if (reason.length > 2000) {
    return { ok: false, errors: [{ field: 'motif', message: 'Le motif est trop long (2 000 caractères au plus).' }] };
  }
  await logPersonalDataAccess(trx, {
    tenantId: input.tenant.id,
    actor: { kind: 'agent', id: input.agent.id, label: input.agent.name },
    action: 'erasure',
    citizenId: row.citizen_id,
    ip: input.ip,
    now: input.now,
  });
  if (input.decision === 'approve' && row.citizen_id) await eraseCitizen(trx, row.citizen_id, input.now);
  await trx
    .updateTable('erasure_requests')
    .set({
      status: input.decision === 'approve' ? 'approved' : 'refused',
      decided_at: input.now,
      decided_by: input.agent.id,
      decision_reason: reason || null,
      contact_email: null,
      citizen_name: null,
    })
    .where('id', '=', row.id)
    .execute();
  if (row.contact_email) {
    const blocks: MailBlock[] =
      input.decision === 'approve'
        ? [
            {
              kind: 'paragraph',
              text: 'Votre demande d’effacement est acceptée : votre compte est supprimé et vos demandes ne contiennent plus aucune information qui vous concerne.',
            },
            ...(reason ? [{ kind: 'quote' as const, label: 'Message de l’agent :', text: reason }] : []),
          ]
        : [
            {
              kind: 'paragraph',
              text: 'La mairie ne peut pas effacer vos données pour le moment, pour la raison suivante :',
            },
            { kind: 'quote', label: 'Message de l’agent :', text: reason },
            { kind: 'paragraph', text: 'Vos données seront effacées à la fin de leur durée de conservation.' },
            {
              kind: 'paragraph',
              text: 'Si vous n’êtes pas d’accord, vous pouvez contacter la mairie ou adresser une réclamation à la CNIL (www.cnil.fr).',
            },
          ];
    await queueMail(
      trx,
      input.tenant.id,
      renderMail({
        to: row.contact_email,
        subject: `${input.tenant.name} : réponse à votre demande d’effacement`,
        greeting: 'Bonjour,',
        blocks,
        signature: mailSignature(input.tenant),
        contact: mailContactLines(input.tenant.contact),
      }),
    );
  }
  return { ok: true };
}
