import type { FormDefinition } from '../form-definition.ts';

export const form: FormDefinition = {
  version: 1,
  intro:
    'Signalez un problème dans une rue, sur un trottoir ou dans un espace vert. En cas de danger immédiat, appelez le 01 00 00 00 00, ou le 17 ou le 112 la nuit.',
  sections: [
    {
      title: 'Le problème',
      fields: [
        {
          name: 'categorie',
          type: 'choice',
          label: 'De quel problème s’agit-il ?',
          required: true,
          display: 'select',
          options: [
            { value: 'chaussee', label: 'Trou ou chaussée abîmée' },
            { value: 'trottoir', label: 'Trottoir abîmé' },
            { value: 'eclairage', label: 'Éclairage public en panne' },
            { value: 'depot_sauvage', label: 'Dépôt d’ordures sauvage' },
            { value: 'tag', label: 'Tag ou affichage sauvage' },
            { value: 'espace_vert', label: 'Arbre ou espace vert' },
            { value: 'autre', label: 'Autre problème' },
          ],
        },
        {
          name: 'numero_lampadaire',
          type: 'text',
          label: 'Numéro du lampadaire, si vous le voyez',
          help: 'Il est souvent écrit sur une petite plaque, sur le poteau.',
          required: false,
          showIf: { field: 'categorie', equals: 'eclairage' },
          validation: { maxLength: 30 },
        },
        {
          name: 'lieu',
          type: 'address',
          label: 'Où se trouve le problème ?',
          help: 'Donnez l’adresse la plus précise possible.',
          required: true,
        },
        {
          name: 'repere',
          type: 'text',
          label: 'Un point de repère',
          help: 'Par exemple : devant la boulangerie, à côté de l’arrêt de bus.',
          required: false,
          validation: { maxLength: 200 },
        },
        {
          name: 'description',
          type: 'textarea',
          label: 'Décrivez le problème',
          help: 'En quelques phrases : ce que vous voyez, depuis quand.',
          required: true,
          validation: { minLength: 10, maxLength: 2000 },
        },
        {
          name: 'photo',
          type: 'file',
          label: 'Photo du problème',
          help: 'Une photo aide le service à intervenir. Format JPEG ou PNG.',
          required: false,
          accept: ['image/jpeg', 'image/png'],
          multiple: true,
        },
        {
          // Passing the applicant's contact on to a contractor goes beyond the request: consent.
          name: 'accord_prestataire',
          type: 'checkbox',
          label:
            'J’accepte que la mairie transmette mon nom et mon numéro de téléphone à l’entreprise chargée de la réparation, pour qu’elle puisse me contacter.',
          required: false,
          consent: true,
        },
      ],
    },
  ],
};
