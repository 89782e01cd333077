import type { z } from 'zod';
import {
  ApiParticulierError,
  compositionFamilialeV2Schema,
  errorBodySchema,
  etudiantSchema,
  presentCompositionFamilialeV2,
  presentEtudiant,
  presentSituationPoleEmploi,
  situationPoleEmploiSchema,
  type ApiParticulier,
  type QuotientFamilialQuery,
} from './api-particulier.ts';

export interface HttpApiParticulierOptions {
  /** Base URL, e.g. https://particulier.api.gouv.fr (no trailing /api). */
  baseUrl: string;
  token: string;
  timeoutMs: number;
  /** Today (YYYY-MM-DD), for "registered today": the services' clock. */
  today: () => string;
}

/** API Particulier over HTTP (version 2 endpoints, `X-Api-Key`). */
export class HttpApiParticulier implements ApiParticulier {
  constructor(private readonly options: HttpApiParticulierOptions) {}

  async quotientFamilial(query: QuotientFamilialQuery) {
    const [year, month, day] = query.dateNaissance.split('-').map(Number);
    const params: [string, string | undefined | null][] = [
      ['recipient', query.recipient],
      ['nomNaissance', query.nomNaissance],
      ['nomUsage', query.nomUsage],
      ...query.prenoms.map((p): [string, string] => ['prenoms[]', p]),
      // As the documentation's examples send them: numbers, not zero-padded.
      ['anneeDateDeNaissance', year ? String(year) : null],
      ['moisDateDeNaissance', month ? String(month) : null],
      ['jourDateDeNaissance', day ? String(day) : null],
      ['codeInseeLieuDeNaissance', query.codeInseeLieuDeNaissance],
      ['codePaysLieuDeNaissance', query.codePaysLieuDeNaissance],
      ['sexe', query.sexe],
      ['annee', query.annee ? String(query.annee) : null],
      ['mois', query.mois ? String(query.mois) : null],
    ];
    const raw = await this.get('/api/v2/composition-familiale-v2', compositionFamilialeV2Schema, params);
    return presentCompositionFamilialeV2(raw);
  }

  async statutEtudiant(query: { recipient: string; ine: string }) {
    const raw = await this.get('/api/v2/etudiants', etudiantSchema, [
      ['recipient', query.recipient],
      ['ine', query.ine],
    ]);
    return presentEtudiant(raw, this.options.today());
  }

  async statutDemandeurEmploi(query: { recipient: string; identifiant: string }) {
    const raw = await this.get('/api/v2/situations-pole-emploi', situationPoleEmploiSchema, [
      ['recipient', query.recipient],
      ['identifiant', query.identifiant],
    ]);
    return presentSituationPoleEmploi(raw, this.options.today());
  }

  /**
   * One GET: a 404 saying `not_found` is an unknown person; any other failure (a 404 without
   * that body is a route that does not exist: a wrong base URL, an endpoint withdrawn) a
   * provider error, a timeout or a malformed answer. Parameters without a value are left out.
   */
  private async get<S extends z.ZodTypeAny>(
    path: string,
    schema: S,
    params: [string, string | null | undefined][],
  ): Promise<z.infer<S>> {
    const url = new URL(`${this.options.baseUrl.replace(/\/+$/, '')}${path}`);
    for (const [k, v] of params) if (v) url.searchParams.append(k, v);
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { 'x-api-key': this.options.token, accept: 'application/json' },
        signal: AbortSignal.timeout(this.options.timeoutMs),
        redirect: 'error',
      });
    } catch (err) {
      const name = (err as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError')
        throw new ApiParticulierError('timeout', `no answer within ${this.options.timeoutMs} ms`);
      throw new ApiParticulierError('provider_error', `unreachable: ${(err as Error).message}`);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (err) {
      const name = (err as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError')
        throw new ApiParticulierError('timeout', `no answer within ${this.options.timeoutMs} ms`);
      throw new ApiParticulierError('provider_error', `answer cut short: ${(err as Error).message}`);
    }
    if (response.status === 404 && isNotFoundBody(text))
      throw new ApiParticulierError('unknown_person', `404 not_found on ${path}`);
    if (!response.ok) throw new ApiParticulierError('provider_error', `HTTP ${response.status} on ${path}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiParticulierError('malformed_answer', `not JSON on ${path}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw new ApiParticulierError(
        'malformed_answer',
        `unexpected shape on ${path}: ${parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join('.')} ${i.message}`)
          .join('; ')}`,
      );
    return parsed.data;
  }
}

/** The documented body of a 404 about a person: `{"error": "not_found", "reason": …}`. */
function isNotFoundBody(text: string): boolean {
  try {
    const body = errorBodySchema.safeParse(JSON.parse(text));
    return body.success && body.data.error === 'not_found';
  } catch {
    return false;
  }
}
