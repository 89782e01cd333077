import type { FormDefinition } from '../form-definition.ts';

export const form: FormDefinition = {
  version: 1,
  intro:
    'Inscrivez votre enfant dans une école publique de Villebelle. Préparez le livret de famille et un justificatif de domicile. Comptez 10 minutes.',
  sections: [
    {
      title: 'L’enfant',
      fields: [
        { name: 'nom_enfant', type: 'text', label: 'Nom de l’enfant', required: true },
        { name: 'prenom_enfant', type: 'text', label: 'Prénom de l’enfant', required: true },
        {
          name: 'date_naissance_enfant',
          type: 'date',
          label: 'Date de naissance de l’enfant',
          required: true,
          validation: { maxDate: 'today' },
        },
        {
          name: 'niveau',
          type: 'choice',
          label: 'En quelle classe entre-t-il ?',
          required: true,
          display: 'select',
          options: [
            { value: 'tps', label: 'Toute petite section' },
            { value: 'ps', label: 'Petite section' },
            { value: 'ms', label: 'Moyenne section' },
            { value: 'gs', label: 'Grande section' },
            { value: 'cp', label: 'CP' },
            { value: 'ce1', label: 'CE1' },
            { value: 'ce2', label: 'CE2' },
            { value: 'cm1', label: 'CM1' },
            { value: 'cm2', label: 'CM2' },
          ],
        },
        { name: 'adresse_enfant', type: 'address', label: 'Adresse où vit l’enfant', required: true },
        {
          name: 'changement_ecole',
          type: 'choice',
          label: 'L’enfant change-t-il d’école ?',
          required: true,
          options: [
            { value: 'oui', label: 'Oui' },
            { value: 'non', label: 'Non, c’est sa première école' },
          ],
        },
        {
          name: 'certificat_radiation',
          type: 'file',
          label: 'Certificat de radiation de l’ancienne école',
          help: 'L’ancienne école vous le remet. Format PDF, JPEG ou PNG.',
          required: true,
          showIf: { field: 'changement_ecole', equals: 'oui' },
          accept: ['application/pdf', 'image/jpeg', 'image/png'],
        },
      ],
    },
    {
      title: 'Les justificatifs',
      fields: [
        {
          name: 'livret_famille',
          type: 'file',
          label: 'Livret de famille ou acte de naissance de l’enfant',
          required: true,
          accept: ['application/pdf', 'image/jpeg', 'image/png'],
        },
        {
          name: 'justificatif_domicile',
          type: 'file',
          label: 'Justificatif de domicile récent',
          required: true,
          accept: ['application/pdf', 'image/jpeg', 'image/png'],
        },
        {
          name: 'parents_separes',
          type: 'choice',
          label: 'Les parents de l’enfant sont-ils séparés ?',
          required: true,
          options: [
            { value: 'oui', label: 'Oui' },
            { value: 'non', label: 'Non' },
          ],
        },
        {
          name: 'jugement_ou_accord',
          type: 'file',
          label: 'Jugement qui fixe la résidence de l’enfant, ou accord écrit de l’autre parent',
          required: true,
          showIf: { field: 'parents_separes', equals: 'oui' },
          accept: ['application/pdf', 'image/jpeg', 'image/png'],
        },
      ],
    },
  ],
};
