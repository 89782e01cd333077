import type { TestContext } from '../../../test/support/test-app.ts';

/** A form with the field kinds the API has to translate (text, address, multichoice). */
export const FIXTURE_FORM = {
  version: 1,
  sections: [
    {
      title: 'Votre demande',
      fields: [
        { name: 'motif', type: 'textarea', label: 'Motif de la demande', required: true },
        { name: 'adresse', type: 'address', label: 'Adresse concernée', required: true },
        {
          name: 'documents',
          type: 'multichoice',
          label: 'Documents souhaités',
          required: false,
          options: [
            { value: 'copie', label: 'Copie intégrale' },
            { value: 'extrait', label: 'Extrait' },
          ],
        },
      ],
    },
  ],
};

/**
 * The API's own catalogue rows in the demo tenant, under slugs no corpus article uses, so that
 * the tests do not depend on what the demo seed contains.
 */
export async function insertApiFixtures(ctx: TestContext): Promise<void> {
  const q = ctx.database.ownerQuery;
  const service = await q(
    `insert into services (tenant_id, slug, name, description) values ($1, 'api-test-service', 'Service de test API', 'Pour les tests')
     returning id`,
    [ctx.tenantId],
  );
  const serviceId = service.rows[0]!.id as string;
  const insert = (slug: string, title: string, audience: string, form: unknown, kind = 'demarche') =>
    q(
      `insert into demarches (tenant_id, service_id, slug, kind, title, summary, sections, delay_days, channels, keywords, audience, form)
       values ($1, $2, $3, $4, $5, $6, $7, 10, $8, $9, $10, $11)`,
      [
        ctx.tenantId,
        serviceId,
        slug,
        kind,
        title,
        `Résumé de ${title}`,
        JSON.stringify({ 'en-bref': 'Un texte court.' }),
        form ? ['en-ligne', 'guichet'] : ['guichet'],
        ['test'],
        audience,
        form ? JSON.stringify(form) : null,
      ],
    );
  await insert('api-test-en-ligne', 'Démarche de test en ligne', 'public', FIXTURE_FORM);
  await insert('api-test-guichet', 'Démarche de test au guichet', 'public', null);
  await insert('api-test-interne', 'Fiche interne de test', 'internal', null);
}
