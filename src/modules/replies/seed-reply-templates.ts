import { analyseReadability } from '../../platform/plain-language/readability.ts';
import type { Db } from '../../db/tenant-scope.ts';
import { inTenant } from '../../db/tenant-scope.ts';

/**
 * The templates every commune starts with (the demo's and new ones), for all services, written
 * in plain French: short sentences, « vous », no administrative jargon. Administrators adapt them
 * on « Modèles de réponse ».
 */
export const STARTER_TEMPLATES: readonly { title: string; body: string }[] = [
  {
    title: 'Demande bien reçue',
    body: `Bonjour {{nom}},

Nous avons bien reçu votre demande {{reference}} ({{demarche}}). Le service {{service}} s’en occupe.
Nous vous répondrons au plus tard le {{echeance}}. Vous n’avez rien à faire pour l’instant.

{{agent}}`,
  },
  {
    title: 'Document manquant',
    body: `Bonjour {{nom}},

Pour traiter votre demande {{reference}}, il nous manque un document : [précisez lequel].
Vous pouvez l’envoyer depuis votre page de suivi, en répondant à ce message.
Dès que nous l’aurons, nous reprendrons votre demande.

{{agent}}`,
  },
  {
    title: 'Rendez-vous à prendre',
    body: `Bonjour {{nom}},

Votre demande {{reference}} est prête à être finalisée. Pour cela, nous devons vous voir en mairie.
Appelez-nous ou passez à l’accueil aux heures d’ouverture pour choisir un rendez-vous.
Pensez à venir avec une pièce d’identité.

{{agent}}`,
  },
  {
    title: 'Demande traitée',
    body: `Bonjour {{nom}},

Votre demande {{reference}} ({{demarche}}) est traitée. [Dites ici ce que la personne va recevoir, et quand.]
Si quelque chose ne va pas, répondez simplement à ce message.

{{agent}}`,
  },
];

/** Gives a tenant the starter templates, unless it already has templates. */
export async function seedReplyTemplates(db: Db, tenantId: string): Promise<void> {
  await inTenant(db, tenantId, async (trx) => {
    const existing = await trx.selectFrom('reply_templates').select('id').limit(1).executeTakeFirst();
    if (existing) return;
    await trx
      .insertInto('reply_templates')
      .values(
        STARTER_TEMPLATES.map((t) => ({
          tenant_id: tenantId,
          service_id: null,
          title: t.title,
          body: t.body,
          readability: JSON.stringify(analyseReadability(t.body)),
        })),
      )
      .execute();
  });
}
