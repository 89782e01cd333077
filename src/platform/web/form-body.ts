import type { FastifyRequest } from 'fastify';

export interface UploadedFile {
  fieldName: string;
  filename: string;
  /** What the browser claimed; never trusted (see platform/files.ts). */
  declaredType: string;
  data: Buffer;
}

export interface FormBody {
  fields: Record<string, string | string[]>;
  files: UploadedFile[];
}

interface MultipartPart {
  type?: 'file' | 'field';
  fieldname: string;
  value?: unknown;
  filename?: string;
  mimetype?: string;
  _buf?: Buffer;
}

function addField(fields: Record<string, string | string[]>, name: string, value: string): void {
  const prev = fields[name];
  if (prev === undefined) fields[name] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else fields[name] = [prev, value];
}

/**
 * The submitted form, whether urlencoded or multipart (files buffered in memory by the
 * multipart plugin, within UPLOAD_MAX_BYTES each). Empty file inputs are dropped.
 */
export function readFormBody(request: FastifyRequest): FormBody {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const fields: Record<string, string | string[]> = {};
  const files: UploadedFile[] = [];
  if (!request.isMultipart()) {
    for (const [name, value] of Object.entries(body)) {
      if (Array.isArray(value)) for (const v of value) addField(fields, name, String(v));
      else if (value !== undefined && value !== null) addField(fields, name, String(value));
    }
    return { fields, files };
  }
  for (const [name, raw] of Object.entries(body)) {
    const parts = (Array.isArray(raw) ? raw : [raw]) as MultipartPart[];
    for (const part of parts) {
      if (part && part.type === 'file') {
        const data = part._buf ?? Buffer.alloc(0);
        if (data.length === 0 && !part.filename) continue;
        files.push({ fieldName: name, filename: part.filename ?? 'document', declaredType: part.mimetype ?? '', data });
      } else if (part && part.type === 'field') {
        addField(fields, name, String(part.value ?? ''));
      }
    }
  }
  return { fields, files };
}

export function fieldValue(body: FormBody, name: string): string {
  const v = body.fields[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}
