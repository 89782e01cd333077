import { z } from 'zod';
import { hidden, text } from '../../platform/web/form.ts';

export const renameTagForm = z.object({
  libelle: text({
    max: 80,
    required: 'Écrivez le nom de l’étiquette.',
    tooLong: 'Ce nom d’étiquette est trop long : 40 caractères au plus.',
  }),
});

/** A saved view: its name, with whom it is shared ('' nobody) and the list's query string. */
export const saveViewForm = z.object({
  nom: text({
    max: 120,
    required: 'Donnez un nom à cette vue.',
    tooLong: 'Ce nom est trop long : 60 caractères au plus.',
  }),
  partage: hidden(100),
  requete: hidden(2000),
});

export const renameViewForm = z.object({
  nom: text({
    max: 120,
    required: 'Donnez un nom à cette vue.',
    tooLong: 'Ce nom est trop long : 60 caractères au plus.',
  }),
});
