import type { PersonFields } from '../../../db/schema.ts';
import { formatDateFr, formatPhoneFr } from '../../../platform/format.ts';
import { attr, html, type SafeHtml } from '../../../platform/html.ts';
import { csrfField, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { FIELD_LABELS, LANGUAGE_LABELS, PREFERRED_CHANNELS, VERIFIED_FIELDS, personName } from '../present.ts';
import { fieldsOf, PERSON_FIELDS, type PersonRow } from '../repository.ts';
import { PEOPLE_PATH, personPath } from './person-page.ts';

function shown(field: keyof PersonFields, value: unknown): string {
  if (value === null || value === '') return 'Non renseigné';
  if (field === 'birthdate') return formatDateFr(String(value));
  if (field === 'phone') return formatPhoneFr(String(value));
  if (field === 'preferred_channel')
    return PREFERRED_CHANNELS[value as keyof typeof PREFERRED_CHANNELS] ?? String(value);
  if (field === 'language') return LANGUAGE_LABELS[String(value)] ?? String(value);
  return String(value);
}

/**
 * The merge confirmation: both records side by side, and for each field where they differ, which
 * value to keep (the kept record's by default, or the other's where the kept one has none). Says
 * what will happen to the items, and that it can be undone.
 */
export function mergePage(
  ctx: PageContext,
  input: {
    kept: PersonRow;
    merged: PersonRow;
    keptItems: number;
    mergedItems: number;
    refusal: string | null;
    choices?: Record<string, string>;
  },
): SafeHtml {
  const { kept, merged } = input;
  const a = fieldsOf(kept);
  const b = fieldsOf(merged);
  const locked = (f: keyof PersonFields) => kept.identity_source !== null && VERIFIED_FIELDS.includes(f);
  const rows = PERSON_FIELDS.map((f) => {
    const differs = a[f] !== b[f];
    const defaultChoice = a[f] === null || a[f] === '' ? 'merged' : 'kept';
    const chosen = input.choices?.[`garder_${f}`] || defaultChoice;
    const choice = (side: 'kept' | 'merged', value: unknown) =>
      differs && !locked(f)
        ? html`<div class="choice">
            <input type="radio" id="garder_${f}_${side}" name="garder_${f}" value="${side}" ${attr('checked', chosen === side)} />
            <label for="garder_${f}_${side}">${shown(f, value)}</label>
          </div>`
        : shown(f, value);
    return html`<tr>
      <th scope="row">${FIELD_LABELS[f]}</th>
      <td>${choice('kept', a[f])}</td>
      <td>${choice('merged', b[f])}</td>
    </tr>`;
  });
  const title = `Fusionner la fiche de ${personName(merged)} dans celle de ${personName(kept)}`;
  const main = html`<h1>${title}</h1>
    ${input.refusal ? html`<div class="warning" role="alert"><p>${input.refusal}</p></div>` : ''}
    <p>
      Les ${input.mergedItems} demande(s) de la fiche de droite passeront sur la fiche de gauche, qui en a déjà
      ${input.keptItems}. La fiche de droite ne sera plus proposée ; son adresse mènera à la fiche gardée. Vous pourrez
      annuler la fusion depuis la fiche gardée tant que rien n’a changé depuis.
    </p>
    ${
      kept.identity_source !== null
        ? html`<p>L’identité de la fiche gardée est vérifiée par FranceConnect : ses noms et sa date de naissance restent.</p>`
        : ''
    }
    <form method="post" action="${url(ctx, `${personPath(kept.id)}/fusion`)}">
      ${csrfField(ctx)}
      <input type="hidden" name="avec" value="${merged.id}" />
      <div class="table-wrap">
        <table class="table">
          <caption>
            Choisissez, pour chaque information qui diffère, la valeur à garder.
          </caption>
          <thead>
            <tr>
              <th scope="col">Information</th>
              <th scope="col">Fiche gardée : ${personName(kept)}</th>
              <th scope="col">Fiche fusionnée : ${personName(merged)}</th>
            </tr>
          </thead>
          <tbody>
            ${rows}
          </tbody>
        </table>
      </div>
      ${input.refusal ? '' : html`<button type="submit" class="button">Fusionner les deux fiches</button>`}
    </form>
    <p><a href="${url(ctx, personPath(kept.id))}">Revenir à la fiche sans fusionner</a></p>`;
  return layout(ctx, {
    title,
    main,
    area: 'agent',
    breadcrumbs: [
      { label: 'Usagers', href: PEOPLE_PATH },
      { label: personName(kept), href: personPath(kept.id) },
      { label: 'Fusionner' },
    ],
  });
}
