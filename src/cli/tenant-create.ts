import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { createCommuneTenant } from '../modules/tenants/create-tenant.ts';

/**
 * `npm run tenant:create -- --insee 35238 --host rennes.localhost [--slug rennes] [--prefix RE]`
 * Creates a commune's tenant from its INSEE code (official data from @etalab/decoupage-administratif).
 */
const { values } = parseArgs({
  options: {
    insee: { type: 'string' },
    host: { type: 'string', multiple: true },
    slug: { type: 'string' },
    prefix: { type: 'string' },
  },
});
if (!values.insee) {
  console.error(
    'Usage: npm run tenant:create -- --insee <code INSEE> [--host <nom d’hôte>]… [--slug <slug>] [--prefix <XX>]',
  );
  process.exit(2);
}
const config = loadConfig();
const database = await openDatabase({
  url: config.databaseUrl,
  ownerUrl: config.databaseOwnerUrl,
  dataDir: config.dataDir,
  poolSize: 1,
});
try {
  const id = await createCommuneTenant(database.ownerQuery, values.insee, {
    hosts: values.host ?? [],
    slug: values.slug,
    referencePrefix: values.prefix,
  });
  const r = await database.ownerQuery(
    'select slug, name, departement_name, region_name, population from tenants where id = $1',
    [id],
  );
  const t = r.rows[0]!;
  console.log(
    `Tenant created: ${String(t.name)} (${String(t.departement_name)}, ${String(t.region_name)}, population ${String(t.population)})`,
  );
  console.log(
    `  id ${id}, slug ${String(t.slug)}; portal at /t/${String(t.slug)}${values.host ? ` and http://${values.host.join(', http://')}` : ''}`,
  );
} catch (err) {
  console.error(`Cannot create the tenant: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await database.close();
}
