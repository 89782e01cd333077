import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { parisDay } from '../../platform/format.ts';
import { attachmentDisposition } from '../../platform/web/download.ts';
import { parseForm, type FieldError } from '../../platform/web/form.ts';
import { readFormBody } from '../../platform/web/form-body.ts';
import { url } from '../../platform/web/layout.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import type { Services } from '../../services.ts';
import { agentActor } from '../agents/policy.ts';
import { requireAgent } from '../agents/require-agent.ts';
import { agentContext } from '../agents/route-support.ts';
import type { SessionAgent } from '../agents/sessions.ts';
import { can } from '../authorization.ts';
import { forgetTenantCalendar } from '../requests/tenant-calendar.ts';
import { departementOfInsee, publicHolidayList } from '../requests/working-days.ts';
import { addClosingDay } from './add-closing-day.ts';
import { deadlineReportToCsv } from './deadline-report-csv.ts';
import { closingDayForm, periodForm, type ClosingDayValues } from './forms.ts';
import { listClosingDays } from './list-closing-days.ts';
import { readDeadlineReport } from './read-deadline-report.ts';
import { removeClosingDay } from './remove-closing-day.ts';
import { CLOSING_DAYS_PATH, closingDaysPage } from './views/closing-days-page.ts';
import { deadlineReportPage, REPORT_PATH } from './views/deadline-report-page.ts';

const NOTICES: Record<string, string> = {
  ajoute: 'Le jour de fermeture est ajouté : les délais des nouvelles demandes en tiennent compte.',
  retire: 'Le jour de fermeture est retiré.',
};
const DAY = /^(\d{4})-\d{2}-\d{2}$/;

/** A year a commune plans for: from 2000 to 2100; the current one when absent or odd. */
function yearOf(raw: string, today: string): number {
  const y = /^\d{4}$/.test(raw) ? Number(raw) : NaN;
  return y >= 2000 && y <= 2100 ? y : Number(today.slice(0, 4));
}

/** The last twelve months up to `today`: the report's period when none is given. */
function defaultPeriod(today: string): { du: string; au: string } {
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() - 1);
  d.setUTCDate(d.getUTCDate() + 1);
  return { du: d.toISOString().slice(0, 10), au: today };
}

/**
 * The tenant's closing days (administrators) and the deadline report (supervisors for their
 * services, administrators for all). Registered inside the agents' scope.
 */
export function registerDeadlineRoutes(scope: FastifyInstance, services: Services): void {
  async function requireAllowed(
    request: FastifyRequest,
    action: 'manage_closing_days' | 'view_deadline_report',
  ): Promise<SessionAgent> {
    const agent = await requireAgent(request, services);
    const tenantId = requireTenant(request).id;
    if (!can(agentActor(tenantId, agent), action, { kind: 'tenant', tenantId }))
      throw new AppError(
        'forbidden',
        action === 'manage_closing_days'
          ? 'Cette page est réservée aux administrateurs de la collectivité.'
          : 'Cette page est réservée aux responsables de service et aux administrateurs.',
      );
    return agent;
  }

  async function renderClosingDays(
    request: FastifyRequest,
    reply: FastifyReply,
    agent: SessionAgent,
    form: { year: number; values: ClosingDayValues; errors: FieldError[]; notice?: string },
    status = 200,
  ) {
    const tenant = requireTenant(request);
    const closingDays = await inTenant(services.db, tenant.id, (trx) => listClosingDays(trx, form.year));
    const holidays = publicHolidayList(form.year, departementOfInsee(tenant.inseeCode));
    return sendHtml(reply, closingDaysPage(agentContext(request, agent), { ...form, closingDays, holidays }), status);
  }

  scope.get(CLOSING_DAYS_PATH, async (request, reply) => {
    const agent = await requireAllowed(request, 'manage_closing_days');
    const today = parisDay(services.clock.now());
    const done = queryParam(request, 'fait');
    return renderClosingDays(request, reply, agent, {
      year: yearOf(queryParam(request, 'annee'), today),
      values: { jour: '', libelle: '' },
      errors: [],
      notice: NOTICES[done],
    });
  });

  scope.post(CLOSING_DAYS_PATH, async (request, reply) => {
    const agent = await requireAllowed(request, 'manage_closing_days');
    const tenant = requireTenant(request);
    const { fields } = readFormBody(request);
    const typed = {
      jour: String(fields.jour ?? '').slice(0, 100),
      libelle: String(fields.libelle ?? '').slice(0, 200),
    };
    const today = parisDay(services.clock.now());
    const form = parseForm(closingDayForm, fields);
    const yearOfDay = (d: string | null) => (d ? Number(d.slice(0, 4)) : Number(today.slice(0, 4)));
    if (!form.ok)
      return renderClosingDays(
        request,
        reply,
        agent,
        { year: yearOfDay(null), values: typed, errors: form.errors },
        400,
      );
    const day = form.value.jour as string;
    const result = await inTenant(services.db, tenant.id, (trx) =>
      addClosingDay(trx, {
        tenantId: tenant.id,
        agent,
        day,
        label: form.value.libelle,
        ip: request.ip,
        now: services.clock.now(),
      }),
    );
    if (!result.ok)
      return renderClosingDays(
        request,
        reply,
        agent,
        { year: yearOfDay(day), values: typed, errors: result.errors },
        400,
      );
    forgetTenantCalendar(services, tenant.id);
    return reply.redirect(url(request, `${CLOSING_DAYS_PATH}?annee=${yearOfDay(day)}&fait=ajoute`), 303);
  });

  scope.post(`${CLOSING_DAYS_PATH}/:day/supprimer`, async (request, reply) => {
    const agent = await requireAllowed(request, 'manage_closing_days');
    const tenant = requireTenant(request);
    const day = (request.params as { day: string }).day;
    const notFound = () => new AppError('not_found', 'Ce jour de fermeture n’existe pas ou a déjà été retiré.');
    const year = DAY.exec(day)?.[1];
    if (!year || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) throw notFound();
    const removed = await inTenant(services.db, tenant.id, (trx) =>
      removeClosingDay(trx, { tenantId: tenant.id, agent, day, ip: request.ip, now: services.clock.now() }),
    );
    if (!removed) throw notFound();
    forgetTenantCalendar(services, tenant.id);
    return reply.redirect(url(request, `${CLOSING_DAYS_PATH}?annee=${year}&fait=retire`), 303);
  });

  async function report(request: FastifyRequest, agent: SessionAgent) {
    const tenant = requireTenant(request);
    const today = parisDay(services.clock.now());
    const given = { du: queryParam(request, 'du').slice(0, 100), au: queryParam(request, 'au').slice(0, 100) };
    const fallback = defaultPeriod(today);
    const values = { du: given.du || fallback.du, au: given.au || fallback.au };
    const parsed = parseForm(periodForm, values);
    if (!parsed.ok) return { values, errors: parsed.errors, report: null };
    const found = await inTenant(services.db, tenant.id, (trx) =>
      readDeadlineReport(trx, {
        tenantId: tenant.id,
        agent,
        from: parsed.value.du ?? fallback.du,
        to: parsed.value.au ?? fallback.au,
        today,
      }),
    );
    return { values, errors: [] as FieldError[], report: found };
  }

  scope.get(REPORT_PATH, async (request, reply) => {
    const agent = await requireAllowed(request, 'view_deadline_report');
    const found = await report(request, agent);
    return sendHtml(
      reply,
      deadlineReportPage(agentContext(request, agent), { ...found, isAdmin: agent.role === 'admin' }),
      found.errors.length > 0 ? 400 : 200,
    );
  });

  scope.get(`${REPORT_PATH}.csv`, async (request, reply) => {
    const agent = await requireAllowed(request, 'view_deadline_report');
    const found = await report(request, agent);
    if (!found.report) throw new AppError('invalid_input', found.errors.map((e) => e.message).join(' '));
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', attachmentDisposition(`delais-${found.report.from}-${found.report.to}.csv`))
      .send(deadlineReportToCsv(found.report));
  });
}
