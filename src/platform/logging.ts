import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from '../config.ts';

/**
 * Query parameters that carry a secret: the tracking code (`cle`), mailed tokens (`jeton`),
 * OpenID Connect callbacks (`code`, `state`, tokens). Their values never reach the logs.
 */
const SECRET_PARAMS = new Set([
  'cle',
  'jeton',
  'token',
  'code',
  'state',
  'id_token',
  'id_token_hint',
  'access_token',
  'refresh_token',
  'code_verifier',
  'session_state',
  'password',
  'mot_de_passe',
]);

/** A long opaque value (base64url, hex) in any parameter is treated as a token too. */
const TOKEN_LIKE = /^[A-Za-z0-9_\-.~+/=%]{24,}$/;

/** The URL as logs may show it: secret query values replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const path = url.slice(0, q);
  const parts = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const name = pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // keep the raw name
      }
      const value = pair.slice(eq + 1);
      return SECRET_PARAMS.has(decoded.toLowerCase()) || TOKEN_LIKE.test(value) ? `${name}=[redacted]` : pair;
    });
  return `${path}?${parts.join('&')}`;
}

/** Fastify's request serializer, with the URL redacted. */
export function serializeRequest(req: {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}) {
  return {
    method: req.method,
    url: redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/** The process logger: JSON lines in production, readable lines in a development terminal. */
export function createLogger(
  config: Pick<Config, 'logLevel' | 'logFormat' | 'env'>,
  destination?: NodeJS.WritableStream,
): Logger {
  const format =
    config.logFormat === 'auto'
      ? config.env === 'development' && process.stdout.isTTY
        ? 'pretty'
        : 'json'
      : config.logFormat;
  const options = { level: config.logLevel, serializers: { req: serializeRequest } };
  if (format === 'json') return destination ? pino(options, destination) : pino(options);
  return pino(
    options,
    pretty({
      colorize: process.stdout.isTTY,
      translateTime: 'SYS:HH:MM:ss',
      sync: true,
      destination: destination ?? 1,
    }),
  );
}
