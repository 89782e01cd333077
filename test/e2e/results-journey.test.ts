/**
 * The Services Publics+ loop in Chromium against a real server process (issue 12, parts 1 and
 * 5): an agent resolves a request → the citizen follows the survey link of the mail → answers →
 * the daily job `results` runs (its command, `npm run job -- results`, beside the server) → the
 * answer is in « Nos résultats » and on the supervisors' dashboard. axe-core checks every page.
 *
 * The server runs on a PostgreSQL database of its own: the job command opens the database while
 * the server holds it, which the embedded database does not allow (decision 12).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import * as OTPAuth from 'otpauth';
import pg from 'pg';
import { mailText, startE2eSession, type E2eSession } from '../support/e2e-session.ts';
import { runCli } from '../support/server-process.ts';
import { createServerDatabase, PG_ADMIN_URL } from '../support/test-app.ts';

const SESSION_SECRET = 'e2e-session-secret-e2e-session-secret-42';

describe(
  'results journey in a browser: resolved → survey by mail → daily job → published',
  { timeout: 240_000 },
  () => {
    let s: E2eSession;
    const dbName = `guichet_e2e_${randomBytes(5).toString('hex')}`;
    let env: Record<string, string> = {};

    before(async () => {
      const { url, ownerUrl } = await createServerDatabase(PG_ADMIN_URL, dbName);
      env = { DATABASE_URL: url, DATABASE_OWNER_URL: ownerUrl, SESSION_SECRET };
      s = await startE2eSession({ env });
    });

    after(async () => {
      await s?.close();
      const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
      await admin.connect();
      await admin.query(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    });

    test('the answer given through the mail’s link is in « Nos résultats » after the daily job', async () => {
      const { page } = s;
      const agent = s.accounts.find((a) => a.role === 'admin');
      assert.ok(agent, `no demo administrator in the server output:\n${s.server.stdout()}`);

      // The demo's figures (computed when it was seeded); the footer links to them.
      await s.goto('/');
      await Promise.all([page.waitForURL(/\/resultats$/), page.getByRole('link', { name: 'Nos résultats' }).click()]);
      const answersBefore = Number(/(\d+) avis sur la période/.exec(await page.locator('main').innerText())?.[1] ?? 0);
      await s.assertAccessible('« Nos résultats » before the first run');

      // 1. An agent resolves a request filed by e-mail address.
      await s.goto('/agent/connexion');
      await page.fill('#email', agent.email);
      await page.fill('#password', agent.password);
      // An administrator enrols a second factor at the first sign-in.
      await Promise.all([
        page.waitForURL(/\/agent\/double-authentification$/),
        page.getByRole('button', { name: 'Se connecter' }).click(),
      ]);
      const secret = (await page.locator('#totp-secret').innerText()).replace(/\s/g, '');
      await page
        .getByLabel(/Code à 6 chiffres/)
        .fill(new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate());
      await page.getByRole('button', { name: 'Activer' }).click();
      await page.getByRole('link', { name: /J'ai noté mes codes/ }).click();
      await page.waitForLoadState('load');
      await s.goto('/agent/demandes?statut=recue&canal=en-ligne');
      const first = page.locator('table a[href*="/agent/demandes/"]').first();
      const reference = (await first.innerText()).trim();
      await Promise.all([page.waitForURL(new RegExp(`/agent/demandes/${reference}`)), first.click()]);
      await page.selectOption('#statut', 'traitee');
      await page.fill('#message', 'Votre demande est traitée. Merci de votre patience.');
      await Promise.all([
        page.waitForURL(/fait=statut/),
        page.getByRole('button', { name: 'Changer le statut' }).click(),
      ]);
      await s.assertAccessible('the request resolved');

      // 2. The citizen's mail carries the survey link.
      const mail = await s.smtp.waitFor((m) => (m.subject ?? '').includes(reference) && mailText(m).includes('/avis/'));
      const link = /https?:\/\/\S+\/avis\/[\w.-]+/.exec(mailText(mail))?.[0];
      assert.ok(link, mailText(mail));
      // The citizen follows it (the survey is public: nothing of the agent's session is used).
      await page.goto(link, { waitUntil: 'load' });
      assert.match(await page.locator('h1').innerText(), /Votre avis/);

      // 3. The answer: submitted without the overall question first (the error summary), then whole.
      await page.getByRole('button', { name: 'Envoyer mon avis' }).click();
      await page.locator('.error-summary').waitFor();
      await s.assertAccessible('the survey with its error summary');
      await page.getByLabel('Très satisfait', { exact: true }).check();
      await page
        .getByRole('group', { name: /simple/ })
        .getByLabel('Oui, tout à fait', { exact: true })
        .check();
      await page
        .getByRole('group', { name: /claire/ })
        .getByLabel('Plutôt oui', { exact: true })
        .check();
      await page.getByLabel(/commentaire/i).fill('Rapide et clair, merci. Joignable au 06 12 34 56 78.');
      await s.assertAccessible('the survey filled in');
      await Promise.all([
        page.waitForURL(/\/avis\/merci$/),
        page.getByRole('button', { name: 'Envoyer mon avis' }).click(),
      ]);
      await s.assertAccessible('the thanks');
      // The link cannot be used twice.
      const again = await page.goto(link, { waitUntil: 'load' });
      assert.equal(again?.status(), 409);
      assert.match(await page.locator('main').innerText(), /déjà donné votre avis/);

      // 4. The daily job runs.
      // `npm run job -- results` with the server's database, as an operator runs it.
      const job = await runCli('src/cli/job.ts', ['results'], { ...env, PUBLIC_BASE_URL: s.origin });
      const out = job.stdout + job.stderr;
      assert.equal(job.code, 0, out);
      assert.match(out, /"job":"results"/);

      // 5. The figure is published: one answer more, with its chart and data table.
      await s.goto('/resultats');
      const main = await page.locator('main').innerText();
      assert.match(main, /Taux de satisfaction/);
      assert.match(main, new RegExp(`${answersBefore + 1} avis sur la période`));
      assert.ok((await page.locator('main svg').count()) > 0, 'the charts are SVG');
      assert.ok((await page.locator('main table').count()) > 0, 'each chart has its data table');
      await s.assertAccessible('« Nos résultats » after the daily job');

      // 6. The administrator's dashboard, and the drill-down from the figure to the answer.
      await s.goto('/agent/admin/resultats');
      await s.assertAccessible('the results dashboard');
      await Promise.all([
        page.waitForURL(/\/agent\/admin\/resultats\/detail/),
        page.getByRole('link', { name: '1 avis' }).first().click(),
      ]);
      assert.match(await page.locator('main').innerText(), /Rapide et clair/);
      await s.assertAccessible('the drill-down');

      // 7. The item's survey page for the counter (its QR code) says it was answered.
      await s.goto(`/agent/demandes/${reference}/avis`);
      assert.match(await page.locator('main').innerText(), /déjà donné son avis/);
      await s.assertAccessible('the item’s survey QR code page');

      // 8. A counter tablet in kiosk mode: opened by the administrator, answered, ready for the next person.
      await s.goto('/agent/admin/bornes');
      await page.getByLabel('Nom de la tablette').fill('Accueil de la mairie');
      await page.getByLabel('Lieu d’accueil').selectOption({ label: 'Mairie de Villebelle' });
      await page.getByRole('button', { name: 'Ouvrir la tablette' }).click();
      assert.match(
        await page.locator('main table').innerText(),
        /Accueil de la mairie\s+Tous les services\s+Mairie de Villebelle/,
      );
      const address = (await page.locator('main p.code').first().innerText()).trim();
      await s.assertAccessible('the tablets page with the new address');
      await page.goto(address, { waitUntil: 'load' });
      await s.assertAccessible('the tablet’s survey');
      await page.getByLabel('Plutôt satisfait', { exact: true }).check();
      await Promise.all([page.waitForURL(/merci=1/), page.getByRole('button', { name: 'Envoyer mon avis' }).click()]);
      assert.match(await page.locator('body').innerText(), /La personne suivante peut répondre/);
      assert.equal(await page.getByLabel('Plutôt satisfait', { exact: true }).isChecked(), false);
      await s.assertAccessible('the tablet after an answer');

      // 9. A site's results: the satisfaction of its visits beside the wait at its counters
      // (the demo's visits are spread over its sites); the administrator's dashboard per site.
      await s.goto('/resultats');
      await Promise.all([
        page.waitForURL(/\/resultats\/lieux\//),
        page
          .getByRole('navigation', { name: 'Résultats par lieu d’accueil' })
          .getByRole('link', { name: 'Mairie de Villebelle' })
          .click(),
      ]);
      const siteMain = await page.locator('main').innerText();
      assert.match(siteMain, /Temps d’attente médian à l’accueil/);
      assert.match(siteMain, /Taux de satisfaction\s+\d+ %/);
      assert.match(siteMain, /\d+ avis sur la période/);
      await s.assertAccessible('« Nos résultats » of a site');
      await s.goto('/agent/admin/resultats');
      await page.getByLabel('Périmètre').selectOption({ label: 'Mairie de Villebelle' });
      await Promise.all([page.waitForURL(/service=lieu/), page.getByRole('button', { name: 'Afficher' }).click()]);
      assert.match(await page.locator('main').innerText(), /Rendez-vous non honorés/);
      await s.assertAccessible('the dashboard of a site');
      await Promise.all([
        page.waitForURL(/detail\?indicateur=satisfaction/),
        page
          .getByRole('link', { name: /\d+ avis/ })
          .first()
          .click(),
      ]);
      assert.match(await page.locator('main').innerText(), /Visite au guichet/);
      await s.assertAccessible('the answers given at a site');
    });
  },
);
