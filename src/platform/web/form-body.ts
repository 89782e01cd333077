import type { FastifyRequest } from 'fastify';

export interface UploadedFile {
  fieldName: string;
  filename: string;
  /** What the browser claimed; never trusted (the type is detected from the content). */
  declaredType: string;
  /** Empty when the file went over a limit: its bytes were read and dropped, never kept. */
  data: Buffer;
  /** Set when the file went over the size limit of one file, or of all the request's files. */
  tooLarge?: { scope: 'file' | 'total'; limitBytes: number };
}

export type FormFields = Record<string, string | string[]>;

export interface FormBody {
  fields: FormFields;
  files: UploadedFile[];
}

export function addField(fields: FormFields, name: string, value: string): void {
  const prev = fields[name];
  if (prev === undefined) fields[name] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else fields[name] = [prev, value];
}

/** Multipart forms, once read by the upload hook (platform/web/uploads.ts). */
const multipartForms = new WeakMap<FastifyRequest, FormBody>();

export function keepMultipartForm(request: FastifyRequest, form: FormBody): void {
  multipartForms.set(request, form);
}

/**
 * The submitted form, whether urlencoded or multipart. Multipart is accepted only on routes
 * declaring `config.files`, and read (streamed, within the route's limits) before the handler
 * runs; empty file inputs are dropped.
 */
export function readFormBody(request: FastifyRequest): FormBody {
  const multipart = multipartForms.get(request);
  if (multipart) return multipart;
  const fields: FormFields = {};
  if (request.isMultipart()) return { fields, files: [] };
  const body = request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};
  // A form field is text; a JSON body posted here may nest objects and arrays at any depth, which
  // are not form values (and stringifying them could recurse past the stack): they are dropped.
  const scalar = (v: unknown): v is string | number | boolean =>
    typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  for (const [name, value] of Object.entries(body)) {
    if (Array.isArray(value)) {
      for (const v of value) if (scalar(v)) addField(fields, name, String(v));
    } else if (scalar(value)) addField(fields, name, String(value));
  }
  return { fields, files: [] };
}

export function fieldValue(body: Pick<FormBody, 'fields'>, name: string): string {
  const v = body.fields[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}
