import type { FormDefinition } from '../form-definition.ts';

export const form: FormDefinition = {
  version: 1,
  intro:
    'Demandez à réserver une salle municipale, si possible 2 mois avant. Nous vous répondons sous 10 jours ouvrés avec un contrat de location.',
  sections: [
    {
      title: 'Qui réserve',
      fields: [
        {
          name: 'statut_demandeur',
          type: 'choice',
          label: 'Vous réservez en tant que :',
          required: true,
          options: [
            { value: 'habitant', label: 'Habitant de Villebelle' },
            { value: 'association', label: 'Association' },
            { value: 'exterieur', label: 'Personne ou entreprise extérieure à Villebelle' },
          ],
        },
        {
          name: 'nom_association',
          type: 'text',
          label: 'Nom de l’association',
          required: true,
          showIf: { field: 'statut_demandeur', equals: 'association' },
        },
        {
          name: 'numero_rna',
          type: 'text',
          label: 'Numéro RNA de l’association',
          help: 'Il commence par W et compte 10 caractères, par exemple W123456789.',
          required: true,
          showIf: { field: 'statut_demandeur', equals: 'association' },
          validation: {
            pattern: '^W[0-9A-Za-z]{9}$',
            patternMessage: 'Le numéro RNA commence par W, suivi de 9 chiffres ou lettres.',
          },
        },
        {
          name: 'courriel_association',
          type: 'email',
          label: 'Courriel de l’association',
          required: false,
          showIf: { field: 'statut_demandeur', equals: 'association' },
        },
        {
          name: 'tarif_reduit',
          type: 'choice',
          label: 'Demandez-vous le tarif réduit ?',
          help: 'Les habitants étudiants ou inscrits à France Travail paient la moitié du prix de la salle.',
          required: true,
          showIf: { field: 'statut_demandeur', equals: 'habitant' },
          options: [
            { value: 'non', label: 'Non' },
            { value: 'etudiant', label: 'Oui, je suis étudiant' },
            { value: 'demandeur_emploi', label: 'Oui, je suis inscrit à France Travail' },
          ],
        },
        {
          name: 'ine',
          type: 'text',
          label: 'Numéro INE',
          help: '11 chiffres et lettres, sur votre carte d’étudiant.',
          required: false,
          showIf: { field: 'tarif_reduit', equals: 'etudiant' },
        },
        {
          name: 'accord_statut_etudiant',
          type: 'checkbox',
          label:
            'J’accepte que la mairie vérifie mon inscription dans l’enseignement supérieur, par le service API Particulier de l’État.',
          required: false,
          consent: true,
          stateData: { kind: 'statut_etudiant', fallback: 'justificatif_tarif_reduit' },
          showIf: { field: 'tarif_reduit', equals: 'etudiant' },
        },
        {
          name: 'identifiant_france_travail',
          type: 'text',
          label: 'Identifiant France Travail',
          help: 'Il est sur vos courriers de France Travail.',
          required: false,
          showIf: { field: 'tarif_reduit', equals: 'demandeur_emploi' },
        },
        {
          name: 'accord_statut_demandeur_emploi',
          type: 'checkbox',
          label:
            'J’accepte que la mairie vérifie mon inscription à France Travail, par le service API Particulier de l’État.',
          required: false,
          consent: true,
          stateData: { kind: 'statut_demandeur_emploi', fallback: 'justificatif_tarif_reduit' },
          showIf: { field: 'tarif_reduit', equals: 'demandeur_emploi' },
        },
        {
          name: 'justificatif_tarif_reduit',
          type: 'file',
          label: 'Certificat de scolarité ou attestation France Travail',
          help: 'Seulement si la mairie ne peut pas vérifier votre situation.',
          required: false,
          accept: ['application/pdf', 'image/jpeg', 'image/png'],
          showIf: { field: 'tarif_reduit', equals: ['etudiant', 'demandeur_emploi'] },
        },
      ],
    },
    {
      title: 'Votre événement',
      fields: [
        {
          name: 'salle',
          type: 'choice',
          label: 'Salle souhaitée',
          required: true,
          options: [
            { value: 'salle_des_fetes', label: 'Salle des fêtes' },
            { value: 'salle_reunion', label: 'Salle de réunion de la mairie annexe' },
            { value: 'pas_de_preference', label: 'Pas de préférence' },
          ],
        },
        {
          name: 'date_evenement',
          type: 'date',
          label: 'Date de l’événement',
          required: true,
          validation: { minDate: 'today' },
        },
        {
          name: 'nombre_personnes',
          type: 'number',
          label: 'Nombre de personnes attendues',
          required: true,
          validation: { min: 1, max: 500 },
        },
        {
          name: 'nature_evenement',
          type: 'textarea',
          label: 'Décrivez l’événement',
          help: 'Par exemple : repas de famille, assemblée générale, loto.',
          required: true,
          validation: { maxLength: 1000 },
        },
        {
          name: 'assurance',
          type: 'file',
          label: 'Attestation d’assurance responsabilité civile',
          help: 'Vous pouvez aussi l’envoyer plus tard avec le contrat signé. Format PDF, JPEG ou PNG.',
          required: false,
          accept: ['application/pdf', 'image/jpeg', 'image/png'],
        },
      ],
    },
  ],
};
