import type { Services } from '../../services.ts';
import { inTenant, type Tx } from '../../db/tenant-scope.ts';
import { loopToken, messageIdDomain, outboxRow, type OutgoingMail } from '../../platform/mail.ts';
import { tenantBaseUrl } from '../../platform/web/public-url.ts';
import { ensureContactDemarche, type ContactDemarche } from '../catalogue/contact-demarche.ts';
import { checkUploadedFile, storedFilename } from '../requests/file-check.ts';
import { normalizeReference } from '../requests/reference.ts';
import { insertDocument } from '../requests/repository.ts';
import { openItem } from '../requests/open-item.ts';
import { recordRoute, routeItem } from '../requests/route-item.ts';
import { loadTenant } from '../tenants/resolve-tenant.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { acknowledgementMail } from './acknowledgement-mail.ts';
import { itemReplyAddress, referenceOfReplyTag, splitPlusAddress, tenantInboundAddress } from './inbound-address.ts';
import { autoMailVerdict } from './loop-guard.ts';
import { parseInboundMail, type InboundMessage } from './parse-inbound-mail.ts';
import {
  findItemByReference,
  findOutboxMail,
  insertFailedAddress,
  insertInboundMail,
  insertInboundMailAcknowledged,
  insertItemEvent,
  itemEvent,
  listTenantHosts,
  resolveInboundAddress,
  touchItem,
} from './repository.ts';

/** A message the parser could not read at all (it reads most malformed MIME): refused for good. */
export class UnreadableMailError extends Error {}

/** The SMTP envelope: MAIL FROM ('' for the null return path `<>`) and the accepted RCPT TO. */
export interface InboundEnvelope {
  mailFrom: string | null;
  recipients: string[];
}

export type InboundOutcome =
  /** A new item, acknowledged or not (acknowledgement caps). */
  | {
      tenantId: string;
      outcome: 'created';
      requestId: string;
      reference: string;
      acknowledged: boolean;
      flaggedReplyTo?: string;
    }
  /** Added to an existing item as the citizen's message. */
  | { tenantId: string; outcome: 'threaded'; requestId: string; reference: string; threadedBy: ThreadedBy }
  /** Recorded and never answered: automatic mail, a bounce, our own mail. */
  | { tenantId: string; outcome: 'ignored'; reason: string }
  /** Already stored once (the claim said so): nothing written. */
  | { tenantId: string; outcome: 'duplicate' };

/**
 * Called first in the tenant's transaction, before anything is written: false means this message
 * was already stored, and nothing is. What the claim writes commits with the item, or not at
 * all: a source that redelivers (an IMAP folder) gets each message stored exactly once.
 */
export type InboundClaim = (trx: Tx, tenantId: string) => Promise<boolean>;

type ThreadedBy = 'subject_reference' | 'in_reply_to' | 'plus_address';

/** Acknowledgements per sender: at most 10 in 3 hours, 2 of them for the same subject. */
export const ACK_WINDOW_MS = 3 * 60 * 60 * 1000;
export const ACK_MAX_PER_ADDRESS = 10;
export const ACK_MAX_PER_SUBJECT = 2;
/** The longest text kept on the timeline; the whole message stays in inbound_mails. */
const MAX_EVENT_CHARS = 50_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The tenant an inbound address is for (its +tag set aside), or null: RCPT answers 550. */
export async function tenantOfInboundAddress(services: Services, address: string): Promise<Tenant | null> {
  const { base } = splitPlusAddress(address.trim());
  if (!/^[^@\s]+@[^@\s]+$/.test(base)) return null;
  return services.caches.named<Tenant | null>('inbound-addresses', { ttlMs: 60_000 }).getOrLoad(base, async () => {
    const id = await resolveInboundAddress(services.db, base, services.config.inbound.domain);
    return id ? loadTenant(services.db, id) : null;
  });
}

/**
 * Receives one raw message for the tenants of its recipients: parses it, then, in one
 * transaction per tenant, records it and either opens an item (acknowledged, within the caps),
 * threads it onto one, or only records it when a machine sent it (never answered: no loop).
 * Runs inside the SMTP transaction for now, so that « 250 » means committed; it takes only
 * data, so it can move onto a job queue as is.
 */
export async function receiveInboundMail(
  services: Services,
  raw: Buffer,
  envelope: InboundEnvelope,
): Promise<InboundOutcome[]> {
  const tenants = new Map<string, { tenant: Tenant; tags: (string | null)[] }>();
  for (const recipient of envelope.recipients) {
    const tenant = await tenantOfInboundAddress(services, recipient);
    if (!tenant) continue;
    const entry = tenants.get(tenant.id) ?? { tenant, tags: [] };
    entry.tags.push(splitPlusAddress(recipient).tag);
    tenants.set(tenant.id, entry);
  }
  if (tenants.size === 0) return [];
  const message = await parseOrRefuse(raw);
  const outcomes: InboundOutcome[] = [];
  for (const { tenant, tags } of tenants.values()) {
    outcomes.push(await receiveForTenant(services, tenant, message, envelope, tags));
  }
  if (outcomes.some((o) => o.outcome === 'created')) services.mail.kick();
  return outcomes;
}

async function parseOrRefuse(raw: Buffer): Promise<InboundMessage> {
  try {
    return await parseInboundMail(raw);
  } catch (err) {
    throw new UnreadableMailError((err as Error).message);
  }
}

/**
 * Receives one raw message read from a tenant's own mailbox (IMAP polling): the same pipeline as
 * the SMTP listener (loop guard, threading, acknowledgement), for a tenant known in advance. With
 * no SMTP envelope, the return path is the `Return-Path` header the delivering server wrote
 * (`<>` for a bounce), and the plus-address tags are read from the recipient headers. `claim`
 * runs in the same transaction (see InboundClaim).
 */
export async function receiveMailboxMessage(
  services: Services,
  tenant: Tenant,
  raw: Buffer,
  claim: InboundClaim,
): Promise<InboundOutcome> {
  const message = await parseOrRefuse(raw);
  const returnPath = message.header('return-path')[0]?.trim();
  const mailFrom = returnPath === undefined ? null : (/<([^<>]*)>/.exec(returnPath)?.[1] ?? returnPath).trim();
  const recipients = ['delivered-to', 'x-original-to', 'to', 'cc']
    .flatMap((name) => message.header(name))
    .flatMap((value) => value.match(/[^\s<>,;"]+@[^\s<>,;"]+/g) ?? []);
  const tags = [...new Set(recipients.map((r) => splitPlusAddress(r).tag).filter((t) => t !== null))];
  const outcome = await receiveForTenant(services, tenant, message, { mailFrom, recipients }, tags, claim);
  if (outcome.outcome === 'created') services.mail.kick();
  return outcome;
}

/** What every new item of a tenant needs and rarely changes: its démarche and the host of its links. */
interface TenantMailSetup {
  demarche: ContactDemarche;
  linkHost: { host: string } | { slug: string };
}

/** How long a tenant's mail setup is reused: a new host name shows in acknowledgements within a minute. */
const SETUP_TTL_MS = 60_000;

/**
 * The tenant's contact démarche (created if missing) and link host, read in a transaction of
 * their own and kept a minute: two fewer statements in the transaction of every message, which
 * is what bounds the messages a second (bench/inbound-mail.ts). The démarche is committed
 * before it is cached, so a message whose transaction rolls back leaves no id of a row that was
 * never written.
 */
function tenantMailSetup(services: Services, tenant: Tenant): Promise<TenantMailSetup> {
  return services.caches
    .named<TenantMailSetup>('inbound-tenant-setup', { ttlMs: SETUP_TTL_MS })
    .getOrLoad(tenant.id, () =>
      inTenant(services.db, tenant.id, async (trx) => ({
        demarche: await ensureContactDemarche(trx, tenant.id),
        linkHost: linkHost(await listTenantHosts(trx), tenant.slug),
      })),
    );
}

/** « Re: TR: Fwd: Objet » → « objet »: the key of the same-subject cap. */
export function subjectKey(subject: string): string {
  return subject
    .replace(/^(\s*(re|tr|fw|fwd|aw|réf|ref)\s*(\[\d+\])?\s*:\s*)+/i, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase()
    .slice(0, 200);
}

async function receiveForTenant(
  services: Services,
  tenant: Tenant,
  message: InboundMessage,
  envelope: InboundEnvelope,
  tags: (string | null)[],
  claim?: InboundClaim,
): Promise<InboundOutcome> {
  const now = services.clock.now();
  const domain = messageIdDomain(services.config.mailFrom);
  const setup = await tenantMailSetup(services, tenant);
  const fromAddress = message.fromAddress ?? (envelope.mailFrom ? envelope.mailFrom.toLowerCase() : null);
  const base = {
    tenant_id: tenant.id,
    received_at: now,
    message_id: message.messageId?.slice(0, 500) ?? null,
    from_address: fromAddress,
    from_name: message.fromName?.slice(0, 200) ?? null,
    subject: message.subject.slice(0, 1000),
    subject_key: subjectKey(message.subject),
    new_text: message.newText,
    quoted_text: message.quoted,
    html_sanitised: message.htmlSanitised,
    size_bytes: message.sizeBytes,
  };

  return inTenant(services.db, tenant.id, async (trx) => {
    if (claim && !(await claim(trx, tenant.id))) return { tenantId: tenant.id, outcome: 'duplicate' };
    const ownMessageId = await isOwnMessageId(trx, message.messageId, domain);
    const verdict = autoMailVerdict({
      header: message.header,
      envelopeFrom: envelope.mailFrom,
      fromAddress,
      contentType: message.contentType,
      reportType: message.reportType,
      ownMessageId,
      ownLoopToken: loopToken(domain),
    });
    if (verdict?.kind === 'bounce') {
      const requestId = await recordBounce(trx, tenant.id, message, domain, now);
      await insertInboundMail(trx, {
        ...base,
        request_id: requestId,
        event_id: null,
        threaded_by: 'none',
        not_answered_reason: 'bounce',
      });
      return { tenantId: tenant.id, outcome: 'ignored', reason: 'bounce' };
    }
    if (verdict) {
      const reason = verdict.kind === 'own_mail' ? 'own_mail' : verdict.reason;
      await insertInboundMail(trx, {
        ...base,
        request_id: null,
        event_id: null,
        threaded_by: 'none',
        not_answered_reason: reason,
      });
      return { tenantId: tenant.id, outcome: 'ignored', reason };
    }

    const found = await findThread(services, trx, tenant, message, tags, domain);
    if (found && fromAddress && found.applicantEmail?.toLowerCase() === fromAddress) {
      // The item's citizen answers: their message goes on the item, unread for the agents.
      const eventId = await insertItemEvent(trx, {
        tenantId: tenant.id,
        requestId: found.id,
        kind: 'citizen_message',
        body: eventBody(message),
        authorKind: 'citizen',
        visibleToCitizen: true,
      });
      const refused = await storeAttachments(services, trx, tenant.id, found.id, eventId, message);
      await noteRefusedAttachments(trx, tenant.id, found.id, refused);
      await touchItem(trx, found.id, now);
      await insertInboundMail(trx, {
        ...base,
        request_id: found.id,
        event_id: eventId,
        threaded_by: found.by,
        not_answered_reason: null,
      });
      return {
        tenantId: tenant.id,
        outcome: 'threaded',
        requestId: found.id,
        reference: found.reference,
        threadedBy: found.by,
      };
    }

    // A new item: nothing found, or a reply from someone else than the item's citizen (then
    // linked to that item and flagged, never appended to it: its citizen must not read it).
    const created = await createItem(services, trx, tenant, setup.demarche, message, fromAddress, now);
    if (found) {
      await insertItemEvent(trx, {
        tenantId: tenant.id,
        requestId: found.id,
        kind: 'internal_note',
        body: `Un courriel en réponse à cette demande est arrivé d’une autre adresse (${fromAddress ?? 'adresse inconnue'}). Il est enregistré à part, sous la demande ${created.reference}.`,
        authorKind: 'system',
        visibleToCitizen: false,
      });
    }
    const record = {
      ...base,
      request_id: created.id,
      event_id: created.eventId,
      threaded_by: 'new' as const,
      from_other_address: found !== null,
      related_request_id: found?.id ?? null,
    };
    let acknowledged = false;
    if (fromAddress) {
      acknowledged = await insertInboundMailAcknowledged(
        trx,
        { ...record, from_address: fromAddress },
        {
          since: new Date(now.getTime() - ACK_WINDOW_MS),
          maxPerAddress: ACK_MAX_PER_ADDRESS,
          maxPerSubject: ACK_MAX_PER_SUBJECT,
          outbox: outboxRow(tenant.id, acknowledgement(services, tenant, setup, message, fromAddress, created)),
        },
      );
    } else {
      await insertInboundMail(trx, { ...record, acknowledged: false, not_answered_reason: 'no_sender' });
    }
    return {
      tenantId: tenant.id,
      outcome: 'created',
      requestId: created.id,
      reference: created.reference,
      acknowledged,
      ...(found ? { flaggedReplyTo: found.reference } : {}),
    };
  });
}

/** A Message-ID Guichet wrote: our domain, and a mail of this tenant's outbox. */
async function isOwnMessageId(trx: Tx, messageId: string | null, domain: string): Promise<boolean> {
  const local = localOfOwnId(messageId, domain);
  return local !== null && (await findOutboxMail(trx, local)) !== undefined;
}

function localOfOwnId(id: string | null, domain: string): string | null {
  const m = id ? /^<([^<>@\s]+)@([^<>\s]+)>$/.exec(id) : null;
  return m && m[2]!.toLowerCase() === domain && UUID.test(m[1]!) ? m[1]!.toLowerCase() : null;
}

interface Thread {
  id: string;
  reference: string;
  applicantEmail: string | null;
  by: ThreadedBy;
}

/**
 * The item a message answers: the reference in its subject (this tenant's only: another
 * tenant's is not found here and gives a new item, nothing said about it), then In-Reply-To and
 * References against the mails Guichet sent, then the item's own reply address.
 */
async function findThread(
  services: Services,
  trx: Tx,
  tenant: Tenant,
  message: InboundMessage,
  tags: (string | null)[],
  domain: string,
): Promise<Thread | null> {
  const pattern = new RegExp(`\\b${tenant.referencePrefix}[-\\s]?\\d{4}[-\\s]?[0-9A-Z]{5}\\b`, 'gi');
  for (const candidate of message.subject.match(pattern) ?? []) {
    const reference = normalizeReference(candidate);
    const item = reference ? await findItemByReference(trx, reference) : undefined;
    if (item)
      return { id: item.id, reference: item.reference, applicantEmail: item.applicant_email, by: 'subject_reference' };
  }
  for (const id of message.threadIds) {
    const local = localOfOwnId(id, domain);
    const mail = local ? await findOutboxMail(trx, local) : undefined;
    if (mail?.request_id && mail.reference && mail.anonymised_at === null) {
      return {
        id: mail.request_id,
        reference: mail.reference,
        applicantEmail: mail.applicant_email,
        by: 'in_reply_to',
      };
    }
  }
  for (const tag of tags) {
    const reference = referenceOfReplyTag(services.config.sessionSecret, tenant.id, tag);
    const item = reference ? await findItemByReference(trx, reference) : undefined;
    if (item)
      return { id: item.id, reference: item.reference, applicantEmail: item.applicant_email, by: 'plus_address' };
  }
  return null;
}

function eventBody(message: InboundMessage): string {
  const text = message.newText || (message.quoted ? '' : '(message sans texte)');
  return text.length > MAX_EVENT_CHARS ? `${text.slice(0, MAX_EVENT_CHARS)}\n[…]` : text;
}

interface CreatedItem {
  id: string;
  eventId: string;
  reference: string;
  secret: string;
  dueOn: string;
  delayDays: number;
}

/** A request on the tenant's contact démarche, routed to its service, due like any request. */
async function createItem(
  services: Services,
  trx: Tx,
  tenant: Tenant,
  demarche: ContactDemarche,
  message: InboundMessage,
  fromAddress: string | null,
  now: Date,
): Promise<CreatedItem> {
  const route = await routeItem(
    services,
    tenant.id,
    {
      demarcheId: demarche.id,
      themes: [],
      channel: 'courriel',
      text: `${message.subject}\n${message.newText}`,
      addresses: [],
      defaultServiceId: demarche.serviceId,
    },
    trx,
  );
  const { id, eventId, reference, secret, dueOn } = await openItem(trx, {
    tenant,
    sessionSecret: services.config.sessionSecret,
    demarche,
    serviceId: route.serviceId,
    channel: 'courriel',
    data: { objet: message.subject || '(sans objet)', ...(fromAddress ? { applicant_email: fromAddress } : {}) },
    applicant: { name: message.fromName, email: fromAddress, phone: null },
    now,
    firstEvent: itemEvent({
      kind: 'email_received',
      body: eventBody(message),
      authorKind: 'citizen',
      visibleToCitizen: true,
    }),
  });
  const refused = await storeAttachments(services, trx, tenant.id, id, eventId, message);
  await noteRefusedAttachments(trx, tenant.id, id, refused);
  await recordRoute(trx, { tenantId: tenant.id, requestId: id, route, now });
  return { id, eventId, reference, secret, dueOn, delayDays: demarche.delayDays };
}

/**
 * Attachments with the checks of uploads: the type from the bytes (PDF, JPEG, PNG), the size of
 * one file and of all of them. Returns what was refused and why, for the agent.
 */
async function storeAttachments(
  services: Services,
  trx: Tx,
  tenantId: string,
  requestId: string,
  eventId: string,
  message: InboundMessage,
): Promise<string[]> {
  const refused: string[] = [];
  let total = 0;
  for (const a of message.attachments) {
    const tooLarge =
      a.data.length > services.config.uploadMaxBytes
        ? { scope: 'file' as const, limitBytes: services.config.uploadMaxBytes }
        : total + a.data.length > services.config.uploadMaxTotalBytes
          ? { scope: 'total' as const, limitBytes: services.config.uploadMaxTotalBytes }
          : undefined;
    const file = {
      fieldName: 'courriel',
      filename: a.filename,
      declaredType: a.declaredType,
      data: tooLarge ? Buffer.alloc(0) : a.data,
      ...(tooLarge ? { tooLarge } : {}),
    };
    const check = await checkUploadedFile(file);
    if (!check.ok) {
      refused.push(check.message);
      continue;
    }
    total += a.data.length;
    await insertDocument(trx, {
      tenantId,
      requestId,
      eventId,
      fieldName: null,
      filename: storedFilename(a.filename, check.mimeType),
      mimeType: check.mimeType,
      content: a.data,
    });
  }
  return refused;
}

async function noteRefusedAttachments(trx: Tx, tenantId: string, requestId: string, refused: string[]): Promise<void> {
  if (refused.length === 0) return;
  await insertItemEvent(trx, {
    tenantId,
    requestId,
    kind: 'internal_note',
    body: `Pièces jointes du courriel non enregistrées :\n${refused.map((r) => `- ${r}`).join('\n')}`,
    authorKind: 'system',
    visibleToCitizen: false,
  });
}

/**
 * The acknowledgement of a new item, queued with its inbound record unless the sender had their
 * share (see ACK_MAX_*, insertInboundMailAcknowledged).
 */
function acknowledgement(
  services: Services,
  tenant: Tenant,
  setup: TenantMailSetup,
  message: InboundMessage,
  fromAddress: string,
  item: CreatedItem,
): OutgoingMail {
  const mail = acknowledgementMail({
    tenant,
    reference: item.reference,
    secret: item.secret,
    subject: message.subject,
    senderName: message.fromName,
    dueOn: item.dueOn,
    delayDays: item.delayDays,
    baseUrl: tenantBaseUrl(services.config, setup.linkHost),
  });
  const inbound = tenantInboundAddress(tenant, services.config.inbound.domain);
  return {
    to: fromAddress,
    ...mail,
    requestId: item.id,
    replyTo: itemReplyAddress(inbound, services.config.sessionSecret, {
      tenantId: tenant.id,
      reference: item.reference,
    }),
    headers: {
      'Auto-Submitted': 'auto-replied',
      ...(message.messageId ? { 'In-Reply-To': message.messageId, References: message.messageId } : {}),
    },
  };
}

/** The tenant's own host name for links (not a bare loopback or IP address), else /t/<slug>. */
function linkHost(hosts: string[], slug: string): { host: string } | { slug: string } {
  const named = hosts.filter((h) => h.includes('.') && !/^[\d.]+$/.test(h)).sort();
  return named[0] ? { host: named[0] } : { slug };
}

/**
 * A delivery status notification: each failed recipient is recorded as « adresse en échec »,
 * with the request the failed mail was about (found from the original Message-ID). Returns it.
 */
async function recordBounce(
  trx: Tx,
  tenantId: string,
  message: InboundMessage,
  domain: string,
  now: Date,
): Promise<string | null> {
  const local = localOfOwnId(message.dsn?.originalMessageId ?? null, domain);
  const original = local ? await findOutboxMail(trx, local) : undefined;
  const failed = (message.dsn?.recipients ?? []).filter((r) => r.action === 'failed' || r.status.startsWith('5'));
  const addresses =
    failed.length > 0
      ? failed
      : original
        ? [{ address: original.to_address, status: '', diagnostic: '', action: 'failed' }]
        : [];
  for (const r of addresses) {
    if (!r.address) continue;
    await insertFailedAddress(trx, {
      tenantId,
      address: r.address,
      requestId: original?.request_id ?? null,
      outboxId: original?.id ?? null,
      status: r.status,
      diagnostic: r.diagnostic,
      at: now,
    });
  }
  return original?.request_id ?? null;
}
