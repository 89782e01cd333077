import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';

export const INVALID_INPUT_MESSAGE =
  'Les données envoyées contiennent un caractère invalide (caractère nul ou codage incorrect). Retirez-le puis envoyez à nouveau.';

/** A lone UTF-16 surrogate: with the `u` flag, a well-formed pair is one code point and does not match. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * True when a string cannot be stored or sent as is: PostgreSQL text and jsonb cannot hold
 * U+0000, and a lone surrogate has no UTF-8 form (jsonb refuses its escape, the pg driver would
 * silently turn it into U+FFFD).
 */
export function hasInvalidCharacter(value: string): boolean {
  return value.includes('\u0000') || LONE_SURROGATE.test(value);
}

interface MultipartPart {
  type?: string;
  value?: unknown;
}

/**
 * Walks every key and string of a parsed value without recursion (a JSON body may nest deeper
 * than the call stack). Multipart bodies hold part objects that point back at the whole body:
 * only their field values are text the app reads.
 */
function containsInvalid(root: unknown, multipart: boolean): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (hasInvalidCharacter(value)) return true;
    } else if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
    } else if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
      if (multipart && 'fieldname' in value) {
        const part = value as MultipartPart;
        if (part.type === 'field') stack.push(part.value);
        continue;
      }
      for (const [key, item] of Object.entries(value)) {
        if (hasInvalidCharacter(key)) return true;
        stack.push(item);
      }
    }
  }
  return false;
}

/** The request's path parameters, query string and body, checked before validation and handlers. */
export function assertWellFormedInput(request: FastifyRequest): void {
  if (
    containsInvalid(request.params, false) ||
    containsInvalid(request.query, false) ||
    containsInvalid(request.body, request.isMultipart())
  ) {
    throw new AppError('invalid_input', INVALID_INPUT_MESSAGE);
  }
}

/**
 * One gate for text no route can store: a NUL byte or a lone surrogate anywhere in a path
 * segment, a query value, a form field or a JSON value or key is answered 400 `invalid_input`
 * before validation, so that no handler half-runs on it and the database never sees it.
 */
export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    try {
      assertWellFormedInput(request);
    } catch (err) {
      done(err as Error);
      return;
    }
    done();
  });
}
