import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inTenant, type Db } from '../../db/tenant-scope.ts';
import { createFirstVersions } from '../knowledge/create-first-versions.ts';
import type { FormDefinition } from './form-definition.ts';
import { seedCatalogue } from './seed-catalogue.ts';
import { SERVICE_INFO } from './taxonomy.ts';

/** The model catalogue shipped with Guichet (see model/README.md). */
export const MODEL_ARTICLES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'model', 'articles');

/**
 * The demo's forms name Villebelle; a model form speaks of « la commune » instead, which reads
 * right whatever the commune's name (no « de Le Havre »).
 */
export function neutralWording(text: string): string {
  return text
    .replace(/extérieure à Villebelle/g, 'extérieure à la commune')
    .replace(/à Villebelle/g, 'dans la commune')
    .replace(/de Villebelle/g, 'de la commune')
    .replace(/Villebelle/g, 'la commune');
}

function neutralForm(form: FormDefinition): FormDefinition {
  return JSON.parse(neutralWording(JSON.stringify(form))) as FormDefinition;
}

/**
 * Gives a new commune the standard services of a French commune and the model catalogue, every
 * page « à vérifier » (unpublished, its version 1 « en relecture » in the knowledge base) until an
 * administrator publishes it. Running it again adds
 * only what is missing.
 */
export async function copyModelCatalogue(db: Db, tenantId: string): Promise<void> {
  await seedCatalogue(db, tenantId, MODEL_ARTICLES_DIR, {
    draft: true,
    serviceCodes: Object.keys(SERVICE_INFO),
    adaptForm: neutralForm,
  });
  // Each page's version 1 waits « en relecture » in the knowledge base, as on « Démarches à vérifier ».
  await inTenant(db, tenantId, (trx) =>
    createFirstVersions(trx, { tenantId, now: new Date(), state: 'relecture', note: 'Version du catalogue modèle' }),
  );
}
