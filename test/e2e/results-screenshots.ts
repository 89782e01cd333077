/**
 * Screenshots of « Nos résultats », the survey and the supervisors' dashboard at 1280 and 375 px,
 * for a visual review (issue 12). The demo commune on a PostgreSQL database of its own, a year of
 * survey answers and missed calls added in SQL, the daily job run by its command, then Chromium.
 *
 *   node --import tsx test/e2e/results-screenshots.ts [outDir]   # default docs/screenshots
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import * as OTPAuth from 'otpauth';
import pg from 'pg';
import { signSurveyToken } from '../../src/modules/satisfaction/survey-token.ts';
import { launchBrowser } from '../support/browser.ts';
import { demoAccounts } from '../support/e2e-session.ts';
import { killServer, startServer } from '../support/server-process.ts';
import { createServerDatabase, PG_ADMIN_URL } from '../support/test-app.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const outDir = path.resolve(process.argv[2] ?? path.join(ROOT, 'docs', 'screenshots'));
mkdirSync(outDir, { recursive: true });
const SESSION_SECRET = 'screenshots-secret-screenshots-secret-1';
const dbName = `guichet_shots_${randomBytes(4).toString('hex')}`;
const { url, ownerUrl } = await createServerDatabase(PG_ADMIN_URL, dbName);
const env = { DATABASE_URL: url, DATABASE_OWNER_URL: ownerUrl, SESSION_SECRET, GUICHET_DEMO: 'true' };
const server = await startServer({ env, timeoutMs: 180_000 });
const owner = new pg.Client({ connectionString: ownerUrl });
await owner.connect();
try {
  const tenantId = String((await owner.query(`select id from tenants where slug = 'villebelle'`)).rows[0].id);
  // A year of answers, better in the recent months, and missed calls per service and working day.
  await owner.query(
    `insert into survey_answers (tenant_id, answered_on, interaction, channel, service_id, demarche_id, satisfaction, simple, clear, online_score)
     select $1, (now() - ((g * 37) % 360 || ' days')::interval)::date, 'request',
            (array['en-ligne','courriel','telephone','guichet'])[1 + g % 4], d.service_id, d.id,
            least(5, 1 + (g * 7) % 5 + case when (g * 37) % 360 < 120 then 1 else 0 end),
            1 + (g * 3) % 4, 1 + (g * 5) % 4, case when g % 4 = 0 then 5 + (g * 3) % 6 end
       from generate_series(1, 900) g
       join lateral (select id, service_id from demarches where tenant_id = $1 order by slug offset (g % 12) limit 1) d on true`,
    [tenantId],
  );
  await owner.query(
    `insert into missed_calls (tenant_id, day, service_id, calls)
     select $1, day::date, s.id, 1 + extract(doy from day)::int % 3
       from generate_series(now() - interval '300 days', now(), interval '3 days') day
       cross join (select id from services where tenant_id = $1 limit 3) s`,
    [tenantId],
  );
  const job = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/job.ts', 'results'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
  });
  if (job.status !== 0) throw new Error(job.stderr + job.stdout);
  // A survey link for one of the demo's online requests.
  const request = (
    await owner.query(
      `select id, service_id, demarche_id from requests where tenant_id = $1 and channel = 'en-ligne' order by reference limit 1`,
      [tenantId],
    )
  ).rows[0];
  const invitation = (
    await owner.query(
      `insert into survey_invitations (tenant_id, interaction, channel, request_id, service_id, demarche_id, expires_at)
       values ($1, 'request', 'en-ligne', $2, $3, $4, date_trunc('second', now() + interval '30 days')) returning id, expires_at`,
      [tenantId, request.id, request.service_id, request.demarche_id],
    )
  ).rows[0];
  const token = signSurveyToken(SESSION_SECRET, {
    tenantId,
    invitationId: invitation.id,
    expiresAt: invitation.expires_at,
  });
  const service = (
    await owner.query(
      `select s.slug from published_results p join services s on p.scope = 'service:' || s.id::text order by s.name limit 1`,
    )
  ).rows[0].slug;

  const site = String(
    (await owner.query(`select id from appointment_sites where tenant_id = $1 and kind = 'mairie'`, [tenantId])).rows[0]
      .id,
  );
  const admin = demoAccounts(server.stdout()).find((a) => a.role === 'admin')!;
  const browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/agent/connexion`);
    await page.fill('#email', admin.email);
    await page.fill('#password', admin.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(/double-authentification/);
    const secret = (await page.locator('#totp-secret').innerText()).replace(/\s/g, '');
    await page
      .getByLabel(/Code à 6 chiffres/)
      .fill(new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate());
    await page.getByRole('button', { name: 'Activer' }).click();
    await page.getByRole('link', { name: /J'ai noté mes codes/ }).click();
    await page.waitForLoadState('load');
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: width === 375 ? 740 : 900 });
      const shot = async (name: string) => {
        const file = path.join(outDir, `${name}-${width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        console.log(`wrote ${file}`);
      };
      await page.goto(`${server.origin}/resultats`);
      await shot('results');
      await page.goto(`${server.origin}/resultats/services/${service}`);
      await shot('results-service');
      await page.goto(`${server.origin}/avis/${token}`);
      await shot('survey');
      await page.getByRole('button', { name: 'Envoyer mon avis' }).click();
      await page.locator('.error-summary').waitFor();
      await shot('survey-errors');
      await page.goto(`${server.origin}/agent/admin/resultats`);
      await shot('results-dashboard');
      await page.goto(`${server.origin}/agent/admin/resultats/detail?indicateur=satisfaction`);
      await shot('results-drill-down');
      await page.goto(`${server.origin}/resultats/lieux/${site}`);
      await shot('results-site');
      await page.goto(`${server.origin}/agent/admin/resultats?service=lieu:${site}`);
      await shot('results-dashboard-site');
    }
  } finally {
    await browser.close();
  }
} finally {
  await owner.end();
  await killServer(server, 'SIGTERM');
  const a = new pg.Client({ connectionString: PG_ADMIN_URL });
  await a.connect();
  await a.query(`drop database if exists ${dbName} with (force)`);
  await a.end();
}
