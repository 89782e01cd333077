import type { Tx } from '../../db/tenant-scope.ts';
import { retentionMonthsFor } from '../privacy/processing-catalogue.ts';
import type { FormDefinition } from './form-definition.ts';
import { serviceInfo } from './taxonomy.ts';

/**
 * The contact démarche: where a message that comes without a form (an email today; later a
 * phone call, the assistant's hand-off) becomes an item of the agents' inbox. Kind 'contact' and
 * audience 'internal' keep it out of the catalogue, the search and the forms citizens can fill
 * in; it is published from the start, so it is never « à vérifier ».
 */
export const CONTACT_DEMARCHE_SLUG = 'message-courriel';

/** The channels whose contacts come without a form, each with its contact démarche. */
export type ContactChannel = 'courriel' | 'telephone' | 'guichet' | 'assistant';

const CONTACT_PAGES: Record<ContactChannel, { slug: string; title: string; summary: string }> = {
  courriel: {
    slug: CONTACT_DEMARCHE_SLUG,
    title: 'Message reçu par courriel',
    summary: 'Un message écrit à l’adresse de la mairie, sans passer par un formulaire.',
  },
  telephone: {
    slug: 'appel-telephonique',
    title: 'Appel téléphonique',
    summary: 'Un appel reçu par un agent, noté dans l’espace agents.',
  },
  guichet: {
    slug: 'visite-accueil',
    title: 'Visite à l’accueil',
    summary: 'Une personne venue à l’accueil, notée dans l’espace agents.',
  },
  assistant: {
    slug: 'question-assistant',
    title: 'Question posée à l’assistant',
    summary: 'Une personne a demandé à parler à un agent depuis l’assistant du site.',
  },
};

/**
 * The service new messages go to: the reception (« Accueil et citoyenneté »), a standard service
 * of every commune (catalogue/taxonomy.ts). A routing rule per tenant can change it later.
 */
export const RECEPTION_SERVICE_SLUG = 'citoyennete';

/** Working days to answer a message, as for most démarches. */
export const CONTACT_DELAY_DAYS = 15;

/** What the request shows of the message besides the applicant: its subject. */
const CONTACT_FORM: FormDefinition = {
  version: 1,
  sections: [
    {
      title: 'Message',
      fields: [
        { name: 'objet', type: 'text', label: 'Objet du message', required: false },
        // Phone calls and counter visits: what the agent did, and to whom the person was sent.
        { name: 'suite', type: 'text', label: 'Suite donnée', required: false },
        { name: 'partenaire', type: 'text', label: 'Orienté vers', required: false },
      ],
    },
  ],
};

export interface ContactDemarche {
  id: string;
  serviceId: string;
  title: string;
  delayDays: number;
}

/** The tenant's contact démarche of a channel, created (with the reception service) if it is missing. */
export async function ensureContactDemarche(
  trx: Tx,
  tenantId: string,
  channel: ContactChannel = 'courriel',
): Promise<ContactDemarche> {
  const page = CONTACT_PAGES[channel];
  const existing = await findContactDemarche(trx, page.slug);
  if (existing) return existing;
  const info = serviceInfo(RECEPTION_SERVICE_SLUG);
  await trx
    .insertInto('services')
    .values({
      tenant_id: tenantId,
      slug: RECEPTION_SERVICE_SLUG,
      name: info.name,
      description: info.description,
      email: null,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'slug']).doNothing())
    .execute();
  const service = await trx
    .selectFrom('services')
    .select('id')
    .where('slug', '=', RECEPTION_SERVICE_SLUG)
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('demarches')
    .values({
      tenant_id: tenantId,
      service_id: service.id,
      slug: page.slug,
      kind: 'contact',
      audience: 'internal',
      title: page.title,
      summary: page.summary,
      sections: JSON.stringify({}),
      delay_days: CONTACT_DELAY_DAYS,
      channels: [channel],
      form: JSON.stringify(CONTACT_FORM),
      retention_months: retentionMonthsFor(page.slug),
      search_text: '',
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'slug']).doNothing())
    .execute();
  const created = await findContactDemarche(trx, page.slug);
  if (!created) throw new Error(`the slug ${page.slug} is taken by another page`);
  return created;
}

async function findContactDemarche(trx: Tx, slug: string): Promise<ContactDemarche | null> {
  const row = await trx
    .selectFrom('demarches')
    .select(['id', 'service_id', 'title', 'delay_days'])
    .where('slug', '=', slug)
    .where('kind', '=', 'contact')
    .executeTakeFirst();
  return row
    ? { id: row.id, serviceId: row.service_id, title: row.title, delayDays: row.delay_days ?? CONTACT_DELAY_DAYS }
    : null;
}
