import { randomInt } from 'node:crypto';
import type { AgentRole } from '../../db/schema.ts';
import type { Db } from '../../db/tenant-scope.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { hashPassword } from './password.ts';

export interface DemoCredential {
  email: string;
  password: string;
  role: string;
  services: string[];
}

/** Services of the public space ("cadre de vie"), whichever of them the tenant has. */
const PUBLIC_SPACE_SERVICES = /^(voirie|proprete|espaces-verts|environnement|eclairage)/;

const WORDS = [
  'abricot',
  'balcon',
  'cactus',
  'dauphin',
  'etoile',
  'falaise',
  'girafe',
  'hibou',
  'igloo',
  'jardin',
  'kiwi',
  'lanterne',
  'marron',
  'nuage',
  'olive',
  'papillon',
  'quartz',
  'radis',
  'sapin',
  'tulipe',
  'velo',
  'wagon',
  'yaourt',
  'zebre',
  'bouleau',
  'citron',
  'domino',
  'escargot',
  'fontaine',
  'grenier',
  'horizon',
  'lavande',
  'moulin',
  'noisette',
  'orange',
  'piano',
  'rivage',
  'sablier',
  'tortue',
  'violon',
];

/** Three words and two digits: easy to read aloud and to type, about 48 bits of entropy. */
function readablePassword(): string {
  const words = Array.from({ length: 3 }, () => WORDS[randomInt(WORDS.length)]);
  return `${words.join('-')}-${String(randomInt(100)).padStart(2, '0')}`;
}

interface DemoAgent {
  local: string;
  name: string;
  role: AgentRole;
  services: (slugs: string[]) => string[];
}

const DEMO_AGENTS: DemoAgent[] = [
  { local: 'admin', name: 'Claire Dumont', role: 'admin', services: () => [] },
  {
    local: 'etat-civil',
    name: 'Karim Benali',
    role: 'agent',
    services: (slugs) => slugs.filter((s) => s === 'etat-civil'),
  },
  {
    local: 'espace-public',
    name: 'Sophie Leroy',
    role: 'agent',
    services: (slugs) => slugs.filter((s) => PUBLIC_SPACE_SERVICES.test(s)),
  },
  {
    local: 'responsable-etat-civil',
    name: 'Marc Petit',
    role: 'supervisor',
    services: (slugs) => slugs.filter((s) => s === 'etat-civil'),
  },
];

/**
 * A colleague in the same services as the public-space agent, for the demo's workday: an item one
 * of them routes or notes, the other takes (`npm start`; tests seed without it).
 */
const DEMO_TEAM: DemoAgent[] = [
  {
    local: 'proprete',
    name: 'Thomas Garnier',
    role: 'agent',
    services: (slugs) => slugs.filter((s) => PUBLIC_SPACE_SERVICES.test(s)),
  },
];

/**
 * Creates the demo agents of a tenant (emails at <slug>.example) and returns their credentials,
 * printed at first start. Passwords are random at every seed: a demo database copied to a
 * server does not come with known passwords. Services are read from the tenant, so the
 * catalogue must be seeded first.
 * The admin gets no TOTP secret here: it enrols at its first login (the login leads straight to
 * the set-up page with the QR code and the key as text), as any new administrator would. That
 * is what a newcomer can follow from the printed password, with any authenticator app.
 */
export async function seedDemoAgents(
  db: Db,
  tenantId: string,
  options: { team?: boolean } = {},
): Promise<DemoCredential[]> {
  return inTenant(db, tenantId, async (trx) => {
    const tenant = await trx.selectFrom('tenants').select('slug').where('id', '=', tenantId).executeTakeFirstOrThrow();
    const services = await trx.selectFrom('services').select(['id', 'slug']).orderBy('slug').execute();
    const slugs = services.map((s) => s.slug);
    const credentials: DemoCredential[] = [];
    for (const demo of options.team ? [...DEMO_AGENTS, ...DEMO_TEAM] : DEMO_AGENTS) {
      const password = readablePassword();
      const email = `${demo.local}@${tenant.slug}.example`;
      const agent = await trx
        .insertInto('agents')
        .values({
          tenant_id: tenantId,
          email,
          display_name: demo.name,
          password_hash: await hashPassword(password),
          role: demo.role,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const own = demo.services(slugs);
      if (own.length > 0) {
        await trx
          .insertInto('agent_services')
          .values(
            own.map((slug) => ({
              tenant_id: tenantId,
              agent_id: agent.id,
              service_id: services.find((s) => s.slug === slug)!.id,
            })),
          )
          .execute();
      }
      credentials.push({
        email,
        password,
        role: demo.role,
        services: demo.role === 'admin' ? ['tous les services'] : own,
      });
    }
    return credentials;
  });
}
