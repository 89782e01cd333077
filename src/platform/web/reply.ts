import type { FastifyReply, FastifyRequest } from 'fastify';

/** Sends a rendered page as HTML with its status. */
export function sendHtml(reply: FastifyReply, page: { toString(): string }, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(page.toString());
}

/** The first value of a query parameter; '' when absent or not a string. */
export function queryParam(request: FastifyRequest, name: string): string {
  const v = (request.query as Record<string, unknown> | undefined)?.[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : '';
}
