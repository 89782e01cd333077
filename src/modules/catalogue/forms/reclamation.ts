import type { FormDefinition } from '../form-definition.ts';

export const form: FormDefinition = {
  version: 1,
  intro:
    'Vous n’êtes pas satisfait d’un service de la mairie, ou vous contestez une décision ? Expliquez-nous. Vous recevez un accusé de réception, puis une réponse écrite sous 15 jours ouvrés.',
  sections: [
    {
      title: 'Votre réclamation',
      fields: [
        {
          name: 'objet',
          type: 'choice',
          label: 'De quoi s’agit-il ?',
          required: true,
          options: [
            { value: 'service', label: 'La qualité d’un service ou un accueil' },
            { value: 'delai', label: 'Un délai trop long' },
            { value: 'decision', label: 'Une décision que je conteste' },
            { value: 'autre', label: 'Autre chose' },
          ],
        },
        {
          name: 'date_decision',
          type: 'date',
          label: 'Date de la décision',
          help: 'Pour contester une décision, vous avez 2 mois après cette date.',
          required: true,
          showIf: { field: 'objet', equals: 'decision' },
          validation: { maxDate: 'today' },
        },
        {
          name: 'service_concerne',
          type: 'choice',
          label: 'Quel service est concerné ?',
          required: false,
          display: 'select',
          options: [
            { value: 'etat-civil', label: 'État civil' },
            { value: 'urbanisme', label: 'Urbanisme' },
            { value: 'enfance-scolaire', label: 'Enfance et école' },
            { value: 'voirie-proprete', label: 'Voirie et propreté' },
            { value: 'social-ccas', label: 'Action sociale (CCAS)' },
            { value: 'police-municipale', label: 'Police municipale' },
            { value: 'autre', label: 'Un autre service, ou je ne sais pas' },
          ],
        },
        {
          name: 'numero_dossier',
          type: 'text',
          label: 'Numéro de dossier ou de demande, si vous en avez un',
          required: false,
          validation: { maxLength: 50 },
        },
        {
          name: 'description',
          type: 'textarea',
          label: 'Expliquez ce qui s’est passé',
          help: 'Dites quoi, où et quand. Dites aussi ce que vous attendez de la mairie.',
          required: true,
          validation: { minLength: 20, maxLength: 4000 },
        },
        {
          name: 'pieces',
          type: 'file',
          label: 'Documents utiles',
          help: 'Courrier reçu, décision contestée, photos. Format PDF, JPEG ou PNG.',
          required: false,
          multiple: true,
          accept: ['application/pdf', 'image/jpeg', 'image/png'],
        },
      ],
    },
  ],
};
