/**
 * The agents' search in Chromium against a real server process with the demo data, every page
 * checked with axe-core: the box at the top of the inbox, results with highlighted excerpts, no
 * result, and a query refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startE2eSession, type E2eSession } from '../support/e2e-session.ts';

describe('agent search in a browser', { timeout: 240_000 }, () => {
  let s: E2eSession;

  before(async () => {
    s = await startE2eSession();
  });
  after(async () => s?.close());

  test('a voirie agent searches from the inbox', async () => {
    const { page } = s;
    const agent = s.accounts.find((a) => a.role === 'agent' && a.services.includes('voirie'));
    assert.ok(agent, `no voirie agent in the server output:\n${s.server.stdout()}`);
    await s.goto('/agent/connexion');
    await page.fill('#email', agent.email);
    await page.fill('#password', agent.password);
    await Promise.all([
      page.waitForURL(/\/agent\/demandes/),
      page.getByRole('button', { name: 'Se connecter' }).click(),
    ]);
    await s.assertAccessible('inbox with its search box');

    // The applicant of the first item of the inbox, searched by family name with a typo.
    const applicant = (await page.locator('td[data-label="Demandeur"]').first().innerText()).trim();
    const family = applicant.split(' ').at(-1)!;
    const typo = family.slice(0, -2) + family.slice(-1);
    const box = page.getByRole('search').getByLabel('Rechercher une demande, un message ou un usager');
    await box.fill(typo);
    await Promise.all([
      page.waitForURL(/\/agent\/recherche\?q=/),
      page.getByRole('search').getByRole('button', { name: 'Rechercher' }).click(),
    ]);
    assert.match(await page.locator('main').innerText(), new RegExp(applicant));
    await s.assertAccessible(`results for « ${typo} »`);

    // Words of a message or answer: results with highlighted excerpts.
    await box.fill(family);
    await Promise.all([
      page.waitForURL(/\/agent\/recherche\?q=/),
      page.getByRole('search').getByRole('button', { name: 'Rechercher' }).click(),
    ]);
    assert.ok((await page.locator('.search-result').count()) > 0, 'results are listed');
    await s.assertAccessible(`results for « ${family} »`);

    await s.goto('/agent/recherche?q=zzqxwv');
    assert.match(await page.locator('main').innerText(), /Aucun résultat pour « zzqxwv »/);
    await s.assertAccessible('no result');

    const res = await page.goto(`${s.origin}/agent/recherche?q=a`);
    assert.equal(res?.status(), 400);
    await page.locator('.error-summary').waitFor();
    await s.assertAccessible('query too short');
  });
});
