import { z } from 'zod';

/**
 * Every environment variable Guichet reads, parsed once at start.
 * Keep this schema and the README's configuration table in step.
 */
const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().default('localhost'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    PUBLIC_BASE_URL: z
      .string()
      .url()
      .refine((v) => isOrigin(v), 'doit être une origine http(s)://nom[:port], sans chemin ni identifiants')
      .optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_FORMAT: z.enum(['auto', 'pretty', 'json']).default('auto'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'doit commencer par postgres:// (or leave unset for the embedded database)')
      .optional(),
    DATABASE_OWNER_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'doit commencer par postgres://')
      .optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    GUICHET_DATA_DIR: z.string().default('./data'),
    GUICHET_DEMO: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    SMTP_URL: z.string().url().optional(),
    MAIL_FROM: z.string().default('Guichet <ne-pas-repondre@guichet.localhost>'),
    UPLOAD_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(10 * 1024 * 1024),
    UPLOAD_MAX_TOTAL_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(30 * 1024 * 1024),
    TRUST_PROXY: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    TRACKING_RATE_LIMIT: z.coerce.number().int().min(1).default(30),
    SEARCH_RATE_LIMIT: z.coerce.number().int().min(1).default(60),
    MAIL_WORKER_ENABLED: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    JOBS_ENABLED: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    JOBS_DAILY_AT: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'doit être une heure HH:MM')
      .default('03:30'),
    JOBS_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
    JOBS_POLL_INTERVAL_MS: z.coerce.number().int().min(50).default(2000),
    JOBS_LEASE_SECONDS: z.coerce.number().int().min(5).default(300),
    LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
    FORM_RATE_LIMIT: z.coerce.number().int().min(1).default(20),
    APPOINTMENT_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
    ANONYMOUS_POST_RATE_LIMIT: z.coerce.number().int().min(1).default(60),
    LOGIN_DELAY_BASE_MS: z.coerce.number().int().min(0).default(1000),
    LOGIN_DELAY_MAX_MS: z.coerce.number().int().min(0).default(30_000),
    FRANCECONNECT_ISSUER: z.string().url().optional(),
    FRANCECONNECT_CLIENT_ID: z.string().min(1).optional(),
    FRANCECONNECT_CLIENT_SECRET: z.string().min(1).optional(),
    FRANCECONNECT_HEALTH_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(2000),
    GUICHET_DEMO_FRANCECONNECT: z
      .enum(['true', 'false'])
      .optional()
      .transform((v) => (v === undefined ? undefined : v === 'true')),
    DEMO_FRANCECONNECT_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
    PROCONNECT_ISSUER: z.string().url().optional(),
    PROCONNECT_CLIENT_ID: z.string().min(1).optional(),
    PROCONNECT_CLIENT_SECRET: z.string().min(1).optional(),
    INBOUND_SMTP_PORT: z.coerce.number().int().min(0).max(65535).default(2525),
    INBOUND_SMTP_HOST: z.string().min(1).default('127.0.0.1'),
    INBOUND_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(25 * 1024 * 1024),
    INBOUND_DOMAIN: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i, 'doit être un nom de domaine')
      .default('guichet.localhost'),
    IMAP_POLL_INTERVAL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(60),
    IMAP_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
    MAIL_ATTACHMENTS_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(0)
      .default(10 * 1024 * 1024),
    SMS_PROVIDER: z.enum(['file', 'http']).default('file'),
    SMS_HTTP_URL: z
      .string()
      .url()
      .refine((v) => /^https?:\/\//.test(v), 'doit être une adresse http(s)')
      .optional(),
    SMS_HTTP_TOKEN: z.string().min(1).optional(),
    SMS_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    SMS_SENDER: z
      .string()
      .regex(
        /^([A-Za-z][A-Za-z0-9 ]{1,10}|\+[1-9]\d{7,14})$/,
        'doit être un nom de 2 à 11 lettres et chiffres ou un numéro E.164',
      )
      .default('Guichet'),
    API_PARTICULIER_URL: z
      .string()
      .url()
      .refine((v) => /^https?:\/\//.test(v), 'doit être une adresse http(s)')
      .optional(),
    API_PARTICULIER_TOKEN: z.string().min(1).optional(),
    API_PARTICULIER_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
    GUICHET_DEMO_API_PARTICULIER: z
      .enum(['true', 'false'])
      .optional()
      .transform((v) => (v === undefined ? undefined : v === 'true')),
    DEMO_API_PARTICULIER_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
    LLM_BASE_URL: z
      .string()
      .url()
      .refine((v) => /^https?:\/\//.test(v), 'doit être une adresse http(s)')
      .optional(),
    LLM_API_KEY: z.string().min(1).optional(),
    LLM_MODEL: z.string().min(1).default('albert-small'),
    LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(4000),
    ASSISTANT_RATE_LIMIT: z.coerce.number().int().min(1).default(20),
    CONSULTATION_RATE_LIMIT: z.coerce.number().int().min(1).default(5),
    EXPERIENCE_RATE_LIMIT: z.coerce.number().int().min(1).max(1000).default(3),
    SURVEY_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
    SURVEY_KIOSK_RATE_LIMIT: z.coerce.number().int().min(1).default(300),
    SURVEY_LINK_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  })
  .superRefine((env, ctx) => {
    if (env.API_PARTICULIER_URL && !env.API_PARTICULIER_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['API_PARTICULIER_TOKEN'],
        message: 'is required when API_PARTICULIER_URL is set',
      });
    }
    if (env.LLM_BASE_URL && !env.LLM_API_KEY) {
      ctx.addIssue({ code: 'custom', path: ['LLM_API_KEY'], message: 'is required when LLM_BASE_URL is set' });
    }
    if (env.SMS_PROVIDER === 'http' && !env.SMS_HTTP_URL) {
      ctx.addIssue({ code: 'custom', path: ['SMS_HTTP_URL'], message: 'is required when SMS_PROVIDER=http' });
    }
    if (env.SMS_PROVIDER === 'http' && !env.SMS_HTTP_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['SMS_HTTP_TOKEN'], message: 'is required when SMS_PROVIDER=http' });
    }
    if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'is required in production' });
    }
    if (env.NODE_ENV === 'production' && !env.PUBLIC_BASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['PUBLIC_BASE_URL'], message: 'is required in production' });
    }
  });

export type Env = z.input<typeof schema>;

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /**
   * The platform's public origin (scheme, host name, port; no path), e.g. https://guichet.example.org.
   * Every absolute link (mails, PDFs, OpenID Connect redirect URIs) is built from it and the
   * tenants' host names, never from the request's Host header (platform/web/public-url.ts).
   */
  publicBaseUrl: string;
  logLevel: string;
  /** 'pretty': readable lines (pino-pretty); 'json': one JSON object a line; 'auto': pretty in development on a terminal. */
  logFormat: 'auto' | 'pretty' | 'json';
  databaseUrl: string | undefined;
  /** Schema owner's connection for migrations (defaults to databaseUrl). */
  databaseOwnerUrl: string | undefined;
  databasePoolSize: number;
  dataDir: string;
  demo: boolean;
  /** Signs CSRF tokens. In development a fixed value is derived so restarts keep forms valid. */
  sessionSecret: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  uploadMaxBytes: number;
  /** All the files of one request together (a démarche form, a message on the tracking page). */
  uploadMaxTotalBytes: number;
  trustProxy: boolean;
  trackingRateLimit: number;
  /** Searches of the knowledge base through the API per minute and address, for callers without an agent session. */
  searchRateLimit: number;
  /** Send queued mail from this process; false when `npm run worker` runs beside web processes. */
  mailWorkerEnabled: boolean;
  /**
   * Work on the job queue (platform/jobs/queue.ts) in this process: background jobs and the daily
   * jobs. Several instances may: each job runs once.
   */
  jobsEnabled: boolean;
  /** Jobs run at once by this process. */
  jobsConcurrency: number;
  /** How often the queue is looked at when no notification woke the worker. */
  jobsPollIntervalMs: number;
  /** How long a claimed job is kept from other workers; past it (a crashed worker), it runs again. */
  jobsLeaseSeconds: number;
  /** Server local time (HH:MM) of the daily jobs. */
  jobsDailyAt: string;
  /** Login, registration, password reset, second factor: POSTs per minute per client address. */
  loginRateLimit: number;
  /** Anonymous request submissions (form and API): per minute per client address. */
  formRateLimit: number;
  /** Appointments booked by someone not signed in as an agent (portal and API), per minute and address. */
  appointmentRateLimit: number;
  /** Any other POST without a signed-in agent or citizen: per minute per client address. */
  anonymousPostRateLimit: number;
  /** Progressive delay after the third failed login (doubled at each further failure); 0 turns it off. */
  loginDelayBaseMs: number;
  loginDelayMaxMs: number;
  /** FranceConnect relying party; null issuer = not configured (the button leads to the "indisponible" page). */
  franceconnect: {
    issuer: string | null;
    clientId: string | null;
    clientSecret: string | null;
    /** How long the health check waits for the provider's discovery document and keys. */
    healthTimeoutMs: number;
  };
  /** Start the demo FranceConnect-like provider (src/demo/franceconnect-provider.ts) with `npm start`. */
  demoFranceconnect: boolean;
  demoFranceconnectPort: number;
  /** ProConnect for agents; null when not fully configured (no button on the agent login page). */
  proconnect: { issuer: string; clientId: string; clientSecret: string } | null;
  /**
   * Inbound mail (modules/inbound-mail): the SMTP listener `npm start` opens (port 0: none), the
   * largest message accepted, and the domain of the tenants' default addresses (<slug>@domain).
   */
  inbound: {
    smtpPort: number;
    smtpHost: string;
    maxBytes: number;
    domain: string;
    /** How often each tenant's IMAP mailbox is read (seconds). */
    imapPollIntervalSeconds: number;
    /** Attempts at one IMAP message before it is left aside for the administrators (dead letter). */
    imapMaxAttempts: number;
  };
  /**
   * The agent's files attached to one mail together; above it, the mail links to the tracking
   * page instead (the files are always there). 0: never attached.
   */
  mailAttachmentsMaxBytes: number;
  /**
   * Text messages (platform/sms, decision 20): `file` writes them to <data dir>/sms/outbox.jsonl,
   * `http` posts them to a gateway with a bearer token. `sender` is the name or number shown.
   */
  sms: {
    provider: 'file' | 'http';
    httpUrl: string | null;
    httpToken: string | null;
    httpTimeoutMs: number;
    sender: string;
  };
  /**
   * API Particulier (platform/api-particulier, decision 31): the State's data instead of
   * documents. null url: not configured (the forms ask for the documents).
   */
  apiParticulier: { url: string | null; token: string | null; timeoutMs: number };
  /** Start the demo API Particulier (src/demo/api-particulier-provider.ts) with `npm start`. */
  demoApiParticulier: boolean;
  demoApiParticulierPort: number;
  /**
   * An OpenAI-compatible model the assistant asks to draft its answers from the articles it
   * found (decision 27); null: answers are extracted from the articles, with no external service.
   */
  llm: { baseUrl: string; apiKey: string; model: string; timeoutMs: number } | null;
  /** Questions to the assistant (page, widget, API) per minute and client address; agents are not counted. */
  assistantRateLimit: number;
  /** Answers to one public consultation per client address and hour (ballot stuffing; decision 38). */
  consultationRateLimit: number;
  /**
   * Experiences shared from one client address in 24 hours (experiences, decision 37): a
   * published page of opinions must not be filled by one sender.
   */
  experienceRateLimit: number;
  /** Satisfaction surveys (modules/satisfaction, decision 35). */
  survey: {
    /** Answers per client address and day (ballot stuffing); a counter tablet has its own budget. */
    rateLimit: number;
    /** Answers per counter tablet (kiosk) and day. */
    kioskRateLimit: number;
    /** Days a survey link stays valid. */
    linkDays: number;
  };
}

export class ConfigError extends Error {}

/** An http(s) origin: no user name or password, no path beyond '/', no query, no fragment. */
function isOrigin(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const u = new URL(value);
  return (
    (u.protocol === 'http:' || u.protocol === 'https:') &&
    u.username === '' &&
    u.password === '' &&
    u.pathname === '/' &&
    u.search === '' &&
    u.hash === '' &&
    !value.endsWith('?') &&
    !value.endsWith('#')
  );
}

/** Parses the environment; throws a ConfigError listing every invalid variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicBaseUrl: e.PUBLIC_BASE_URL ? new URL(e.PUBLIC_BASE_URL).origin : `http://localhost:${e.PORT}`,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    databaseUrl: e.DATABASE_URL,
    databaseOwnerUrl: e.DATABASE_OWNER_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    dataDir: e.GUICHET_DATA_DIR,
    demo: e.GUICHET_DEMO,
    sessionSecret: e.SESSION_SECRET ?? 'development-only-secret-change-me-in-production',
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    uploadMaxBytes: e.UPLOAD_MAX_BYTES,
    uploadMaxTotalBytes: e.UPLOAD_MAX_TOTAL_BYTES,
    trustProxy: e.TRUST_PROXY,
    trackingRateLimit: e.TRACKING_RATE_LIMIT,
    searchRateLimit: e.SEARCH_RATE_LIMIT,
    mailWorkerEnabled: e.MAIL_WORKER_ENABLED,
    jobsEnabled: e.JOBS_ENABLED,
    jobsDailyAt: e.JOBS_DAILY_AT,
    jobsConcurrency: e.JOBS_CONCURRENCY,
    jobsPollIntervalMs: e.JOBS_POLL_INTERVAL_MS,
    jobsLeaseSeconds: e.JOBS_LEASE_SECONDS,
    loginRateLimit: e.LOGIN_RATE_LIMIT,
    formRateLimit: e.FORM_RATE_LIMIT,
    appointmentRateLimit: e.APPOINTMENT_RATE_LIMIT,
    anonymousPostRateLimit: e.ANONYMOUS_POST_RATE_LIMIT,
    loginDelayBaseMs: e.LOGIN_DELAY_BASE_MS,
    loginDelayMaxMs: e.LOGIN_DELAY_MAX_MS,
    franceconnect: {
      issuer: e.FRANCECONNECT_ISSUER ?? null,
      clientId: e.FRANCECONNECT_CLIENT_ID ?? null,
      clientSecret: e.FRANCECONNECT_CLIENT_SECRET ?? null,
      healthTimeoutMs: e.FRANCECONNECT_HEALTH_TIMEOUT_MS,
    },
    demoFranceconnect: e.GUICHET_DEMO_FRANCECONNECT ?? (e.GUICHET_DEMO && !e.FRANCECONNECT_ISSUER),
    demoFranceconnectPort: e.DEMO_FRANCECONNECT_PORT,
    proconnect:
      e.PROCONNECT_ISSUER && e.PROCONNECT_CLIENT_ID && e.PROCONNECT_CLIENT_SECRET
        ? { issuer: e.PROCONNECT_ISSUER, clientId: e.PROCONNECT_CLIENT_ID, clientSecret: e.PROCONNECT_CLIENT_SECRET }
        : null,
    inbound: {
      smtpPort: e.INBOUND_SMTP_PORT,
      smtpHost: e.INBOUND_SMTP_HOST,
      maxBytes: e.INBOUND_MAX_BYTES,
      domain: e.INBOUND_DOMAIN.toLowerCase(),
      imapPollIntervalSeconds: e.IMAP_POLL_INTERVAL_SECONDS,
      imapMaxAttempts: e.IMAP_MAX_ATTEMPTS,
    },
    mailAttachmentsMaxBytes: e.MAIL_ATTACHMENTS_MAX_BYTES,
    sms: {
      provider: e.SMS_PROVIDER,
      httpUrl: e.SMS_HTTP_URL ?? null,
      httpToken: e.SMS_HTTP_TOKEN ?? null,
      httpTimeoutMs: e.SMS_HTTP_TIMEOUT_MS,
      sender: e.SMS_SENDER,
    },
    apiParticulier: {
      url: e.API_PARTICULIER_URL ?? null,
      token: e.API_PARTICULIER_TOKEN ?? null,
      timeoutMs: e.API_PARTICULIER_TIMEOUT_MS,
    },
    demoApiParticulier:
      e.GUICHET_DEMO_API_PARTICULIER ?? (e.GUICHET_DEMO && !e.API_PARTICULIER_URL && e.NODE_ENV === 'development'),
    demoApiParticulierPort: e.DEMO_API_PARTICULIER_PORT,
    llm:
      e.LLM_BASE_URL && e.LLM_API_KEY
        ? { baseUrl: e.LLM_BASE_URL, apiKey: e.LLM_API_KEY, model: e.LLM_MODEL, timeoutMs: e.LLM_TIMEOUT_MS }
        : null,
    assistantRateLimit: e.ASSISTANT_RATE_LIMIT,
    consultationRateLimit: e.CONSULTATION_RATE_LIMIT,
    experienceRateLimit: e.EXPERIENCE_RATE_LIMIT,
    survey: {
      rateLimit: e.SURVEY_RATE_LIMIT,
      kioskRateLimit: e.SURVEY_KIOSK_RATE_LIMIT,
      linkDays: e.SURVEY_LINK_DAYS,
    },
  };
}
