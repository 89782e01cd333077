import type { FormDefinition } from '../form-definition.ts';

export const form: FormDefinition = {
  version: 1,
  intro:
    'Demandez l’autorisation d’occuper la rue ou le trottoir : déménagement, benne, échafaudage, terrasse. Envoyez la demande au moins 15 jours avant.',
  sections: [
    {
      title: 'L’occupation',
      fields: [
        {
          name: 'motif',
          type: 'choice',
          label: 'Pour quoi occupez-vous la voie publique ?',
          required: true,
          options: [
            { value: 'demenagement', label: 'Un déménagement ou un emménagement' },
            { value: 'benne', label: 'Une benne ou un dépôt de matériaux' },
            { value: 'echafaudage', label: 'Un échafaudage ou des travaux' },
            { value: 'terrasse', label: 'Une terrasse ou un étalage' },
            { value: 'autre', label: 'Autre' },
          ],
        },
        { name: 'adresse_occupation', type: 'address', label: 'Adresse de l’occupation', required: true },
        {
          name: 'date_debut',
          type: 'date',
          label: 'Premier jour',
          required: true,
          validation: { minDate: 'today' },
        },
        {
          name: 'date_fin',
          type: 'date',
          label: 'Dernier jour',
          required: true,
          validation: { minDate: 'today' },
        },
        {
          name: 'longueur_m',
          type: 'number',
          label: 'Longueur occupée, en mètres',
          required: true,
          validation: { min: 1, max: 200 },
        },
        {
          name: 'largeur_m',
          type: 'number',
          label: 'Largeur occupée, en mètres',
          required: true,
          validation: { min: 0.5, max: 20 },
        },
        {
          name: 'materiel',
          type: 'text',
          label: 'Matériel installé',
          help: 'Par exemple : un camion de 20 mètres cubes, une benne de 10 mètres cubes.',
          required: true,
          validation: { maxLength: 200 },
        },
        {
          name: 'plan',
          type: 'file',
          label: 'Un petit plan ou une photo de l’emplacement',
          required: true,
          accept: ['application/pdf', 'image/jpeg', 'image/png'],
        },
      ],
    },
    {
      title: 'Si une entreprise intervient',
      fields: [
        {
          name: 'par_entreprise',
          type: 'choice',
          label: 'Une entreprise fait-elle l’installation ?',
          required: true,
          options: [
            { value: 'oui', label: 'Oui' },
            { value: 'non', label: 'Non' },
          ],
        },
        {
          name: 'nom_entreprise',
          type: 'text',
          label: 'Nom de l’entreprise',
          required: true,
          showIf: { field: 'par_entreprise', equals: 'oui' },
        },
        {
          name: 'assurance_entreprise',
          type: 'file',
          label: 'Attestation d’assurance de l’entreprise',
          required: true,
          showIf: { field: 'par_entreprise', equals: 'oui' },
          accept: ['application/pdf', 'image/jpeg', 'image/png'],
        },
      ],
    },
  ],
};
