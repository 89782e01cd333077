import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatabaseHandle } from '../db/database.ts';
import { seedDemoAgents, type DemoCredential } from '../modules/agents/seed-demo-agents.ts';
import { seedDemoAppointments } from '../modules/appointments/seed-demo-appointments.ts';
import { seedDemoCounter } from '../modules/counter/seed-demo-counter.ts';
import { seedCatalogue } from '../modules/catalogue/seed-catalogue.ts';
import { seedDemoArticleVersions } from '../modules/knowledge/create-first-versions.ts';
import { seedReplyTemplates } from '../modules/replies/seed-reply-templates.ts';
import { seedSearchSynonyms } from '../modules/article-search/seed-search-synonyms.ts';
import { seedDemoRoutingRules } from '../modules/routing/seed-demo-routing-rules.ts';
import { seedDemoConsultation } from '../modules/consultations/seed-demo-consultation.ts';
import { seedDemoFeedback } from '../modules/results/seed-demo-feedback.ts';
import { createTenant } from '../modules/tenants/create-tenant.ts';
import { seedSampleRequests } from './seed-sample-requests.ts';

export const CORPUS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'corpus', 'articles');

export const SAMPLE_REQUESTS_FILE = path.join(CORPUS_DIR, '..', 'requests-dev.jsonl');

export interface DemoSeedResult {
  tenantId: string;
  credentials: DemoCredential[];
  /** How many sample requests were created (0 unless asked for). */
  sampleRequests: number;
}

/**
 * The demo commune of Villebelle (fictional: no INSEE code), served at localhost and at
 * /t/villebelle, with its catalogue from the corpus and demo agents; with `sampleRequests`
 * (`npm start`'s demo), requests to work on from corpus/requests-dev.jsonl. Tests seed without
 * them, so that what they count is what they created.
 */
export async function seedDemo(
  database: DatabaseHandle,
  options: { hosts?: string[]; sampleRequests?: boolean; now?: Date } = {},
): Promise<DemoSeedResult> {
  const tenantId = await createTenant(database.ownerQuery, {
    name: 'Villebelle',
    slug: 'villebelle',
    kind: 'commune',
    population: 25000,
    departementName: 'Département fictif',
    regionName: 'Région fictive',
    referencePrefix: 'VB',
    // Fictitious (the check digit is right): API Particulier's `recipient`.
    siret: '21000000000013',
    hosts: options.hosts ?? ['localhost', '127.0.0.1', 'villebelle.localhost'],
    contact: {
      address: '1 place de la République',
      postalCode: '00000',
      city: 'Villebelle',
      phone: '01 00 00 00 00',
      email: 'contact@villebelle.example',
      postalAddress: 'Mairie de Villebelle, 1 place de la République, 00000 Villebelle',
      openingHours: [
        'Du lundi au vendredi : de 8 h 30 à 12 h et de 13 h 30 à 17 h 30',
        'Le samedi : de 9 h à 12 h (état civil uniquement)',
      ],
      franceServices: [
        {
          name: 'Espace France services de Villebelle',
          address: '12 rue des Écoles, 00000 Villebelle',
          phone: '01 00 00 00 10',
          hours: 'Du lundi au vendredi de 9 h à 12 h 30 et de 13 h 30 à 17 h',
        },
      ],
      website: 'https://villebelle.example',
    },
    theme: { primaryColor: '#1f4e8c', logoText: 'Ville de Villebelle' },
    // A DPO shared between communes, as many small ones do (centre de gestion, syndicat).
    dpo: {
      name: 'Délégué à la protection des données du Syndicat numérique de Villebelle et environs',
      email: 'dpo@villebelle.example',
      postalAddress:
        'Délégué à la protection des données\nSyndicat numérique de Villebelle et environs\n4 rue du Moulin\n00000 Villebelle',
    },
  });
  await seedCatalogue(database.db, tenantId, CORPUS_DIR);
  // The demo's workday (`npm start`) has a team and routing rules; tests seed without them.
  const credentials = await seedDemoAgents(database.db, tenantId, { team: options.sampleRequests ?? false });
  await seedReplyTemplates(database.db, tenantId);
  // The knowledge base: every article's version 1, published, owned by the demo administrator.
  await seedDemoArticleVersions(database.db, tenantId, options.now ?? new Date());
  await seedSearchSynonyms(database.db, tenantId);
  await seedDemoAppointments(database.db, tenantId);
  if (options.sampleRequests) await seedDemoRoutingRules(database.db, tenantId);
  // The morning at the counters: tickets of the day (the workday's demo only).
  if (options.sampleRequests) await seedDemoCounter(database.db, tenantId, options.now ?? new Date());
  // An open consultation with a few answers (the workday's demo only).
  if (options.sampleRequests) await seedDemoConsultation(database.db, tenantId, options.now ?? new Date());
  const sampleRequests = options.sampleRequests
    ? await seedSampleRequests(database.db, tenantId, {
        file: SAMPLE_REQUESTS_FILE,
        referencePrefix: 'VB',
        now: options.now ?? new Date(),
      })
    : 0;
  // The sample requests are written directly: their citizen records are made as for the
  // requests a database held before records existed (one per address, else phone, else name).
  if (sampleRequests > 0) await database.ownerQuery('select guichet_backfill_people()');
  // Citizens' feedback (survey answers, experiences, actions, complaints) and « Nos résultats »
  // computed once, so that the results pages are not empty until the nightly job.
  if (options.sampleRequests) await seedDemoFeedback(database.db, tenantId, options.now ?? new Date());
  return { tenantId, credentials, sampleRequests };
}
