import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  FAILING_NUMBERS,
  startDemoApiParticulier,
  type DemoApiParticulier,
} from '../../demo/api-particulier-provider.ts';
import { insertAgent, loginAgent } from '../../../test/support/factories.ts';
import { openForm, postForm, type Fields } from '../../../test/support/http.ts';
import { visibleText } from '../../../test/support/pages.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { applyRetention } from '../privacy/retention.ts';
import { signStateData, stateDataScope } from './obtained.ts';

const FORM = '/t/villebelle/demarches/cantine-periscolaire/demande';
const FETCH = `${FORM}/donnees`;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

function answers(overrides: Fields = {}): Fields {
  return {
    nom_enfant: 'Léo Martin',
    ecole: 'École Jules-Ferry',
    services: ['cantine', 'garderie_soir'],
    jours_cantine: ['lundi', 'jeudi'],
    allergie: 'non',
    accord_quotient_familial: 'oui',
    numero_caf: '1234567',
    code_postal_caf: '00000',
    applicant_given_name: 'Camille',
    applicant_family_name: 'Martin',
    applicant_email: 'camille.martin@example.org',
    ...overrides,
  };
}

const insurance = [{ field: 'assurance', filename: 'assurance.pdf', type: 'application/pdf', data: PDF }];

describe(`State data from API Particulier on the cantine form (${TEST_DB})`, () => {
  let ctx: TestContext;
  let provider: DemoApiParticulier;

  before(async () => {
    provider = await startDemoApiParticulier({ slowMs: 3000 });
    ctx = await createTestContext({
      env: {
        API_PARTICULIER_URL: provider.url,
        API_PARTICULIER_TOKEN: provider.token,
        API_PARTICULIER_TIMEOUT_MS: '300',
        FORM_RATE_LIMIT: '1000',
        TRACKING_RATE_LIMIT: '1000',
      },
    });
  });
  after(async () => {
    await ctx.close();
    await provider.close();
  });

  async function fetchQf(fields: Fields) {
    const session = await openForm(ctx.app, FORM);
    const res = await postForm(ctx.app, FETCH, session, { ...fields, _donnees: 'quotient_familial' });
    return { session, res, text: visibleText(res.body) };
  }

  function hidden(html: string, name: string): string {
    return new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1] ?? '';
  }

  test('the form offers « Récupérer mon quotient familial » under the consent box', async () => {
    const page = await openForm(ctx.app, FORM);
    assert.match(page.html, /formaction="\/t\/villebelle\/demarches\/cantine-periscolaire\/demande\/donnees"/);
    assert.match(visibleText(page.html), /Récupérer mon quotient familial/);
  });

  test('the quotient familial comes back into the form, what was typed kept, and goes with the request', async () => {
    const { session, res, text } = await fetchQf(answers());
    assert.equal(res.statusCode, 200);
    assert.match(text, /Données obtenues auprès de la CAF le/);
    assert.match(text, /Quotient familial : 654 €/);
    assert.match(res.body, /value="École Jules-Ferry"/);
    const token = hidden(res.body, '_donnees_quotient_familial');
    assert.ok(token);

    const sent = await postForm(ctx.app, FORM, session, { ...answers(), _donnees_quotient_familial: token }, insurance);
    assert.equal(sent.statusCode, 303, sent.body.slice(0, 400));
    const reference = /demandes\/([^/]+)\/confirmation/.exec(String(sent.headers.location))![1]!;
    const row = (
      await ctx.database.ownerQuery(`select id, data, submitted_at from requests where reference = $1`, [reference])
    ).rows[0]!;
    const data = row.data as Record<string, unknown>;
    const stored = (data._state_data as Record<string, unknown>[])[0]!;
    assert.equal(stored.kind, 'quotient_familial');
    assert.equal(stored.source, 'CAF');
    assert.equal(stored.foundBy, 'numero_allocataire');
    assert.equal((stored.values as Record<string, unknown>).quotientFamilial, 654);
    assert.ok(Math.abs(Date.parse(String(stored.obtainedAt)) - Date.now()) < 60_000, 'dated when obtained');
    // The consent is recorded with its wording, like the other consents given on a form.
    const consent = (
      await ctx.database.ownerQuery(`select subject, wording from consents where request_id = $1`, [row.id])
    ).rows;
    assert.deepEqual(
      consent.map((c) => c.subject),
      ['accord_quotient_familial'],
    );
    assert.match(String(consent[0]!.wording), /quotient familial à la CAF ou à la MSA/);

    // The citizen sees it on the tracking page.
    const secret = new URL(String(sent.headers.location), 'http://x').searchParams.get('cle')!;
    const tracking = await ctx.app.inject({
      url: `/t/villebelle/suivi/${reference}?cle=${encodeURIComponent(secret)}`,
    });
    assert.match(visibleText(tracking.body), /Données obtenues auprès de la CAF le/);

    // The agent sees it on the request's page, as sentences, not JSON.
    const service = (
      await ctx.database.ownerQuery(
        `select s.slug from requests r join services s on s.tenant_id = r.tenant_id and s.id = r.service_id where r.id = $1`,
        [row.id],
      )
    ).rows[0]!.slug as string;
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'qf@villebelle.test',
      password: 'Mot-de-passe-1234!',
      serviceSlugs: [service],
    });
    const cookie = await loginAgent(ctx.app, 'qf@villebelle.test', 'Mot-de-passe-1234!');
    const agentPage = await ctx.app.inject({ url: `/t/villebelle/agent/demandes/${reference}`, headers: { cookie } });
    assert.equal(agentPage.statusCode, 200);
    const agentText = visibleText(agentPage.body);
    assert.match(agentText, /Données obtenues auprès de la CAF le .*avec l’accord de l’usager/);
    assert.match(agentText, /Quotient familial\s*:?\s*654 €/);
    assert.doesNotMatch(agentText, /obtainedAt|quotientFamilial/);

    // Retention empties it with the rest of the answers.
    await ctx.database.ownerQuery(
      `update requests set status = 'traitee', closed_at = now() - interval '30 years' where id = $1`,
      [row.id],
    );
    const result = await applyRetention(ctx.services.db, ctx.tenantId, new Date());
    assert.ok(result.anonymised >= 1);
    const afterRetention = (await ctx.database.ownerQuery(`select data from requests where id = $1`, [row.id]))
      .rows[0]!;
    assert.deepEqual(afterRetention.data, {});
  });

  test('a consent refused: nothing is asked, the form asks for the document and says why', async () => {
    const { res, text } = await fetchQf(answers({ accord_quotient_familial: '' }));
    assert.equal(res.statusCode, 200);
    assert.match(text, /Vous n’avez pas coché la case d’accord/);
    assert.match(text, /Joignez votre attestation de quotient familial ou votre dernier avis d’imposition/);
    assert.match(res.body, /href="#avis_imposition"/);
    assert.match(res.body, /value="Léo Martin"/);
    assert.equal(hidden(res.body, '_donnees_quotient_familial'), '');
  });

  for (const [label, numero, why] of [
    ['an unknown person', '1111111', /ne connaissent pas de dossier avec ces informations/],
    ['a provider error', FAILING_NUMBERS.providerError, /ne répond pas pour le moment/],
    ['a timeout', FAILING_NUMBERS.slow, /met trop de temps à répondre/],
    ['a malformed answer', FAILING_NUMBERS.malformed, /réponse que nous ne savons pas lire/],
  ] as const) {
    test(`${label}: the form asks for the document, saying why, with what was typed`, async () => {
      const { res, text } = await fetchQf(answers({ numero_caf: numero }));
      assert.equal(res.statusCode, 200);
      assert.match(text, why);
      assert.match(text, /Joignez votre attestation de quotient familial/);
      assert.match(res.body, new RegExp(`value="${numero}"`));
      assert.match(res.body, /value="École Jules-Ferry"/);
    });
  }

  test('without the numbers, the form says which one to give', async () => {
    const { res } = await fetchQf(answers({ numero_caf: '' }));
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /href="#numero_caf"/);
  });

  test('a tampered or foreign token is ignored: the request goes without the data', async () => {
    const session = await openForm(ctx.app, FORM);
    const forged = signStateData(
      'another-secret-another-secret-another-secret',
      stateDataScope(ctx.tenantId, 'cantine-periscolaire'),
      {
        kind: 'quotient_familial',
        source: 'CAF',
        obtainedAt: new Date().toISOString(),
        foundBy: 'numero_allocataire',
        values: { quotientFamilial: 1, mois: '2026-11', enfants: 9 },
      },
    );
    const otherDemarche = signStateData(ctx.config.sessionSecret, stateDataScope(ctx.tenantId, 'location-salle'), {
      kind: 'quotient_familial',
      source: 'CAF',
      obtainedAt: new Date().toISOString(),
      foundBy: 'numero_allocataire',
      values: { quotientFamilial: 1, mois: '2026-11', enfants: 9 },
    });
    for (const token of [forged, otherDemarche, 'not-a-token']) {
      const sent = await postForm(
        ctx.app,
        FORM,
        session,
        { ...answers(), _donnees_quotient_familial: token },
        insurance,
      );
      assert.equal(sent.statusCode, 303);
      const reference = /demandes\/([^/]+)\/confirmation/.exec(String(sent.headers.location))![1]!;
      const data = (await ctx.database.ownerQuery(`select data from requests where reference = $1`, [reference]))
        .rows[0]!.data as Record<string, unknown>;
      assert.equal(data._state_data, undefined);
    }
  });

  test('the data is dropped when the consent box is unticked before sending', async () => {
    const { session, res } = await fetchQf(answers());
    const token = hidden(res.body, '_donnees_quotient_familial');
    const sent = await postForm(
      ctx.app,
      FORM,
      session,
      { ...answers({ accord_quotient_familial: '' }), _donnees_quotient_familial: token },
      insurance,
    );
    assert.equal(sent.statusCode, 303);
    const reference = /demandes\/([^/]+)\/confirmation/.exec(String(sent.headers.location))![1]!;
    const data = (await ctx.database.ownerQuery(`select data from requests where reference = $1`, [reference])).rows[0]!
      .data as Record<string, unknown>;
    assert.equal(data._state_data, undefined);
  });

  test('the student status on the room rental form', async () => {
    const url = '/t/villebelle/demarches/location-salle/demande';
    const session = await openForm(ctx.app, url);
    const res = await postForm(ctx.app, `${url}/donnees`, session, {
      statut_demandeur: 'habitant',
      tarif_reduit: 'etudiant',
      ine: '0906018155T',
      accord_statut_etudiant: 'oui',
      _donnees: 'statut_etudiant',
    });
    assert.equal(res.statusCode, 200);
    assert.match(visibleText(res.body), /Données obtenues auprès du ministère de l’Enseignement supérieur/);
    assert.match(visibleText(res.body), /Université de Villebelle/);
  });
});
