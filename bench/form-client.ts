/**
 * What a citizen's browser does with an online form, for the benchmark and the operations
 * tests: take a CSRF cookie and token from the form page, fill every field with valid answers
 * derived from the form definition, post it (urlencoded) and read the reference from the 303.
 */
import { parseFormDefinition, type FormDefinition, type FormField } from '../src/modules/catalogue/form-definition.ts';
import { FORMS_BY_SLUG } from '../src/modules/catalogue/forms/index.ts';

export interface FormSession {
  /** `guichet_csrf=<value>`, ready for a Cookie header. */
  cookie: string;
  token: string;
}

export interface DemoForm {
  slug: string;
  definition: FormDefinition;
}

/** GETs a page and returns the CSRF cookie it set (or was sent) and the form's `_csrf` token. */
export async function fetchFormSession(pageUrl: string, cookie?: string): Promise<FormSession> {
  const res = await fetch(pageUrl, { headers: cookie ? { cookie } : {} });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${pageUrl}: ${res.status}`);
  const set = res.headers.getSetCookie().find((c) => c.startsWith('guichet_csrf='));
  const jar = set ? set.split(';')[0]! : cookie;
  const token =
    /name="_csrf"[^>]*value="([^"]+)"/.exec(body)?.[1] ?? /value="([^"]+)"[^>]*name="_csrf"/.exec(body)?.[1];
  if (!jar || !token) throw new Error(`GET ${pageUrl}: no CSRF cookie or token in the page`);
  return { cookie: jar, token };
}

/** The online forms of the demo catalogue: the definitions the seed stores, by démarche slug. */
export async function demoForms(): Promise<DemoForm[]> {
  return Object.entries(FORMS_BY_SLUG)
    .map(([slug, definition]) => ({ slug, definition: parseFormDefinition(definition) }))
    .sort((a, b) => a.slug.localeCompare(b.slug));
}

/**
 * A démarche whose form can be sent without files (urlencoded), preferring `preferred`.
 * Returns null when no form qualifies.
 */
export function pickUrlencodedForm(forms: DemoForm[], preferred: string[] = []): DemoForm | null {
  const usable = forms.filter((f) => answersFor(f.definition, 0) !== null);
  for (const slug of preferred) {
    const hit = usable.find((f) => f.slug === slug);
    if (hit) return hit;
  }
  return usable[0] ?? null;
}

/**
 * Valid answers, unique per `n`, as urlencoded pairs; null when the form needs a file or has a
 * pattern none of our sample values match.
 */
export function answersFor(definition: FormDefinition, n: number): [string, string][] | null {
  const pairs: [string, string][] = [];
  const given = new Map<string, string[]>();
  for (const field of definition.sections.flatMap((s) => s.fields)) {
    if (field.showIf) {
      const values = given.get(field.showIf.field) ?? [];
      const wanted = Array.isArray(field.showIf.equals) ? field.showIf.equals : [field.showIf.equals];
      if (!values.some((v) => wanted.includes(v))) continue;
    }
    const values = valuesFor(field, n);
    if (values === null) {
      if (field.required) return null;
      continue;
    }
    given.set(
      field.name,
      values.map(([, v]) => v),
    );
    pairs.push(...values);
  }
  pairs.push(
    ['applicant_given_name', 'Camille'],
    ['applicant_family_name', 'Martin'],
    ['applicant_email', `camille.martin.${n}@example.org`],
    ['applicant_phone', '06 12 34 56 78'],
  );
  return pairs;
}

const SAMPLES = ['Réponse de test', 'Dupont', '12345', '1', 'AB123456', '0612345678', 'AB-123-CD', 'A'];

function valuesFor(field: FormField, n: number): [string, string][] | null {
  const v = field.validation ?? {};
  const one = (value: string): [string, string][] => [[field.name, value]];
  switch (field.type) {
    case 'text':
    case 'textarea': {
      if (v.pattern) {
        const re = new RegExp(`^(?:${v.pattern})$`);
        const sample = SAMPLES.find((s) => re.test(s));
        return sample === undefined ? null : one(sample);
      }
      let text = field.type === 'textarea' ? `Message de test numéro ${n}. Tout va bien.` : `Réponse ${n}`;
      while (text.length < (v.minLength ?? 0)) text += ' test';
      return one(v.maxLength ? text.slice(0, v.maxLength) : text);
    }
    case 'email':
      return one(`test.${n}@example.org`);
    case 'phone':
      return one('01 23 45 67 89');
    case 'date':
      return one(dateWithin(v.minDate, v.maxDate));
    case 'number': {
      let x = v.min ?? 1;
      if (v.max !== undefined && x > v.max) x = v.max;
      return one(String(x));
    }
    case 'choice':
      return one(field.options![0]!.value);
    case 'multichoice': {
      const k = Math.max(v.minChoices ?? 1, 1);
      return field.options!.slice(0, k).map((o) => [field.name, o.value] as [string, string]);
    }
    case 'checkbox':
      return one('oui');
    case 'address':
      return [
        [`${field.name}__street`, `${(n % 200) + 1} rue de la République`],
        [`${field.name}__postal_code`, '75001'],
        [`${field.name}__city`, 'Paris'],
      ];
    case 'file':
      return null;
  }
}

function dateWithin(min: string | undefined, max: string | undefined): string {
  const today = new Date().toISOString().slice(0, 10);
  const lo = min === 'today' ? today : min;
  const hi = max === 'today' ? today : max;
  const shift = (d: string, days: number) => new Date(Date.parse(d) + days * 86_400_000).toISOString().slice(0, 10);
  if (lo && hi) return shift(lo, Math.floor((Date.parse(hi) - Date.parse(lo)) / 86_400_000 / 2));
  if (lo) return shift(lo, 10);
  if (hi) return shift(hi, -9000);
  return '1990-05-17';
}

export interface Submitted {
  status: number;
  reference?: string;
  secret?: string;
  body?: string;
}

/** Posts answers; on a 303 returns the reference and tracking secret from the Location. */
export async function submitForm(
  origin: string,
  slug: string,
  session: FormSession,
  answers: [string, string][],
): Promise<Submitted> {
  const body = new URLSearchParams([['_csrf', session.token], ...answers]).toString();
  const res = await fetch(`${origin}/demarches/${slug}/demande`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
    body,
  });
  if (res.status !== 303) return { status: res.status, body: await res.text() };
  await res.arrayBuffer();
  return { status: 303, ...parseConfirmation(res.headers.get('location') ?? '') };
}

export function parseConfirmation(location: string): { reference?: string; secret?: string } {
  const m = /\/demandes\/([^/?]+)\/confirmation\?cle=([^&]+)/.exec(location);
  return m ? { reference: decodeURIComponent(m[1]!), secret: decodeURIComponent(m[2]!) } : {};
}
