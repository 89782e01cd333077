import type { FormDefinition } from '../form-definition.ts';

export const form: FormDefinition = {
  version: 1,
  intro:
    'Inscrivez-vous sur la liste électorale de Villebelle. Préparez une pièce d’identité et un justificatif de domicile, en photo ou en PDF. Comptez 10 minutes.',
  sections: [
    {
      title: 'Votre situation',
      fields: [
        {
          name: 'date_naissance',
          type: 'date',
          label: 'Date de naissance',
          required: true,
          autocomplete: 'bday',
          validation: { maxDate: 'today' },
          claim: 'birthdate',
        },
        {
          name: 'nom_usage',
          type: 'text',
          label: 'Nom d’usage',
          help: 'Par exemple le nom de votre époux ou épouse, s’il figure sur vos papiers.',
          required: false,
          validation: { maxLength: 100 },
          claim: 'preferred_username',
        },
        {
          name: 'lieu_naissance',
          type: 'text',
          label: 'Commune de naissance',
          help: 'Si vous êtes né à l’étranger, indiquez la ville.',
          required: true,
          validation: { maxLength: 150 },
          claim: 'birthplace',
        },
        {
          name: 'pays_naissance',
          type: 'text',
          label: 'Pays de naissance',
          required: true,
          validation: { maxLength: 100 },
          claim: 'birthcountry',
        },
        {
          name: 'nationalite',
          type: 'choice',
          label: 'Votre nationalité',
          help: 'Les citoyens de l’Union européenne peuvent voter aux élections municipales et européennes.',
          required: true,
          options: [
            { value: 'francaise', label: 'Française' },
            { value: 'union_europeenne', label: 'D’un autre pays de l’Union européenne' },
          ],
        },
        {
          name: 'pays_ue',
          type: 'text',
          label: 'Votre pays de l’Union européenne',
          required: true,
          showIf: { field: 'nationalite', equals: 'union_europeenne' },
        },
        {
          name: 'motif_inscription',
          type: 'choice',
          label: 'Pourquoi demandez-vous l’inscription ?',
          required: true,
          options: [
            { value: 'arrivee', label: 'J’habite à Villebelle depuis peu' },
            { value: 'contribuable', label: 'Je paie des impôts locaux à Villebelle depuis au moins 2 ans' },
            { value: 'premiere', label: 'C’est ma première inscription' },
            { value: 'autre', label: 'Autre raison' },
          ],
        },
        { name: 'adresse', type: 'address', label: 'Votre adresse à Villebelle', required: true },
      ],
    },
    {
      title: 'Vos justificatifs',
      fields: [
        {
          name: 'piece_identite',
          type: 'file',
          label: 'Pièce d’identité',
          help: 'Carte d’identité ou passeport valide, ou expiré depuis moins de 5 ans. Format PDF, JPEG ou PNG.',
          required: true,
          accept: ['application/pdf', 'image/jpeg', 'image/png'],
        },
        {
          name: 'justificatif_domicile',
          type: 'file',
          label: 'Justificatif de domicile de moins de 3 mois',
          help: 'Facture d’électricité, de gaz, d’eau, ou quittance de loyer. Format PDF, JPEG ou PNG.',
          required: true,
          accept: ['application/pdf', 'image/jpeg', 'image/png'],
        },
        {
          // Recorded with its wording and date as proof; required, so it cannot be withdrawn
          // (privacy/consents.ts, isWithdrawable): the applicant may ask for erasure instead.
          name: 'attestation_honneur',
          type: 'checkbox',
          label: 'J’atteste sur l’honneur que ces informations sont exactes.',
          required: true,
          consent: true,
        },
      ],
    },
  ],
};
