import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import { AppError, isDatabaseUnavailable } from '../errors.ts';
import { renderErrorPage } from './error-page.ts';

/**
 * Who is signed in to the agent area on this request, for the header of an error page under
 * /agent (the agents module implements it: the platform knows no module).
 */
export type AgentHeaderLookup = (request: FastifyRequest) => Promise<{ name: string } | null>;

/**
 * The one place that turns errors into HTTP answers: an HTML page, or
 * `{ "error": { "code", "message" } }` under /api/. Internals (stacks, SQL) never leave it.
 */
export function registerErrorHandling(app: FastifyInstance, config: Config, agentHeader?: AgentHeaderLookup): void {
  app.setNotFoundHandler(async (request, reply) => {
    return sendError(request, reply, new AppError('not_found', "Cette page n'existe pas."), config, agentHeader);
  });
  app.setErrorHandler(async (err: FastifyError, request, reply) => {
    const appError = toAppError(err, config);
    if (appError.code === 'internal_error') request.log.error({ err }, 'unhandled error');
    else if (appError.code === 'database_unavailable') request.log.warn({ err }, 'database unavailable');
    return sendError(request, reply, appError, config, agentHeader);
  });
}

/**
 * Fastify's `frameworkErrors`: a malformed URL (bad percent-encoding, a parameter over 100
 * characters) gets the same plain error page as any other refusal, not Fastify's bare JSON.
 */
export function frameworkErrorHandler(config: Config) {
  return (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    void sendError(request, reply, toAppError(err, config), config);
  };
}

export function toAppError(err: FastifyError, config: Config): AppError {
  if (err instanceof AppError) return err;
  if (err.code === 'FST_REQ_FILE_TOO_LARGE' || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) {
    const mb = Math.round((config.uploadMaxBytes / 1024 / 1024) * 10) / 10;
    return new AppError(
      'payload_too_large',
      `Le fichier envoyé est trop lourd : la taille maximale est de ${mb} Mo par fichier. Réduisez-le (par exemple en le scannant en noir et blanc) puis envoyez-le à nouveau.`,
    );
  }
  if (err.validation)
    return new AppError('validation_failed', 'Les données envoyées ne sont pas valides.', err.validation);
  if (err.statusCode === 429) return new AppError('rate_limited', err.message);
  if (isDatabaseUnavailable(err)) {
    return new AppError(
      'database_unavailable',
      'Le service est momentanément indisponible. Vos données n’ont pas été perdues : réessayez dans quelques minutes.',
    );
  }
  if (err.statusCode === 404) return new AppError('not_found', "Cette page n'existe pas.");
  if (err.statusCode === 415) return new AppError('unsupported_file_type', 'Ce type de contenu n’est pas accepté.');
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return new AppError('validation_failed', 'La requête n’est pas valide.');
  }
  return new AppError('internal_error', 'Une erreur inattendue est survenue. Réessayez plus tard.');
}

function wantsJson(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/')) return true;
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

/** Paths of the agent area, once the `/t/<slug>` prefix is stripped. */
function inAgentArea(request: FastifyRequest): boolean {
  return /^\/agent(?:[/?]|$)/.test(request.url);
}

/**
 * The agent signed in, on a page of the agent area: its error page then keeps the agents'
 * header. Any failure to tell (the database is down) gives the plain page.
 */
async function agentOnPage(request: FastifyRequest, agentHeader?: AgentHeaderLookup) {
  if (!agentHeader || !request.tenant || !inAgentArea(request)) return null;
  return agentHeader(request).catch(() => null);
}

async function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: AppError,
  config: Config,
  agentHeader?: AgentHeaderLookup,
) {
  reply.code(error.status);
  if (error.code === 'rate_limited' && !reply.getHeader('retry-after')) reply.header('retry-after', '60');
  if (wantsJson(request)) {
    return reply.send({
      error: {
        code: error.code,
        message: error.message,
        ...(error.code === 'validation_failed' && error.details ? { details: error.details } : {}),
      },
    });
  }
  const agent = await agentOnPage(request, agentHeader);
  return reply.type('text/html; charset=utf-8').send(renderErrorPage(request, error, config, agent).toString());
}
