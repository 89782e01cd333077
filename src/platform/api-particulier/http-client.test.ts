import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DEMO_CAF_FILES,
  FAILING_NUMBERS,
  startDemoApiParticulier,
  type DemoApiParticulier,
} from '../../demo/api-particulier-provider.ts';
import { ApiParticulierError, type ApiParticulierErrorKind } from './api-particulier.ts';
import { HttpApiParticulier } from './http-client.ts';

/** The client's contract, against the demo provider run in process (the real one cannot be reached from here). */
describe('API Particulier client', () => {
  let provider: DemoApiParticulier;
  let client: HttpApiParticulier;
  const now = new Date('2026-12-03T10:00:00Z');

  before(async () => {
    provider = await startDemoApiParticulier({ now: () => now, slowMs: 2000 });
    client = new HttpApiParticulier({
      baseUrl: provider.url,
      token: provider.token,
      timeoutMs: 300,
      today: () => '2026-12-03',
    });
  });
  after(async () => provider.close());

  async function failsWith(kind: ApiParticulierErrorKind, call: () => Promise<unknown>) {
    await assert.rejects(call, (err: unknown) => err instanceof ApiParticulierError && err.kind === kind);
  }

  it('gets the quotient familial by numéro d’allocataire and code postal (CAF)', async () => {
    const qf = await client.quotientFamilial({ by: 'allocataire', numeroAllocataire: '1234567', codePostal: '00000' });
    assert.equal(qf.regime, 'CNAF');
    assert.equal(qf.quotientFamilial, 654);
    assert.deepEqual([qf.annee, qf.mois], [2026, 11]);
    assert.equal(qf.enfants.length, 2);
    assert.equal(qf.allocataires[0]?.birthdate, '1988-07-14');
  });

  it('gets the quotient familial by civil status (CAF and MSA)', async () => {
    const qf = await client.quotientFamilial({
      by: 'identite',
      nomNaissance: 'DUPONT',
      prenoms: ['Marie', 'Angèle'],
      dateNaissance: '1981-04-12',
      sexe: 'F',
      codeInseeLieuDeNaissance: '69123',
      codePaysLieuDeNaissance: '99100',
    });
    assert.equal(qf.regime, 'MSA');
    assert.equal(qf.quotientFamilial, DEMO_CAF_FILES[1]!.quotientFamilial);
    assert.equal(qf.enfants[0]?.name, 'JULES LEROY');
  });

  it('gets the student and job seeker statuses', async () => {
    const s = await client.statutEtudiant({ ine: '0906018155T' });
    assert.equal(s.etudiant, true);
    assert.equal(s.inscriptions[0]?.etablissement, 'Université de Villebelle');
    const j = await client.statutDemandeurEmploi({ identifiant: 'moreau_jp_33' });
    assert.equal(j.inscrit, true);
    assert.equal(j.dateInscription, '2025-09-15');
  });

  it('says unknown person on a 404', async () => {
    await failsWith('unknown_person', () =>
      client.quotientFamilial({ by: 'allocataire', numeroAllocataire: '1111111', codePostal: '00000' }),
    );
    await failsWith('unknown_person', () => client.statutEtudiant({ ine: '0000000000A' }));
    await failsWith('unknown_person', () => client.statutDemandeurEmploi({ identifiant: 'personne' }));
  });

  it('says provider error on a 5xx, a refused token or an unreachable host', async () => {
    await failsWith('provider_error', () =>
      client.quotientFamilial({
        by: 'allocataire',
        numeroAllocataire: FAILING_NUMBERS.providerError,
        codePostal: '00000',
      }),
    );
    const wrongToken = new HttpApiParticulier({
      baseUrl: provider.url,
      token: 'wrong',
      timeoutMs: 300,
      today: () => '2026-12-03',
    });
    await failsWith('provider_error', () => wrongToken.statutEtudiant({ ine: '0906018155T' }));
    const nowhere = new HttpApiParticulier({
      baseUrl: 'http://127.0.0.1:9',
      token: 't',
      timeoutMs: 300,
      today: () => '2026-12-03',
    });
    await failsWith('provider_error', () => nowhere.statutEtudiant({ ine: '0906018155T' }));
  });

  it('gives up after the timeout', async () => {
    const started = Date.now();
    await failsWith('timeout', () =>
      client.quotientFamilial({ by: 'allocataire', numeroAllocataire: FAILING_NUMBERS.slow, codePostal: '00000' }),
    );
    assert.ok(Date.now() - started < 1500, 'the client does not wait for the slow answer');
  });

  it('refuses a malformed answer', async () => {
    await failsWith('malformed_answer', () =>
      client.quotientFamilial({ by: 'allocataire', numeroAllocataire: FAILING_NUMBERS.malformed, codePostal: '00000' }),
    );
  });
});
