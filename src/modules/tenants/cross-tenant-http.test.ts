import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { inTenant } from '../../db/tenant-scope.ts';
import { insertAgent, loginAgent } from '../../../test/support/factories.ts';
import { openForm, postForm } from '../../../test/support/http.ts';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { createTenant } from './create-tenant.ts';

/**
 * Tenant B's host can neither read, list nor change tenant A's requests, whatever the door:
 * the citizen's tracking page, the API, the agent side, or direct SQL under B's scope.
 */
describe(`cross-tenant isolation over HTTP (${TEST_DB})`, () => {
  let ctx: TestContext;
  let tenantB: string;
  let reference = '';
  let secret = '';
  const hostB = { host: 'autreville.localhost' };

  before(async () => {
    ctx = await createTestContext();
    tenantB = await createTenant(ctx.database.ownerQuery, {
      name: 'Autreville',
      slug: 'autreville',
      hosts: ['autreville.localhost'],
    });
    await ctx.database.ownerQuery(
      `insert into services (tenant_id, slug, name) values ($1, 'voirie-proprete', 'Voirie')`,
      [tenantB],
    );
    await insertAgent(ctx.database, tenantB, {
      email: 'admin@autreville.example',
      password: 'motdepasse-solide-42',
      role: 'admin',
    });

    const session = await openForm(ctx.app, '/demarches/signaler-probleme-voirie/demande', { host: 'localhost' });
    const res = await postForm(
      ctx.app,
      '/demarches/signaler-probleme-voirie/demande',
      session,
      {
        categorie: 'chaussee',
        lieu__street: '3 rue Haute',
        lieu__postal_code: '00000',
        lieu__city: 'Villebelle',
        description: 'Nid-de-poule',
        applicant_given_name: 'Ada',
        applicant_family_name: 'Lovelace',
        applicant_email: 'ada@example.org',
      },
      [],
      { host: 'localhost' },
    );
    assert.equal(res.statusCode, 303);
    const m = /demandes\/([^/]+)\/confirmation\?cle=(.+)$/.exec(String(res.headers.location))!;
    reference = m[1]!;
    secret = m[2]!;
    await ctx.services.mail.flush();
  });
  after(async () => ctx.close());

  test("A's request is reachable on A's host", async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/suivi/${reference}?cle=${secret}`,
      headers: { host: 'localhost' },
    });
    assert.equal(res.statusCode, 200);
  });

  test("B's host does not show A's request, even with the right code (page and API)", async () => {
    const page = await ctx.app.inject({ method: 'GET', url: `/suivi/${reference}?cle=${secret}`, headers: hostB });
    assert.equal(page.statusCode, 404);
    const prefixed = await ctx.app.inject({ method: 'GET', url: `/t/autreville/suivi/${reference}?cle=${secret}` });
    assert.equal(prefixed.statusCode, 404);
    const api = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/requests/${reference}`,
      headers: { ...hostB, 'x-tracking-code': secret },
    });
    assert.equal(api.statusCode, 404);
    assert.equal(api.json().error.code, 'request_not_found');
  });

  test("B's administrator neither lists, opens nor changes A's request", async () => {
    const cookie = await loginAgent(ctx.app, 'admin@autreville.example', 'motdepasse-solide-42', '', hostB);
    const list = await ctx.app.inject({ method: 'GET', url: '/agent/demandes', headers: { ...hostB, cookie } });
    assert.equal(list.statusCode, 200);
    assert.ok(!list.body.includes(reference));
    const detail = await ctx.app.inject({
      method: 'GET',
      url: `/agent/demandes/${reference}`,
      headers: { ...hostB, cookie },
    });
    assert.equal(detail.statusCode, 404);
    const page = await ctx.app.inject({ method: 'GET', url: '/agent/demandes', headers: { ...hostB, cookie } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const change = await ctx.app.inject({
      method: 'POST',
      url: `/agent/demandes/${reference}/statut`,
      headers: { ...hostB, cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf, status: 'refusee', message: 'Refusé' }).toString(),
    });
    assert.equal(change.statusCode, 404);
    const row = (await ctx.database.ownerQuery('select status from requests where reference = $1', [reference]))
      .rows[0];
    assert.equal(row?.status, 'recue');
  });

  test("under B's scope, direct SQL finds, changes and deletes none of A's requests", async () => {
    const found = await inTenant(ctx.services.db, tenantB, async (trx) => {
      const all = await sql`select * from requests`.execute(trx);
      const byRef = await sql`select * from requests where reference = ${reference}`.execute(trx);
      const events = await sql`select * from request_events`.execute(trx);
      const upd = await sql`update requests set status = 'refusee' where reference = ${reference}`.execute(trx);
      // Timeline events cannot be deleted at all (append-only, decision 22): what B could delete
      // of A's is tried on the agents' read marks instead.
      const del = await sql`delete from request_reads`.execute(trx);
      return {
        all: all.rows.length,
        byRef: byRef.rows.length,
        events: events.rows.length,
        upd: upd.numAffectedRows,
        del: del.numAffectedRows,
      };
    });
    assert.deepEqual(found, { all: 0, byRef: 0, events: 0, upd: 0n, del: 0n });
    const row = (await ctx.database.ownerQuery('select status from requests where reference = $1', [reference]))
      .rows[0];
    assert.equal(row?.status, 'recue');
  });
});
