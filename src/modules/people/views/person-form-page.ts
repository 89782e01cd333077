import { formatDateFr } from '../../../platform/format.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import type { FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import type { PersonFormValues } from '../forms.ts';
import { LANGUAGE_LABELS, PREFERRED_CHANNELS, personName } from '../present.ts';
import type { PersonRow } from '../repository.ts';
import { personField } from './person-fields.ts';
import { PEOPLE_PATH, personPath } from './person-page.ts';

type FieldOptions = Omit<Parameters<typeof personField>[0], 'name' | 'label' | 'value' | 'errors'>;

export type PersonFormTyped = Record<keyof PersonFormValues, string>;

export const EMPTY_PERSON_FORM: PersonFormTyped = {
  prenoms: '',
  nom: '',
  naissance: '',
  courriel: '',
  telephone: '',
  adresse: '',
  canal: '',
  langue: 'fr',
  accessibilite: '',
};

/**
 * « Nouvelle fiche » (no record yet) and « Modifier la fiche ». A FranceConnect identity is shown,
 * not offered for editing: names and birth date stay as FranceConnect gave them.
 */
export function personFormPage(
  ctx: PageContext,
  input: { person: PersonRow | null; values: PersonFormTyped; errors: FieldError[] },
): SafeHtml {
  const { person, values: v, errors } = input;
  const verified = person?.identity_source === 'franceconnect';
  const field = (name: keyof PersonFormTyped, label: string, options: FieldOptions = {}) =>
    personField({ name, label, value: v[name], errors, ...options });
  const title = person ? `Modifier la fiche de ${personName(person)}` : 'Nouvelle fiche usager';
  const action = person ? `${personPath(person.id)}/modifier` : `${PEOPLE_PATH}/nouvelle`;
  const main = html`<h1>${title}</h1>
    ${errorSummary(errors)}
    <form method="post" action="${url(ctx, action)}" novalidate>
      ${csrfField(ctx)}
      <h2>Identité</h2>
      ${
        verified && person
          ? html`<p>
              <span class="badge-verified">Identité vérifiée par FranceConnect</span>
              ${person.identity_verified_at ? ` le ${formatDateFr(new Date(person.identity_verified_at))}` : ''}
            </p>
            <p>
              ${personName(person)}${person.birthdate ? `, né(e) le ${formatDateFr(person.birthdate)}` : ''}. Ces informations
              viennent de FranceConnect et ne se modifient pas ici.
            </p>`
          : html`${field('prenoms', 'Prénoms', { autocomplete: 'off' })} ${field('nom', 'Nom')}
            ${field('naissance', 'Date de naissance (facultatif)', { type: 'date', hint: 'Par exemple 1984-03-21.' })}`
      }
      <h2>Coordonnées</h2>
      ${field('courriel', 'Adresse électronique (facultatif)', { type: 'email' })}
      ${field('telephone', 'Téléphone (facultatif)', { type: 'tel', hint: 'Par exemple 06 12 34 56 78.' })}
      ${field('adresse', 'Adresse postale (facultatif)', { multiline: true })}
      <h2>Préférences</h2>
      ${field('canal', 'Canal préféré pour lui répondre', {
        options: { '': 'Non indiqué', ...PREFERRED_CHANNELS },
      })}
      ${field('langue', 'Langue', { options: LANGUAGE_LABELS })}
      ${field('accessibilite', 'Besoins d’accessibilité (facultatif)', {
        multiline: true,
        hint: 'Par exemple : documents en gros caractères, interprète en langue des signes, aide pour remplir.',
      })}
      <button type="submit" class="button">${person ? 'Enregistrer les modifications' : 'Créer la fiche'}</button>
    </form>`;
  return layout(ctx, {
    title,
    errors,
    main,
    area: 'agent',
    breadcrumbs: [
      { label: 'Usagers', href: PEOPLE_PATH },
      ...(person ? [{ label: personName(person), href: personPath(person.id) }] : []),
      { label: person ? 'Modifier' : 'Nouvelle fiche' },
    ],
  });
}
