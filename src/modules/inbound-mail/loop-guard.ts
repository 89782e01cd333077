/**
 * Mail that must never be answered, so that two machines never write to each other forever
 * (RFC 3834 and what mail systems do in practice): auto-responders, mailing lists, delivery
 * status notifications, daemons, and our own mail coming back. Pure: the caller reads the
 * headers and says whether the Message-ID is one Guichet sent.
 */

export type AutoMailVerdict =
  /** A delivery status notification (multipart/report; report-type=delivery-status): a bounce. */
  | { kind: 'bounce' }
  /** One of our own mails, back at our door (a forward loop, an auto-responder quoting it whole). */
  | { kind: 'own_mail' }
  | { kind: 'automatic'; reason: string };

export interface AutoMailInput {
  /** Every value of a header, by lower-case name. */
  header: (name: string) => string[];
  /** The envelope's MAIL FROM: '' for the null return path `<>`. */
  envelopeFrom: string | null;
  /** The From header's address. */
  fromAddress: string | null;
  /** `multipart/report`, `text/plain`…, lower case. */
  contentType: string;
  /** `delivery-status` for a DSN, `disposition-notification` for a read receipt… */
  reportType: string | null;
  /** The Message-ID is one Guichet wrote (our domain, a mail of our outbox). */
  ownMessageId: boolean;
  /** The X-Loop value Guichet puts on every mail it sends (platform/mail.ts, loopToken). */
  ownLoopToken: string;
}

const DAEMON = /^(mailer-daemon|postmaster)$/i;
const BULK_PRECEDENCE = /^(bulk|list|junk|auto_reply)$/i;

function localPart(address: string | null): string {
  if (!address) return '';
  const at = address.lastIndexOf('@');
  return at < 0 ? address : address.slice(0, at);
}

/** Why a message must not be answered, or null when a person wrote it. */
export function autoMailVerdict(input: AutoMailInput): AutoMailVerdict | null {
  const loops = input.header('x-loop').map((v) => v.trim().toLowerCase());
  if (input.ownMessageId || loops.includes(input.ownLoopToken.toLowerCase())) return { kind: 'own_mail' };
  if (input.contentType === 'multipart/report') {
    return input.reportType === 'delivery-status'
      ? { kind: 'bounce' }
      : { kind: 'automatic', reason: `report:${input.reportType ?? 'unknown'}` };
  }
  if (input.envelopeFrom === '') return { kind: 'automatic', reason: 'null_return_path' };
  if (DAEMON.test(localPart(input.fromAddress)) || DAEMON.test(localPart(input.envelopeFrom))) {
    return { kind: 'automatic', reason: 'mailer_daemon' };
  }
  const autoSubmitted = input.header('auto-submitted').map((v) => v.split(';')[0]!.trim().toLowerCase());
  if (autoSubmitted.some((v) => v !== 'no')) return { kind: 'automatic', reason: 'auto_submitted' };
  if (input.header('x-auto-response-suppress').length > 0) {
    return { kind: 'automatic', reason: 'x_auto_response_suppress' };
  }
  if (input.header('precedence').some((v) => BULK_PRECEDENCE.test(v.trim()))) {
    return { kind: 'automatic', reason: 'precedence' };
  }
  if (loops.length > 0) return { kind: 'automatic', reason: 'x_loop' };
  if (input.header('x-autoreply').length > 0 || input.header('x-autorespond').length > 0) {
    return { kind: 'automatic', reason: 'x_autoreply' };
  }
  // Mailing lists: a citizen's personal message never carries these.
  if (input.header('list-id').length > 0 || input.header('list-unsubscribe').length > 0) {
    return { kind: 'automatic', reason: 'list' };
  }
  return null;
}
