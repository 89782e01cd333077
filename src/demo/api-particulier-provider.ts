import { randomBytes, timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for API Particulier (version 2 endpoints, `X-Api-Key`, `recipient`), for the
 * demo (`npm start`) and the contract tests: the answers have the documented shapes (decision
 * 31), only the people are fictitious. The quotient familial is found by civil status
 * (`/api/v2/composition-familiale-v2`); the former route by numéro d'allocataire is gone, as on
 * the real service. A few birth names make it misbehave on purpose, so that the demo and the
 * tests show what the citizen sees when the real service fails:
 *
 * - nom de naissance `PANNE`: HTTP 503 (the CAF or the MSA does not answer);
 * - `LENTEUR`: answers after 30 seconds (timeout);
 * - `ILLISIBLE`: a malformed answer (the quotient familial as text).
 */

/** Someone the CAF or the MSA knows: how they are found (civil status, place of birth). */
interface DemoPerson {
  nomNaissance: string;
  nomUsage: string | null;
  prenoms: string;
  /** YYYY-MM-DD */
  dateNaissance: string;
  sexe: 'F' | 'M';
  /** INSEE commune code of the place of birth; null when born abroad. */
  codeInsee: string | null;
  /** INSEE country code (99100: France). */
  codePays: string;
}

interface CafFile {
  regime: 'CNAF' | 'MSA';
  /** Either allocataire finds the file (a couple: both parents). */
  allocataires: DemoPerson[];
  enfants: Omit<DemoPerson, 'codeInsee' | 'codePays'>[];
  quotientFamilial: number;
  adresse: { numeroLibelleVoie: string; codePostalVille: string };
}

/**
 * The demo's families (fictitious). The first three allocataires are also demo FranceConnect
 * people (src/demo/franceconnect-provider.ts), with the same civil status.
 */
export const DEMO_CAF_FILES: CafFile[] = [
  {
    regime: 'CNAF',
    allocataires: [
      {
        nomNaissance: 'MARTIN',
        nomUsage: null,
        prenoms: 'CAMILLE LOUISE',
        dateNaissance: '1988-07-14',
        sexe: 'F',
        codeInsee: '44109',
        codePays: '99100',
      },
    ],
    enfants: [
      { nomNaissance: 'MARTIN', nomUsage: null, prenoms: 'LÉO', dateNaissance: '2017-03-02', sexe: 'M' },
      { nomNaissance: 'MARTIN', nomUsage: null, prenoms: 'INÈS', dateNaissance: '2019-10-21', sexe: 'F' },
    ],
    quotientFamilial: 654,
    adresse: { numeroLibelleVoie: '12 RUE DES TILLEULS', codePostalVille: '00000 VILLEBELLE' },
  },
  {
    regime: 'MSA',
    allocataires: [
      {
        nomNaissance: 'DUPONT',
        nomUsage: 'LEROY',
        prenoms: 'MARIE ANGÈLE',
        dateNaissance: '1981-04-12',
        sexe: 'F',
        codeInsee: '69123',
        codePays: '99100',
      },
      {
        nomNaissance: 'LEROY',
        nomUsage: null,
        prenoms: 'PAUL',
        dateNaissance: '1979-09-30',
        sexe: 'M',
        codeInsee: '35238',
        codePays: '99100',
      },
    ],
    enfants: [{ nomNaissance: 'LEROY', nomUsage: null, prenoms: 'JULES', dateNaissance: '2016-05-08', sexe: 'M' }],
    quotientFamilial: 1120,
    adresse: { numeroLibelleVoie: '3 CHEMIN DU MOULIN', codePostalVille: '00000 VILLEBELLE' },
  },
  {
    regime: 'CNAF',
    allocataires: [
      {
        nomNaissance: 'EL AMRANI',
        nomUsage: null,
        prenoms: 'YOUSSEF',
        dateNaissance: '1990-02-03',
        sexe: 'M',
        codeInsee: null,
        codePays: '99350',
      },
    ],
    enfants: [
      { nomNaissance: 'EL AMRANI', nomUsage: null, prenoms: 'SARA', dateNaissance: '2015-06-11', sexe: 'F' },
      { nomNaissance: 'EL AMRANI', nomUsage: null, prenoms: 'ADAM', dateNaissance: '2018-01-25', sexe: 'M' },
      { nomNaissance: 'EL AMRANI', nomUsage: null, prenoms: 'NOUR', dateNaissance: '2021-09-02', sexe: 'F' },
    ],
    quotientFamilial: 480,
    adresse: { numeroLibelleVoie: '7 ALLÉE DES CHÊNES', codePostalVille: '00000 VILLEBELLE' },
  },
  {
    regime: 'CNAF',
    allocataires: [
      {
        nomNaissance: 'BERNARD',
        nomUsage: null,
        prenoms: 'SOPHIE',
        dateNaissance: '1985-12-01',
        sexe: 'F',
        // Saint-Denis (Seine-Saint-Denis): a name many communes share.
        codeInsee: '93066',
        codePays: '99100',
      },
    ],
    enfants: [{ nomNaissance: 'BERNARD', nomUsage: null, prenoms: 'LUCAS', dateNaissance: '2014-04-30', sexe: 'M' }],
    quotientFamilial: 890,
    adresse: { numeroLibelleVoie: '25 AVENUE JEAN-JAURÈS', codePostalVille: '00000 VILLEBELLE' },
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

/** Birth names that make the quotient familial fail on purpose. */
export const FAILING_PEOPLE = { providerError: 'PANNE', slow: 'LENTEUR', malformed: 'ILLISIBLE' } as const;

export interface DemoApiParticulier {
  /** e.g. http://localhost:3002 */
  url: string;
  token: string;
  close(): Promise<void>;
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

/** The civil status asked for, as the query string gives it. */
interface Wanted {
  nom: string;
  prenom: string;
  date: string;
  sexe: string | null;
  codeInsee: string | null;
  codePays: string | null;
}

function wantedOf(q: URLSearchParams): Wanted {
  const pad = (v: string | null) => (v ?? '').padStart(2, '0');
  return {
    nom: normalise(q.get('nomNaissance') ?? ''),
    // The first of the first names, as the civil status lists them.
    prenom: normalise(q.getAll('prenoms[]')[0] ?? '').split(' ')[0] ?? '',
    date: `${q.get('anneeDateDeNaissance')}-${pad(q.get('moisDateDeNaissance'))}-${pad(q.get('jourDateDeNaissance'))}`,
    sexe: q.get('sexe'),
    codeInsee: q.get('codeInseeLieuDeNaissance'),
    codePays: q.get('codePaysLieuDeNaissance'),
  };
}

/** Is this the person asked for? Birth name, first first name, birth date, sex, place of birth. */
function matches(p: DemoPerson, w: Wanted): boolean {
  return (
    normalise(p.nomNaissance) === w.nom &&
    normalise(p.prenoms).split(' ')[0] === w.prenom &&
    p.dateNaissance === w.date &&
    p.sexe === w.sexe &&
    p.codePays === w.codePays &&
    (p.codeInsee === null || p.codeInsee === w.codeInsee)
  );
}

/** The answer of /api/v2/composition-familiale-v2 (CAF and MSA), for a month (the previous one by default). */
function compositionFamilialeV2(f: CafFile, month: { annee: number; mois: number }) {
  const person = (p: CafFile['enfants'][number]) => ({
    nomNaissance: p.nomNaissance,
    nomUsage: p.nomUsage,
    prenoms: p.prenoms,
    anneeDateDeNaissance: p.dateNaissance.slice(0, 4),
    moisDateDeNaissance: p.dateNaissance.slice(5, 7),
    jourDateDeNaissance: p.dateNaissance.slice(8, 10),
    sexe: p.sexe,
  });
  const [first] = f.allocataires;
  return {
    regime: f.regime,
    allocataires: f.allocataires.map(person),
    enfants: f.enfants.map(person),
    adresse: {
      identite: first
        ? `${first.sexe === 'F' ? 'Madame' : 'Monsieur'} ${first.nomUsage ?? first.nomNaissance} ${first.prenoms}`
        : null,
      complementInformation: null,
      complementInformationGeographique: null,
      numeroLibelleVoie: f.adresse.numeroLibelleVoie,
      lieuDit: null,
      codePostalVille: f.adresse.codePostalVille,
      pays: 'FRANCE',
    },
    quotientFamilial: f.quotientFamilial,
    annee: month.annee,
    mois: month.mois,
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
      case '/api/v2/composition-familiale-v2': {
        if (!/^\d{14}$/.test(q.get('recipient') ?? ''))
          return send(res, 400, {
            error: 'bad_request',
            reason: 'Le paramètre recipient doit être le numéro SIRET de l’organisme destinataire.',
            message: 'Paramètre recipient invalide',
          });
        const wanted = wantedOf(q);
        const previous = new Date(Date.UTC(now().getUTCFullYear(), now().getUTCMonth() - 1, 1));
        const month = {
          annee: Number(q.get('annee')) || previous.getUTCFullYear(),
          mois: Number(q.get('mois')) || previous.getUTCMonth() + 1,
        };
        if (wanted.nom === FAILING_PEOPLE.providerError)
          return send(res, 503, {
            error: 'network_error',
            reason: 'timeout of 10000 ms exceeded',
            message: 'Une erreur est survenue lors de l’appel au fournisseur de donnée',
          });
        if (wanted.nom === FAILING_PEOPLE.slow) {
          const t = setTimeout(() => {
            pending.delete(t);
            if (!res.writableEnded) send(res, 200, compositionFamilialeV2(DEMO_CAF_FILES[0]!, month));
          }, slowMs);
          pending.add(t);
          return;
        }
        if (wanted.nom === FAILING_PEOPLE.malformed)
          return send(res, 200, { ...compositionFamilialeV2(DEMO_CAF_FILES[0]!, month), quotientFamilial: 'beaucoup' });
        const f = DEMO_CAF_FILES.find((x) => x.allocataires.some((p) => matches(p, wanted)));
        return f
          ? send(res, 200, compositionFamilialeV2(f, month))
          : notFound(res, 'Dossier allocataire inexistant. Le document ne peut être édité.');
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
        // A route that does not exist (the former /api/v2/composition-familiale among them): not
        // the documented « person not found » body.
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        return res.end('Not Found');
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
