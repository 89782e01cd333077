import type { Tx } from '../../db/tenant-scope.ts';
import { inTenant, withTenantConnection } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { formatDateFr, formatDateTimeFr } from '../../platform/format.ts';
import { mailContactLines, mailSignature } from '../../platform/mail-sender.ts';
import { renderMail } from '../../platform/mail-template.ts';
import { queueMail } from '../../platform/mail.ts';
import { randomString } from '../../platform/security/random.ts';
import type { Services } from '../../services.ts';
import { checklistOf } from './appointment-details.ts';
import type { BookingTenant } from './book-appointment.ts';
import { hashLinkToken, isLinkToken } from './links.ts';
import { wallTimeOf } from './local-time.ts';
import { slotIdOf } from './slot-id.ts';

/**
 * The waiting list for a full day (decision 39). A freed place (cancellation, move) is offered to
 * the first person waiting for that motif and day (and site, when they chose one), by a mail with
 * a single-use link; whoever clicks first on a free place books it. Each person gets at most one
 * offer a day and three in all (`offers_sent`, `last_offer_on`), then leaves the list: nobody is
 * flooded, whatever the number of cancellations.
 */

export const MAX_OFFERS = 3;

export interface WaitlistInput {
  motifId: string;
  siteId: string | null;
  day: string;
  givenName: string;
  familyName: string;
  email: string;
  phone: string | null;
}

export async function joinWaitlist(services: Services, tenantId: string, input: WaitlistInput): Promise<void> {
  await inTenant(services.db, tenantId, async (trx) => {
    await trx
      .insertInto('appointment_waitlist')
      .values({
        tenant_id: tenantId,
        motif_id: input.motifId,
        site_id: input.siteId,
        day: input.day,
        given_name: input.givenName,
        family_name: input.familyName,
        email: input.email,
        phone: input.phone,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  });
}

/** Offers a freed place to the next person waiting, in the caller's transaction; returns whether one was offered. */
export async function offerFreedSlot(
  services: Services,
  trx: Tx,
  tenant: BookingTenant,
  freed: { motifId: string; siteId: string; start: Date },
  baseUrl: string,
): Promise<boolean> {
  const now = services.clock.now();
  if (freed.start.getTime() <= now.getTime()) return false;
  const today = wallTimeOf(now).day;
  const day = wallTimeOf(freed.start).day;
  const entry = await trx
    .selectFrom('appointment_waitlist')
    .select(['id', 'given_name', 'family_name', 'email', 'offers_sent'])
    .where('motif_id', '=', freed.motifId)
    .where('day', '=', day)
    .where('status', '=', 'waiting')
    .where('offers_sent', '<', MAX_OFFERS)
    .where((eb) => eb.or([eb('site_id', 'is', null), eb('site_id', '=', freed.siteId)]))
    .where((eb) => eb.or([eb('last_offer_on', 'is', null), eb('last_offer_on', '<', today)]))
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
  if (!entry) return false;
  const token = randomString(32, 'base64url');
  await trx
    .insertInto('appointment_offers')
    .values({
      tenant_id: tenant.id,
      waitlist_id: entry.id,
      resource_id: (await firstResourceOfSite(trx, freed.motifId, freed.siteId))!,
      starts_at: freed.start,
      token_hash: hashLinkToken(token),
    })
    .execute();
  const sent = entry.offers_sent + 1;
  await trx
    .updateTable('appointment_waitlist')
    .set({ offers_sent: sent, last_offer_on: today, status: sent >= MAX_OFFERS ? 'exhausted' : 'waiting' })
    .where('id', '=', entry.id)
    .execute();
  const motif = await trx
    .selectFrom('appointment_motifs as m')
    .innerJoin('demarches as d', (j) => j.onRef('d.tenant_id', '=', 'm.tenant_id').onRef('d.id', '=', 'm.demarche_id'))
    .innerJoin('appointment_sites as s', (j) =>
      j.on('s.id', '=', freed.siteId).onRef('s.tenant_id', '=', 'm.tenant_id'),
    )
    .select(['m.name', 'm.documents', 'd.title', 'd.sections', 's.name as site_name'])
    .where('m.id', '=', freed.motifId)
    .executeTakeFirstOrThrow();
  const checklist = checklistOf(motif.documents, motif.sections);
  await queueMail(
    trx,
    tenant.id,
    renderMail({
      to: entry.email,
      subject: `Une place s’est libérée le ${formatDateFr(day)} – ${tenant.name}`,
      greeting: `Bonjour ${entry.given_name} ${entry.family_name},`,
      blocks: [
        {
          kind: 'paragraph',
          text: `Une place s’est libérée pour « ${motif.name} » le ${formatDateTimeFr(freed.start)}, ${motif.site_name}. La première personne qui la réserve l’obtient.`,
        },
        { kind: 'button', label: 'Réserver cette place', url: `${baseUrl}/rendez-vous/offre/${token}` },
        ...(checklist.length
          ? [
              { kind: 'heading' as const, text: 'Ce qu’il faut apporter' },
              { kind: 'list' as const, items: checklist },
            ]
          : []),
        {
          kind: 'paragraph',
          text:
            sent >= MAX_OFFERS
              ? 'C’était notre dernière proposition : vous ne recevrez plus d’autre courriel de la liste d’attente pour ce jour.'
              : `Nous vous envoyons au plus une proposition par jour, et ${MAX_OFFERS} en tout.`,
        },
      ],
      signature: mailSignature(tenant),
      contact: mailContactLines(tenant.contact),
    }),
  );
  return true;
}

async function firstResourceOfSite(trx: Tx, motifId: string, siteId: string): Promise<string | undefined> {
  const row = await trx
    .selectFrom('appointment_motif_resources as mr')
    .innerJoin('appointment_resources as r', (j) =>
      j.onRef('r.tenant_id', '=', 'mr.tenant_id').onRef('r.id', '=', 'mr.resource_id'),
    )
    .select('r.id')
    .where('mr.motif_id', '=', motifId)
    .where('r.site_id', '=', siteId)
    .orderBy('r.position')
    .executeTakeFirst();
  return row?.id;
}

export interface Offer {
  id: string;
  waitlistId: string;
  slotId: string;
  start: Date;
  acceptedAt: Date | null;
  person: { givenName: string; familyName: string; email: string; phone: string | null };
}

/** The offer a mailed link names, or null. */
export async function findOffer(services: Services, tenantId: string, token: string): Promise<Offer | null> {
  if (!isLinkToken(token)) return null;
  return withTenantConnection(services.db, tenantId, async (conn) => {
    const row = await conn
      .selectFrom('appointment_offers as o')
      .innerJoin('appointment_waitlist as w', (j) =>
        j.onRef('w.tenant_id', '=', 'o.tenant_id').onRef('w.id', '=', 'o.waitlist_id'),
      )
      .innerJoin('appointment_resources as r', (j) =>
        j.onRef('r.tenant_id', '=', 'o.tenant_id').onRef('r.id', '=', 'o.resource_id'),
      )
      .select([
        'o.id',
        'o.waitlist_id',
        'o.starts_at',
        'o.accepted_at',
        'w.motif_id',
        'r.site_id',
        'w.given_name',
        'w.family_name',
        'w.email',
        'w.phone',
      ])
      .where('o.token_hash', '=', hashLinkToken(token))
      .executeTakeFirst();
    if (!row) return null;
    return {
      id: row.id,
      waitlistId: row.waitlist_id,
      slotId: slotIdOf({ motifId: row.motif_id, siteId: row.site_id, start: row.starts_at }),
      start: row.starts_at,
      acceptedAt: row.accepted_at,
      person: { givenName: row.given_name, familyName: row.family_name, email: row.email, phone: row.phone },
    };
  });
}

/** Records that an offer was taken (after its booking committed). */
export async function markOfferAccepted(services: Services, tenantId: string, offer: Offer, appointmentId: string) {
  await inTenant(services.db, tenantId, async (trx) => {
    await trx
      .updateTable('appointment_offers')
      .set({ accepted_at: services.clock.now(), appointment_id: appointmentId })
      .where('id', '=', offer.id)
      .execute();
    await trx
      .updateTable('appointment_waitlist')
      .set({ status: 'booked' })
      .where('id', '=', offer.waitlistId)
      .execute();
  });
}

/** An offer already taken cannot be taken again. */
export function assertOfferOpen(offer: Offer | null): asserts offer is Offer {
  if (!offer) throw new AppError('appointment_not_found', 'Ce lien ne correspond à aucune proposition.');
  if (offer.acceptedAt) throw new AppError('link_already_used', 'Vous avez déjà réservé cette place.');
}
