import { z } from 'zod';
import { checkbox, choice, email, hidden, text } from '../../platform/web/form.ts';
import { PERSON_FIELDS } from './repository.ts';

const PHONE = {
  regex: /^[\d\s.()+-]+$/,
  message: 'Indiquez un numéro de téléphone, par exemple 06 12 34 56 78.',
};

/** A record's details as an agent types them (« Nouvelle fiche », « Modifier la fiche »). */
export const personForm = z.object({
  prenoms: text({ max: 200, required: false }),
  nom: text({ max: 200, required: false }),
  naissance: text({
    max: 10,
    required: false,
    pattern: { regex: /^\d{4}-\d{2}-\d{2}$/, message: 'Indiquez la date de naissance, par exemple 1984-03-21.' },
  }),
  courriel: email({ required: false }),
  telephone: text({ max: 40, required: false, pattern: PHONE }),
  adresse: text({ max: 500, required: false }),
  canal: choice(['', 'email', 'telephone', 'sms', 'courrier', 'guichet'], 'Choisissez un canal dans la liste.'),
  langue: choice(['fr', 'en', 'es', 'ar', 'pt', 'tr', 'lsf'], 'Choisissez une langue dans la liste.'),
  accessibilite: text({ max: 1000, required: false }),
});
export type PersonFormValues = z.output<typeof personForm>;
export const PERSON_FORM_FIELDS = Object.keys(personForm.shape) as (keyof PersonFormValues)[];

/** The merge confirmation: the other record and, for each differing field, whose value to keep. */
/** « Changer de fiche usager »: the record chosen, confirmed, with the item's revision and the search typed. */
export const moveItemForm = z.object({
  usager: hidden(100),
  confirmer: checkbox(),
  revision: hidden(20),
  q: hidden(200),
});

export const mergeForm = z.object({
  avec: hidden(100),
  ...Object.fromEntries(
    PERSON_FIELDS.map((f) => [
      `garder_${f}`,
      z.preprocess((v) => (Array.isArray(v) ? v[0] : (v ?? '')), z.enum(['', 'kept', 'merged'])),
    ]),
  ),
});
