/**
 * A reply with its service's signature, as stored on the timeline and mailed: the same text in
 * both places (docs/decisions/0017-reply-templates-and-signatures.md). Nothing is added when the
 * service has no signature, or when the agent already ended the reply with it.
 */
export function withSignature(message: string, signature: string): string {
  const sig = signature.replace(/\r\n/g, '\n').trim();
  if (sig === '' || message.trimEnd().endsWith(sig)) return message;
  return `${message.trimEnd()}\n\n${sig}`;
}
