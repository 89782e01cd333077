import { attr, html, type SafeHtml } from '../../../platform/html.ts';
import { errorOf, type FieldError } from '../../../platform/web/form.ts';

/** The attributes tying a field to its hint and error (RGAA 11.10). */
function describedBy(name: string, hint: boolean, error: string): SafeHtml {
  const ids = [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ');
  return html`${ids ? html`aria-describedby="${ids}"` : ''} ${error ? html`aria-invalid="true"` : ''}`;
}

/** A labelled field of the record forms (text, email, tel, date, select or textarea), value kept. */
export function personField(input: {
  name: string;
  label: string;
  value: string;
  errors: readonly FieldError[];
  type?: 'text' | 'email' | 'tel' | 'date' | 'search';
  hint?: string;
  autocomplete?: string;
  options?: Record<string, string>;
  multiline?: boolean;
}): SafeHtml {
  const error = errorOf(input.errors, input.name);
  const aria = describedBy(input.name, Boolean(input.hint), error);
  const control = input.options
    ? html`<select id="${input.name}" name="${input.name}" ${aria}>
        ${Object.entries(input.options).map(
          ([value, label]) =>
            html`<option value="${value}" ${attr('selected', input.value === value)}>${label}</option>`,
        )}
      </select>`
    : input.multiline
      ? html`<textarea id="${input.name}" name="${input.name}" rows="3" ${aria}>${input.value}</textarea>`
      : html`<input
          type="${input.type ?? 'text'}"
          id="${input.name}"
          name="${input.name}"
          value="${input.value}"
          autocomplete="${input.autocomplete ?? 'off'}"
          ${aria}
        />`;
  return html`<div class="field${error ? ' field-error' : ''}">
    <label for="${input.name}">${input.label}</label>
    ${input.hint ? html`<span class="hint" id="${input.name}-hint">${input.hint}</span>` : ''}
    ${error ? html`<span class="error-message" id="${input.name}-error">${error}</span>` : ''} ${control}
  </div>`;
}
