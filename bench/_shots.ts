import { chromium } from 'playwright-core';
const BASE = 'http://localhost:3400';
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
for (const width of [1280, 375]) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.goto(`${BASE}/agent/connexion`);
  await page.fill('#email', 'espace-public@villebelle.example');
  await page.fill('#password', process.env.PW!);
  await page.click('button[type=submit]');
  await page.waitForLoadState();
  await page.goto(`${BASE}/agent/demandes`);
  await page.screenshot({ path: `/tmp/shots/inbox-${width}.png`, fullPage: width === 375 ? false : true });
  const first = await page.locator('table.inbox tbody a').first().getAttribute('href');
  await page.goto(`${BASE}${first}`);
  await page.screenshot({ path: `/tmp/shots/detail-${width}.png`, fullPage: false });
  await page.close();
}
await browser.close();
