import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createApp } from '../../src/app.ts';
import { inTenant } from '../../src/db/tenant-scope.ts';
import { createSession } from '../../src/modules/agents/sessions.ts';
import { FORMS_BY_SLUG } from '../../src/modules/catalogue/forms/index.ts';
import { openCitizenSession } from '../../src/modules/citizens/sessions.ts';
import { CSRF_COOKIE, csrfTokenFor, newCsrfCookieValue } from '../../src/platform/web/csrf.ts';
import { insertAgent, insertCitizen, insertRequest } from '../support/factories.ts';
import { createTestContext, TEST_DB, type TestContext } from '../support/test-app.ts';

/**
 * Every registered route, every form field of the démarche forms and of the API schemas, fed
 * with what breaks naive code: NUL bytes, lone surrogates, 100,000 characters, objects and arrays
 * where strings are expected, malformed percent-encoding, overlong UTF-8, invalid JSON. Whatever
 * comes in, the answer is never a 5xx and never shows internals. Seeded and bounded: the same
 * requests at every run (FUZZ_SEED changes them), a few thousand in all.
 */

const BASE = '/t/villebelle';
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_203);

/** mulberry32: a small deterministic generator, so that a failure replays exactly. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HUGE = 'A'.repeat(100_000);

/** Strings as the application would receive them once decoded (form fields, JSON values, query values). */
const TEXT_VALUES: string[] = [
  'a\u0000b',
  '\u0000',
  '\ud800',
  'x\udfffy',
  '\udc00\ud800',
  HUGE,
  '\r\nSet-Cookie: x=1',
  'ＶＢ－２０２６－４Ｆ７Ｋ２',
  '\u202e\u200b\ufeff',
  '😀é€日本',
  "' OR 1=1 --",
  '"><script>alert(1)</script>',
  '../../../../etc/passwd',
  '',
  ' ',
  '-1',
  '1e309',
  '__proto__',
  '/\\evil.example',
  // Return paths after login that pass the checks but hold characters outside Latin-1.
  '/mon-espace/日本',
  '/agent/demandes?q=€',
];

/** Raw encodings, sent as they are in a URL or an urlencoded body: each one is malformed. */
const RAW_ENCODED: string[] = [
  '%00',
  '%ED%A0%80', // a surrogate encoded as UTF-8: not valid UTF-8
  '%C0%AF', // overlong "/"
  '%C0%80', // overlong NUL
  '%E0%A4%A',
  '%',
  '%zz',
  '%FF%FE',
  '%F4%90%80%80', // beyond U+10FFFF
];

/** JSON values where a string is expected. */
function jsonValues(random: () => number): unknown[] {
  let deep: unknown = 'x';
  for (let i = 0; i < 200; i++) deep = i % 2 ? [deep] : { a: deep };
  return [
    ...TEXT_VALUES,
    null,
    true,
    0,
    -1.5e300,
    {},
    [],
    ['a', 'b'],
    { street: '\u0000', postalCode: ['x'], city: { a: 1 } },
    { __proto__: { polluted: true }, constructor: { prototype: { x: 1 } } },
    deep,
    Array.from({ length: 5000 }, (_, i) => String(i)),
    String.fromCharCode(...Array.from({ length: 64 }, () => Math.floor(random() * 0xffff))),
  ];
}

/** Bodies that are not JSON, sent as JSON. */
const INVALID_JSON: string[] = [
  '{',
  '{"answers":',
  '{"answers":{"a":"\\u00"}}',
  '{"answers":{"a":"\\ud800"}}',
  '{"answers":{"a":"\\u0000"}}',
  "{'answers':{}}",
  'null',
  '[]',
  '"answers"',
  '1e999',
  '['.repeat(20_000) + ']'.repeat(20_000),
  '\ufeff{"answers":{}}',
  '',
];

/** Field names the app reads from forms and query strings, besides the démarche forms' own. */
const COMMON_FIELDS = [
  'email',
  'password',
  'confirmation',
  'retour',
  'cle',
  'reference',
  'message',
  'code',
  'jeton',
  'token',
  'state',
  'q',
  'page',
  'statut',
  'service',
  'services',
  'role',
  'name',
  'motif',
  'decision',
  'channel',
  'identite',
  'language',
  'dpo_nom',
  'dpo_courriel',
  'dpo_adresse',
  'action',
  'day',
  'month',
  'year',
  'hour',
  'minute',
  'envoye',
  'deconnexion',
  'confirme',
  'enregistre',
  'revoque',
  'error',
  'sirets',
  'domains',
  'needsText',
  'vue',
  'tri',
  'demarche',
  'canal',
  'agent',
  'echeance',
  'jours',
  'avant',
  'etiquette',
  'selection',
  'texte',
  'libelle',
  'nom',
  'partage',
  'requete',
  'faites',
  'ecartees',
];

function formFieldNames(): string[] {
  const names = new Set<string>([
    'applicant_given_name',
    'applicant_family_name',
    'applicant_email',
    'applicant_phone',
  ]);
  for (const form of Object.values(FORMS_BY_SLUG)) {
    for (const section of form.sections) {
      for (const field of section.fields) {
        if (field.type === 'address') {
          for (const part of ['street', 'postal_code', 'city']) names.add(`${field.name}__${part}`);
        } else {
          names.add(field.name);
        }
      }
    }
  }
  return [...names];
}

interface Failure {
  label: string;
  status: number;
  body: string;
}

describe(`fuzzing every route and field: never a 5xx (${TEST_DB})`, () => {
  let ctx: TestContext;
  let app: FastifyInstance;
  const routes: { method: string; url: string }[] = [];
  const csrfCookie = newCsrfCookieValue();
  let csrf = '';
  let reference = '';
  let agentId = '';
  let citizenId = '';
  const failures: Failure[] = [];
  let sent = 0;
  let address = 0;

  before(async () => {
    ctx = await createTestContext({
      env: { LOGIN_RATE_LIMIT: '1000000', FORM_RATE_LIMIT: '1000000', TRACKING_RATE_LIMIT: '1000000' },
    });
    app = await createApp(ctx.services, {
      logger: false,
      onRoute: (r) => {
        for (const method of [r.method].flat()) routes.push({ method: String(method), url: r.url });
      },
    });
    await app.ready();
    csrf = csrfTokenFor(ctx.config.sessionSecret, csrfCookie);
    reference = (await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'reclamation' })).reference;
    agentId = await insertAgent(ctx.database, ctx.tenantId, {
      email: 'fuzz.admin@villebelle.example',
      password: 'fuzz-admin-motdepasse-42',
      role: 'admin',
      serviceSlugs: ['etat-civil'],
    });
    citizenId = await insertCitizen(ctx.database, ctx.tenantId, 'fuzz.usager@example.org', 'Fuzz');
  });
  after(async () => {
    await app?.close();
    await ctx?.close();
  });

  /** A fresh session per route: a route under test may well close or change the one it got. */
  async function cookieFor(actor: 'anonymous' | 'citizen' | 'agent'): Promise<string> {
    const base = `${CSRF_COOKIE}=${csrfCookie}`;
    if (actor === 'anonymous') return base;
    const tenantId = ctx.tenantId;
    const now = ctx.services.clock.now();
    const token = await inTenant(ctx.services.db, tenantId, (trx) =>
      actor === 'agent'
        ? createSession(trx, tenantId, agentId, now, 'full')
        : openCitizenSession(trx, { tenantId, citizenId, method: 'password', now }),
    );
    return `${base}; ${actor === 'agent' ? 'guichet_agent' : 'guichet_citoyen'}=${token}`;
  }

  async function send(
    label: string,
    options: { method: string; url: string; cookie: string; payload?: string | Buffer; contentType?: string },
  ) {
    address += 1;
    sent += 1;
    const headers: Record<string, string> = { cookie: options.cookie };
    if (options.contentType) headers['content-type'] = options.contentType;
    let res;
    try {
      res = await app.inject({
        method: options.method as 'GET',
        url: options.url,
        headers,
        payload: options.payload,
        // Rate limits count per address: every request comes from its own.
        remoteAddress: `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`,
      });
    } catch (err) {
      failures.push({ label, status: 0, body: `inject threw: ${(err as Error).message}` });
      return;
    }
    const leak = /\bat [\w.<>]+ \(|\.ts:\d+|node_modules|ERR_[A-Z_]+|syntax error|relation "/.test(res.body);
    // The one deliberate 5xx: no FranceConnect or ProConnect provider is configured here, and
    // their login routes say so with a 503 page ("… est indisponible").
    const providerDown =
      res.statusCode === 503 && /(franceconnect|proconnect)/.test(options.url) && /indisponible/.test(res.body);
    if ((res.statusCode >= 500 && !providerDown) || leak) {
      failures.push({ label, status: res.statusCode, body: res.body.slice(0, 300) });
    }
  }

  /** The route's URL with its parameters filled with plausible values, one of them replaced if asked. */
  function fillUrl(url: string, replace?: { param: string; raw: string }): string {
    const plausible: Record<string, string> = {
      slug: 'reclamation',
      reference,
      id: '00000000-0000-4000-8000-000000000000',
      token: 'jeton-inconnu',
      '*': 'guichet.css',
    };
    const filled = url.replace(/:(\w+)|\*/g, (m, name: string | undefined) => {
      const key = name ?? '*';
      if (replace && replace.param === key) return replace.raw;
      return encodeURIComponent(plausible[key] ?? 'valeur');
    });
    // Platform routes are served without a tenant; every other one under the demo tenant's prefix.
    return /^\/(?:static\/|healthz$|readyz$)/.test(filled) ? filled : `${BASE}${filled}`;
  }

  /** A form-encoded value: the decoded text encoded properly, or one of the raw malformed encodings. */
  function encodedValues(): string[] {
    return [...TEXT_VALUES.filter((v) => !/[\ud800-\udfff]/.test(v)).map((v) => encodeURIComponent(v)), ...RAW_ENCODED];
  }

  test('every route, every actor, every field: no 5xx, no internals', async () => {
    const random = generator(SEED);
    const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;
    const fields = [...formFieldNames(), ...COMMON_FIELDS];
    const encoded = encodedValues();
    const unique = [...new Map(routes.map((r) => [`${r.method} ${r.url}`, r])).values()].filter(
      (r) => r.method !== 'HEAD' && r.method !== 'OPTIONS',
    );
    assert.ok(unique.length > 50, `only ${unique.length} routes registered`);

    for (const route of unique) {
      const params = [...route.url.matchAll(/:(\w+)|\*/g)].map((m) => m[1] ?? '*');
      for (const actor of ['anonymous', 'citizen', 'agent'] as const) {
        const cookie = await cookieFor(actor);
        // A seeded sample of the pool, larger for the anonymous visitor: the NUL byte always in it,
        // the rest drawn at random, so that over all routes every value is sent many times.
        const sample = (list: string[], anonymous: number, signedIn: number) => {
          const n = actor === 'anonymous' ? anonymous : signedIn;
          return ['%00', ...Array.from({ length: n - 1 }, () => pick(list))];
        };

        // Path segments.
        for (const param of params) {
          for (const raw of sample([...encoded, encodeURIComponent(HUGE)], 10, 4)) {
            await send(`${actor} ${route.method} ${route.url} [:${param}=${raw.slice(0, 30)}]`, {
              method: route.method,
              url: fillUrl(route.url, { param, raw }),
              cookie,
              ...(route.method === 'POST'
                ? { payload: `_csrf=${csrf}`, contentType: 'application/x-www-form-urlencoded' }
                : {}),
            });
          }
        }

        // Query strings: every known name at once, all with the same value (a mix would nearly
        // always hold a NUL somewhere, and the input guard would answer before any handler).
        for (const value of sample(encoded, 8, 3)) {
          const query = fields.map((name) => `${name}=${value}`).join('&');
          await send(`${actor} ${route.method} ${route.url} [query ${value.slice(0, 30)}]`, {
            method: route.method,
            url: `${fillUrl(route.url)}?${query}`,
            cookie,
            ...(route.method === 'POST'
              ? { payload: `_csrf=${csrf}`, contentType: 'application/x-www-form-urlencoded' }
              : {}),
          });
        }

        if (route.method !== 'POST') continue;
        const url = fillUrl(route.url);

        // Form bodies: every field at once, each time with another value (the CSRF field valid, so
        // the handler runs), repeated names, bracketed names, raw bytes that are not UTF-8.
        for (const value of sample(encoded, 12, 5)) {
          const body = [`_csrf=${csrf}`, ...fields.map((name) => `${name}=${value}`)].join('&');
          await send(`${actor} POST ${route.url} [form ${value.slice(0, 30)}]`, {
            method: 'POST',
            url,
            cookie,
            payload: body,
            contentType: 'application/x-www-form-urlencoded',
          });
        }
        const odd = [
          `_csrf=${csrf}&${fields.map((n) => `${n}=a&${n}=b&${n}[]=c`).join('&')}`,
          `_csrf=${csrf}&__proto__[x]=1&constructor[prototype][x]=1&${fields.map((n) => `${n}[a][b]=c`).join('&')}`,
        ];
        for (const body of odd) {
          await send(`${actor} POST ${route.url} [odd form]`, {
            method: 'POST',
            url,
            cookie,
            payload: body,
            contentType: 'application/x-www-form-urlencoded',
          });
        }
        await send(`${actor} POST ${route.url} [raw bytes]`, {
          method: 'POST',
          url,
          cookie,
          payload: Buffer.concat([
            Buffer.from(`_csrf=${csrf}&email=`),
            Buffer.from([0xc0, 0x80, 0xff, 0xfe, 0xed, 0xa0, 0x80]),
            Buffer.from('&message=\u0000'),
          ]),
          contentType: 'application/x-www-form-urlencoded',
        });

        // JSON where a form is expected (or not), and bodies that are not JSON at all.
        const json = jsonValues(random);
        for (let i = 0; i < (actor === 'anonymous' ? 4 : 1); i++) {
          const body: Record<string, unknown> = { _csrf: csrf };
          for (const name of fields) body[name] = pick(json);
          await send(`${actor} POST ${route.url} [json #${i}]`, {
            method: 'POST',
            url,
            cookie,
            payload: JSON.stringify(body),
            contentType: 'application/json',
          });
        }
        for (const text of actor === 'anonymous' ? INVALID_JSON : [pick(INVALID_JSON)]) {
          await send(`${actor} POST ${route.url} [invalid json ${text.slice(0, 20)}]`, {
            method: 'POST',
            url,
            cookie,
            payload: text,
            contentType: 'application/json',
          });
        }
      }
    }
  });

  test('the API submission, form by form and field by field', async () => {
    const random = generator(SEED + 1);
    const json = jsonValues(random);
    const applicant = {
      applicant_given_name: 'Lucie',
      applicant_family_name: 'Moreau',
      applicant_email: 'lucie.moreau@example.org',
    };
    for (const [slug, form] of Object.entries(FORMS_BY_SLUG)) {
      const names = [...Object.keys(applicant), ...form.sections.flatMap((s) => s.fields.map((f) => f.name))];
      for (const name of names) {
        // Each field alone with a bad value (the others plausible or missing), a few values each.
        for (let i = 0; i < 3; i++) {
          await send(`API ${slug}.${name} #${i}`, {
            method: 'POST',
            url: `${BASE}/api/v1/demarches/${slug}/requests`,
            cookie: '',
            payload: JSON.stringify({ answers: { ...applicant, [name]: json[Math.floor(random() * json.length)] } }),
            contentType: 'application/json',
          });
        }
      }
      for (const answers of [null, [], 'x', { ['a'.repeat(100_000)]: 'x' }, { 'clé\u0000': 'x' }]) {
        await send(`API ${slug} answers=${JSON.stringify(answers)?.slice(0, 20)}`, {
          method: 'POST',
          url: `${BASE}/api/v1/demarches/${slug}/requests`,
          cookie: '',
          payload: JSON.stringify({ answers }),
          contentType: 'application/json',
        });
      }
    }
    // The tracking code header of the API lookup.
    for (const code of ['A'.repeat(10_000), '%00', 'é', '\t', '']) {
      address += 1;
      const res = await app.inject({
        method: 'GET',
        url: `${BASE}/api/v1/requests/${reference}`,
        headers: { 'x-tracking-code': code },
        remoteAddress: `10.250.0.${address & 255}`,
      });
      sent += 1;
      if (res.statusCode >= 500)
        failures.push({ label: `x-tracking-code ${code.slice(0, 20)}`, status: res.statusCode, body: res.body });
    }
  });

  test('no request answered 5xx', (t) => {
    t.diagnostic(`${sent} requests, seed ${SEED}`);
    assert.ok(sent > 1000, `only ${sent} requests sent`);
    assert.deepEqual(
      failures.slice(0, 25).map((f) => `${f.status} ${f.label}: ${f.body.replace(/\s+/g, ' ').slice(0, 160)}`),
      [],
      `${failures.length} of ${sent} requests failed`,
    );
  });
});
