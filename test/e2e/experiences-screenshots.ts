/**
 * Screenshots of the experiences pages for a visual review, at 1280 px and 375 px: the public
 * page (with an answered experience), the share form, the agents' moderation page, a complaint.
 * Run: `node --import tsx test/e2e/experiences-screenshots.ts [outDir]` (default /tmp/shots).
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { launchBrowser } from '../support/browser.ts';
import { demoAccounts } from '../support/e2e-session.ts';
import { killServer, startServer } from '../support/server-process.ts';

const outDir = path.resolve(process.argv[2] ?? '/tmp/shots');
mkdirSync(outDir, { recursive: true });
const server = await startServer({
  env: { GUICHET_DEMO: 'true', SESSION_SECRET: 'screenshots-secret-screenshots-secret-1' },
  timeoutMs: 120_000,
});
const browser = await launchBrowser();
try {
  const page = await browser.context.newPage();
  const both = async (name: string, url: string) => {
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: width === 375 ? 740 : 900 });
      await page.goto(`${server.origin}${url}`);
      await page.screenshot({ path: path.join(outDir, `${name}-${width}.png`), fullPage: true });
    }
  };
  const share = async (title: string, story: string) => {
    await page.goto(`${server.origin}/experiences/partager`);
    await page.getByLabel('Négative').check();
    await page.getByLabel('Titre').fill(title);
    await page.getByLabel('Votre expérience', { exact: true }).fill(story);
    await page.getByLabel('Service concerné').selectOption({ label: 'État civil' });
    await page.getByLabel(/J’accepte/).check();
    await Promise.all([page.waitForURL(/merci/), page.getByRole('button', { name: 'Envoyer mon expérience' }).click()]);
  };
  await both('share-form', '/experiences/partager');
  await share(
    'Attente interminable au guichet',
    'Mme LEFEBVRE m’a demandé de revenir trois fois. J’habite au 12 rue des Lilas et personne ne m’a rappelée au 06 12 34 56 78.',
  );
  await share('Dossier perdu deux fois', 'Mon dossier de carte d’identité a été perdu deux fois. Jean-Pierre MOREAU.');
  const agent = demoAccounts(server.stdout()).find((a) => a.role === 'agent' && a.services === 'etat-civil')!;
  await page.goto(`${server.origin}/agent/connexion`);
  await page.fill('#email', agent.email);
  await page.fill('#password', agent.password);
  await Promise.all([page.waitForURL(/\/agent\/demandes/), page.getByRole('button', { name: 'Se connecter' }).click()]);
  await both('agent-experiences', '/agent/experiences');
  await page.goto(`${server.origin}/agent/experiences`);
  await page.getByRole('link', { name: 'Attente interminable au guichet' }).click();
  const detail = new URL(page.url()).pathname;
  await both('agent-moderation', detail);
  await page.getByRole('button', { name: 'Publier', exact: true }).click();
  await page.waitForLoadState('load');
  await page
    .getByLabel('Réponse du service')
    .fill('Nous avons ajouté un accueil sans rendez-vous le samedi matin. Merci.');
  await page.getByRole('button', { name: 'Publier la réponse' }).click();
  await page.waitForLoadState('load');
  await both('agent-published', detail);
  await both('public-experiences', '/experiences');
  // A complaint filed from a request, for a look at its page.
  await page.goto(`${server.origin}/agent/demandes`);
  await page.locator('table .reference a').first().click();
  await page.waitForLoadState('load');
  await page.getByRole('link', { name: 'Traiter comme réclamation' }).first().click();
  await page.waitForLoadState('load');
  await both('agent-new-complaint', new URL(page.url()).pathname + new URL(page.url()).search);
  await page.getByLabel('Objet').fill('Trois relances sans réponse');
  await page.getByLabel('Ce que la personne reproche').fill('La personne a relancé trois fois sans réponse.');
  await page.getByRole('button', { name: 'Enregistrer la réclamation' }).click();
  await page.waitForLoadState('load');
  await both('agent-complaint', new URL(page.url()).pathname);
  await both('agent-complaints', '/agent/reclamations');
  console.log(`screenshots in ${outDir}`);
} finally {
  await browser.close();
  await killServer(server, 'SIGTERM');
  rmSync(server.dataDir, { recursive: true, force: true });
}
