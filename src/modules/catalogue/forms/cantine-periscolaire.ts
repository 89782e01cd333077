import type { FormDefinition } from '../form-definition.ts';

export const form: FormDefinition = {
  version: 1,
  intro:
    'Inscrivez votre enfant à la cantine, à la garderie du matin et du soir ou au centre de loisirs. Le dossier est validé sous 5 jours ouvrés.',
  sections: [
    {
      title: 'L’enfant',
      fields: [
        { name: 'nom_enfant', type: 'text', label: 'Nom et prénom de l’enfant', required: true },
        { name: 'ecole', type: 'text', label: 'École de l’enfant', required: true },
        {
          name: 'services',
          type: 'multichoice',
          label: 'À quels services l’inscrivez-vous ?',
          required: true,
          options: [
            { value: 'cantine', label: 'Cantine' },
            { value: 'garderie_matin', label: 'Garderie du matin' },
            { value: 'garderie_soir', label: 'Garderie du soir' },
            { value: 'centre_loisirs', label: 'Centre de loisirs du mercredi' },
          ],
          validation: { minChoices: 1 },
        },
        {
          name: 'jours_cantine',
          type: 'multichoice',
          label: 'Quels jours mange-t-il à la cantine ?',
          help: 'À remplir seulement si vous l’inscrivez à la cantine.',
          required: false,
          options: [
            { value: 'lundi', label: 'Lundi' },
            { value: 'mardi', label: 'Mardi' },
            { value: 'jeudi', label: 'Jeudi' },
            { value: 'vendredi', label: 'Vendredi' },
          ],
        },
        {
          name: 'allergie',
          type: 'choice',
          label: 'L’enfant a-t-il une allergie ou une maladie à connaître ?',
          required: true,
          options: [
            { value: 'non', label: 'Non' },
            { value: 'oui', label: 'Oui' },
          ],
        },
        {
          name: 'precision_allergie',
          type: 'textarea',
          label: 'Précisez l’allergie ou la maladie',
          help: 'Un projet d’accueil individualisé (PAI) sera préparé avec le médecin scolaire.',
          required: true,
          showIf: { field: 'allergie', equals: 'oui' },
        },
        {
          name: 'personnes_autorisees',
          type: 'textarea',
          label: 'Personnes autorisées à venir chercher l’enfant',
          help: 'Nom, prénom et téléphone de chaque personne.',
          required: false,
        },
      ],
    },
    {
      title: 'Pour calculer le tarif',
      fields: [
        {
          name: 'numero_caf',
          type: 'text',
          label: 'Numéro d’allocataire CAF',
          help: 'Il est sur vos courriers de la CAF. Inutile si vous êtes connecté avec FranceConnect.',
          required: false,
          validation: { pattern: '^[0-9]{5,8}$', patternMessage: 'Le numéro d’allocataire compte de 5 à 8 chiffres.' },
        },
        {
          name: 'code_postal_caf',
          type: 'text',
          label: 'Code postal de votre adresse connue de la CAF',
          help: 'Avec le numéro d’allocataire, il permet de retrouver votre dossier.',
          required: false,
          autocomplete: 'postal-code',
          validation: { pattern: '^[0-9]{5}$', patternMessage: 'Le code postal compte 5 chiffres, par exemple 35000.' },
        },
        {
          name: 'accord_quotient_familial',
          type: 'checkbox',
          label:
            'J’accepte que la mairie demande mon quotient familial à la CAF ou à la MSA, par le service API Particulier de l’État.',
          help: 'La mairie reçoit seulement votre quotient familial, le mois de calcul et le nombre d’enfants à charge. Ils sont effacés avec votre demande. Si vous ne cochez pas, joignez un document.',
          required: false,
          consent: true,
          stateData: { kind: 'quotient_familial', fallback: 'avis_imposition' },
        },
        {
          name: 'avis_imposition',
          type: 'file',
          label: 'Attestation de quotient familial ou dernier avis d’imposition',
          help: 'Seulement si la mairie ne peut pas obtenir votre quotient familial. Sans quotient familial ni document, le tarif le plus élevé s’applique.',
          required: false,
          accept: ['application/pdf', 'image/jpeg', 'image/png'],
        },
        {
          name: 'assurance',
          type: 'file',
          label: 'Attestation d’assurance responsabilité civile et extrascolaire',
          required: true,
          accept: ['application/pdf', 'image/jpeg', 'image/png'],
        },
      ],
    },
  ],
};
