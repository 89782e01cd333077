import { z } from 'zod';

/**
 * A language model behind an OpenAI-compatible chat API (the State's Albert API, a local
 * server…). Guichet never needs one: the assistant answers from the knowledge base without it
 * and only asks it to draft (modules/assistant, decision 27). Tests use an in-process server.
 */
export interface LlmMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface LlmClient {
  /** The model's name, for the administrators' page. */
  readonly model: string;
  /** The first choice's text; throws LlmError on timeout, refusal, network failure or a malformed answer. */
  chat(messages: LlmMessage[], options?: { maxTokens?: number; temperature?: number }): Promise<string>;
}

/** Why the model gave nothing usable; the message never holds the request's text. */
export class LlmError extends Error {
  constructor(
    readonly reason: 'timeout' | 'unreachable' | 'http_error' | 'malformed',
    message: string,
  ) {
    super(message);
    this.name = 'LlmError';
  }
}

export interface OpenAiCompatibleOptions {
  /** e.g. https://albert.api.etalab.gouv.fr (no /v1: it is added). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <key>`; never logged. */
  apiKey: string;
  model: string;
  timeoutMs: number;
}

/** What an OpenAI-compatible `/v1/chat/completions` answers, as far as Guichet reads it. */
const completionSchema = z.object({
  choices: z.array(z.object({ message: z.object({ role: z.string().optional(), content: z.string().min(1) }) })).min(1),
});

/**
 * `POST ${baseUrl}/v1/chat/completions` with the model and the messages, a bearer key, an
 * AbortController timeout covering the whole exchange (headers and body), and the answer's shape
 * checked before its text is used.
 */
export function createOpenAiCompatibleClient(options: OpenAiCompatibleOptions): LlmClient {
  const endpoint = `${options.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '')}/v1/chat/completions`;
  return {
    model: options.model,
    async chat(messages, chatOptions = {}) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), options.timeoutMs);
      try {
        let response: Response;
        try {
          response = await fetch(endpoint, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${options.apiKey}`,
              'content-type': 'application/json',
              accept: 'application/json',
            },
            body: JSON.stringify({
              model: options.model,
              messages,
              temperature: chatOptions.temperature ?? 0.1,
              max_tokens: chatOptions.maxTokens ?? 400,
              stream: false,
            }),
            signal: controller.signal,
            redirect: 'error',
          });
        } catch (err) {
          throw controller.signal.aborted
            ? new LlmError('timeout', `no answer within ${options.timeoutMs} ms`)
            : new LlmError('unreachable', `endpoint unreachable (${(err as Error).name})`);
        }
        let body: string;
        try {
          body = await response.text();
        } catch {
          throw controller.signal.aborted
            ? new LlmError('timeout', `no answer within ${options.timeoutMs} ms`)
            : new LlmError('unreachable', 'answer cut short');
        }
        if (!response.ok) throw new LlmError('http_error', `HTTP ${response.status}`);
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          throw new LlmError('malformed', 'answer is not JSON');
        }
        const checked = completionSchema.safeParse(parsed);
        if (!checked.success) throw new LlmError('malformed', 'answer has no choices[0].message.content');
        return checked.data.choices[0]!.message.content;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
