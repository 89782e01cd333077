import { itemReplyAddress, tenantInboundAddress } from '../inbound-mail/inbound-address.ts';
import type { Services } from '../../services.ts';
import { inTenant, type Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import type { UploadedFile } from '../../platform/web/form-body.ts';
import type { FormDefinition } from '../catalogue/form-definition.ts';
import { cachedFormDefinition } from './form-engine/definition-cache.ts';
import { consentsGivenOnForm } from '../privacy/consents.ts';
import { findOrCreatePerson } from '../people/find-or-create-person.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { checkUploadedFile, storedFilename } from './file-check.ts';
import { lockedAnswers, verifiedAnswers, type IdentityClaims } from './form-engine/claims.ts';
import { allFields, anchorOf, validateAnswers, type FieldError, type RawAnswers } from './form-engine/validate.ts';
import { submissionMail } from './notifications.ts';
import { generateReference, generateTrackingSecret, hashTrackingSecret } from './reference.ts';
import { findOnlineDemarche, insertDocument, insertSubmission } from './repository.ts';
import { sealTrackingSecret } from './tracking-seal.ts';
import { cachedTenantCalendar } from './tenant-calendar.ts';
import { addWorkingDays, DEFAULT_TIME_ZONE, localDateAndHour } from './working-days.ts';
import { recordRoute, routableAnswers, routeItem } from './route-item.ts';
import { STATE_DATA_KEY, type ObtainedStateData } from '../state-data/obtained.ts';

/** Committed delay when a démarche with a form declares none (the confirmation always promises a date). */
export const DEFAULT_DELAY_DAYS = 15;

export interface SubmitRequestInput {
  demarcheSlug: string;
  answers: RawAnswers;
  files: UploadedFile[];
  /** 'en-ligne' (portal), 'api', … */
  channel?: string;
  /** Absolute URL of the tenant's portal, for the links in the confirmation mail. */
  baseUrl: string;
  /**
   * The signed-in citizen, if any: the request is linked to their account. Under FranceConnect,
   * `verifiedClaims` fill the fields that declare them (form-engine/claims.ts), replacing
   * whatever the form sent, and are kept with the request as the identity it was filed under,
   * with `verifiedAt` (when FranceConnect verified them).
   */
  citizen?: {
    id: string;
    identitySource: 'franceconnect' | null;
    verifiedClaims?: IdentityClaims | null;
    verifiedAt?: Date | null;
  };
  /**
   * An agent files the démarche for a citizen on the phone or at the counter, with their consent
   * (file-request-on-behalf.ts): the request records the agent, and its timeline says so.
   */
  filedBy?: { agentId: string; body: string };
  /** The citizen record, when the agent filing it chose one; otherwise found or created at intake. */
  personId?: string | null;
  /**
   * What API Particulier gave on this form (state-data module), already checked; kept only when
   * its consent box is still ticked, under `_state_data` in the answers (decision 31).
   */
  stateData?: ObtainedStateData[];
}

export type SubmitRequestResult =
  | {
      ok: true;
      request: { id: string; reference: string; secret: string; dueOn: string };
      /**
       * Locked fields for which the form sent a value other than the verified one (a tampered
       * form): ignored. Names only, for the caller's log: never the values.
       */
      ignoredFields: string[];
    }
  | { ok: false; errors: FieldError[]; filesToReattach: string[] };

type OnlineDemarche = Awaited<ReturnType<typeof findOnlineDemarche>> | null;

/** The démarche and its form, or a 404 when it cannot be done online. */
export async function loadOnlineForm(
  services: Services,
  tenant: Tenant,
  slug: string,
): Promise<{
  id: string;
  serviceId: string;
  slug: string;
  title: string;
  summary: string;
  delayDays: number;
  /** Its themes (LIFE_EVENTS slugs), for routing. */
  themes: string[];
  form: FormDefinition;
}> {
  // Form pages and submissions read the same few démarches all day: keep them a minute.
  const d = await services.caches
    .named<OnlineDemarche>('online-demarches', { ttlMs: 60_000 })
    .getOrLoad(
      `${tenant.id}:${slug}`,
      async () => (await inTenant(services.db, tenant.id, (trx) => findOnlineDemarche(trx, slug))) ?? null,
    );
  const form = d ? cachedFormDefinition(d.form) : null;
  if (!d || d.kind !== 'demarche' || !form) {
    throw new AppError('demarche_not_found', "Cette démarche n'existe pas ou ne peut pas se faire en ligne.");
  }
  return {
    id: d.id,
    serviceId: d.service_id,
    slug: d.slug,
    title: d.title,
    summary: d.summary,
    delayDays: d.delay_days ?? DEFAULT_DELAY_DAYS,
    themes: d.life_events,
    form,
  };
}

function parisToday(now: Date): string {
  return localDateAndHour(now, DEFAULT_TIME_ZONE).date;
}

/**
 * Files a citizen's request: validates the answers and files against the démarche's form,
 * then in one transaction stores the request, its first timeline event, its documents and the
 * confirmation mail. The caller acknowledges only after this resolves, i.e. after the commit.
 */
export async function submitRequest(
  services: Services,
  tenant: Tenant,
  input: SubmitRequestInput,
): Promise<SubmitRequestResult> {
  const demarche = await loadOnlineForm(services, tenant, input.demarcheSlug);
  const now = services.clock.now();
  const filesOf = (name: string) => input.files.filter((f) => f.fieldName === name);
  const claims = input.citizen?.identitySource ? input.citizen.verifiedClaims : null;
  const verified = claims ? verifiedAnswers(demarche.form, claims, input.answers) : {};
  // A locked field has no input on the page: a value sent for it that differs was not typed.
  const locked = claims ? lockedAnswers(demarche.form, claims) : {};
  const ignoredFields = Object.keys(locked).filter((name) => {
    const sent = input.answers[name];
    const value = (Array.isArray(sent) ? sent[0] : sent)?.trim();
    return value !== undefined && value !== '' && value !== locked[name];
  });
  const answers = { ...input.answers, ...verified };
  const result = validateAnswers(demarche.form, answers, (name) => filesOf(name).length, parisToday(now));

  const errors = [...result.errors];
  const accepted: { fieldName: string; filename: string; mimeType: string; data: Buffer }[] = [];
  for (const field of result.fileFields) {
    for (const file of filesOf(field.name)) {
      const check = await checkUploadedFile(file, field.accept);
      if (check.ok)
        accepted.push({
          fieldName: field.name,
          filename: storedFilename(file.filename, check.mimeType),
          mimeType: check.mimeType,
          data: file.data,
        });
      else errors.push({ field: field.name, anchor: anchorOf(field), message: check.message });
    }
  }
  if (errors.length > 0) {
    // Files are not kept across a failed attempt: say which ones to add again.
    const filesToReattach = [
      ...new Set(
        input.files.filter((f) => result.fileFields.some((ff) => ff.name === f.fieldName)).map((f) => f.fieldName),
      ),
    ];
    return { ok: false, errors, filesToReattach };
  }

  const data: Record<string, unknown> = { ...result.answers };
  if (claims) {
    data._identity = {
      source: input.citizen!.identitySource,
      verified_at: (input.citizen!.verifiedAt ?? now).toISOString(),
      // The fields whose answer is the verified value, shown as such wherever the request is.
      fields: Object.keys(verified).filter((name) => name in result.answers),
      ...Object.fromEntries(Object.entries(claims).map(([k, v]) => [k, v ?? null])),
    };
  }
  const consentedStateData = (input.stateData ?? []).filter((d) =>
    allFields(demarche.form).some(
      (f) => f.stateData?.kind === d.kind && f.consent === true && result.answers[f.name] === true,
    ),
  );
  if (consentedStateData.length > 0) data[STATE_DATA_KEY] = consentedStateData;
  for (const field of result.fileFields)
    data[field.name] = accepted.filter((f) => f.fieldName === field.name).map((f) => f.filename);
  const givenName = String(result.answers.applicant_given_name ?? '');
  const familyName = String(result.answers.applicant_family_name ?? '');
  const email = typeof result.answers.applicant_email === 'string' ? result.answers.applicant_email : null;
  const phone = typeof result.answers.applicant_phone === 'string' ? result.answers.applicant_phone : null;
  const dueOn = addWorkingDays(now, demarche.delayDays, await cachedTenantCalendar(services, tenant.id));
  const secret = generateTrackingSecret();

  const applicantName = `${givenName} ${familyName}`.trim();
  const consents = consentsGivenOnForm({
    demarcheId: demarche.id,
    citizenId: input.citizen?.id ?? null,
    form: demarche.form,
    answers: result.answers,
    now,
  });
  const channel = input.channel ?? 'en-ligne';
  const route = await routeItem(services, tenant.id, {
    demarcheId: demarche.id,
    themes: demarche.themes,
    channel,
    ...routableAnswers(result.answers),
    defaultServiceId: demarche.serviceId,
  });
  const store = async (conn: Tx) => {
    // The citizen record first: the request points at it, in the same transaction.
    const personId =
      input.personId ??
      (await findOrCreatePerson(
        conn,
        tenant.id,
        input.citizen
          ? { kind: 'account', citizenId: input.citizen.id }
          : { kind: 'contact', name: applicantName, givenName, familyName, email, phone },
      ));
    // References are random: retry on the (very rare) collision instead of revealing a sequence.
    for (let attempt = 0; attempt < 5; attempt++) {
      const reference = generateReference(tenant.referencePrefix, Number(parisToday(now).slice(0, 4)));
      const mail = email
        ? {
            to: email,
            // The citizen's answer to this mail comes back onto the request (plus-addressing).
            replyTo: itemReplyAddress(
              tenantInboundAddress(tenant, services.config.inbound.domain),
              services.config.sessionSecret,
              { tenantId: tenant.id, reference },
            ),
            ...submissionMail({
              tenant,
              reference,
              secret,
              demarcheTitle: demarche.title,
              applicantName,
              dueOn,
              delayDays: demarche.delayDays,
              baseUrl: input.baseUrl,
            }),
          }
        : null;
      const inserted = await insertSubmission(conn, {
        tenantId: tenant.id,
        reference,
        demarcheId: demarche.id,
        serviceId: route.serviceId,
        channel,
        data,
        applicantName: applicantName || null,
        applicantEmail: email,
        applicantPhone: phone,
        trackingSecretHash: hashTrackingSecret(secret),
        trackingSecretSealed: sealTrackingSecret(
          services.config.sessionSecret,
          { tenantId: tenant.id, reference },
          secret,
        ),
        dueOn,
        citizenId: input.citizen?.id ?? null,
        identitySource: input.citizen?.identitySource ?? null,
        personId,
        consents,
        mail,
        filedBy: input.filedBy ?? null,
      });
      if (!inserted) continue;
      for (const f of accepted) {
        await insertDocument(conn, {
          tenantId: tenant.id,
          requestId: inserted.id,
          eventId: inserted.eventId,
          fieldName: f.fieldName,
          filename: f.filename,
          mimeType: f.mimeType,
          content: f.data,
        });
      }
      await recordRoute(conn, { tenantId: tenant.id, requestId: inserted.id, route, now });
      return { id: inserted.id, reference };
    }
    throw new AppError('conflict', "La demande n'a pas pu être enregistrée. Réessayez.");
  };
  // The record, the request (its event, consents and mail in one statement) and its files commit together.
  const created = await inTenant(services.db, tenant.id, store);
  services.mail.kick();
  return { ok: true, request: { id: created.id, reference: created.reference, secret, dueOn }, ignoredFields };
}
