import type { Config } from '../../config.ts';
import type { Db, Tx } from '../../db/tenant-scope.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { formatDateFr, formatDeadlineFr, parisDay } from '../../platform/format.ts';
import type { RunningJob } from '../../platform/jobs/queue.ts';
import { agentsToNotify } from './agents-to-notify.ts';
import { queueMail } from '../../platform/mail.ts';
import { renderMail } from '../../platform/mail-template.ts';
import { tenantBaseUrl } from '../../platform/web/public-url.ts';
import type { DeadlineWarningPayload } from './check-deadlines.ts';

/** The tenant's address for links in mails sent by background work: its first host name, else /t/<slug>. */
async function tenantLinkBase(trx: Tx, config: Pick<Config, 'publicBaseUrl'>, tenantId: string): Promise<string> {
  const host = await trx
    .selectFrom('tenant_hosts')
    .select('host')
    .where('tenant_id', '=', tenantId)
    .orderBy('host')
    .executeTakeFirst();
  if (host) return tenantBaseUrl(config, { host: host.host });
  const tenant = await trx.selectFrom('tenants').select('slug').where('id', '=', tenantId).executeTakeFirstOrThrow();
  return tenantBaseUrl(config, { slug: tenant.slug });
}

/**
 * The `deadline.warning` job: mails the agent who has the item in hand, or the active agents of
 * its service when nobody has, that its due date is near. Nothing is sent when the item has
 * closed, waits for the citizen, or has another due date since the job was queued. Returns how
 * many agents are mailed. The job's unique key (item and due date) keeps it to one warning, and
 * the mails are queued in one transaction: a failed attempt queued none.
 */
export async function sendDeadlineWarning(
  db: Db,
  config: Pick<Config, 'publicBaseUrl'>,
  job: Pick<RunningJob<DeadlineWarningPayload>, 'tenantId' | 'payload'>,
  now: Date,
): Promise<number> {
  const tenantId = job.tenantId;
  if (!tenantId) return 0;
  return inTenant(db, tenantId, async (trx) => {
    const request = await trx
      .selectFrom('requests as r')
      .innerJoin('demarches as d', (j) =>
        j.onRef('d.tenant_id', '=', 'r.tenant_id').onRef('d.id', '=', 'r.demarche_id'),
      )
      .innerJoin('tenants as t', 't.id', 'r.tenant_id')
      .leftJoin('agents as a', (j) =>
        j.onRef('a.tenant_id', '=', 'r.tenant_id').onRef('a.id', '=', 'r.assigned_agent_id').on('a.active', '=', true),
      )
      .select([
        'r.id',
        'r.reference',
        'r.status',
        'r.closed_at',
        'r.service_id',
        'r.due_on',
        'd.title as demarche_title',
        't.name as tenant_name',
        'a.email as assignee_email',
        'a.display_name as assignee_name',
      ])
      .where('r.id', '=', job.payload.requestId)
      .executeTakeFirst();
    if (!request || request.closed_at || request.status === 'en_attente_usager') return 0;
    const dueOn = String(request.due_on);
    if (dueOn !== job.payload.dueOn) return 0;
    const recipients = await agentsToNotify(trx, {
      serviceId: request.service_id,
      assignee: request.assignee_email ? { email: request.assignee_email, name: request.assignee_name ?? '' } : null,
    });
    const link = `${await tenantLinkBase(trx, config, tenantId)}/agent/demandes/${encodeURIComponent(request.reference)}`;
    for (const agent of recipients) {
      await queueMail(
        trx,
        tenantId,
        renderMail({
          to: agent.email,
          requestId: request.id,
          subject: `Échéance proche – demande ${request.reference} à traiter avant le ${formatDateFr(dueOn)}`,
          greeting: `Bonjour ${agent.display_name},`,
          blocks: [
            {
              kind: 'paragraph',
              text: `La demande ${request.reference} doit être traitée avant le ${formatDateFr(dueOn)} (${formatDeadlineFr(dueOn, parisDay(now))}).`,
            },
            { kind: 'value', label: 'Démarche', value: request.demarche_title },
            {
              kind: 'paragraph',
              text: request.assignee_email
                ? 'Vous avez cette demande en charge.'
                : 'Personne n’a encore pris cette demande en charge : ce message est envoyé aux agents du service.',
            },
            { kind: 'button', label: 'Ouvrir la demande', url: link },
          ],
          signature: `Guichet – ${request.tenant_name}`,
        }),
      );
    }
    return recipients.length;
  });
}
