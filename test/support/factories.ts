import { generateReference } from '../../src/modules/requests/reference.ts';
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import * as OTPAuth from 'otpauth';
import type { DatabaseHandle } from '../../src/db/database.ts';
import type { AgentRole, RequestStatus } from '../../src/db/schema.ts';
import { hashPassword } from '../../src/modules/agents/password.ts';
import { openCitizenSession } from '../../src/modules/citizens/sessions.ts';
import { inTenant, type Db } from '../../src/db/tenant-scope.ts';

type Owner = Pick<DatabaseHandle, 'ownerQuery'>;

/** A service of the tenant, created if missing; returns its id. */
export async function ensureService(database: Owner, tenantId: string, slug: string, name = slug): Promise<string> {
  await database.ownerQuery(
    `insert into services (tenant_id, slug, name) values ($1, $2, $3) on conflict (tenant_id, slug) do nothing`,
    [tenantId, slug, name],
  );
  const r = await database.ownerQuery(`select id from services where tenant_id = $1 and slug = $2`, [tenantId, slug]);
  return String(r.rows[0]!.id);
}

/**
 * A démarche of the tenant, created (with its service) if missing, so that tests do not
 * depend on what the demo catalogue happens to contain.
 */
export async function ensureDemarche(
  database: Owner,
  tenantId: string,
  options: { slug: string; serviceSlug: string; title?: string; form?: unknown },
): Promise<{ id: string; serviceId: string }> {
  const serviceId = await ensureService(database, tenantId, options.serviceSlug);
  await database.ownerQuery(
    `insert into demarches (tenant_id, service_id, slug, kind, title, delay_days, form)
     values ($1, $2, $3, 'demarche', $4, 10, $5) on conflict (tenant_id, slug) do nothing`,
    [
      tenantId,
      serviceId,
      options.slug,
      options.title ?? options.slug,
      options.form === undefined ? null : JSON.stringify(options.form),
    ],
  );
  const r = await database.ownerQuery(`select id, service_id from demarches where tenant_id = $1 and slug = $2`, [
    tenantId,
    options.slug,
  ]);
  return { id: String(r.rows[0]!.id), serviceId: String(r.rows[0]!.service_id) };
}

export interface InsertRequestOptions {
  demarcheSlug: string;
  status?: RequestStatus;
  applicantEmail?: string | null;
  applicantName?: string;
  data?: Record<string, unknown>;
  /** 'YYYY-MM-DD'; default: in ten days. */
  dueOn?: string;
}

/** A submitted request (and its 'submitted' event), written as the schema owner. */
export async function insertRequest(
  database: Owner,
  tenantId: string,
  options: InsertRequestOptions,
): Promise<{ id: string; reference: string }> {
  const demarche = await database.ownerQuery(
    `select id, service_id from demarches where tenant_id = $1 and slug = $2`,
    [tenantId, options.demarcheSlug],
  );
  if (!demarche.rows[0]) throw new Error(`insertRequest: no démarche ${options.demarcheSlug} in tenant ${tenantId}`);
  const prefix = await database.ownerQuery(`select reference_prefix from tenants where id = $1`, [tenantId]);
  // The application's own generator: a reference it could not have made would not be found.
  const reference = generateReference(String(prefix.rows[0]!.reference_prefix), 2026);
  const dueOn = options.dueOn ?? new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
  const applicantEmail = options.applicantEmail === undefined ? 'usager@example.org' : options.applicantEmail;
  const data = options.data ?? {
    applicant_given_name: 'Lucie',
    applicant_family_name: 'Moreau',
    ...(applicantEmail ? { applicant_email: applicantEmail } : {}),
  };
  const r = await database.ownerQuery(
    `insert into requests (tenant_id, reference, demarche_id, service_id, status, data, applicant_name,
       applicant_email, tracking_secret_hash, due_on)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id`,
    [
      tenantId,
      reference,
      demarche.rows[0].id,
      demarche.rows[0].service_id,
      options.status ?? 'recue',
      JSON.stringify(data),
      options.applicantName ?? 'Lucie Moreau',
      applicantEmail,
      createHash('sha256').update(randomBytes(16)).digest('hex'),
      dueOn,
    ],
  );
  const id = String(r.rows[0]!.id);
  await database.ownerQuery(
    `insert into request_events (tenant_id, request_id, kind, status_to, author_kind, visible_to_citizen)
     values ($1, $2, 'submitted', 'recue', 'citizen', true)`,
    [tenantId, id],
  );
  return { id, reference };
}

/** A file attached to a request. */
export async function insertDocument(
  database: Owner,
  tenantId: string,
  requestId: string,
  file: { filename: string; mimeType: string; content: Buffer },
): Promise<string> {
  const r = await database.ownerQuery(
    `insert into request_documents (tenant_id, request_id, filename, mime_type, size_bytes, sha256, content)
     values ($1, $2, $3, $4, $5, $6, $7) returning id`,
    [
      tenantId,
      requestId,
      file.filename,
      file.mimeType,
      file.content.length,
      createHash('sha256').update(file.content).digest('hex'),
      file.content,
    ],
  );
  return String(r.rows[0]!.id);
}

/** An agent with a known password, attached to the given services (created if missing). */
export async function insertAgent(
  database: Owner,
  tenantId: string,
  options: {
    email: string;
    password: string;
    name?: string;
    role?: AgentRole;
    serviceSlugs?: string[];
    active?: boolean;
  },
): Promise<string> {
  const r = await database.ownerQuery(
    `insert into agents (tenant_id, email, display_name, password_hash, role, active)
     values ($1, $2, $3, $4, $5, $6) returning id`,
    [
      tenantId,
      options.email,
      options.name ?? options.email.split('@')[0],
      await hashPassword(options.password),
      options.role ?? 'agent',
      options.active ?? true,
    ],
  );
  const agentId = String(r.rows[0]!.id);
  for (const slug of options.serviceSlugs ?? []) {
    const serviceId = await ensureService(database, tenantId, slug);
    await database.ownerQuery(`insert into agent_services (tenant_id, agent_id, service_id) values ($1, $2, $3)`, [
      tenantId,
      agentId,
      serviceId,
    ]);
  }
  return agentId;
}

/** The `_csrf` hidden field of a page. */
export function csrfFrom(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no CSRF field on the page');
  return token;
}

/** The `name=value` pairs of a response's set-cookie headers. */
export function cookiesFrom(setCookie: string | string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of [setCookie ?? []].flat()) {
    const [pair] = c.split(';');
    const eq = pair!.indexOf('=');
    out[pair!.slice(0, eq)] = pair!.slice(eq + 1);
  }
  return out;
}

let loginAddress = 0;

/**
 * Signs an agent in through the login form and returns the cookie header to send with later
 * requests (CSRF cookie and session cookie). Each login comes from its own address: the login
 * form is rate-limited per address, and a test file signs in more often than a person would.
 */
export async function loginAgent(
  app: FastifyInstance,
  email: string,
  password: string,
  base = '/t/villebelle',
  headers: Record<string, string> = {},
): Promise<string> {
  const form = await app.inject({ method: 'GET', url: `${base}/agent/connexion`, headers });
  const csrfCookie = cookiesFrom(form.headers['set-cookie']).guichet_csrf;
  if (!csrfCookie) throw new Error('loginAgent: no CSRF cookie');
  loginAddress += 1;
  const res = await app.inject({
    method: 'POST',
    url: `${base}/agent/connexion`,
    headers: {
      ...headers,
      cookie: `guichet_csrf=${csrfCookie}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    remoteAddress: `10.99.${Math.floor(loginAddress / 250) % 250}.${(loginAddress % 250) + 1}`,
    payload: new URLSearchParams({ _csrf: csrfFrom(form.body), email, password }).toString(),
  });
  const session = cookiesFrom(res.headers['set-cookie']).guichet_agent;
  if (res.statusCode !== 303 || !session) throw new Error(`loginAgent: login answered ${res.statusCode}`);
  const cookie = `guichet_csrf=${csrfCookie}; guichet_agent=${session}`;
  return completeSecondFactor(app, String(res.headers.location), cookie, { base, headers, email });
}

/** TOTP secrets of the agents loginAgent enrolled, the last step used and the recovery codes left. */
const enrolledTotp = new Map<string, { secret: string; step: number; recovery: string[] }>();

/**
 * Finishes a login that asks for a second factor, as the agent would with their phone: enrols
 * TOTP when it is required (administrators) and remembers the secret, then gives a code at the
 * next logins (a recovery code when this step's code was already used: a code serves once).
 * Returns the cookie header of the full session.
 */
export async function completeSecondFactor(
  app: FastifyInstance,
  location: string,
  cookie: string,
  options: { base: string; headers: Record<string, string>; email: string },
): Promise<string> {
  const { base, headers } = options;
  const key = `${headers.host ?? ''}${base}|${options.email}`;
  const enrol = location.endsWith('/agent/double-authentification');
  if (!enrol && !location.includes('/agent/connexion/code')) return cookie;
  const path = enrol ? '/agent/double-authentification' : '/agent/connexion/code';
  const page = await app.inject({ method: 'GET', url: `${base}${path}`, headers: { ...headers, cookie } });
  const known = enrol
    ? { secret: /id="totp-secret">([A-Z2-7 ]+)</.exec(page.body)![1]!.replace(/ /g, ''), step: 0, recovery: [] }
    : enrolledTotp.get(key);
  if (!known) throw new Error(`loginAgent: ${options.email} has a TOTP secret this helper does not know`);
  const now = Math.floor(Date.now() / 30_000);
  const step = Math.max(now, known.step + 1);
  // Codes are accepted one step ahead at most; past that, a recovery code does it.
  const code =
    step > now + 1 && known.recovery.length > 0
      ? known.recovery.pop()!
      : new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(known.secret) }).generate({ timestamp: step * 30_000 });
  loginAddress += 1;
  const res = await app.inject({
    method: 'POST',
    url: `${base}${path}`,
    headers: { ...headers, cookie, 'content-type': 'application/x-www-form-urlencoded' },
    remoteAddress: `10.98.${Math.floor(loginAddress / 250) % 250}.${(loginAddress % 250) + 1}`,
    payload: new URLSearchParams({ _csrf: csrfFrom(page.body), code }).toString(),
  });
  const session = cookiesFrom(res.headers['set-cookie']).guichet_agent;
  if (res.statusCode >= 400 || !session) throw new Error(`loginAgent: second factor answered ${res.statusCode}`);
  const recovery = enrol ? [...res.body.matchAll(/<li><code>([a-z0-9-]{11})<\/code><\/li>/g)].map((m) => m[1]!) : [];
  enrolledTotp.set(key, {
    secret: known.secret,
    step: code.length === 6 ? step : known.step,
    recovery: enrol ? recovery : known.recovery,
  });
  return cookie.replace(/guichet_agent=[^;]+/, `guichet_agent=${session}`);
}

/** A citizen account with a verified email (family name "Testeur"); returns its id. */
export async function insertCitizen(
  database: Owner,
  tenantId: string,
  email: string,
  givenName: string,
): Promise<string> {
  const r = await database.ownerQuery(
    `insert into citizens (tenant_id, email, email_verified_at, given_name, family_name)
     values ($1, $2, now(), $3, 'Testeur') returning id`,
    [tenantId, email, givenName],
  );
  return String(r.rows[0]!.id);
}

/** The Cookie header of a fresh session of that citizen (signed in with a password). */
export async function citizenSessionCookie(db: Db, tenantId: string, citizenId: string): Promise<string> {
  const token = await inTenant(db, tenantId, (trx) =>
    openCitizenSession(trx, { tenantId, citizenId, method: 'password', now: new Date() }),
  );
  return `guichet_citoyen=${token}`;
}
