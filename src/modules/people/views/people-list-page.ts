import { formatDateFr, formatNumberFr, formatPhoneFr } from '../../../platform/format.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import type { FieldError } from '../../../platform/web/form.ts';
import { errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { DUPLICATE_REASONS, personName } from '../present.ts';
import type { DuplicatePair, PersonHit } from '../repository.ts';
import { personField } from './person-fields.ts';
import { PEOPLE_PATH, personPath } from './person-page.ts';

/** One record in a list: name (linked), what tells it apart, how many items. */
export function personSummary(ctx: PageContext, p: PersonHit): SafeHtml {
  const details = [
    p.email,
    p.phone ? formatPhoneFr(p.phone) : null,
    p.birthdate ? `né(e) le ${formatDateFr(p.birthdate)}` : null,
    p.item_count === 0
      ? 'aucune demande'
      : p.item_count === 1
        ? '1 demande'
        : `${formatNumberFr(p.item_count)} demandes`,
  ].filter(Boolean);
  return html`<a href="${url(ctx, personPath(p.id))}">${personName(p)}</a>${
    p.verified ? html` <span class="tag">Identité vérifiée par FranceConnect</span>` : ''
  }${p.has_account && !p.verified ? html` <span class="tag">Compte usager</span>` : ''}
    <br />${details.join(' · ')}`;
}

/** « Usagers »: find a record by name, email or phone; the latest records without a query. */
export function peopleListPage(
  ctx: PageContext,
  input: { q: string; hits: PersonHit[]; searched: boolean; errors: FieldError[] },
): SafeHtml {
  const main = html`<h1>Usagers</h1>
    ${errorSummary(input.errors)}
    <form method="get" action="${url(ctx, PEOPLE_PATH)}" role="search" class="search-form">
      ${personField({
        name: 'q',
        label: 'Chercher une fiche',
        type: 'search',
        value: input.q,
        errors: input.errors,
        hint: 'Nom, adresse électronique ou numéro de téléphone.',
      })}
      <button type="submit" class="button">Chercher</button>
    </form>
    <p>
      <a href="${url(ctx, `${PEOPLE_PATH}/nouvelle`)}">Nouvelle fiche</a> ·
      <a href="${url(ctx, `${PEOPLE_PATH}/doublons`)}">Doublons possibles</a>
    </p>
    <h2>${input.searched ? 'Fiches trouvées' : 'Fiches modifiées récemment'}</h2>
    ${
      input.hits.length === 0
        ? html`<p>${input.searched ? 'Aucune fiche ne correspond : vérifiez l’orthographe, ou créez la fiche.' : 'Aucune fiche pour le moment.'}</p>`
        : html`<ul class="search-results">
            ${input.hits.map((p) => html`<li class="search-result">${personSummary(ctx, p)}</li>`)}
          </ul>`
    }`;
  return layout(ctx, {
    title: input.searched ? `Usagers : ${input.q}` : 'Usagers',
    errors: input.errors,
    main,
    area: 'agent',
    breadcrumbs: [{ label: 'Demandes', href: '/agent/demandes' }, { label: 'Usagers' }],
  });
}

/** « Doublons possibles »: pairs of records that may be one person, each with a way to compare them. */
export function duplicatesPage(ctx: PageContext, input: { pairs: DuplicatePair[] }): SafeHtml {
  const main = html`<h1>Doublons possibles</h1>
    <p>
      Deux fiches ont la même adresse électronique, le même numéro de téléphone, ou le même nom et la même date de
      naissance (sans tenir compte des majuscules ni des accents). Comparez-les avant de les fusionner : une fusion
      s’annule depuis la fiche gardée.
    </p>
    ${
      input.pairs.length === 0
        ? html`<p>Aucun doublon possible parmi les fiches que vous voyez.</p>`
        : html`<ul class="search-results">
            ${input.pairs.map(
              (pair) =>
                html`<li class="search-result">
                  <p>${personSummary(ctx, pair.a)}</p>
                  <p>${personSummary(ctx, pair.b)}</p>
                  <p class="search-meta">${pair.reasons.map((r) => DUPLICATE_REASONS[r]).join(', ')}</p>
                  <p>
                    <a href="${url(ctx, `${personPath(pair.a.id)}/fusion?avec=${pair.b.id}`)}"
                      >Comparer ${personName(pair.a)} et ${personName(pair.b)}</a
                    >
                  </p>
                </li>`,
            )}
          </ul>`
    }`;
  return layout(ctx, {
    title: 'Doublons possibles',
    main,
    area: 'agent',
    breadcrumbs: [{ label: 'Usagers', href: PEOPLE_PATH }, { label: 'Doublons possibles' }],
  });
}
