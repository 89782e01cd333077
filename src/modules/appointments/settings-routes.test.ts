import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { insertAgent, loginAgent } from '../../../test/support/factories.ts';
import { openForm, postForm } from '../../../test/support/http.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';

const PAGE = '/t/villebelle/agent/admin/rendez-vous';
const PASSWORD = 'Un mot de passe assez long 42';

/**
 * The administrators' appointment settings over HTTP: refusals that come from the use cases
 * (settings.ts) come back as the page with the error on its field and what was typed, never as
 * a server error, and change nothing (checked in SQL). The browser journey is
 * test/e2e/appointment-admin-journey.test.ts.
 */
describe(`appointment settings: refusals of the use cases (${TEST_DB})`, () => {
  let ctx: TestContext;
  let admin = '';

  const closures = async () =>
    Number(
      (
        await ctx.database.ownerQuery(`select count(*)::int as n from appointment_closures where tenant_id = $1`, [
          ctx.tenantId,
        ])
      ).rows[0]!.n,
    );

  before(async () => {
    ctx = await createTestContext();
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'admin.rdv@villebelle.test',
      password: PASSWORD,
      role: 'admin',
    });
    admin = await loginAgent(ctx.app, 'admin.rdv@villebelle.test', PASSWORD);
  });
  after(async () => ctx?.close());

  test('a closure for a site that is not (or no longer) there: the form again, nothing stored', async () => {
    const before = await closures();
    const session = await openForm(ctx.app, PAGE, { cookie: admin });
    const res = await postForm(ctx.app, `${PAGE}/fermetures`, session, {
      lieu: randomUUID(),
      du: '2027-05-07',
      au: '',
      libelle: 'Pont de l’Ascension',
    });
    assert.equal(res.statusCode, 400, res.body.slice(0, 500));
    assert.match(res.body, /<a href="#lieu">Choisissez un lieu de la liste\.<\/a>/);
    assert.match(res.body, /id="libelle"[^>]*value="Pont de l’Ascension"/);
    assert.match(res.body, /id="du"[^>]*value="2027-05-07"/);
    assert.equal(await closures(), before);
  });

  test('a calendar with only past events is refused instead of « importées » with nothing imported', async () => {
    const before = await closures();
    const session = await openForm(ctx.app, PAGE, { cookie: admin });
    const calendar = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Test//FR',
      'BEGIN:VEVENT',
      'UID:passe@villebelle.test',
      'DTSTAMP:20200101T000000Z',
      'DTSTART;VALUE=DATE:20200515',
      'SUMMARY:Pont de 2020',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    const res = await postForm(ctx.app, `${PAGE}/fermetures/import`, session, { lieu_import: '' }, [
      { field: 'fichier', filename: 'ancien.ics', type: 'text/calendar', data: Buffer.from(calendar) },
    ]);
    assert.equal(res.statusCode, 400, res.body.slice(0, 500));
    assert.match(res.body, /<a href="#fichier">Ce fichier ne contient aucune fermeture à venir/);
    assert.match(res.body, /id="fichier"[^>]*aria-invalid="true"/);
    assert.equal(await closures(), before);
  });
});
