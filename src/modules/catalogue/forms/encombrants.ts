import type { FormDefinition } from '../form-definition.ts';

export const form: FormDefinition = {
  version: 1,
  intro:
    'Demandez un rendez-vous pour la collecte de vos encombrants devant chez vous. C’est gratuit pour les particuliers. Nous vous proposons une date sous 10 jours ouvrés.',
  sections: [
    {
      title: 'Vos objets',
      fields: [
        {
          name: 'types_objets',
          type: 'multichoice',
          label: 'Quels objets faut-il enlever ?',
          help: 'Cochez tout ce qui correspond.',
          required: true,
          options: [
            { value: 'meubles', label: 'Meubles' },
            { value: 'literie', label: 'Matelas ou sommier' },
            { value: 'electromenager', label: 'Électroménager' },
            { value: 'bois_ferraille', label: 'Bois ou ferraille' },
            { value: 'autre', label: 'Autre' },
          ],
          validation: { minChoices: 1 },
        },
        {
          name: 'liste_objets',
          type: 'textarea',
          label: 'Liste des objets',
          help: 'Par exemple : une armoire, deux chaises, un réfrigérateur.',
          required: true,
          validation: { maxLength: 1000 },
        },
        {
          name: 'volume_m3',
          type: 'number',
          label: 'Volume approximatif, en mètres cubes',
          help: 'Un matelas fait environ 1 mètre cube. La collecte est limitée à 3 mètres cubes par passage.',
          required: true,
          validation: { min: 0.5, max: 3 },
        },
      ],
    },
    {
      title: 'Le lieu de la collecte',
      fields: [
        { name: 'adresse_collecte', type: 'address', label: 'Adresse de la collecte', required: true },
        {
          name: 'telephone_jour',
          type: 'phone',
          label: 'Téléphone joignable le jour de la collecte',
          help: 'L’équipe peut vous appeler si elle ne trouve pas les objets.',
          required: true,
          autocomplete: 'tel',
        },
        {
          name: 'engagement_trottoir',
          type: 'checkbox',
          label: 'Je m’engage à sortir les objets la veille au soir, sans gêner le passage des piétons.',
          required: true,
        },
      ],
    },
  ],
};
