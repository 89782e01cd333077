import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { insertAgent, insertRequest, loginAgent } from '../../../test/support/factories.ts';
import { COUNT_CAP, PAGE_SIZE } from './repository.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'sapin-radis-olive-11';
const CLOSED = COUNT_CAP + 7;

describe(`the inbox's counters at volume: open views exact, all items counted up to a cap (${TEST_DB})`, () => {
  let ctx: TestContext;
  let cookie: string;
  let agentId: string;

  before(async () => {
    ctx = await createTestContext();
    agentId = await insertAgent(ctx.database, ctx.tenantId, {
      email: 'claude.counts@villebelle.example',
      password: PASSWORD,
      serviceSlugs: ['voirie-proprete'],
    });
    cookie = await loginAgent(ctx.app, 'claude.counts@villebelle.example', PASSWORD);
    const open = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'signaler-probleme-voirie' });
    await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: 'signaler-probleme-voirie',
      status: 'en_attente_usager',
    });
    await ctx.database.ownerQuery(`update requests set assigned_agent_id = $1 where id = $2`, [agentId, open.id]);
    // More closed items than the cap, in one statement (the search vector trigger runs on each).
    await ctx.database.ownerQuery(
      `insert into requests (tenant_id, reference, demarche_id, service_id, status, data, tracking_secret_hash,
                             submitted_at, due_on, closed_at)
       select d.tenant_id, 'VB-2020-' || lpad(g::text, 5, '0'), d.id, d.service_id, 'traitee', '{}'::jsonb, md5(g::text),
              now() - interval '400 days', current_date - 380, now() - interval '390 days'
         from demarches d, generate_series(1, $2::int) g
        where d.tenant_id = $1 and d.slug = 'signaler-probleme-voirie'`,
      [ctx.tenantId, CLOSED],
    );
  });
  after(() => ctx.close());

  const count = (html: string, label: string) => new RegExp(`${label} \\(([^)]+)\\)`).exec(html)?.[1];

  test('the open views are counted exactly; « Toutes » says « 10 000 ou plus » past the cap', async () => {
    const real = (
      await ctx.database.ownerQuery(`select count(*)::int as n from requests where tenant_id = $1`, [ctx.tenantId])
    ).rows[0]!.n as number;
    assert.ok(real > COUNT_CAP, 'more items than the cap');
    const html = (await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/demandes`, headers: { cookie } })).body;
    assert.equal(count(html, 'À traiter'), '2');
    assert.equal(count(html, 'Mes demandes'), '1');
    assert.equal(count(html, 'Non prises en charge'), '1');
    assert.equal(count(html, 'En attente de l’usager'), '1');
    assert.equal(count(html, 'Toutes, closes comprises'), '10\u00a0000 ou plus');
  });

  test('paging through a capped view: no last page announced, « Page suivante » while pages are full', async () => {
    const first = (
      await ctx.app.inject({ method: 'GET', url: `${BASE}/agent/demandes?vue=toutes`, headers: { cookie } })
    ).body;
    assert.match(first, /demandes 1 à 50 sur 10\u00a0000 ou plus/);
    assert.match(first, /<li>Page 1<\/li>/);
    assert.match(first, /Page suivante/);
    // The last page, past the cap: what is on it, and no next page.
    const lastPage = Math.ceil((CLOSED + 2) / PAGE_SIZE);
    const last = (
      await ctx.app.inject({
        method: 'GET',
        url: `${BASE}/agent/demandes?vue=toutes&page=${lastPage}`,
        headers: { cookie },
      })
    ).body;
    const from = (lastPage - 1) * PAGE_SIZE + 1;
    assert.match(last, new RegExp(`demandes ${from} à ${CLOSED + 2} sur 10\u00a0000 ou plus`));
    assert.doesNotMatch(last, /Page suivante/);
    assert.match(last, /Page précédente/);
  });
});
