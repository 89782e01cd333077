import type { FastifyInstance, FastifyRequest } from 'fastify';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { parisDay } from '../../platform/format.ts';
import { attachmentDisposition } from '../../platform/web/download.ts';
import { parseForm } from '../../platform/web/form.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import type { Services } from '../../services.ts';
import { agentActor } from '../agents/policy.ts';
import { requireAgent } from '../agents/require-agent.ts';
import { agentContext } from '../agents/route-support.ts';
import type { SessionAgent } from '../agents/sessions.ts';
import { can } from '../authorization.ts';
import { journalFilterForm, journalFilterOf } from './forms.ts';
import { journalToCsv } from './journal-csv.ts';
import { readJournal } from './read-journal.ts';
import { listJournalAgents } from './repository.ts';
import { JOURNAL_PATH, journalPage, type JournalFilterValues } from './views/journal-page.ts';

/**
 * The audit journal for supervisors (their services) and administrators (everything), on screen
 * and as CSV. Registered inside the agents' scope (login redirects, no-store).
 */
export function registerAuditRoutes(scope: FastifyInstance, services: Services): void {
  async function requireJournalReader(request: FastifyRequest): Promise<SessionAgent> {
    const agent = await requireAgent(request, services);
    const tenantId = requireTenant(request).id;
    if (!can(agentActor(tenantId, agent), 'view_journal', { kind: 'tenant', tenantId }))
      throw new AppError('forbidden', 'Le journal est réservé aux responsables de service et aux administrateurs.');
    return agent;
  }

  function typedValues(request: FastifyRequest): JournalFilterValues {
    const q = (name: keyof JournalFilterValues) => queryParam(request, name).slice(0, 200);
    return {
      agent: q('agent'),
      du: q('du'),
      au: q('au'),
      action: q('action'),
      reference: q('reference'),
      usager: q('usager'),
    };
  }

  function parseQuery(request: FastifyRequest) {
    return parseForm(journalFilterForm, { ...typedValues(request), apres: queryParam(request, 'apres') });
  }

  scope.get(JOURNAL_PATH, async (request, reply) => {
    const agent = await requireJournalReader(request);
    const tenant = requireTenant(request);
    const isAdmin = agent.role === 'admin';
    const values = typedValues(request);
    const parsed = parseQuery(request);
    if (!parsed.ok) {
      const agents = await inTenant(services.db, tenant.id, (trx) => listJournalAgents(trx));
      const page = journalPage(agentContext(request, agent), {
        values,
        errors: parsed.errors,
        entries: [],
        next: null,
        continued: false,
        agents,
        allServices: isAdmin,
        isAdmin,
      });
      return sendHtml(reply, page, 400);
    }
    const found = await inTenant(services.db, tenant.id, (trx) =>
      readJournal(trx, {
        tenantId: tenant.id,
        agent,
        filter: journalFilterOf(parsed.value),
        cursor: parsed.value.apres,
        mode: 'page',
        ip: request.ip,
        now: services.clock.now(),
      }),
    );
    return sendHtml(
      reply,
      journalPage(agentContext(request, agent), {
        values,
        errors: [],
        ...found,
        continued: parsed.value.apres !== null,
        isAdmin,
      }),
    );
  });

  scope.get(`${JOURNAL_PATH}.csv`, async (request, reply) => {
    const agent = await requireJournalReader(request);
    const tenant = requireTenant(request);
    const parsed = parseQuery(request);
    if (!parsed.ok) throw new AppError('invalid_input', parsed.errors.map((e) => e.message).join(' '));
    const now = services.clock.now();
    const found = await inTenant(services.db, tenant.id, (trx) =>
      readJournal(trx, {
        tenantId: tenant.id,
        agent,
        filter: journalFilterOf(parsed.value),
        cursor: null,
        mode: 'export',
        ip: request.ip,
        now,
      }),
    );
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', attachmentDisposition(`journal-${parisDay(now)}.csv`))
      .send(journalToCsv(found.entries));
  });
}
