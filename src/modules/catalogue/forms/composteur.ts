import type { FormDefinition } from '../form-definition.ts';

export const form: FormDefinition = {
  version: 1,
  intro: 'Demandez un composteur pour votre jardin, ou l’installation d’un composteur partagé dans votre résidence.',
  sections: [
    {
      title: 'Votre demande',
      fields: [
        {
          name: 'type_composteur',
          type: 'choice',
          label: 'Que souhaitez-vous ?',
          required: true,
          options: [
            { value: 'individuel', label: 'Un composteur pour mon jardin' },
            { value: 'partage', label: 'Un composteur partagé pour ma résidence' },
          ],
        },
        { name: 'adresse', type: 'address', label: 'Adresse d’installation', required: true },
        {
          name: 'foyer_personnes',
          type: 'number',
          label: 'Nombre de personnes dans votre foyer',
          help: 'Il sert à choisir la taille du composteur.',
          required: true,
          showIf: { field: 'type_composteur', equals: 'individuel' },
          validation: { min: 1, max: 20 },
        },
        {
          name: 'nom_residence',
          type: 'text',
          label: 'Nom de la résidence',
          required: true,
          showIf: { field: 'type_composteur', equals: 'partage' },
        },
        {
          name: 'accord_syndic',
          type: 'file',
          label: 'Accord du syndic ou du bailleur',
          required: true,
          showIf: { field: 'type_composteur', equals: 'partage' },
          accept: ['application/pdf', 'image/jpeg', 'image/png'],
        },
        {
          name: 'justificatif_domicile',
          type: 'file',
          label: 'Justificatif de domicile',
          required: true,
          accept: ['application/pdf', 'image/jpeg', 'image/png'],
        },
        {
          name: 'reunion',
          type: 'checkbox',
          label: 'Je participerai à une réunion d’information sur le compostage (environ une heure).',
          required: true,
        },
        {
          // Beyond the request itself: the commune may only write for this with the citizen's consent.
          name: 'accord_informations',
          type: 'checkbox',
          label:
            'J’accepte que la mairie m’écrive pour m’inviter aux distributions de compost et aux ateliers. Je peux retirer mon accord à tout moment.',
          required: false,
          consent: true,
        },
      ],
    },
  ],
};
