import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { AppError } from '../platform/errors.ts';
import { setUpCommune } from '../modules/tenants/set-up-commune.ts';
import { tenantSiteUrl } from '../modules/tenants/tenant-url.ts';
import { loadConfigOrExit, openDatabaseOrExit } from '../startup.ts';

/**
 * `npm run tenant:create -- --insee 35238 --host rennes.localhost --admin-email dsi@rennes.fr
 *   [--admin-name …] [--phone …] [--email …] [--address …] [--website …] [--slug rennes] [--prefix RE]`
 *
 * Creates a commune that can start: tenant from its INSEE code (official data from
 * @etalab/decoupage-administratif), standard services, the model catalogue « à vérifier », and its
 * first administrator, invited (link printed here and mailed). With the embedded database, the
 * server must be stopped first (the data folder is locked, decision 12).
 */
const USAGE =
  'Usage: npm run tenant:create -- --insee <code INSEE> --admin-email <adresse> [--admin-name <nom>]\n' +
  '         [--host <nom d’hôte>]… [--phone <téléphone>] [--email <adresse de contact>] [--address <adresse de la mairie>]\n' +
  '         [--website <https://…>] [--slug <slug>] [--prefix <XX>]';

let values;
try {
  ({ values } = parseArgs({
    options: {
      insee: { type: 'string' },
      host: { type: 'string', multiple: true },
      slug: { type: 'string' },
      prefix: { type: 'string' },
      'admin-email': { type: 'string' },
      'admin-name': { type: 'string' },
      phone: { type: 'string' },
      email: { type: 'string' },
      address: { type: 'string' },
      website: { type: 'string' },
    },
  }));
} catch (err) {
  console.error(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}

// Asked for when a person is at the terminal; a script must give them on the command line.
if (process.stdin.isTTY && process.stdout.isTTY) {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const ask = async (key: 'admin-email' | 'phone' | 'email' | 'address', question: string) => {
    if (values[key] === undefined) values[key] = (await rl.question(question)).trim() || undefined;
  };
  if (values.insee) {
    await ask('admin-email', 'Adresse électronique du premier administrateur : ');
    await ask('address', 'Adresse de la mairie (Entrée pour la donner plus tard) : ');
    await ask('phone', 'Téléphone de la mairie (Entrée pour plus tard) : ');
    await ask('email', 'Adresse électronique de contact de la mairie (Entrée pour plus tard) : ');
  }
  rl.close();
}
if (!values.insee || !values['admin-email']) {
  console.error(USAGE);
  process.exit(2);
}

const config = loadConfigOrExit();
const database = await openDatabaseOrExit(config, { poolSize: 1, who: 'tenant:create' });
try {
  const r = await setUpCommune(database, {
    inseeCode: values.insee,
    hosts: values.host,
    slug: values.slug,
    referencePrefix: values.prefix,
    admin: { email: values['admin-email'], name: values['admin-name'] },
    contact: { phone: values.phone, email: values.email, address: values.address, website: values.website },
    siteUrl: (tenant) => tenantSiteUrl(tenant, config),
    now: new Date(),
  });
  const c = r.contact;
  const missing = (v: string | undefined) => v ?? '(à compléter)';
  console.log(
    [
      `Tenant created: ${r.name} (${r.departementName ?? '?'}, ${r.regionName ?? '?'}, population ${r.population ?? '?'})`,
      `  id ${r.tenantId}, slug ${r.slug}`,
      `  Portal: ${r.siteUrl}/${values.host?.length ? ` (also /t/${r.slug})` : ''}`,
      `  Contact: ${missing(c.address)}, ${c.postalCode ?? ''} ${c.city ?? ''}; téléphone ${missing(c.phone)}; courriel ${missing(c.email)}`,
      `  Services: ${r.serviceCount}; catalogue: ${r.toReviewCount} pages « à vérifier », not shown to citizens until published`,
      '',
      `First administrator: ${values['admin-email']}. Invitation (single use, valid 72 hours), also mailed:`,
      `  ${r.invitationLink}`,
      'The mail is queued: the server sends it (npm start, or npm run worker with DATABASE_URL).',
      `After choosing a password and a second factor, publish the démarches at ${r.siteUrl}/agent/admin/demarches.`,
      `Contact details, mail sender and colour: ${r.siteUrl}/agent/admin/commune.`,
    ].join('\n'),
  );
} catch (err) {
  console.error(`Cannot create the tenant: ${(err as Error).message}`);
  if (err instanceof AppError && err.code === 'validation_failed') console.error(USAGE);
  process.exitCode = 1;
} finally {
  await database.close();
}
