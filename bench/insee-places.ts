/**
 * The commune list (@etalab/decoupage-administratif, 8 MB of JSON) behind birthplaces and the
 * civil status typed on the cantine form. Baseline, measured in the same run: the first lookup
 * of a process that has not read the list (what the first citizen waited before it was preloaded
 * at start-up). Then the same first lookup after `preloadInseePlaces()`, the preload itself
 * (event loop blocked while parsing, in one piece), the heap it keeps, and the name lookups.
 * Each cold figure is measured in a fresh child process.
 *
 *   node --import tsx bench/insee-places.ts
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const NAMES = ['Nantes', 'Saint-Denis', 'St Denis (93)', 'Paris', 'Gennes', 'Ploufragan', 'Villeimaginaire'];

async function child(mode: string): Promise<void> {
  const places = await import('../src/modules/identity/insee-places.ts');
  const heapBefore = process.memoryUsage().heapUsed;
  let preloadMs = 0;
  let longestStallMs = 0;
  if (mode === 'preloaded') {
    // The longest time the event loop could not answer while the list was read in the background.
    let last = performance.now();
    const tick = setInterval(() => {
      const now = performance.now();
      longestStallMs = Math.max(longestStallMs, now - last);
      last = now;
    }, 5);
    const t = performance.now();
    await places.preloadInseePlaces();
    preloadMs = performance.now() - t;
    clearInterval(tick);
    longestStallMs = Math.max(longestStallMs, performance.now() - last);
  }
  const t = performance.now();
  places.birthplaceLabel('44109');
  const firstLookupMs = performance.now() - t;
  global.gc?.();
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
  const t2 = performance.now();
  const rounds = 2000;
  for (let i = 0; i < rounds; i++) places.findCommunesByName(NAMES[i % NAMES.length]!);
  const byNameUs = ((performance.now() - t2) / rounds) * 1000;
  console.log(JSON.stringify({ preloadMs, longestStallMs, firstLookupMs, heapMb, byNameUs }));
}

function run(mode: string): Record<string, number> {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), mode], {
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

if (process.argv[2]) {
  await child(process.argv[2]);
} else {
  const ROUNDS = 5;
  const cold = Array.from({ length: ROUNDS }, () => run('cold'));
  const warm = Array.from({ length: ROUNDS }, () => run('preloaded'));
  const m = (list: Record<string, number>[], k: string) => median(list.map((r) => r[k]!));
  const baseline = m(cold, 'firstLookupMs');
  const after = m(warm, 'firstLookupMs');
  console.log(`first lookup, not preloaded (baseline): ${baseline.toFixed(1)} ms (median of ${ROUNDS} processes)`);
  console.log(
    `first lookup, preloaded at start:       ${after.toFixed(3)} ms  (ratio ${(baseline / after).toFixed(0)}×)`,
  );
  console.log(`preload (in the background):            ${m(warm, 'preloadMs').toFixed(1)} ms`);
  console.log(`longest event-loop stall while loading: ${m(warm, 'longestStallMs').toFixed(1)} ms`);
  console.log(`heap kept:                              ${m(warm, 'heapMb').toFixed(1)} MB`);
  console.log(`findCommunesByName:                     ${m(warm, 'byNameUs').toFixed(1)} µs a name`);
}
