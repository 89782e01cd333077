import type { FastifyInstance } from 'fastify';

/** The CSRF pair a browser holds after loading a page: the cookie and the hidden field. */
export interface FormSession {
  cookie: string;
  csrf: string;
  html: string;
}

export async function openForm(
  app: FastifyInstance,
  url: string,
  headers: Record<string, string> = {},
): Promise<FormSession> {
  const res = await app.inject({ method: 'GET', url, headers });
  if (res.statusCode !== 200) throw new Error(`GET ${url} answered ${res.statusCode}`);
  const setCookie = [res.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('guichet_csrf='));
  const cookie = setCookie ? setCookie.split(';')[0]! : (headers.cookie ?? '');
  // A form authorised by a secret it carries (the tracking page's) has no CSRF field: its post
  // then goes without one, and any other form without the field is refused 403 when posted.
  const csrf = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1] ?? '';
  return { cookie, csrf, html: res.body };
}

export type Fields = Record<string, string | string[]>;
export interface TestFile {
  field: string;
  filename: string;
  type: string;
  data: Buffer | Uint8Array;
}

/** Encodes fields (and files) as a browser would: urlencoded without files, multipart with. */
export async function encodeForm(
  fields: Fields,
  files: TestFile[] = [],
): Promise<{ payload: Buffer; contentType: string }> {
  if (files.length === 0) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) params.append(k, x);
    return { payload: Buffer.from(params.toString()), contentType: 'application/x-www-form-urlencoded' };
  }
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) form.append(k, x);
  for (const f of files) form.append(f.field, new Blob([new Uint8Array(f.data)], { type: f.type }), f.filename);
  const req = new Request('http://localhost/', { method: 'POST', body: form });
  return { payload: Buffer.from(await req.arrayBuffer()), contentType: req.headers.get('content-type')! };
}

export async function postForm(
  app: FastifyInstance,
  url: string,
  session: Pick<FormSession, 'cookie' | 'csrf'>,
  fields: Fields,
  files: TestFile[] = [],
  headers: Record<string, string> = {},
) {
  const { payload, contentType } = await encodeForm({ _csrf: session.csrf, ...fields }, files);
  return app.inject({
    method: 'POST',
    url,
    payload,
    headers: { ...headers, cookie: session.cookie, 'content-type': contentType },
  });
}
