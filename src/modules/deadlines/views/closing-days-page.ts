import { formatDateFr } from '../../../platform/format.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { errorOf, type FieldError } from '../../../platform/web/form.ts';
import { csrfField, errorSummary, layout, url, type PageContext } from '../../../platform/web/layout.ts';
import { adminNav } from '../../agents/views/admin-nav.ts';
import type { ClosingDayValues } from '../forms.ts';
import type { ClosingDay } from '../list-closing-days.ts';

export const CLOSING_DAYS_PATH = '/agent/admin/fermetures';

export interface ClosingDaysPageInput {
  year: number;
  closingDays: ClosingDay[];
  holidays: { date: string; name: string }[];
  values: ClosingDayValues;
  errors: FieldError[];
  notice?: string;
}

const WEEKDAY = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', timeZone: 'UTC' });

function weekday(date: string): string {
  return WEEKDAY.format(new Date(`${date}T12:00:00Z`));
}

function textField(
  input: ClosingDaysPageInput,
  f: { name: keyof ClosingDayValues; label: string; hint: string; type: 'date' | 'text'; maxlength?: number },
): SafeHtml {
  const error = errorOf(input.errors, f.name);
  return html`<div class="field${error ? ' field-error' : ''}">
    <label for="${f.name}">${f.label}</label>
    <span class="hint" id="${f.name}-hint">${f.hint}</span>
    ${error ? html`<span class="error-message" id="${f.name}-error">${error}</span>` : ''}
    <input
      type="${f.type}"
      id="${f.name}"
      name="${f.name}"
      ${f.maxlength ? html`maxlength="${f.maxlength}"` : ''}
      value="${input.values[f.name]}"
      aria-describedby="${f.name}-hint${error ? ` ${f.name}-error` : ''}"
      ${error ? html`aria-invalid="true"` : ''}
    />
  </div>`;
}

function addForm(ctx: PageContext, input: ClosingDaysPageInput): SafeHtml {
  return html`<form method="post" action="${url(ctx, CLOSING_DAYS_PATH)}" novalidate>
    ${csrfField(ctx)} ${textField(input, { name: 'jour', label: 'Date', hint: 'Par exemple 15/05/2026.', type: 'date' })}
    ${textField(input, {
      name: 'libelle',
      label: 'Motif',
      hint: 'Par exemple « Pont de l’Ascension » ou « Fête locale ».',
      type: 'text',
      maxlength: 100,
    })}
    <button type="submit" class="button">Ajouter ce jour de fermeture</button>
  </form>`;
}

/**
 * The tenant's own closing days (« pont », local feast day), which deadlines skip like public
 * holidays; the year's public holidays of its département are shown beside, for reference.
 */
export function closingDaysPage(ctx: PageContext, input: ClosingDaysPageInput): SafeHtml {
  const yearLink = (y: number) => url(ctx, `${CLOSING_DAYS_PATH}?annee=${y}`);
  const main = html`${adminNav(ctx, CLOSING_DAYS_PATH)} ${errorSummary(input.errors)}
    <h1>Jours de fermeture</h1>
    <p>
      Les jours où la mairie est fermée en plus des jours fériés ne comptent pas dans les délais de réponse promis aux
      habitants. Les dates limites déjà fixées ne changent pas ; celles des nouvelles demandes en tiennent compte.
    </p>
    <nav aria-label="Années">
      <ul class="pagination">
        <li><a href="${yearLink(input.year - 1)}">Année ${input.year - 1}</a></li>
        <li><strong>Année ${input.year}</strong></li>
        <li><a href="${yearLink(input.year + 1)}">Année ${input.year + 1}</a></li>
      </ul>
    </nav>
    <h2>Jours de fermeture en ${input.year}</h2>
    ${
      input.closingDays.length === 0
        ? html`<p>Aucun jour de fermeture en ${input.year}.</p>`
        : html`<ul class="closing-days">
            ${input.closingDays.map(
              (d) =>
                html`<li>
                  <span>${weekday(d.day)} ${formatDateFr(d.day)} – ${d.label}</span>
                  <form
                    method="post"
                    action="${url(ctx, `${CLOSING_DAYS_PATH}/${d.day}/supprimer`)}"
                    class="inline-form"
                  >
                    ${csrfField(ctx)}
                    <button type="submit" class="button secondary">
                      Retirer<span class="visually-hidden"> le ${formatDateFr(d.day)}</span>
                    </button>
                  </form>
                </li>`,
            )}
          </ul>`
    }
    <h2>Ajouter un jour de fermeture</h2>
    ${addForm(ctx, input)}
    <h2>Jours fériés en ${input.year}</h2>
    <p>Pour mémoire : ils ne comptent jamais dans les délais, inutile de les ajouter.</p>
    <ul>
      ${input.holidays.map((h) => html`<li>${weekday(h.date)} ${formatDateFr(h.date)} – ${h.name}</li>`)}
    </ul>`;
  return layout(ctx, {
    title: 'Jours de fermeture',
    main,
    area: 'agent',
    notice: input.notice,
    errors: input.errors,
  });
}
