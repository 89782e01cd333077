/**
 * Text messages (SMS) go out through a provider behind this interface (decision 20): a file
 * transport by default, a generic HTTP provider in production. Nothing else in Guichet knows
 * which one runs; the contract test (`provider.contract.test.ts`) holds every implementation to
 * the same behaviour.
 */

/** One text message as handed to a provider: the number in E.164, the text already capped. */
export interface SmsMessage {
  to: string;
  from: string;
  text: string;
}

export interface SmsProvider {
  /** `file` or `http`: recorded with each message sent. */
  readonly name: string;
  /**
   * Sends one message; resolves with the provider's id for it. Throws an `SmsDeliveryError`:
   * `permanent` when sending again cannot help (a number or a request the provider refuses),
   * otherwise the job queue tries again later.
   */
  send(message: SmsMessage): Promise<{ providerId: string }>;
}

/** A failed send; its message is safe to log and to show to agents (no token, no text). */
export class SmsDeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'SmsDeliveryError';
  }
}
