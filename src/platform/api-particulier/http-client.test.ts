import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DEMO_CAF_FILES,
  FAILING_PEOPLE,
  startDemoApiParticulier,
  type DemoApiParticulier,
} from '../../demo/api-particulier-provider.ts';
import {
  ApiParticulierError,
  compositionFamilialeV2Schema,
  presentCompositionFamilialeV2,
  type ApiParticulierErrorKind,
  type QuotientFamilialQuery,
} from './api-particulier.ts';
import { HttpApiParticulier } from './http-client.ts';

const RECIPIENT = '21000000000013';

/** Camille Martin, born in Nantes: the demo's first family (CAF). */
const camille: QuotientFamilialQuery = {
  recipient: RECIPIENT,
  nomNaissance: 'MARTIN',
  prenoms: ['Camille', 'Louise'],
  dateNaissance: '1988-07-14',
  sexe: 'F',
  codeInseeLieuDeNaissance: '44109',
  codePaysLieuDeNaissance: '99100',
};

/** The client's contract, against the demo provider run in process (the real one cannot be reached from here). */
describe('API Particulier client', () => {
  let provider: DemoApiParticulier;
  let client: HttpApiParticulier;
  const now = new Date('2026-12-03T10:00:00Z');

  before(async () => {
    provider = await startDemoApiParticulier({ now: () => now, slowMs: 5000 });
    client = new HttpApiParticulier({
      baseUrl: provider.url,
      token: provider.token,
      // A loaded CI machine makes a first call slow: the timeout itself is tested with its own client.
      timeoutMs: 2000,
      today: () => '2026-12-03',
    });
  });
  after(async () => provider.close());

  async function failsWith(kind: ApiParticulierErrorKind, call: () => Promise<unknown>) {
    await assert.rejects(call, (err: unknown) => err instanceof ApiParticulierError && err.kind === kind);
  }

  it('gets the quotient familial by civil status (composition-familiale-v2, CAF)', async () => {
    const qf = await client.quotientFamilial(camille);
    assert.equal(qf.regime, 'CNAF');
    assert.equal(qf.quotientFamilial, 654);
    assert.deepEqual([qf.annee, qf.mois], [2026, 11], 'the previous month by default');
    assert.equal(qf.enfants.length, 2);
    assert.equal(qf.allocataires[0]?.birthdate, '1988-07-14');
  });

  it('finds an MSA file by the second allocataire, with a nom d’usage and a given month', async () => {
    const qf = await client.quotientFamilial({
      recipient: RECIPIENT,
      nomNaissance: 'Leroy',
      nomUsage: null,
      prenoms: ['Paul'],
      dateNaissance: '1979-09-30',
      sexe: 'M',
      codeInseeLieuDeNaissance: '35238',
      codePaysLieuDeNaissance: '99100',
      annee: 2026,
      mois: 6,
    });
    assert.equal(qf.regime, 'MSA');
    assert.equal(qf.quotientFamilial, DEMO_CAF_FILES[1]!.quotientFamilial);
    assert.deepEqual([qf.annee, qf.mois], [2026, 6]);
    assert.equal(qf.allocataires[0]?.name, 'MARIE ANGÈLE LEROY', 'named by the nom d’usage');
    assert.equal(qf.enfants[0]?.name, 'JULES LEROY');
  });

  it('finds someone born abroad by the country alone', async () => {
    const qf = await client.quotientFamilial({
      recipient: RECIPIENT,
      nomNaissance: 'El Amrani',
      prenoms: ['Youssef'],
      dateNaissance: '1990-02-03',
      sexe: 'M',
      codeInseeLieuDeNaissance: null,
      codePaysLieuDeNaissance: '99350',
    });
    assert.equal(qf.quotientFamilial, 480);
    assert.equal(qf.enfants.length, 3);
  });

  it('gets the student and job seeker statuses', async () => {
    const s = await client.statutEtudiant({ recipient: RECIPIENT, ine: '0906018155T' });
    assert.equal(s.etudiant, true);
    assert.equal(s.inscriptions[0]?.etablissement, 'Université de Villebelle');
    const j = await client.statutDemandeurEmploi({ recipient: RECIPIENT, identifiant: 'moreau_jp_33' });
    assert.equal(j.inscrit, true);
    assert.equal(j.dateInscription, '2025-09-15');
  });

  it('says unknown person on a 404 not_found', async () => {
    await failsWith('unknown_person', () => client.quotientFamilial({ ...camille, dateNaissance: '1988-07-15' }));
    await failsWith('unknown_person', () => client.quotientFamilial({ ...camille, codeInseeLieuDeNaissance: '35238' }));
    await failsWith('unknown_person', () => client.statutEtudiant({ recipient: RECIPIENT, ine: '0000000000A' }));
    await failsWith('unknown_person', () =>
      client.statutDemandeurEmploi({ recipient: RECIPIENT, identifiant: 'personne' }),
    );
  });

  it('says provider error on a 5xx, a refused token, a missing recipient, a route that does not exist or an unreachable host', async () => {
    await failsWith('provider_error', () =>
      client.quotientFamilial({ ...camille, nomNaissance: FAILING_PEOPLE.providerError }),
    );
    const wrongToken = new HttpApiParticulier({
      baseUrl: provider.url,
      token: 'wrong',
      timeoutMs: 2000,
      today: () => '2026-12-03',
    });
    await failsWith('provider_error', () => wrongToken.quotientFamilial(camille));
    await failsWith('provider_error', () => client.quotientFamilial({ ...camille, recipient: '' }));
    // A 404 that is not the documented « not_found » (a wrong base URL, a withdrawn route) is not
    // an unknown person: the citizen must not be told the CAF does not know them.
    const wrongBase = new HttpApiParticulier({
      baseUrl: `${provider.url}/v1`,
      token: provider.token,
      timeoutMs: 2000,
      today: () => '2026-12-03',
    });
    await failsWith('provider_error', () => wrongBase.quotientFamilial(camille));
    const former = await fetch(
      `${provider.url}/api/v2/composition-familiale?numeroAllocataire=1234567&codePostal=00000`,
      {
        headers: { 'x-api-key': provider.token },
      },
    );
    assert.equal(former.status, 404, 'the route by numéro d’allocataire is gone');
    const nowhere = new HttpApiParticulier({
      baseUrl: 'http://127.0.0.1:9',
      token: 't',
      timeoutMs: 300,
      today: () => '2026-12-03',
    });
    await failsWith('provider_error', () => nowhere.quotientFamilial(camille));
  });

  it('gives up after the timeout', async () => {
    const impatient = new HttpApiParticulier({
      baseUrl: provider.url,
      token: provider.token,
      timeoutMs: 300,
      today: () => '2026-12-03',
    });
    const started = Date.now();
    await failsWith('timeout', () => impatient.quotientFamilial({ ...camille, nomNaissance: FAILING_PEOPLE.slow }));
    assert.ok(Date.now() - started < 3000, 'the client does not wait for the slow answer (5 s)');
  });

  it('refuses a malformed answer', async () => {
    await failsWith('malformed_answer', () =>
      client.quotientFamilial({ ...camille, nomNaissance: FAILING_PEOPLE.malformed }),
    );
  });
});

describe('composition-familiale-v2 answers', () => {
  it('reads a birth date the civil status does not fully know, and either spelling of the nom d’usage', () => {
    const person = (over: Record<string, unknown>) => ({
      nomNaissance: 'ROCHE',
      prenoms: 'ÉLISE',
      anneeDateDeNaissance: '2020',
      moisDateDeNaissance: '03',
      jourDateDeNaissance: '09',
      sexe: 'F',
      ...over,
    });
    const raw = compositionFamilialeV2Schema.parse({
      regime: 'CNAF',
      allocataires: [person({ nomUsuel: 'BLANC', anneeDateDeNaissance: '1984' })],
      enfants: [
        person({ nomUsage: null, moisDateDeNaissance: null, jourDateDeNaissance: null }),
        person({ jourDateDeNaissance: '00' }),
        person({ moisDateDeNaissance: '', jourDateDeNaissance: '' }),
      ],
      adresse: {
        identite: 'Madame BLANC ÉLISE',
        complementInformation: null,
        complementInformationGeographique: null,
        numeroLibelleVoie: '1 RUE DU PORT',
        lieuDit: null,
        codePostalVille: '00000 VILLEBELLE',
        pays: 'FRANCE',
      },
      quotientFamilial: 700,
      annee: 2026,
      mois: 11,
    });
    const qf = presentCompositionFamilialeV2(raw);
    assert.equal(qf.allocataires[0]?.name, 'ÉLISE BLANC');
    assert.deepEqual(
      qf.enfants.map((e) => e.birthdate),
      ['2020', '2020-03', '2020'],
    );
  });

  it('refuses an answer without the quotient familial or with an unknown regime', () => {
    const base = { regime: 'CNAF', allocataires: [], enfants: [], quotientFamilial: 1, annee: 2026, mois: 1 };
    assert.equal(compositionFamilialeV2Schema.safeParse(base).success, true);
    assert.equal(compositionFamilialeV2Schema.safeParse({ ...base, quotientFamilial: undefined }).success, false);
    assert.equal(compositionFamilialeV2Schema.safeParse({ ...base, regime: 'CAF' }).success, false);
  });
});
