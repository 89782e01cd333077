/**
 * The agents' search over a generated volume on the PostgreSQL server:
 * `GUICHET_TEST_DB=postgres npx tsx bench/search.ts [requests]` (default 200,000 requests, two
 * timeline messages each, spread over the demo tenant's services). Searches go through the
 * application (app.inject: routing, session, authorisation, rendering; no network) as an agent
 * of one service and as an administrator, 50 times each after a warm-up; p50 and p95 are printed.
 * Figures: docs/performance.md.
 */
import { performance } from 'node:perf_hooks';
import { insertAgent, loginAgent } from '../test/support/factories.ts';
import { createTestContext } from '../test/support/test-app.ts';

const COUNT = Number(process.argv[2] ?? 200_000);
const RUNS = 50;
const PASSWORD = 'sapin-radis-olive-11';

const ctx = await createTestContext();
try {
  const q = ctx.database.ownerQuery;
  const t0 = performance.now();
  // Names, words and phones drawn from small lists so that common words match many requests.
  await q(
    `insert into requests (tenant_id, reference, demarche_id, service_id, status, data, applicant_name,
       applicant_email, applicant_phone, tracking_secret_hash, submitted_at, due_on)
     select $1, 'VB-2025-' || lpad(upper(to_hex(g)), 6, '0'), d.id, d.service_id, 'recue',
            jsonb_build_object('description', (array['La poubelle déborde devant l''Église', 'Un nid-de-poule rue des Lilas',
                'Le lampadaire clignote', 'Tags sur le mur de l''école', 'Dépôt sauvage près du stade'])[1 + g % 5]
              || ' numéro ' || g),
            (array['Jeanne','Paul','Lucie','Marc','Inès','Karim'])[1 + g % 6] || ' ' ||
              (array['Moreau','Durand','Lefèvre','Bernard','Petit','Girard','Roux','Fontaine','Chevalier','Garnier'])[1 + (g / 7) % 10] || g,
            'usager' || g || '@example.org', '06' || lpad((g % 100000000)::text, 8, '0'),
            md5(g::text), now() - (g % 1000) * interval '1 hour', current_date + 10
       from generate_series(1, $2::int) g
       cross join lateral (select id, service_id from demarches
                            where tenant_id = $1 and kind = 'demarche' order by id offset g % 5 limit 1) d`,
    [ctx.tenantId, COUNT],
  );
  const t1 = performance.now();
  await q(
    `insert into request_events (tenant_id, request_id, kind, body, author_kind, visible_to_citizen)
     select tenant_id, id, k.kind, k.body || ' ' || reference, k.author, k.kind <> 'internal_note'
       from requests, (values ('citizen_message', 'Bonjour, avez-vous du nouveau sur ma demande ?', 'citizen'),
                              ('internal_note', 'Vu avec l''équipe technique, passage prévu jeudi', 'agent')) k(kind, body, author)
      where tenant_id = $1`,
    [ctx.tenantId],
  );
  const t2 = performance.now();
  await q('analyze');
  const size = await q(`select pg_size_pretty(pg_database_size(current_database())) as size,
      (select count(*) from requests)::int as requests, (select count(*) from request_events)::int as events`);
  console.log(
    `generated ${size.rows[0]!.requests} requests in ${((t1 - t0) / 1000).toFixed(1)} s, ` +
      `${size.rows[0]!.events} events in ${((t2 - t1) / 1000).toFixed(1)} s; database ${size.rows[0]!.size}`,
  );

  await insertAgent(ctx.database, ctx.tenantId, {
    email: 'bench.voirie@villebelle.example',
    password: PASSWORD,
    serviceSlugs: ['voirie-proprete'],
  });
  await insertAgent(ctx.database, ctx.tenantId, {
    email: 'bench.admin@villebelle.example',
    password: PASSWORD,
    role: 'admin',
  });
  const agents = {
    'agent (one service)': await loginAgent(ctx.app, 'bench.voirie@villebelle.example', PASSWORD),
    administrator: await loginAgent(ctx.app, 'bench.admin@villebelle.example', PASSWORD),
  };
  const queries = {
    'reference, no dashes': 'vb2025000abc',
    'phone +33': '+33 6 00 01 23 45',
    email: 'usager4242@example.org',
    'name with a typo': 'Morau',
    'rare word (one request)': 'numéro 123457',
    'common word (1/5 of requests)': 'poubelles',
    'word in every note': 'technique',
    'no result': 'zzqxwv',
  };
  const percentile = (xs: number[], p: number) =>
    xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
  console.log('| query | actor | p50 (ms) | p95 (ms) | results |');
  console.log('| --- | --- | ---: | ---: | --- |');
  for (const [label, text] of Object.entries(queries)) {
    for (const [who, cookie] of Object.entries(agents)) {
      const url = `/t/villebelle/agent/recherche?q=${encodeURIComponent(text)}`;
      let body = '';
      for (let i = 0; i < 5; i++) body = (await ctx.app.inject({ method: 'GET', url, headers: { cookie } })).body;
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const start = performance.now();
        const res = await ctx.app.inject({ method: 'GET', url, headers: { cookie } });
        times.push(performance.now() - start);
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode}`);
      }
      const found = /Demandes \(([^)]*)\)/.exec(body)?.[1] ?? '0';
      console.log(
        `| ${label} | ${who} | ${percentile(times, 0.5).toFixed(1)} | ${percentile(times, 0.95).toFixed(1)} | ${found} |`,
      );
    }
  }
} finally {
  await ctx.close();
}
