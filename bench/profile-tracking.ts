/**
 * In-process CPU profile of the tracking page: `node --import tsx --cpu-prof --cpu-prof-dir=.bench
 * bench/profile-tracking.ts`. Uses app.inject (no sockets): what it measures is Guichet's own
 * work per page, on PGlite unless GUICHET_TEST_DB=postgres.
 */
import { insertRequest } from '../test/support/factories.ts';
import { createTestContext } from '../test/support/test-app.ts';
import { generateTrackingSecret, hashTrackingSecret } from '../src/modules/requests/reference.ts';

const N = Number(process.env.PROFILE_PAGES ?? 3000);
const ctx = await createTestContext({ env: { TRACKING_RATE_LIMIT: '1000000' } });
const { id, reference } = await insertRequest(ctx.database, ctx.tenantId, { demarcheSlug: 'signaler-probleme-voirie' });
const secret = generateTrackingSecret();
await ctx.database.ownerQuery('update requests set tracking_secret_hash = $1 where id = $2', [
  hashTrackingSecret(secret),
  id,
]);
const url = `/suivi/${reference}?cle=${encodeURIComponent(secret)}`;
const first = await ctx.app.inject({ method: 'GET', url });
if (first.statusCode !== 200) throw new Error(`tracking page answered ${first.statusCode}`);
for (let i = 0; i < 300; i++) await ctx.app.inject({ method: 'GET', url });
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < N; i++) await ctx.app.inject({ method: 'GET', url });
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
console.log(
  `${N} tracking pages: ${(ms / N).toFixed(3)} ms wall, ${((cpu.user + cpu.system) / 1000 / N).toFixed(3)} ms CPU per page`,
);
await ctx.close();
