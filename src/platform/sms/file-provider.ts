import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { smsLength } from './segments.ts';
import { SmsDeliveryError, type SmsProvider } from './provider.ts';

/**
 * The developer's « boîte d'envoi »: each message is one JSON line appended to
 * `<data dir>/sms/outbox.jsonl` (`{id, at, to, from, text, encoding, segments}`), readable with
 * `tail -f` in development and by tests. Never a real delivery: the default, so that a fresh
 * install cannot send texts (and spend money) by accident.
 */
export function createFileSmsProvider(dir: string): SmsProvider & { readonly file: string } {
  const file = path.join(dir, 'outbox.jsonl');
  return {
    name: 'file',
    file,
    async send(message) {
      const id = randomUUID();
      const { encoding, segments } = smsLength(message.text);
      const line = JSON.stringify({ id, at: new Date().toISOString(), ...message, encoding, segments });
      try {
        await mkdir(dir, { recursive: true });
        await appendFile(file, `${line}\n`, 'utf8');
      } catch (err) {
        // A full or read-only disk may come back: tried again later.
        throw new SmsDeliveryError(
          `boîte d'envoi SMS illisible : ${(err as NodeJS.ErrnoException).code ?? 'erreur'}`,
          false,
        );
      }
      return { providerId: id };
    },
  };
}
