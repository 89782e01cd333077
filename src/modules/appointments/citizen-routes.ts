import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { withTenantConnection } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { parseForm, type FieldError } from '../../platform/web/form.ts';
import { readFormBody } from '../../platform/web/form-body.ts';
import { url } from '../../platform/web/layout.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import { typedValue } from '../../platform/web/typed-values.ts';
import type { Services } from '../../services.ts';
import { citizenContext } from '../citizens/citizen-page-context.ts';
import { checkInQrSvg } from '../counter/check-in-code.ts';
import { currentCitizen } from '../citizens/sessions.ts';
import { checklistOf, loadAppointment, siteLocation } from './appointment-details.ts';
import { bookAppointment, type BookingTenant } from './book-appointment.ts';
import { appointmentCalendar } from './calendar-file.ts';
import { cancelAppointment, moveAppointment } from './change-appointment.ts';
import { findSlots } from './find-slots.ts';
import { citizenBookingForm, moveForm, phoneE164, waitlistForm } from './forms.ts';
import { findManageLink } from './links.ts';
import { addDays, wallTimeOf } from './local-time.ts';
import { calendarEvent, managePath } from './messages.ts';
import { messageIdDomain } from '../../platform/mail.ts';
import {
  demarchesWithMotifs,
  motifById,
  motifsOfDemarche,
  publishedDemarche,
  sitesOfMotif,
  type MotifRow,
  type SiteRow,
} from './repository.ts';
import { resolveSlot } from './resolve-slot.ts';
import { slotIdOf } from './slot-id.ts';
import { assertOfferOpen, findOffer, joinWaitlist, markOfferAccepted } from './waitlist.ts';
import {
  demarchesPage,
  detailsPage,
  managePage,
  movePage,
  offerPage,
  placePage,
  slotsPage,
  type DetailsPageInput,
} from './views/booking-pages.ts';
import type { SlotChoice } from './views/slot-list.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const NOTICES: Record<string, string> = {
  reserve: 'Votre rendez-vous est confirmé. Un courriel vous a été envoyé avec le fichier pour votre agenda.',
  annule: 'Votre rendez-vous est annulé. Un courriel de confirmation vous a été envoyé.',
  deplace: 'Votre rendez-vous est déplacé. Un courriel vous a été envoyé avec le nouvel horaire.',
};

export function bookingTenant(request: FastifyRequest): BookingTenant {
  const t = requireTenant(request);
  return { id: t.id, name: t.name, kind: t.kind, contact: t.contact };
}

/** The week to show: from `du` (never before today) for seven days. */
export function weekFrom(raw: string, today: string): { from: string; to: string } {
  const from = DAY.test(raw) && raw > today && raw <= addDays(today, 400) ? raw : today;
  return { from, to: addDays(from, 6) };
}

export function slotChoices(
  slots: Awaited<ReturnType<typeof findSlots>>,
  motifId: string,
  sites: Map<string, string>,
): SlotChoice[] {
  return slots.map((s) => ({
    id: slotIdOf({ motifId, siteId: s.siteId, start: s.start }),
    start: s.start,
    siteName: sites.get(s.siteId) ?? '',
    remaining: s.remaining,
  }));
}

/**
 * The citizen's booking, without JavaScript and in few steps: démarche → lieu → jour et heure →
 * coordonnées; the appointment's page from the mailed link (cancel, move, .ics); the waiting list.
 */
export function registerAppointmentCitizenRoutes(app: FastifyInstance, services: Services): void {
  const limit = { config: { rateLimitBudget: 'appointment' } } as const;

  async function demarcheAndMotif(request: FastifyRequest, slug: string, motifParam: string) {
    const tenant = requireTenant(request);
    return withTenantConnection(services.db, tenant.id, async (conn) => {
      const demarche = await publishedDemarche(conn, slug);
      if (!demarche) throw new AppError('demarche_not_found', 'Cette démarche n’existe pas.');
      const motifs = await motifsOfDemarche(conn, demarche.id);
      if (motifs.length === 0) throw new AppError('not_found', 'Cette démarche ne se fait pas sur rendez-vous.');
      const motif = motifs.find((m) => m.id === motifParam) ?? motifs[0]!;
      const sites = await sitesOfMotif(conn, motif.id);
      return { demarche, motifs, motif, sites };
    });
  }

  app.get('/rendez-vous', async (request, reply) => {
    const tenant = requireTenant(request);
    const demarches = await withTenantConnection(services.db, tenant.id, (c) => demarchesWithMotifs(c));
    return sendHtml(reply, demarchesPage(citizenContext(request, await currentCitizen(request, services)), demarches));
  });

  app.get<{ Params: { slug: string } }>('/rendez-vous/:slug', async (request, reply) => {
    const { demarche, motifs, motif, sites } = await demarcheAndMotif(
      request,
      request.params.slug,
      queryParam(request, 'motif'),
    );
    const ctx = citizenContext(request, await currentCitizen(request, services));
    return sendHtml(reply, placePage(ctx, { demarche, motifs, sites, motifId: motif.id }));
  });

  async function renderSlots(
    request: FastifyRequest,
    reply: FastifyReply,
    params: { slug: string; motif: string; site: string; du: string },
    waitlist: {
      values: { jour: string; prenom: string; nom: string; courriel: string };
      errors: FieldError[];
      done: boolean;
    },
  ) {
    const tenant = requireTenant(request);
    const { demarche, motif, sites } = await demarcheAndMotif(request, params.slug, params.motif);
    const site = sites.find((s) => s.id === params.site) ?? null;
    const today = wallTimeOf(services.clock.now()).day;
    const { from, to } = weekFrom(params.du, today);
    const all = await findSlots(services, tenant.id, { motif, siteId: site?.id ?? null, from, to, includeFull: true });
    const free = all.filter((s) => s.remaining > 0);
    const freeDays = new Set(free.map((s) => wallTimeOf(s.start).day));
    const fullDays = [...new Set(all.map((s) => wallTimeOf(s.start).day))].filter((d) => !freeDays.has(d));
    const names = new Map(sites.map((s) => [s.id, s.name]));
    const ctx = citizenContext(request, await currentCitizen(request, services));
    return sendHtml(
      reply,
      slotsPage(ctx, {
        demarche,
        motif,
        site,
        from,
        to,
        previous: from > today ? (addDays(from, -7) < today ? today : addDays(from, -7)) : null,
        next: addDays(from, 7),
        slots: slotChoices(free, motif.id, names),
        fullDays,
        waitlist,
      }),
      waitlist.errors.length ? 400 : 200,
    );
  }

  app.get<{ Params: { slug: string } }>('/rendez-vous/:slug/creneaux', async (request, reply) => {
    const citizen = await currentCitizen(request, services);
    return renderSlots(
      request,
      reply,
      {
        slug: request.params.slug,
        motif: queryParam(request, 'motif'),
        site: queryParam(request, 'site'),
        du: queryParam(request, 'du'),
      },
      {
        values: {
          jour: '',
          prenom: citizen?.citizen.givenName ?? '',
          nom: citizen?.citizen.familyName ?? '',
          courriel: citizen?.citizen.email ?? '',
        },
        errors: [],
        done: queryParam(request, 'attente') === 'ok',
      },
    );
  });

  app.post<{ Params: { slug: string } }>('/rendez-vous/:slug/liste-attente', limit, async (request, reply) => {
    const tenant = requireTenant(request);
    const { fields } = readFormBody(request);
    const params = {
      slug: request.params.slug,
      motif: typedValue(fields, 'motif', 40),
      site: typedValue(fields, 'site', 40),
      du: typedValue(fields, 'jour', 10),
    };
    const values = {
      jour: typedValue(fields, 'jour', 10),
      prenom: typedValue(fields, 'prenom', 100),
      nom: typedValue(fields, 'nom', 100),
      courriel: typedValue(fields, 'courriel', 254),
    };
    const form = parseForm(waitlistForm, fields);
    if (!form.ok) return renderSlots(request, reply, params, { values, errors: form.errors, done: false });
    const { motif, sites } = await demarcheAndMotif(request, params.slug, params.motif);
    const site = sites.find((s) => s.id === params.site) ?? null;
    const day = form.value.jour;
    const slots = await findSlots(services, tenant.id, {
      motif,
      siteId: site?.id ?? null,
      from: day,
      to: day,
      includeFull: true,
    });
    if (!motif.waitingList || slots.length === 0 || slots.some((s) => s.remaining > 0)) {
      const message =
        slots.length === 0
          ? 'Ce jour-là, il n’y a pas de rendez-vous. Choisissez un autre jour.'
          : 'Ce jour-là, il reste des créneaux libres : choisissez-en un.';
      return renderSlots(request, reply, params, { values, errors: [{ field: 'jour', message }], done: false });
    }
    await joinWaitlist(services, tenant.id, {
      motifId: motif.id,
      siteId: site?.id ?? null,
      day,
      givenName: form.value.prenom,
      familyName: form.value.nom,
      email: form.value.courriel,
      phone: null,
    });
    return reply.redirect(
      url(
        request,
        `/rendez-vous/${params.slug}/creneaux?motif=${motif.id}&site=${site?.id ?? ''}&du=${day}&attente=ok`,
      ),
      303,
    );
  });

  async function renderDetails(
    request: FastifyRequest,
    reply: FastifyReply,
    slug: string,
    slotId: string,
    form: { values?: DetailsPageInput['values']; errors: FieldError[]; notice?: string },
    status = 200,
  ) {
    const tenant = requireTenant(request);
    const session = await currentCitizen(request, services);
    const { demarche } = await demarcheAndMotif(request, slug, '');
    const found = await withTenantConnection(services.db, tenant.id, async (conn) => {
      const { motif, slot } = await resolveSlot(services, tenant.id, slotId, conn);
      const site = (await sitesOfMotif(conn, motif.id)).find((s) => s.id === slot.siteId);
      return { motif, slot, site };
    });
    const verified = session?.method === 'franceconnect' && session.citizen.identityVerifiedAt !== null;
    const c = session?.citizen;
    const values = form.values ?? {
      prenom: c?.givenName ?? '',
      nom: c?.familyName ?? '',
      courriel: c?.email ?? '',
      telephone: '',
      sms: false,
    };
    if (verified && c) Object.assign(values, { prenom: c.givenName ?? values.prenom, nom: c.familyName ?? values.nom });
    return sendHtml(
      reply,
      detailsPage(citizenContext(request, session), {
        demarche,
        motif: found.motif,
        slotId,
        slot: {
          id: slotId,
          start: found.slot.start,
          remaining: found.slot.remaining,
          siteName: found.site?.name ?? '',
          siteAddress: found.site ? siteLocationOf(found.site) : '',
        },
        checklist: checklistOf(found.motif.documents, demarche.sections),
        values,
        errors: form.errors,
        verified,
        signedIn: session !== null,
        ...(form.notice ? { notice: form.notice } : {}),
      }),
      status,
    );
  }

  app.get<{ Params: { slug: string } }>('/rendez-vous/:slug/coordonnees', async (request, reply) =>
    renderDetails(request, reply, request.params.slug, queryParam(request, 'creneau'), { errors: [] }),
  );

  app.post<{ Params: { slug: string } }>('/rendez-vous/:slug/coordonnees', limit, async (request, reply) => {
    const { fields } = readFormBody(request);
    const slotId = typedValue(fields, 'creneau', 200);
    const values = {
      prenom: typedValue(fields, 'prenom', 100),
      nom: typedValue(fields, 'nom', 100),
      courriel: typedValue(fields, 'courriel', 254),
      telephone: typedValue(fields, 'telephone', 40),
      sms: typedValue(fields, 'sms', 10) !== '',
    };
    const again = (errors: FieldError[], status = 400) =>
      renderDetails(request, reply, request.params.slug, slotId, { values, errors }, status);
    const form = parseForm(citizenBookingForm, fields);
    if (!form.ok) return again(form.errors);
    const phone = form.value.telephone ? phoneE164(form.value.telephone) : null;
    if (form.value.telephone && !phone)
      return again([{ field: 'telephone', message: 'Indiquez un numéro de téléphone, par exemple 06 12 34 56 78.' }]);
    if (form.value.sms && !phone)
      return again([{ field: 'telephone', message: 'Indiquez un numéro de portable pour recevoir les SMS.' }]);
    const session = await currentCitizen(request, services);
    const verified = session?.method === 'franceconnect' && session.citizen.identityVerifiedAt !== null;
    try {
      const result = await bookAppointment(services, bookingTenant(request), {
        slotId,
        givenName: verified ? (session!.citizen.givenName ?? form.value.prenom) : form.value.prenom,
        familyName: verified ? (session!.citizen.familyName ?? form.value.nom) : form.value.nom,
        email: form.value.courriel,
        phone,
        smsReminders: form.value.sms,
        channel: 'web',
        citizenId: session?.citizenId ?? null,
        baseUrl: requestBaseUrl(services.config, request),
      });
      return reply.redirect(url(request, `${managePath(result.manageToken)}?fait=reserve`), 303);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.code === 'appointment_overlap' || err.code === 'email_required')
        return again([{ field: err.code === 'email_required' ? 'courriel' : 'prenom', message: err.message }], 409);
      if (err.code === 'slot_full') {
        // Someone took it meanwhile: the same form, for the next free slot, with what was typed.
        const next = ((err.details as { next_slots?: { id: string }[] })?.next_slots ?? [])[0];
        if (!next) return reply.redirect(url(request, `/rendez-vous/${request.params.slug}/creneaux`), 303);
        return renderDetails(
          request,
          reply,
          request.params.slug,
          next.id,
          {
            values,
            errors: [],
            notice:
              'Ce créneau vient d’être réservé par quelqu’un d’autre. Voici le prochain créneau libre : confirmez-le ou choisissez-en un autre.',
          },
          409,
        );
      }
      throw err;
    }
  });

  /** The appointment a mailed link names; the link itself, to say whether it was used. */
  async function byToken(request: FastifyRequest, token: string) {
    const tenant = requireTenant(request);
    const found = await withTenantConnection(services.db, tenant.id, async (conn) => {
      const link = await findManageLink(conn, token);
      if (!link) return null;
      const a = await loadAppointment(conn, { id: link.appointmentId });
      return a ? { link, a } : null;
    });
    if (!found)
      throw new AppError(
        'appointment_not_found',
        'Ce lien ne correspond à aucun rendez-vous. Vérifiez le lien du courriel.',
      );
    return found;
  }

  app.get<{ Params: { token: string } }>('/rendez-vous/gerer/:token', async (request, reply) => {
    const { link, a } = await byToken(request, request.params.token);
    const now = services.clock.now().getTime();
    const changeable = a.status === 'booked' && now < a.start.getTime() - a.motif.cancelUntilMinutes * 60_000;
    reply.header('cache-control', 'no-store');
    const notice = NOTICES[queryParam(request, 'fait')];
    return sendHtml(
      reply,
      managePage(citizenContext(request, await currentCitizen(request, services)), {
        a,
        token: request.params.token,
        changeable,
        linkUsed: link.usedAt !== null && link.usedFor !== 'cancel',
        ...(notice ? { notice } : {}),
        ...(a.status === 'booked' && a.motif.mode !== 'phone'
          ? { checkInQr: await checkInQrSvg(requestBaseUrl(services.config, request), a.reference) }
          : {}),
      }),
    );
  });

  app.get<{ Params: { token: string } }>('/rendez-vous/gerer/:token/rendez-vous.ics', async (request, reply) => {
    const { a } = await byToken(request, request.params.token);
    const ics = appointmentCalendar(
      calendarEvent(a, { tenant: bookingTenant(request) }),
      messageIdDomain(services.config.mailFrom),
      a.status === 'cancelled' ? 'CANCEL' : 'PUBLISH',
    );
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', 'attachment; filename="rendez-vous.ics"')
      .type('text/calendar; charset=utf-8')
      .send(ics);
  });

  app.post<{ Params: { token: string } }>('/rendez-vous/gerer/:token/annuler', async (request, reply) => {
    requireConfirmation(request);
    const { a } = await byToken(request, request.params.token);
    await cancelAppointment(services, bookingTenant(request), {
      appointmentId: a.id,
      actor: { kind: 'citizen', token: request.params.token },
      baseUrl: requestBaseUrl(services.config, request),
    });
    return reply.redirect(url(request, `${managePath(request.params.token)}?fait=annule`), 303);
  });

  async function renderMove(
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    errors: FieldError[],
    status = 200,
  ) {
    const tenant = requireTenant(request);
    const { a } = await byToken(request, token);
    const today = wallTimeOf(services.clock.now()).day;
    const { from, to } = weekFrom(queryParam(request, 'du'), today);
    const { motif, sites } = await withTenantConnection(services.db, tenant.id, async (c) => {
      const m = (await motifById(c, a.motif.id)) as MotifRow;
      return { motif: m, sites: await sitesOfMotif(c, m.id) };
    });
    const slots = await findSlots(services, tenant.id, { motif, siteId: null, from, to });
    const names = new Map(sites.map((s: SiteRow) => [s.id, s.name]));
    return sendHtml(
      reply,
      movePage(citizenContext(request, await currentCitizen(request, services)), {
        a,
        token,
        slots: slotChoices(
          slots.filter((s) => s.start.getTime() !== a.start.getTime()),
          motif.id,
          names,
        ),
        errors,
        from,
        next: addDays(from, 7),
      }),
      status,
    );
  }

  app.get<{ Params: { token: string } }>('/rendez-vous/gerer/:token/deplacer', async (request, reply) =>
    renderMove(request, reply, request.params.token, []),
  );

  app.post<{ Params: { token: string } }>('/rendez-vous/gerer/:token/deplacer', limit, async (request, reply) => {
    const { fields } = readFormBody(request);
    const form = parseForm(moveForm, fields);
    if (!form.ok) return renderMove(request, reply, request.params.token, form.errors, 400);
    const { a } = await byToken(request, request.params.token);
    try {
      const moved = await moveAppointment(services, bookingTenant(request), {
        appointmentId: a.id,
        actor: { kind: 'citizen', token: request.params.token },
        slotId: form.value.creneau,
        baseUrl: requestBaseUrl(services.config, request),
      });
      return reply.redirect(url(request, `${managePath(moved.manageToken)}?fait=deplace`), 303);
    } catch (err) {
      if (err instanceof AppError && (err.code === 'slot_full' || err.code === 'appointment_overlap'))
        return renderMove(request, reply, request.params.token, [{ field: 'creneau', message: err.message }], 409);
      throw err;
    }
  });

  app.get<{ Params: { token: string } }>('/rendez-vous/offre/:token', async (request, reply) => {
    const tenant = requireTenant(request);
    const offer = await findOffer(services, tenant.id, request.params.token);
    assertOfferOpen(offer);
    const info = await withTenantConnection(services.db, tenant.id, async (conn) => {
      try {
        const { motif, slot } = await resolveSlot(services, tenant.id, offer.slotId, conn);
        const site = (await sitesOfMotif(conn, motif.id)).find((s) => s.id === slot.siteId);
        return { motifName: motif.name, siteName: site?.name ?? '', available: slot.remaining > 0 };
      } catch (err) {
        if (err instanceof AppError) return { motifName: '', siteName: '', available: false };
        throw err;
      }
    });
    return sendHtml(
      reply,
      offerPage(citizenContext(request, await currentCitizen(request, services)), {
        token: request.params.token,
        start: offer.start,
        ...info,
      }),
    );
  });

  app.post<{ Params: { token: string } }>('/rendez-vous/offre/:token', limit, async (request, reply) => {
    requireConfirmation(request);
    const tenant = requireTenant(request);
    const offer = await findOffer(services, tenant.id, request.params.token);
    assertOfferOpen(offer);
    const result = await bookAppointment(services, bookingTenant(request), {
      slotId: offer.slotId,
      givenName: offer.person.givenName,
      familyName: offer.person.familyName,
      email: offer.person.email,
      phone: offer.person.phone,
      smsReminders: false,
      channel: 'web',
      baseUrl: requestBaseUrl(services.config, request),
    });
    await markOfferAccepted(services, tenant.id, offer, result.appointment.id);
    return reply.redirect(url(request, `${managePath(result.manageToken)}?fait=reserve`), 303);
  });
}

function siteLocationOf(s: SiteRow): string {
  return siteLocation({ ...s, postalCode: s.postal_code, accessInfo: s.access_info });
}

/**
 * The button of a one-way action (cancel, take an offered place) sends `confirmer=oui`: a post
 * without it (a link followed by a robot, a forged form) changes nothing.
 */
export function requireConfirmation(request: FastifyRequest): void {
  const { fields } = readFormBody(request);
  if (typedValue(fields, 'confirmer', 10) !== 'oui')
    throw new AppError('validation_failed', 'Le formulaire est incomplet : rechargez la page et recommencez.');
}
