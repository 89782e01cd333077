import { SmsDeliveryError, type SmsProvider } from './provider.ts';

export interface HttpSmsOptions {
  url: string;
  /** Sent as `Authorization: Bearer <token>`; never logged, never part of an error. */
  token: string;
  timeoutMs: number;
}

/**
 * A generic HTTP gateway: `POST <url>` with `{to, from, text}` as JSON and a bearer token. A 2xx
 * answer carrying an `id` is a message accepted; a 4xx is a refusal sending again cannot change
 * (except 408 and 429, which ask to come back later); a 5xx, a timeout or a network failure is
 * tried again by the job queue. A 2xx without an id is treated as a permanent failure rather
 * than retried: the gateway may have taken the message, and a citizen must not get it twice.
 */
export function createHttpSmsProvider(options: HttpSmsOptions): SmsProvider {
  return {
    name: 'http',
    async send(message) {
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${options.token}`,
            'content-type': 'application/json',
            accept: 'application/json',
          },
          body: JSON.stringify({ to: message.to, from: message.from, text: message.text }),
          signal: AbortSignal.timeout(options.timeoutMs),
          redirect: 'error',
        });
      } catch (err) {
        const name = (err as Error).name;
        const what = name === 'TimeoutError' ? `pas de réponse en ${options.timeoutMs} ms` : 'passerelle injoignable';
        throw new SmsDeliveryError(`passerelle SMS : ${what}`, false);
      }
      const body = await response.text().catch(() => '');
      if (response.ok) {
        const id = idOf(body);
        if (id) return { providerId: id };
        throw new SmsDeliveryError(`passerelle SMS : réponse ${response.status} sans identifiant de message`, true);
      }
      const retry = response.status >= 500 || response.status === 408 || response.status === 429;
      throw new SmsDeliveryError(`passerelle SMS : refus ${response.status}${detailOf(body)}`, !retry);
    },
  };
}

function idOf(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { id?: unknown };
    const id = parsed?.id;
    if ((typeof id === 'string' && id.trim() !== '') || typeof id === 'number') return String(id).slice(0, 200);
  } catch {
    // Not JSON: no id.
  }
  return null;
}

/** The gateway's own explanation, short and on one line, when it gave one as `error` or `message`. */
function detailOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    const text =
      typeof parsed.error === 'string' ? parsed.error : typeof parsed.message === 'string' ? parsed.message : '';
    const line = text.replace(/\s+/g, ' ').trim().slice(0, 200);
    return line ? ` (${line})` : '';
  } catch {
    return '';
  }
}
