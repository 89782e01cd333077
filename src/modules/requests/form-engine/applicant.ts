import type { FormSection } from '../../catalogue/form-definition.ts';

/**
 * The identity and contact section every online form ends with. Kept out of the démarches'
 * definitions so that it is the same everywhere (its name and email fields take FranceConnect's claims).
 */
export const APPLICANT_SECTION: FormSection = {
  title: 'Vos coordonnées',
  description: 'Nous les utilisons seulement pour traiter votre demande et vous répondre.',
  fields: [
    {
      name: 'applicant_given_name',
      type: 'text',
      label: 'Prénom',
      required: true,
      autocomplete: 'given-name',
      claim: 'given_name',
      validation: { maxLength: 100 },
    },
    {
      name: 'applicant_family_name',
      type: 'text',
      label: 'Nom',
      required: true,
      autocomplete: 'family-name',
      claim: 'family_name',
      validation: { maxLength: 100 },
    },
    {
      name: 'applicant_email',
      type: 'email',
      label: 'Adresse électronique',
      help: 'Vous recevrez la confirmation et les réponses à cette adresse.',
      required: true,
      autocomplete: 'email',
      claim: 'email',
    },
    {
      name: 'applicant_phone',
      type: 'phone',
      label: 'Numéro de téléphone',
      help: 'Pour vous appeler si une information manque.',
      required: false,
      autocomplete: 'tel',
    },
  ],
};
