import { randomBytes, timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for API Particulier (version 2 endpoints, `X-Api-Key`), for the demo
 * (`npm start`) and the contract tests: the answers have the documented shapes, only the people
 * are fictitious. A few numbers make it misbehave on purpose, so that the demo and the tests can
 * show what the citizen sees when the real service fails:
 *
 * - numéro d'allocataire `5000000`: HTTP 500 (provider error);
 * - `4080000`: answers after 30 seconds (timeout);
 * - `6660000`: a malformed answer (the quotient familial as text).
 */

interface CafFile {
  numeroAllocataire: string;
  codePostal: string;
  regime: 'CNAF' | 'MSA';
  /** The FranceConnect identity (demo people) the file is found by, through composition-familiale-v2. */
  identity?: { nomNaissance: string; prenoms: string; dateNaissance: string; sexe: 'F' | 'M' };
  allocataires: { nom: string; prenoms: string; dateNaissance: string; sexe: 'F' | 'M' }[];
  enfants: { nom: string; prenoms: string; dateNaissance: string; sexe: 'F' | 'M' }[];
  quotientFamilial: number;
  adresse: string;
}

/** The demo's families (fictitious). */
export const DEMO_CAF_FILES: CafFile[] = [
  {
    numeroAllocataire: '1234567',
    codePostal: '00000',
    regime: 'CNAF',
    identity: { nomNaissance: 'MARTIN', prenoms: 'Camille Louise', dateNaissance: '1988-07-14', sexe: 'F' },
    allocataires: [{ nom: 'MARTIN', prenoms: 'CAMILLE LOUISE', dateNaissance: '1988-07-14', sexe: 'F' }],
    enfants: [
      { nom: 'MARTIN', prenoms: 'LÉO', dateNaissance: '2017-03-02', sexe: 'M' },
      { nom: 'MARTIN', prenoms: 'INÈS', dateNaissance: '2019-10-21', sexe: 'F' },
    ],
    quotientFamilial: 654,
    adresse: '12 RUE DES TILLEULS',
  },
  {
    numeroAllocataire: '7654321',
    codePostal: '00000',
    regime: 'MSA',
    identity: { nomNaissance: 'DUPONT', prenoms: 'Marie Angèle', dateNaissance: '1981-04-12', sexe: 'F' },
    allocataires: [
      { nom: 'DUPONT', prenoms: 'MARIE ANGÈLE', dateNaissance: '1981-04-12', sexe: 'F' },
      { nom: 'LEROY', prenoms: 'PAUL', dateNaissance: '1979-09-30', sexe: 'M' },
    ],
    enfants: [{ nom: 'LEROY', prenoms: 'JULES', dateNaissance: '2016-05-08', sexe: 'M' }],
    quotientFamilial: 1120,
    adresse: '3 CHEMIN DU MOULIN',
  },
];

/** Students (fictitious INE). */
export const DEMO_STUDENTS = [
  {
    ine: '0906018155T',
    nom: 'BENALI',
    prenom: 'Aïcha',
    dateNaissance: '1993-02-27',
    etablissement: { uai: '0441987W', nom: 'Université de Villebelle' },
  },
];

/** Job seekers registered at France Travail (fictitious identifiers). */
export const DEMO_JOB_SEEKERS = [
  {
    identifiant: 'moreau_jp_33',
    nom: 'MOREAU',
    prenom: 'Jean-Pierre',
    sexe: 'M' as const,
    dateNaissance: '1955-11-03',
    dateInscription: '2025-09-15',
  },
];

export const FAILING_NUMBERS = { providerError: '5000000', slow: '4080000', malformed: '6660000' } as const;

export interface DemoApiParticulier {
  /** e.g. http://localhost:3002 */
  url: string;
  token: string;
  close(): Promise<void>;
}

function ddmmyyyy(iso: string): string {
  return `${iso.slice(8, 10)}${iso.slice(5, 7)}${iso.slice(0, 4)}`;
}

function normalise(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function adresseOf(f: CafFile) {
  const [first] = f.allocataires;
  return {
    identite: first ? `${first.prenoms} ${first.nom}` : null,
    complementIdentite: null,
    complementIdentiteGeo: null,
    numeroRue: f.adresse,
    lieuDit: null,
    codePostalVille: `${f.codePostal} VILLEBELLE`,
    pays: 'FRANCE',
  };
}

/** The answer of /api/v2/composition-familiale (CAF, dates DDMMYYYY). */
function compositionFamiliale(f: CafFile, now: Date) {
  const person = (p: CafFile['allocataires'][number]) => ({
    nomPrenom: `${p.nom} ${p.prenoms}`,
    dateDeNaissance: ddmmyyyy(p.dateNaissance),
    sexe: p.sexe,
  });
  const previous = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return {
    allocataires: f.allocataires.map(person),
    enfants: f.enfants.map(person),
    adresse: adresseOf(f),
    quotientFamilial: f.quotientFamilial,
    annee: previous.getUTCFullYear(),
    mois: previous.getUTCMonth() + 1,
  };
}

/** The answer of /api/v2/composition-familiale-v2 (CAF and MSA). */
function compositionFamilialeV2(f: CafFile, now: Date) {
  const person = (p: CafFile['allocataires'][number]) => ({
    nomNaissance: p.nom,
    nomUsuel: p.nom,
    prenoms: p.prenoms,
    anneeDateDeNaissance: p.dateNaissance.slice(0, 4),
    moisDateDeNaissance: p.dateNaissance.slice(5, 7),
    jourDateDeNaissance: p.dateNaissance.slice(8, 10),
    sexe: p.sexe,
  });
  const v1 = compositionFamiliale(f, now);
  return {
    regime: f.regime,
    allocataires: f.allocataires.map(person),
    enfants: f.enfants.map(person),
    adresse: v1.adresse,
    quotientFamilial: f.quotientFamilial,
    annee: v1.annee,
    mois: v1.mois,
  };
}

/**
 * Starts the demo provider. `token` is the key it expects in `X-Api-Key` (random by default);
 * `now` dates the quotient familial (the month before).
 */
export async function startDemoApiParticulier(
  options: { host?: string; port?: number; token?: string; now?: () => Date; slowMs?: number } = {},
): Promise<DemoApiParticulier> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const now = options.now ?? (() => new Date());
  const slowMs = options.slowMs ?? 30_000;
  const pending = new Set<NodeJS.Timeout>();

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const notFound = (res: ServerResponse, reason: string) =>
    send(res, 404, { error: 'not_found', reason, message: reason });

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const key = Buffer.from(String(req.headers['x-api-key'] ?? ''));
    const expected = Buffer.from(token);
    if (key.length !== expected.length || !timingSafeEqual(key, expected)) {
      return send(res, 401, {
        error: 'access_denied',
        reason: 'Jeton manquant ou invalide',
        message: 'Jeton invalide',
      });
    }
    if (req.method !== 'GET') return send(res, 405, { error: 'method_not_allowed' });
    const q = url.searchParams;
    switch (url.pathname) {
      case '/api/v2/composition-familiale': {
        const numero = (q.get('numeroAllocataire') ?? '').trim();
        if (numero === FAILING_NUMBERS.providerError)
          return send(res, 500, { error: 'provider_error', reason: 'La CAF ne répond pas', message: 'Erreur' });
        if (numero === FAILING_NUMBERS.slow) {
          const t = setTimeout(() => {
            pending.delete(t);
            if (!res.writableEnded) send(res, 200, compositionFamiliale(DEMO_CAF_FILES[0]!, now()));
          }, slowMs);
          pending.add(t);
          return;
        }
        if (numero === FAILING_NUMBERS.malformed)
          return send(res, 200, { ...compositionFamiliale(DEMO_CAF_FILES[0]!, now()), quotientFamilial: 'beaucoup' });
        const f = DEMO_CAF_FILES.find(
          (x) => x.regime === 'CNAF' && x.numeroAllocataire === numero && x.codePostal === q.get('codePostal'),
        );
        return f ? send(res, 200, compositionFamiliale(f, now())) : notFound(res, 'Dossier allocataire inexistant.');
      }
      case '/api/v2/composition-familiale-v2': {
        const wanted = {
          nom: normalise(q.get('nomNaissance') ?? ''),
          prenoms: normalise(q.getAll('prenoms[]').join(' ')),
          date: `${q.get('anneeDateDeNaissance')}-${q.get('moisDateDeNaissance')}-${q.get('jourDateDeNaissance')}`,
          sexe: q.get('sexe'),
        };
        const f = DEMO_CAF_FILES.find(
          (x) =>
            x.identity &&
            normalise(x.identity.nomNaissance) === wanted.nom &&
            normalise(x.identity.prenoms) === wanted.prenoms &&
            x.identity.dateNaissance === wanted.date &&
            x.identity.sexe === wanted.sexe,
        );
        return f ? send(res, 200, compositionFamilialeV2(f, now())) : notFound(res, 'Dossier allocataire inexistant.');
      }
      case '/api/v2/etudiants': {
        const s = DEMO_STUDENTS.find((x) => x.ine === (q.get('ine') ?? '').trim().toUpperCase());
        if (!s) return notFound(res, 'Aucun étudiant trouvé.');
        const year = now().getUTCMonth() >= 8 ? now().getUTCFullYear() : now().getUTCFullYear() - 1;
        return send(res, 200, {
          ine: s.ine,
          nom: s.nom,
          prenom: s.prenom,
          dateNaissance: s.dateNaissance,
          inscriptions: [
            {
              dateDebutInscription: `${year}-09-01`,
              dateFinInscription: `${year + 1}-08-31`,
              statut: 'inscrit',
              regime: 'formation initiale',
              codeCommune: '00000',
              etablissement: s.etablissement,
            },
          ],
        });
      }
      case '/api/v2/situations-pole-emploi': {
        const p = DEMO_JOB_SEEKERS.find((x) => x.identifiant === (q.get('identifiant') ?? '').trim().toLowerCase());
        if (!p) return notFound(res, 'Aucune situation trouvée.');
        return send(res, 200, {
          identifiant: p.identifiant,
          civilite: p.sexe === 'M' ? 'M.' : 'Mme',
          nom: p.nom,
          nomUsage: null,
          prenom: p.prenom,
          sexe: p.sexe,
          dateNaissance: p.dateNaissance,
          email: null,
          telephone: null,
          telephone2: null,
          codeCertificationCNAV: 'VC',
          adresse: null,
          dateInscription: p.dateInscription,
          dateCessationInscription: null,
          codeCategorieInscription: 1,
          libelleCategorieInscription: 'PERSONNE SANS EMPLOI DISPONIBLE DUREE INDETERMINEE PLEIN TPS',
        });
      }
      default:
        return send(res, 404, { error: 'not_found', reason: 'Route inconnue', message: 'Route inconnue' });
    }
  };

  const server = http.createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  return {
    url: `http://${host}:${port}`,
    token,
    close: async () => {
      for (const t of pending) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
