import type { z } from 'zod';
import {
  ApiParticulierError,
  compositionFamilialeSchema,
  compositionFamilialeV2Schema,
  etudiantSchema,
  presentCompositionFamiliale,
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
    if (query.by === 'allocataire') {
      const raw = await this.get('/api/v2/composition-familiale', compositionFamilialeSchema, [
        ['numeroAllocataire', query.numeroAllocataire],
        ['codePostal', query.codePostal],
      ]);
      return presentCompositionFamiliale(raw);
    }
    const [year, month, day] = query.dateNaissance.split('-');
    const raw = await this.get('/api/v2/composition-familiale-v2', compositionFamilialeV2Schema, [
      ['nomNaissance', query.nomNaissance],
      ...query.prenoms.map((p): [string, string] => ['prenoms[]', p]),
      ['anneeDateDeNaissance', year ?? ''],
      ['moisDateDeNaissance', month ?? ''],
      ['jourDateDeNaissance', day ?? ''],
      ['sexe', query.sexe],
      ...(query.codeInseeLieuDeNaissance
        ? [['codeInseeLieuDeNaissance', query.codeInseeLieuDeNaissance] as [string, string]]
        : []),
      ['codePaysLieuDeNaissance', query.codePaysLieuDeNaissance],
    ]);
    return presentCompositionFamilialeV2(raw);
  }

  async statutEtudiant(query: { ine: string }) {
    const raw = await this.get('/api/v2/etudiants', etudiantSchema, [['ine', query.ine]]);
    return presentEtudiant(raw, this.options.today());
  }

  async statutDemandeurEmploi(query: { identifiant: string }) {
    const raw = await this.get('/api/v2/situations-pole-emploi', situationPoleEmploiSchema, [
      ['identifiant', query.identifiant],
    ]);
    return presentSituationPoleEmploi(raw, this.options.today());
  }

  /** One GET: 404 is an unknown person, any other failure a provider error, a timeout or a malformed answer. */
  private async get<S extends z.ZodTypeAny>(path: string, schema: S, params: [string, string][]): Promise<z.infer<S>> {
    const url = new URL(`${this.options.baseUrl.replace(/\/+$/, '')}${path}`);
    for (const [k, v] of params) url.searchParams.append(k, v);
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
    if (response.status === 404) throw new ApiParticulierError('unknown_person', `404 on ${path}`);
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
