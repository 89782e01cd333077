import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.ts';
import { inTenant, withTenantConnection } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { parseForm, type FieldError } from '../../platform/web/form.ts';
import { fieldValue, readFormBody } from '../../platform/web/form-body.ts';
import { url } from '../../platform/web/layout.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import { can } from '../authorization.ts';
import { presentAnswers, verifiedIdentity } from '../requests/form-engine/present.ts';
import { cachedDemarcheForm } from '../requests/find-tracked-request.ts';
import { requestResource } from '../requests/policy.ts';
import { normalizeReference } from '../requests/reference.ts';
import { findRequestWithTimeline } from '../requests/repository.ts';
import { isOpen } from '../requests/status.ts';
import { citizenContext } from './citizen-page-context.ts';
import { linkRequestForm, preferencesForm, revokeSessionForm } from './forms.ts';
import { linkRequestWithTrackingCode } from './link-request.ts';
import { citizenActor } from './policy.ts';
import { readPreferences } from './preferences.ts';
import { listMyMessages, listMyRequests, listMySessions, revokeMySession } from './repository.ts';
import { requireCitizen } from './require-citizen.ts';
import { clearCitizenCookie, forgetCurrentCitizen } from './sessions.ts';
import { updatePreferences } from './update-preferences.ts';
import {
  linkRequestPage,
  myMessagesPage,
  myRequestPage,
  myRequestsPage,
  preferencesPage,
  sessionsPage,
  spaceHomePage,
} from './views/space-pages.ts';

/**
 * The citizen space (/mon-espace): the signed-in citizen's requests, messages, preferences and
 * connections. Registered inside the citizens' scope (routes.ts): `requireCitizen` sends an
 * anonymous visitor to the login page.
 */
export function registerSpaceRoutes(scope: FastifyInstance, services: Services): void {
  const now = () => services.clock.now();

  scope.get('/mon-espace', async (request, reply) => {
    const session = await requireCitizen(request, services);
    const tenant = requireTenant(request);
    const { requests, messages } = await inTenant(services.db, tenant.id, async (trx) => ({
      requests: await listMyRequests(trx, session.citizenId),
      messages: await listMyMessages(trx, session.citizenId),
    }));
    return sendHtml(
      reply,
      spaceHomePage(citizenContext(request, session), {
        citizen: session.citizen,
        openRequests: requests.filter((r) => isOpen(r.status)).length,
        totalRequests: requests.length,
        messages: messages.length,
      }),
    );
  });

  scope.get('/mon-espace/demandes', async (request, reply) => {
    const session = await requireCitizen(request, services);
    const tenant = requireTenant(request);
    const requests = await inTenant(services.db, tenant.id, (trx) => listMyRequests(trx, session.citizenId));
    const linked = queryParam(request, 'rattachee');
    const notice = linked ? `La demande ${linked.slice(0, 40)} est dans votre espace.` : undefined;
    return sendHtml(reply, myRequestsPage(citizenContext(request, session), requests, notice));
  });

  // A request filed without an account joins the space only with its tracking code (decision 10).
  // A reference and its tracking code are checked: the tracking budget, shared with every route that checks one.
  const lookupLimit = { config: { rateLimitBudget: 'tracking' } } as const;

  scope.get('/mon-espace/demandes/rattacher', async (request, reply) => {
    const session = await requireCitizen(request, services);
    return sendHtml(reply, linkRequestPage(citizenContext(request, session), { reference: '', code: '', errors: [] }));
  });

  scope.post('/mon-espace/demandes/rattacher', lookupLimit, async (request, reply) => {
    const session = await requireCitizen(request, services);
    const tenant = requireTenant(request);
    const body = readFormBody(request);
    const again = (errors: FieldError[], status: number) =>
      sendHtml(
        reply,
        linkRequestPage(citizenContext(request, session), {
          reference: fieldValue(body, 'reference').trim(),
          code: fieldValue(body, 'cle').trim(),
          errors,
        }),
        status,
      );
    const form = parseForm(linkRequestForm, body.fields);
    if (!form.ok) return again(form.errors, 400);
    const result = await linkRequestWithTrackingCode(services, tenant, {
      citizenId: session.citizenId,
      reference: form.value.reference,
      code: form.value.cle,
      ip: request.ip,
    });
    if (!result.ok) return again(result.errors, result.reason === 'linked_elsewhere' ? 409 : 404);
    return reply.redirect(url(request, `/mon-espace/demandes?rattachee=${encodeURIComponent(result.reference)}`), 303);
  });

  scope.get<{ Params: { reference: string } }>('/mon-espace/demandes/:reference', async (request, reply) => {
    const session = await requireCitizen(request, services);
    const tenant = requireTenant(request);
    const notFound = new AppError('request_not_found', "Cette demande n'existe pas ou n'est pas dans votre espace.");
    // Links from the list carry the stored reference as is; a hand-typed one is normalised.
    const raw = request.params.reference.slice(0, 40).toUpperCase();
    const reference = /^[A-Z]{2,4}-\d{4}-[A-Z0-9]{3,12}$/.test(raw) ? raw : normalizeReference(raw);
    if (!reference) throw notFound;
    const detail = await withTenantConnection(services.db, tenant.id, async (conn) => {
      const row = await findRequestWithTimeline(conn, reference);
      // Someone else's request is answered like an unknown one: references cannot be probed.
      if (!row || !can(citizenActor(tenant.id, session), 'view_as_citizen', requestResource(tenant.id, row))) {
        return null;
      }
      return { row, form: await cachedDemarcheForm(services, conn, tenant.id, row.demarche_id) };
    });
    if (!detail) throw notFound;
    const { row, form } = detail;
    const { events, documents } = row;
    return sendHtml(
      reply,
      myRequestPage(citizenContext(request, session), {
        reference: row.reference,
        demarcheTitle: row.demarche_title,
        status: row.status,
        submittedAt: new Date(row.submitted_at),
        dueOn: row.due_on,
        events: events.map((e) => ({
          id: e.id,
          kind: e.kind,
          at: new Date(e.created_at),
          statusTo: e.status_to,
          body: e.body,
          author: e.author_kind,
        })),
        documents: documents.map((d) => ({
          id: d.id,
          eventId: d.event_id,
          filename: d.filename,
          sizeBytes: d.size_bytes,
        })),
        answers: presentAnswers(form, row.data),
        identity: verifiedIdentity(row.data),
      }),
    );
  });

  scope.get('/mon-espace/messages', async (request, reply) => {
    const session = await requireCitizen(request, services);
    const tenant = requireTenant(request);
    const messages = await inTenant(services.db, tenant.id, (trx) => listMyMessages(trx, session.citizenId));
    return sendHtml(reply, myMessagesPage(citizenContext(request, session), messages));
  });

  scope.get('/mon-espace/preferences', async (request, reply) => {
    const session = await requireCitizen(request, services);
    const notice = queryParam(request, 'enregistre') === '1' ? 'Vos préférences sont enregistrées.' : undefined;
    return sendHtml(
      reply,
      preferencesPage(citizenContext(request, session), {
        value: readPreferences(session.citizen.preferences),
        errors: [],
        notice,
      }),
    );
  });

  scope.post('/mon-espace/preferences', async (request, reply) => {
    const session = await requireCitizen(request, services);
    const tenant = requireTenant(request);
    const body = readFormBody(request);
    const form = parseForm(preferencesForm, body.fields);
    if (!form.ok) {
      // What was chosen and typed comes back; an unknown choice shows as none.
      const needs = body.fields.needs ?? [];
      const kept = readPreferences({
        channel: fieldValue(body, 'channel'),
        language: fieldValue(body, 'language'),
        needs: Array.isArray(needs) ? needs : [needs],
      });
      return sendHtml(
        reply,
        preferencesPage(citizenContext(request, session), {
          value: { ...kept, needsText: fieldValue(body, 'needsText') },
          errors: form.errors,
        }),
        400,
      );
    }
    await inTenant(services.db, tenant.id, (trx) =>
      updatePreferences(trx, {
        citizenId: session.citizenId,
        stored: session.citizen.preferences,
        chosen: form.value,
        now: now(),
      }),
    );
    return reply.redirect(url(request, '/mon-espace/preferences?enregistre=1'), 303);
  });

  scope.get('/mon-espace/sessions', async (request, reply) => {
    const session = await requireCitizen(request, services);
    const tenant = requireTenant(request);
    const sessions = await inTenant(services.db, tenant.id, (trx) => listMySessions(trx, session.citizenId, now()));
    const notice = queryParam(request, 'revoque') === '1' ? 'L’appareil est déconnecté.' : undefined;
    return sendHtml(reply, sessionsPage(citizenContext(request, session), { sessions, currentId: session.id, notice }));
  });

  scope.post('/mon-espace/sessions/revoquer', async (request, reply) => {
    const session = await requireCitizen(request, services);
    const tenant = requireTenant(request);
    const form = parseForm(revokeSessionForm, readFormBody(request).fields);
    // The field is the hidden id of a listed connection: there is no form to show again.
    if (!form.ok) throw new AppError('validation_failed', form.errors[0]!.message);
    const target = form.value.session;
    await inTenant(services.db, tenant.id, (trx) => revokeMySession(trx, session.citizenId, target));
    if (target === session.id) {
      forgetCurrentCitizen(request);
      clearCitizenCookie(reply);
      return reply.redirect(url(request, '/connexion?deconnexion=1'), 303);
    }
    return reply.redirect(url(request, '/mon-espace/sessions?revoque=1'), 303);
  });
}
