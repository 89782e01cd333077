import type { FastifyReply, FastifyRequest } from 'fastify';

/** Sends a rendered page as HTML with its status. */
export function sendHtml(reply: FastifyReply, page: { toString(): string }, status = 200) {
  return reply.code(status).type('text/html; charset=utf-8').send(page.toString());
}

/** The first value of a query parameter; '' when absent or not a string. */
export function queryParam(request: FastifyRequest, name: string): string {
  const raw = (request.query as Record<string, unknown> | undefined)?.[name];
  const v = Array.isArray(raw) ? raw[0] : raw;
  return typeof v === 'string' ? v : '';
}
