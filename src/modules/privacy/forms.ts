import { z } from 'zod';
import { choice, text } from '../../platform/web/form.ts';

/** The citizen's erasure confirmation: one checkbox that must be ticked. */
export const erasureConfirmationForm = z.object({
  confirmation: choice(['oui'], 'Cochez la case pour confirmer l’effacement de vos données.'),
});

/** An agent's decision on an erasure request; the reason is required for a refusal (erasure.ts). */
export const erasureDecisionForm = z.object({
  decision: choice(['approve', 'refuse'], 'Choisissez d’accepter ou de refuser.'),
  motif: text({ max: 2000, required: false, tooLong: 'Le motif est trop long (2 000 caractères au plus).' }),
});

/**
 * The data protection officer's contact. Bounds here only keep the post small; dpo.ts cleans the
 * values and applies the limits people are told about (200 characters for the name…).
 */
export const dpoSettingsForm = z.object({
  dpo_nom: text({
    max: 1000,
    required: false,
    trim: false,
    tooLong: 'Le nom ou la fonction ne doit pas dépasser 200 caractères.',
  }),
  dpo_courriel: text({
    max: 1000,
    required: false,
    trim: false,
    tooLong: 'Cette adresse électronique est trop longue.',
  }),
  dpo_adresse: text({
    max: 5000,
    required: false,
    trim: false,
    tooLong: 'L’adresse postale ne doit pas dépasser 8 lignes ni 500 caractères.',
  }),
});
