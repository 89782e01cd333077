/**
 * Takes the phone-size screenshots kept in docs/screenshots (375 px wide, as a small phone):
 * the home page and the online form with its error summary.
 * Run: `node --import tsx test/e2e/screenshots.ts [outDir]`. Extra pages for a visual review go
 * to outDir only when SCREENSHOTS_ALL=true.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { launchBrowser } from '../support/browser.ts';
import { killServer, startServer } from '../support/server-process.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const outDir = path.resolve(process.argv[2] ?? path.join(ROOT, 'docs', 'screenshots'));
mkdirSync(outDir, { recursive: true });

const server = await startServer({
  env: { GUICHET_DEMO: 'true', SESSION_SECRET: 'screenshots-secret-screenshots-secret-1' },
  timeoutMs: 120_000,
});
const browser = await launchBrowser({ viewport: { width: 375, height: 740 } });
try {
  const page = await browser.context.newPage();
  const shot = async (name: string, fullPage = true) => {
    await page.screenshot({ path: path.join(outDir, `${name}.png`), fullPage });
    console.log(`wrote ${path.join(outDir, `${name}.png`)}`);
  };

  await page.goto(`${server.origin}/`);
  await shot('home-375', false);

  await page.goto(`${server.origin}/demarches/signaler-probleme-voirie/demande`);
  await page.fill('#lieu__street', '12 rue des Lilas');
  await page.fill('#applicant_email', 'camille.martin-at-example.org');
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Envoyer ma demande' }).click()]);
  await page.locator('.error-summary').waitFor();
  // Show the summary and the first fields, as a phone user sees them after sending.
  await page.evaluate(() => {
    document.querySelector('.error-summary')?.scrollIntoView({ block: 'start' });
    window.scrollBy(0, -16);
  });
  await shot('form-errors-375', false);

  if (process.env.SCREENSHOTS_ALL === 'true') {
    for (const [name, p] of [
      ['home-full', '/'],
      ['demarches', '/demarches'],
      ['demarche', '/demarches/signaler-probleme-voirie'],
      ['search', '/recherche?q=trou'],
      ['event', '/evenements/je-demenage'],
      ['suivi', '/suivi'],
      ['plan', '/plan-du-site'],
      ['agent-login', '/agent/connexion'],
      ['api-docs', '/api/docs'],
    ] as const) {
      await page.goto(`${server.origin}${p}`);
      await shot(name);
    }
    await page.goto(`${server.origin}/demarches/signaler-probleme-voirie/demande`);
    await Promise.all([
      page.waitForLoadState('load'),
      page.getByRole('button', { name: 'Envoyer ma demande' }).click(),
    ]);
    await page.locator('.error-summary').waitFor();
    await shot('form-errors-full');
  }
} finally {
  await browser.close();
  await killServer(server, 'SIGTERM');
  rmSync(server.dataDir, { recursive: true, force: true });
}
