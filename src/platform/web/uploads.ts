import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { addField, keepMultipartForm, type FormBody, type FormFields, type UploadedFile } from './form-body.ts';

/** What a route that takes files declares in its `config.files`. */
export interface FileRouteOptions {
  /** Files in one request; one more is refused with a 413 page. */
  maxFiles: number;
  /** Largest file; UPLOAD_MAX_BYTES when not given. */
  maxBytes?: number;
  /** All the request's files together; UPLOAD_MAX_TOTAL_BYTES when not given. */
  maxTotalBytes?: number;
  /**
   * Runs once the text fields sent before the first file are read, before any byte of a file is:
   * throw to refuse the request (the tracking code, a démarche that does not exist).
   */
  beforeFiles?: (request: FastifyRequest, fields: FormFields) => Promise<void>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * This route takes files (multipart/form-data). Any other route answers 415 to a multipart
     * request without reading its body.
     */
    files?: FileRouteOptions;
  }
}

export interface UploadSettings {
  maxBytes: number;
  maxTotalBytes: number;
  /**
   * Checks the form before any file part is read (CSRF token, from the text fields read so far);
   * throws to refuse. Also run on a multipart form without files, once it is read.
   */
  verifyForm: (request: FastifyRequest, fields: FormFields) => void | Promise<void>;
}

/** RFC 2046: 1 to 70 characters from this set, not ending with a space. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

const MALFORMED =
  'Le formulaire n’a pas été reçu en entier ou il est mal formé. Rechargez la page puis envoyez-le à nouveau.';

function boundaryOf(contentType: string | undefined): string | null {
  const m = /;\s*boundary\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType ?? '');
  const boundary = m ? (m[1] ?? m[2] ?? '') : '';
  return BOUNDARY.test(boundary) ? boundary : null;
}

/**
 * Multipart forms, only where files are taken. Registers @fastify/multipart without
 * `attachFieldsToBody`: nothing reads a multipart body until the hook below does, for routes
 * declaring `config.files` only. There the stream is read in order: text fields, then, before
 * the first file part, `verifyForm` (CSRF) and the route's `beforeFiles`; a refused form is
 * answered without reading any file. Files are streamed with the route's limits; a file over a
 * limit is read to its end and dropped (so that the fields after it are kept for the form shown
 * again), never held in memory.
 */
export async function registerUploads(app: FastifyInstance, settings: UploadSettings): Promise<void> {
  await app.register(multipart, {
    // Over-large files are reported per file (a form error that keeps what was typed), not thrown.
    throwFileSizeLimit: false,
    limits: { fileSize: settings.maxBytes, files: 10, fields: 200, fieldSize: 100_000, parts: 1000 },
  });

  // preValidation: the multipart content-type parser has only flagged the request, the body is
  // unread. (Other multipart types, e.g. multipart/mixed, have no parser: Fastify answers 415.)
  app.addHook('preValidation', (request, _reply, done) => {
    // Callback form: most requests are not multipart and leave at once, without a promise.
    if (!request.isMultipart()) {
      done();
      return;
    }
    const files = request.routeOptions.config.files;
    if (!files) {
      done(
        new AppError(
          'unsupported_file_type',
          'Ce formulaire ne prend pas de fichiers : la demande n’a pas été lue. Rechargez la page puis envoyez le formulaire à nouveau.',
        ),
      );
      return;
    }
    readMultipartForm(request, files, settings).then(
      (form) => {
        keepMultipartForm(request, form);
        done();
      },
      (err: Error) => done(err),
    );
  });
}

async function readMultipartForm(
  request: FastifyRequest,
  route: FileRouteOptions,
  settings: UploadSettings,
): Promise<FormBody> {
  if (!boundaryOf(request.headers['content-type'])) throw new AppError('validation_failed', MALFORMED);
  const maxBytes = route.maxBytes ?? settings.maxBytes;
  const maxTotalBytes = route.maxTotalBytes ?? settings.maxTotalBytes;
  const fields: FormFields = {};
  const files: UploadedFile[] = [];
  let verified = false;
  let refusal: unknown = null;
  const verify = async () => {
    verified = true;
    try {
      await settings.verifyForm(request, fields);
      await route.beforeFiles?.(request, fields);
    } catch (err) {
      refusal = err;
      throw err;
    }
  };
  let total = 0;
  try {
    const parts = request.parts({
      limits: { fileSize: maxBytes, files: route.maxFiles, fields: 200, fieldSize: 100_000, parts: 1000 },
    });
    for await (const part of parts) {
      if (part.type === 'field') {
        addField(fields, part.fieldname, String(part.value ?? ''));
        continue;
      }
      if (!verified) {
        try {
          await verify();
        } catch (err) {
          // Refused before the file: its bytes are not read (destroying the part ends parsing).
          part.file.destroy();
          throw err;
        }
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let overTotal = false;
      for await (const chunk of part.file as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (overTotal) continue;
        if (total + size > maxTotalBytes) {
          overTotal = true;
          chunks.length = 0;
        } else chunks.push(chunk);
      }
      if (size === 0 && !part.filename) continue; // a file input left empty
      const file: UploadedFile = {
        fieldName: part.fieldname,
        filename: part.filename || 'document',
        declaredType: part.mimetype ?? '',
        data: Buffer.alloc(0),
      };
      if (part.file.truncated) file.tooLarge = { scope: 'file', limitBytes: maxBytes };
      else if (overTotal) file.tooLarge = { scope: 'total', limitBytes: maxTotalBytes };
      else {
        file.data = Buffer.concat(chunks, size);
        total += size;
      }
      files.push(file);
    }
  } catch (err) {
    discardRest(request);
    // A refusal (CSRF, tracking code) or a failure of the check itself keeps its own answer.
    if (err === refusal) throw err;
    throw toUploadError(err, route.maxFiles);
  }
  if (!verified) await verify();
  return { fields, files };
}

/** The rest of a refused body is read and dropped, so the connection can answer and go on. */
function discardRest(request: FastifyRequest): void {
  request.raw.unpipe();
  request.raw.resume();
}

function toUploadError(err: unknown, maxFiles: number): AppError {
  const code = (err as { code?: string }).code;
  if (code === 'FST_FILES_LIMIT') {
    return new AppError(
      'payload_too_large',
      `Vous avez envoyé trop de fichiers : ${maxFiles} au plus en une fois. Envoyez les autres ensuite.`,
    );
  }
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') {
    return new AppError('payload_too_large', 'Le formulaire envoyé contient trop de champs.');
  }
  // Busboy's own errors (no closing boundary, a truncated body, a part cut short) and a client
  // that went away: the form is not whole.
  return new AppError('validation_failed', MALFORMED);
}
