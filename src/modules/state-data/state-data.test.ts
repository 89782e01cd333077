import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  FAILING_PEOPLE,
  startDemoApiParticulier,
  type DemoApiParticulier,
} from '../../demo/api-particulier-provider.ts';
import { insertAgent, loginAgent } from '../../../test/support/factories.ts';
import { openForm, postForm, type Fields } from '../../../test/support/http.ts';
import { visibleText } from '../../../test/support/pages.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { applyRetention } from '../privacy/retention.ts';
import { DEMO_FRANCECONNECT_IDENTITIES } from '../../demo/franceconnect-provider.ts';
import { FORMS_BY_SLUG } from '../catalogue/forms/index.ts';
import { obtainStateData } from './obtain-state-data.ts';
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
    // Camille Martin, born in Nantes: a family of the demo API Particulier (CAF).
    qf_nom_naissance: 'Martin',
    qf_prenoms: 'Camille Louise',
    qf_date_naissance: '14/07/1988',
    qf_sexe: 'female',
    qf_commune_naissance: 'Nantes',
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
    assert.equal(stored.foundBy, 'etat_civil');
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

  for (const [label, nom, why] of [
    ['an unknown person', 'Inconnue', /ne connaissent pas de dossier avec ces informations/],
    ['a provider error', FAILING_PEOPLE.providerError, /ne répond pas pour le moment/],
    ['a timeout', FAILING_PEOPLE.slow, /met trop de temps à répondre/],
    ['a malformed answer', FAILING_PEOPLE.malformed, /réponse que nous ne savons pas lire/],
  ] as const) {
    test(`${label}: the form asks for the document, saying why, with what was typed`, async () => {
      const { res, text } = await fetchQf(answers({ qf_nom_naissance: nom }));
      assert.equal(res.statusCode, 200);
      assert.match(text, why);
      assert.match(text, /Joignez votre attestation de quotient familial/);
      assert.match(text, /indiquer votre numéro d’allocataire CAF/, 'the CAF number as the last resort');
      assert.match(res.body, /href="#avis_imposition"/);
      assert.match(res.body, new RegExp(`value="${nom}"`));
      assert.match(res.body, /value="École Jules-Ferry"/);
      assert.equal(hidden(res.body, '_donnees_quotient_familial'), '');
    });
  }

  test('born abroad: the country typed by name is enough', async () => {
    const { res, text } = await fetchQf(
      answers({
        qf_nom_naissance: 'El Amrani',
        qf_prenoms: 'Youssef',
        qf_date_naissance: '1990-02-03',
        qf_sexe: 'male',
        qf_commune_naissance: '',
        qf_pays_naissance: 'maroc',
      }),
    );
    assert.equal(res.statusCode, 200, text.slice(0, 300));
    assert.match(text, /Quotient familial : 480 €/);
  });

  test('a commune name several communes bear: the form asks which one, and the choice is sent', async () => {
    const sophie = answers({
      qf_nom_naissance: 'Bernard',
      qf_prenoms: 'Sophie',
      qf_date_naissance: '01/12/1985',
      qf_commune_naissance: 'Saint-Denis',
    });
    const { session, res, text } = await fetchQf(sophie);
    assert.equal(res.statusCode, 400);
    assert.match(text, /Plusieurs communes s’appellent « Saint-Denis » : choisissez la vôtre/);
    assert.match(res.body, /href="#_qf_commune_code-0"/);
    for (const code of ['11339', '30247', '93066', '97411'])
      assert.match(res.body, new RegExp(`name="_qf_commune_code"\\s+value="${code}"`));
    assert.match(text, /Saint-Denis \(974\)/);
    assert.match(res.body, /value="Bernard"/, 'what was typed is kept');
    const again = await postForm(ctx.app, FETCH, session, {
      ...sophie,
      _qf_commune_code: '93066',
      _donnees: 'quotient_familial',
    });
    assert.equal(again.statusCode, 200, visibleText(again.body).slice(0, 300));
    assert.match(visibleText(again.body), /Quotient familial : 890 €/);
    // A code that is not one of the communes of that name is not taken.
    const forged = await postForm(ctx.app, FETCH, session, {
      ...sophie,
      _qf_commune_code: '44109',
      _donnees: 'quotient_familial',
    });
    assert.equal(forged.statusCode, 400);
    assert.match(visibleText(forged.body), /Plusieurs communes s’appellent/);
    // With the département typed, there is nothing to choose.
    const typed = await fetchQf({ ...sophie, qf_commune_naissance: 'St Denis (93)' });
    assert.equal(typed.res.statusCode, 200);
    assert.match(typed.text, /Quotient familial : 890 €/);
  });

  test('a commune or a country that does not exist: the form says so on the field', async () => {
    const commune = await fetchQf(answers({ qf_commune_naissance: 'Villeimaginaire-sur-Mer' }));
    assert.equal(commune.res.statusCode, 400);
    assert.match(commune.text, /Nous ne trouvons pas de commune « Villeimaginaire-sur-Mer »/);
    assert.match(commune.res.body, /href="#qf_commune_naissance"/);
    const country = await fetchQf(answers({ qf_commune_naissance: '', qf_pays_naissance: 'Atlantide' }));
    assert.equal(country.res.statusCode, 400);
    assert.match(country.text, /Nous ne reconnaissons pas le pays « Atlantide »/);
  });

  test('without the civil status, the form says which answer to give', async () => {
    const { res, text } = await fetchQf(
      answers({ qf_nom_naissance: '', qf_prenoms: '', qf_date_naissance: '31/02/1988', qf_sexe: '' }),
    );
    assert.equal(res.statusCode, 400);
    for (const anchor of ['qf_nom_naissance', 'qf_prenoms', 'qf_date_naissance', 'qf_sexe-0'])
      assert.match(res.body, new RegExp(`href="#${anchor}"`));
    assert.match(text, /n’est pas une date passée/);
  });

  test('a commune without its SIRET does not call API Particulier: the form asks for the document', async () => {
    await ctx.database.ownerQuery(`update tenants set siret = null where id = $1`, [ctx.tenantId]);
    ctx.services.tenants.clear();
    try {
      const { res, text } = await fetchQf(answers());
      assert.equal(res.statusCode, 200);
      assert.match(text, /ne répond pas pour le moment/);
      assert.match(text, /Joignez votre attestation de quotient familial/);
      assert.equal(hidden(res.body, '_donnees_quotient_familial'), '');
    } finally {
      await ctx.database.ownerQuery(`update tenants set siret = '21000000000013' where id = $1`, [ctx.tenantId]);
      ctx.services.tenants.clear();
    }
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

  test('under FranceConnect, the verified civil status is searched by, whatever the form holds', async () => {
    const form = FORMS_BY_SLUG['cantine-periscolaire']!;
    // Marie Angèle DUPONT (nom d'usage LEROY), born in Lyon: a demo FranceConnect person with an MSA file.
    const claims = DEMO_FRANCECONNECT_IDENTITIES.find((p) => p.family_name === 'DUPONT')!;
    const common = { form, kind: 'quotient_familial' as const, recipient: '21000000000013', today: '2026-12-03' };
    const result = await obtainStateData(ctx.services, {
      ...common,
      answers: { accord_quotient_familial: 'oui', qf_nom_naissance: 'Quelquun', qf_commune_naissance: 'Nulle-part' },
      franceconnect: claims,
    });
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.obtained.source, 'MSA');
    assert.equal(result.obtained.foundBy, 'franceconnect');
    assert.equal(result.obtained.values.quotientFamilial, 1120);
    // A claim missing (no birthplace for someone born in France): the form's fields are used.
    const partial = await obtainStateData(ctx.services, {
      ...common,
      answers: answers(),
      franceconnect: { ...claims, birthplace: '' },
    });
    assert.ok(partial.ok, JSON.stringify(partial));
    assert.equal(partial.obtained.foundBy, 'etat_civil');
    assert.equal(partial.obtained.values.quotientFamilial, 654);
    // A form saved before the civil-status fields: nothing to search with, the document.
    const older = {
      ...form,
      sections: form.sections.map((sec) => ({ ...sec, fields: sec.fields.filter((f) => !f.name.startsWith('qf_')) })),
    };
    const none = await obtainStateData(ctx.services, {
      ...common,
      form: older,
      answers: answers(),
      franceconnect: null,
    });
    assert.equal(none.ok, false);
    assert.equal(none.ok ? '' : none.errors[0]?.field, 'avis_imposition');
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
