import type { FormDefinition } from '../form-definition.ts';

export const form: FormDefinition = {
  version: 1,
  intro:
    'Demandez une copie ou un extrait d’acte de naissance ou de mariage. L’acte doit avoir été établi à Villebelle. Comptez 5 minutes.',
  sections: [
    {
      title: 'L’acte demandé',
      fields: [
        {
          name: 'type_acte',
          type: 'choice',
          label: 'Quel acte demandez-vous ?',
          required: true,
          options: [
            { value: 'naissance', label: 'Acte de naissance' },
            { value: 'mariage', label: 'Acte de mariage' },
          ],
        },
        {
          name: 'forme_acte',
          type: 'choice',
          label: 'Sous quelle forme ?',
          help: 'La copie intégrale reprend tout l’acte. L’extrait avec filiation donne aussi le nom des parents.',
          required: true,
          options: [
            { value: 'copie_integrale', label: 'Copie intégrale' },
            { value: 'extrait_filiation', label: 'Extrait avec filiation' },
            { value: 'extrait_sans_filiation', label: 'Extrait sans filiation' },
          ],
        },
        {
          name: 'nombre_exemplaires',
          type: 'number',
          label: 'Nombre d’exemplaires',
          required: true,
          validation: { min: 1, max: 5 },
        },
        {
          name: 'lien_personne',
          type: 'choice',
          label: 'Quel est votre lien avec la personne ?',
          required: true,
          display: 'select',
          options: [
            { value: 'moi', label: 'C’est moi' },
            { value: 'parent', label: 'Je suis son père ou sa mère' },
            { value: 'enfant', label: 'Je suis son enfant' },
            { value: 'conjoint', label: 'Je suis son époux ou son épouse' },
            { value: 'grand_parent', label: 'Je suis son grand-parent ou son petit-enfant' },
            { value: 'representant', label: 'Je la représente (tuteur, avocat, notaire)' },
          ],
        },
      ],
    },
    {
      title: 'La personne concernée par l’acte',
      description:
        'Si l’acte vous concerne et que vous êtes connecté avec FranceConnect, nous reprenons votre identité vérifiée.',
      fields: [
        {
          name: 'nom_personne',
          type: 'text',
          label: 'Nom de naissance',
          required: true,
          validation: { maxLength: 100 },
          // The applicant's identity only when the act is about them (« C’est moi »).
          claim: 'family_name',
          claimIf: { field: 'lien_personne', equals: 'moi' },
        },
        {
          name: 'prenoms_personne',
          type: 'text',
          label: 'Prénoms',
          required: true,
          validation: { maxLength: 150 },
          claim: 'given_name',
          claimIf: { field: 'lien_personne', equals: 'moi' },
        },
        {
          name: 'date_evenement',
          type: 'date',
          label: 'Date de la naissance ou du mariage',
          required: true,
          validation: { maxDate: 'today' },
        },
        {
          name: 'nom_conjoint',
          type: 'text',
          label: 'Nom et prénom de l’autre époux ou épouse',
          required: true,
          showIf: { field: 'type_acte', equals: 'mariage' },
        },
        {
          name: 'parents',
          type: 'textarea',
          label: 'Noms et prénoms des parents',
          help: 'Ils sont nécessaires pour une copie intégrale ou un extrait avec filiation.',
          required: true,
          showIf: { field: 'forme_acte', equals: ['copie_integrale', 'extrait_filiation'] },
          validation: { maxLength: 500 },
        },
      ],
    },
    {
      title: 'Votre demande',
      fields: [
        {
          name: 'motif',
          type: 'text',
          label: 'Pourquoi demandez-vous cet acte ?',
          help: 'Par exemple : dossier de retraite, succession, mariage.',
          required: true,
          validation: { maxLength: 200 },
        },
        {
          name: 'adresse_envoi',
          type: 'address',
          label: 'Adresse où envoyer l’acte',
          required: true,
          autocomplete: 'street-address',
        },
      ],
    },
  ],
};
