import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { axeViolations, CHROMIUM_PATH, formatViolations, launchBrowser } from '../../../test/support/browser.ts';
import { csrfFrom, insertAgent, loginAgent } from '../../../test/support/factories.ts';
import { visibleText } from '../../../test/support/pages.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { createTenant } from '../tenants/create-tenant.ts';

const BASE = '/t/villebelle';
const FORM = 'application/x-www-form-urlencoded';
const PASSWORD = 'mimosa tambour falaise 42';
const PORT = 20_000 + Math.floor(Math.random() * 20_000);

describe(`the administrators' page of failed jobs (${TEST_DB})`, () => {
  let ctx: TestContext;
  let admin: string;
  let agent: string;
  let otherTenant: string;

  const sql = async (text: string, params: unknown[] = []) => (await ctx.database.ownerQuery(text, params)).rows;
  const get = (url: string, cookie = '') => ctx.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
  const post = (url: string, cookie: string, csrf: string | null) =>
    ctx.app.inject({
      method: 'POST',
      url,
      headers: { cookie, 'content-type': FORM },
      payload: csrf === null ? '' : new URLSearchParams({ _csrf: csrf }).toString(),
    });

  async function failedJob(tenantId: string, queue: string, error: string): Promise<string> {
    const [row] = await sql(
      `insert into jobs (tenant_id, queue, payload, status, attempts, max_attempts, last_error, finished_at)
       values ($1, $2, '{}', 'failed', 5, 5, $3, now()) returning id`,
      [tenantId, queue, error],
    );
    return String(row!.id);
  }

  before(async () => {
    ctx = await createTestContext({ env: { PUBLIC_BASE_URL: `http://127.0.0.1:${PORT}` } });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'admin.taches@villebelle.example',
      password: PASSWORD,
      role: 'admin',
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'agent.taches@villebelle.example',
      password: PASSWORD,
      role: 'supervisor',
      serviceSlugs: ['etat-civil'],
    });
    admin = await loginAgent(ctx.app, 'admin.taches@villebelle.example', PASSWORD);
    agent = await loginAgent(ctx.app, 'agent.taches@villebelle.example', PASSWORD);
    otherTenant = await createTenant(ctx.database.ownerQuery, { name: 'Autreville', slug: 'autreville', hosts: [] });
  });
  after(async () => ctx?.close());

  test('lists the tenant’s failed jobs only, with their last error, and no one else’s', async () => {
    await failedJob(ctx.tenantId, 'mail.send', 'SMTP 550 boîte inconnue <script>');
    await failedJob(otherTenant, 'mail.send', 'erreur d’Autreville');
    await sql(`insert into jobs (tenant_id, queue, status) values ($1, 'mail.send', 'pending')`, [ctx.tenantId]);
    const res = await get(`${BASE}/agent/admin/taches`, admin);
    assert.equal(res.statusCode, 200);
    const text = visibleText(res.body);
    assert.match(text, /Tâches en échec/);
    assert.match(text, /1 tâche en échec/);
    assert.match(text, /Envoi d’un courriel/);
    assert.match(res.body, /SMTP 550 boîte inconnue &lt;script&gt;/);
    assert.doesNotMatch(text, /Autreville/);
  });

  test('refused to agents who are not administrators, and to the anonymous', async () => {
    const id = await failedJob(ctx.tenantId, 'sms.send', 'fournisseur indisponible');
    assert.equal((await get(`${BASE}/agent/admin/taches`, agent)).statusCode, 403);
    const anonymous = await get(`${BASE}/agent/admin/taches`);
    assert.equal(anonymous.statusCode, 303);
    const page = await get(`${BASE}/agent/demandes`, agent);
    const refused = await post(`${BASE}/agent/admin/taches/${id}/relancer`, agent, csrfFrom(page.body));
    assert.equal(refused.statusCode, 403);
    const [row] = await sql(`select status from jobs where id = $1`, [id]);
    assert.equal(row!.status, 'failed');
  });

  test('« Relancer » puts the job back in the queue with its attempts; CSRF is checked', async () => {
    const id = await failedJob(ctx.tenantId, 'deadline.warning', 'destinataire inconnu');
    const noToken = await post(`${BASE}/agent/admin/taches/${id}/relancer`, admin, null);
    assert.equal(noToken.statusCode, 403);
    assert.equal((await sql(`select status from jobs where id = $1`, [id]))[0]!.status, 'failed');

    const page = await get(`${BASE}/agent/admin/taches`, admin);
    assert.match(page.body, new RegExp(`/agent/admin/taches/${id}/relancer`));
    const res = await post(`${BASE}/agent/admin/taches/${id}/relancer`, admin, csrfFrom(page.body));
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `${BASE}/agent/admin/taches?fait=relancee`);
    const [row] = await sql(`select status, attempts, finished_at, run_at <= now() as due from jobs where id = $1`, [
      id,
    ]);
    assert.deepEqual(row, { status: 'pending', attempts: 0, finished_at: null, due: true });
    const after = await get(res.headers.location, admin);
    assert.match(visibleText(after.body), /La tâche est relancée/);
    assert.doesNotMatch(after.body, new RegExp(id));
    // Not failed any more: a second click is "not found".
    const again = await post(`${BASE}/agent/admin/taches/${id}/relancer`, admin, csrfFrom(after.body));
    assert.equal(again.statusCode, 404);
  });

  test('« Abandonner » takes it off the list for good; another tenant’s job is not found', async () => {
    const id = await failedJob(ctx.tenantId, 'inbound.process', 'message illisible');
    const foreign = await failedJob(otherTenant, 'inbound.process', 'autre');
    const page = await get(`${BASE}/agent/admin/taches`, admin);
    const res = await post(`${BASE}/agent/admin/taches/${id}/abandonner`, admin, csrfFrom(page.body));
    assert.equal(res.statusCode, 303);
    assert.equal((await sql(`select status from jobs where id = $1`, [id]))[0]!.status, 'abandoned');
    const stolen = await post(`${BASE}/agent/admin/taches/${foreign}/abandonner`, admin, csrfFrom(page.body));
    assert.equal(stolen.statusCode, 404);
    assert.equal((await sql(`select status from jobs where id = $1`, [foreign]))[0]!.status, 'failed');
    const malformed = await post(`${BASE}/agent/admin/taches/pas-un-id/abandonner`, admin, csrfFrom(page.body));
    assert.equal(malformed.statusCode, 404);
  });

  test(
    'the page passes axe-core, with failed jobs and empty',
    { skip: !existsSync(CHROMIUM_PATH) && 'Chromium is not installed' },
    async () => {
      await ctx.app.listen({ host: '127.0.0.1', port: PORT });
      const browser = await launchBrowser();
      try {
        const cookies = admin.split('; ').map((pair) => {
          const eq = pair.indexOf('=');
          return { name: pair.slice(0, eq), value: pair.slice(eq + 1), url: `http://127.0.0.1:${PORT}` };
        });
        await browser.context.addCookies(cookies);
        const page = await browser.context.newPage();
        await failedJob(ctx.tenantId, 'mail.send', 'connexion refusée par le serveur de courriel');
        await page.goto(`http://127.0.0.1:${PORT}${BASE}/agent/admin/taches`);
        await page.getByRole('heading', { level: 1, name: 'Tâches en échec' }).waitFor();
        let violations = await axeViolations(page);
        assert.equal(violations.length, 0, formatViolations('failed jobs', violations));
        await page.getByRole('button', { name: 'Abandonner' }).first().click();
        await page.getByText('La tâche est abandonnée').waitFor();
        violations = await axeViolations(page);
        assert.equal(violations.length, 0, formatViolations('failed jobs after abandoning', violations));
        await sql(`update jobs set status = 'abandoned' where status = 'failed' and tenant_id = $1`, [ctx.tenantId]);
        await page.reload();
        await page.getByText('Aucune tâche en échec.').waitFor();
        violations = await axeViolations(page);
        assert.equal(violations.length, 0, formatViolations('no failed job', violations));
      } finally {
        await browser.close();
      }
    },
  );
});
