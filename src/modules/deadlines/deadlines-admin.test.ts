import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestContext, TEST_DB, type TestContext } from '../../../test/support/test-app.ts';
import { csrfFrom, ensureDemarche, insertAgent, insertRequest, loginAgent } from '../../../test/support/factories.ts';
import { parisDay } from '../../platform/format.ts';
import { publicHolidayList, publicHolidays } from '../requests/working-days.ts';

const BASE = '/t/villebelle';
const PASSWORD = 'sapin-radis-olive-11';

function shiftDays(day: string, days: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

describe(`closing days and the deadline report (${TEST_DB})`, () => {
  let ctx: TestContext;
  let agent: string;
  let supervisor: string;
  let admin: string;

  const get = (path: string, cookie: string) =>
    ctx.app.inject({ method: 'GET', url: `${BASE}${path}`, headers: { cookie } });

  async function post(path: string, cookie: string, fields: Record<string, string>) {
    const page = await get('/agent/admin/fermetures', cookie);
    return ctx.app.inject({
      method: 'POST',
      url: `${BASE}${path}`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfFrom(page.body), ...fields }).toString(),
    });
  }

  async function rows<T>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await ctx.database.ownerQuery(text, params)).rows as T[];
  }

  before(async () => {
    ctx = await createTestContext();
    await ensureDemarche(ctx.database, ctx.tenantId, { slug: 'delais-x', serviceSlug: 'delais-service-x' });
    await ensureDemarche(ctx.database, ctx.tenantId, { slug: 'delais-y', serviceSlug: 'delais-service-y' });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'agent.delais@villebelle.example',
      name: 'Alix Agent',
      password: PASSWORD,
      serviceSlugs: ['delais-service-x'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'chef.delais@villebelle.example',
      name: 'Sacha Cheffe',
      password: PASSWORD,
      role: 'supervisor',
      serviceSlugs: ['delais-service-x'],
    });
    await insertAgent(ctx.database, ctx.tenantId, {
      email: 'admin.delais@villebelle.example',
      name: 'Ada Admin',
      password: PASSWORD,
      role: 'admin',
      serviceSlugs: [],
    });
    agent = await loginAgent(ctx.app, 'agent.delais@villebelle.example', PASSWORD);
    supervisor = await loginAgent(ctx.app, 'chef.delais@villebelle.example', PASSWORD);
    admin = await loginAgent(ctx.app, 'admin.delais@villebelle.example', PASSWORD);
  });
  after(async () => ctx.close());

  test('the named public holidays are the ones deadlines skip, Alsace-Moselle included', () => {
    for (const [year, dep] of [
      [2026, null],
      [2027, '57'],
      [2030, '974'],
    ] as const) {
      const list = publicHolidayList(year, dep);
      assert.deepEqual(
        list.map((h) => h.date),
        [...publicHolidays(year, dep)].sort(),
      );
    }
    const moselle = publicHolidayList(2026, '57');
    assert.ok(moselle.some((h) => h.date === '2026-04-03' && h.name === 'Vendredi saint'));
    assert.ok(moselle.some((h) => h.date === '2026-12-26' && h.name === 'Saint-Étienne'));
  });

  test('only administrators reach the closing days; supervisors and admins the report', async () => {
    assert.equal((await get('/agent/admin/fermetures', agent)).statusCode, 403);
    assert.equal((await get('/agent/admin/fermetures', supervisor)).statusCode, 403);
    assert.equal((await get('/agent/admin/delais', agent)).statusCode, 403);
    assert.equal((await get('/agent/admin/delais.csv', agent)).statusCode, 403);
    assert.equal((await get('/agent/admin/delais', supervisor)).statusCode, 200);
    const page = await get('/agent/admin/fermetures?annee=2027', admin);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Jours fériés en 2027/);
    assert.match(page.body, /Lundi de Pentecôte/);
  });

  test('an administrator adds and removes a closing day; each change is on the journal', async () => {
    // Friday 31 May 2030, the day after Ascension.
    const added = await post('/agent/admin/fermetures', admin, { jour: '31/05/2030', libelle: 'Pont de l’Ascension' });
    assert.equal(added.statusCode, 303);
    assert.equal(added.headers.location, `${BASE}/agent/admin/fermetures?annee=2030&fait=ajoute`);
    assert.deepEqual(
      await rows(
        `select day::text as day, label from tenant_closing_days where tenant_id = $1 and day >= '2030-01-01'`,
        [ctx.tenantId],
      ),
      [{ day: '2030-05-31', label: 'Pont de l’Ascension' }],
    );
    const page = await get('/agent/admin/fermetures?annee=2030', admin);
    assert.match(page.body, /vendredi 31 mai 2030 – Pont de l’Ascension/);

    const removed = await post('/agent/admin/fermetures/2030-05-31/supprimer', admin, {});
    assert.equal(removed.statusCode, 303);
    assert.equal(
      (await rows(`select 1 from tenant_closing_days where tenant_id = $1 and day >= '2030-01-01'`, [ctx.tenantId]))
        .length,
      0,
    );
    assert.equal((await post('/agent/admin/fermetures/2030-05-31/supprimer', admin, {})).statusCode, 404);
    assert.equal((await post('/agent/admin/fermetures/pas-une-date/supprimer', admin, {})).statusCode, 404);

    const log = await rows<{ action: string; detail: string; actor_label: string; channel: string }>(
      `select action, detail, actor_label, channel from tenant_audit_log where tenant_id = $1 order by at`,
      [ctx.tenantId],
    );
    assert.deepEqual(log, [
      {
        action: 'closing_day_added',
        detail: '31 mai 2030 – Pont de l’Ascension',
        actor_label: 'Ada Admin',
        channel: 'web',
      },
      {
        action: 'closing_day_removed',
        detail: '31 mai 2030 – Pont de l’Ascension',
        actor_label: 'Ada Admin',
        channel: 'web',
      },
    ]);
    const journal = await get('/agent/admin/journal?action=closing_day_added', admin);
    assert.match(journal.body, /Jour de fermeture ajouté/);
    assert.match(journal.body, /31 mai 2030 – Pont de l’Ascension/);
  });

  test('bad dates, holidays, weekends and duplicates come back with a clear error and what was typed', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ jour: '30/02/2030', libelle: 'Fête' }, /Date : indiquez une date réelle/],
      [{ jour: '', libelle: 'Fête' }, /Indiquez la date de fermeture/],
      [{ jour: '2030-07-14', libelle: 'Fête' }, /jour férié \(Fête nationale\)/],
      [{ jour: '2030-06-01', libelle: 'Fête' }, /samedi ou un dimanche/],
      [{ jour: '2030-06-03', libelle: '' }, /Indiquez pourquoi la mairie est fermée/],
    ];
    for (const [fields, message] of cases) {
      const res = await post('/agent/admin/fermetures', admin, fields);
      assert.equal(res.statusCode, 400, JSON.stringify(fields));
      assert.match(res.body, /class="error-summary"/);
      assert.match(res.body, message);
      assert.match(res.body, new RegExp(`value="${fields.jour}"`));
    }
    assert.equal(
      (await post('/agent/admin/fermetures', admin, { jour: '2030-06-03', libelle: 'Fête locale' })).statusCode,
      303,
    );
    const again = await post('/agent/admin/fermetures', admin, { jour: '03/06/2030', libelle: 'Encore' });
    assert.equal(again.statusCode, 400);
    assert.match(again.body, /déjà un jour de fermeture/);
    assert.equal(
      (await rows(`select 1 from tenant_closing_days where tenant_id = $1 and day >= '2030-01-01'`, [ctx.tenantId]))
        .length,
      1,
    );
  });

  test('the report: late today, closed late, the share in time per démarche, within the supervisor’s services', async () => {
    const today = parisDay(new Date());
    const late = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: 'delais-x',
      dueOn: shiftDays(today, -5),
    });
    const waiting = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: 'delais-x',
      status: 'en_attente_usager',
      dueOn: shiftDays(today, -5),
    });
    const closedOnTime = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'delais-x', dueOn: today });
    const closedLate = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: 'delais-x',
      dueOn: shiftDays(today, -20),
    });
    // On time at its last due date, but found overdue at an earlier one: late.
    const breachedBefore = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'delais-x', dueOn: today });
    const otherService = await insertRequest(ctx.database, ctx.tenantId, {
      demarcheSlug: 'delais-y',
      dueOn: shiftDays(today, -5),
    });
    for (const r of [closedOnTime, closedLate, breachedBefore])
      await ctx.database.ownerQuery(
        `update requests set status = 'traitee', closed_at = now() - interval '1 hour' where id = $1`,
        [r.id],
      );
    await ctx.database.ownerQuery(
      `insert into deadline_breaches (tenant_id, request_id, due_on, detected_at, kind) values ($1, $2, $3, now(), 'overdue')`,
      [ctx.tenantId, breachedBefore.id, shiftDays(today, -30)],
    );

    const page = await get('/agent/admin/delais', supervisor);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(late.reference));
    assert.match(page.body, new RegExp(closedLate.reference));
    assert.match(page.body, new RegExp(breachedBefore.reference));
    assert.doesNotMatch(page.body, new RegExp(waiting.reference), 'its clock is paused');
    assert.doesNotMatch(page.body, new RegExp(closedOnTime.reference), 'closed in time');
    assert.doesNotMatch(page.body, new RegExp(otherService.reference), 'another service');
    assert.match(page.body, /<strong>33 %<\/strong> des demandes closes sur la période/);

    const csv = await get('/agent/admin/delais.csv', supervisor);
    assert.equal(csv.statusCode, 200);
    const lines = csv.body
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    assert.equal(lines.length, 3);
    assert.match(lines[1]!, /^delais-service-x;delais-x;\d{4}-\d{2}-\d{2};\d{4}-\d{2}-\d{2};3;1;33,3;1$/);
    assert.match(lines[2]!, /^Ensemble;;.*;3;1;33,3;1$/);

    const all = await get('/agent/admin/delais', admin);
    assert.match(all.body, new RegExp(otherService.reference));

    const bad = await get('/agent/admin/delais?du=2026-13-01&au=2026-01-01', supervisor);
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Du : indiquez une date réelle/);
    assert.match(bad.body, /value="2026-13-01"/);
    const reversed = await get('/agent/admin/delais?du=2026-03-01&au=2026-01-01', supervisor);
    assert.equal(reversed.statusCode, 400);
    assert.match(reversed.body, /Au : choisissez une date après celle de début/);
    assert.equal((await get('/agent/admin/delais.csv?du=x', supervisor)).statusCode, 400);
  });
});
