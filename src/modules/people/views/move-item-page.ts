import { formatNumberFr } from '../../../platform/format.ts';
import { attr, html, type SafeHtml } from '../../../platform/html.ts';
import type { FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { personName } from '../present.ts';
import type { PersonHit } from '../repository.ts';
import { personPath } from './person-page.ts';

export interface MoveItemPageInput {
  reference: string;
  revision: number;
  /** The record the item is on now, if any. */
  current: { id: string; name: string } | null;
  /** The search typed, and the records it found (not the current one). */
  q: string;
  hits: PersonHit[];
  values: { usager: string; confirmer: boolean };
  errors: FieldError[];
}

function message(errors: readonly FieldError[], field: string): SafeHtml | '' {
  const e = errors.find((x) => x.field === field);
  return e ? html`<span class="error-message" id="${field}-error">${e.message}</span>` : '';
}

function details(h: PersonHit): string {
  const items = h.item_count === 1 ? '1 demande' : `${formatNumberFr(h.item_count)} demandes`;
  return [h.email, h.phone, items].filter(Boolean).join(' · ');
}

/**
 * « Changer de fiche usager »: find the right person's record (a GET search, no script), choose
 * it, confirm; only this item moves (a merge is for two records of one person).
 */
export function moveItemPage(ctx: PageContext, input: MoveItemPageInput): SafeHtml {
  const path = `/agent/demandes/${encodeURIComponent(input.reference)}/usager`;
  const invalid = (field: string) => input.errors.some((e) => e.field === field);
  const anchors: Record<string, string> = { usager: input.hits[0] ? `usager-${input.hits[0].id}` : 'q' };
  const main = html`<h1>Changer la fiche usager de la demande ${input.reference}</h1>
    ${errorSummary(input.errors.map((e) => ({ ...e, field: anchors[e.field] ?? e.field })))}
    <p>
      ${
        input.current
          ? html`Elle est aujourd’hui sur la fiche de
              <a href="${url(ctx, personPath(input.current.id))}">${input.current.name}</a>.`
          : 'Elle n’est sur aucune fiche.'
      }
      Seule cette demande change de fiche. Si deux fiches sont la même personne, fusionnez-les plutôt
      depuis la fiche.
    </p>
    <form method="get" action="${url(ctx, path)}" class="search-form" role="search">
      <div class="field">
        <label for="q">Chercher la fiche de la bonne personne</label>
        <span class="hint" id="q-hint">Nom, adresse électronique ou numéro de téléphone.</span>
        <input type="search" id="q" name="q" value="${input.q}" autocomplete="off" aria-describedby="q-hint" />
      </div>
      <button type="submit" class="button secondary">Chercher</button>
    </form>
    ${
      input.q !== '' && input.hits.length === 0
        ? html`<p role="status">Aucune autre fiche trouvée : essayez un autre nom, une adresse ou un numéro.</p>`
        : ''
    }
    ${
      input.hits.length > 0
        ? html`<form method="post" action="${url(ctx, path)}" novalidate>
            ${csrfField(ctx)}
            <input type="hidden" name="revision" value="${String(input.revision)}" />
            <input type="hidden" name="q" value="${input.q}" />
            <fieldset class="field${invalid('usager') ? ' field-error' : ''}">
              <legend>La bonne fiche</legend>
              ${message(input.errors, 'usager')}
              ${input.hits.map(
                (h) =>
                  html`<div class="choice">
                    <input type="radio" id="usager-${h.id}" name="usager" value="${h.id}" ${attr('checked', input.values.usager === h.id)} />
                    <label for="usager-${h.id}">${personName(h)} (${details(h)})</label>
                  </div>`,
              )}
            </fieldset>
            <div class="field${invalid('confirmer') ? ' field-error' : ''}">
              ${message(input.errors, 'confirmer')}
              <div class="choice">
                <input type="checkbox" id="confirmer" name="confirmer" value="oui" ${attr('checked', input.values.confirmer)} />
                <label for="confirmer">Je confirme : cette demande concerne la personne choisie, pas
                  ${input.current ? input.current.name : 'une autre'}.</label>
              </div>
            </div>
            <button type="submit" class="button">Changer de fiche</button>
          </form>`
        : ''
    }
    <p><a href="${url(ctx, `/agent/demandes/${encodeURIComponent(input.reference)}`)}">Revenir à la demande</a></p>`;
  return layout(ctx, {
    title: `Changer la fiche usager de la demande ${input.reference}`,
    errors: input.errors,
    main,
    area: 'agent',
    breadcrumbs: [
      { label: 'Demandes', href: '/agent/demandes' },
      { label: input.reference, href: `/agent/demandes/${encodeURIComponent(input.reference)}` },
      { label: 'Changer de fiche usager' },
    ],
  });
}
