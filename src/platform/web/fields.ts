import { html, type SafeHtml } from '../html.ts';
import { errorOf, type FieldError } from './form.ts';

/** The errors of a form (the one FieldError type of platform/web/form.ts). */
export type FieldErrors = readonly FieldError[];

/** A labelled input with its hint and error tied to it (aria-describedby), value kept. */
export function inputField(input: {
  name: string;
  label: string;
  type: 'email' | 'password' | 'text';
  value?: string;
  autocomplete: string;
  hint?: string;
  errors: FieldErrors;
}): SafeHtml {
  const error = errorOf(input.errors, input.name);
  const described = [input.hint ? `${input.name}-hint` : '', error ? `${input.name}-error` : '']
    .filter(Boolean)
    .join(' ');
  return html`<div class="field${error ? ' field-error' : ''}">
    <label for="${input.name}">${input.label}</label>
    ${input.hint ? html`<span class="hint" id="${input.name}-hint">${input.hint}</span>` : ''}
    ${error ? html`<span class="error-message" id="${input.name}-error">${error}</span>` : ''}
    <input
      type="${input.type}"
      id="${input.name}"
      name="${input.name}"
      autocomplete="${input.autocomplete}"
      ${input.type === 'email' ? html`spellcheck="false" autocapitalize="off"` : ''}
      ${input.type !== 'password' ? html`value="${input.value ?? ''}"` : ''}
      ${described ? html`aria-describedby="${described}"` : ''}
      ${error ? html`aria-invalid="true"` : ''}
      required
    />
  </div>`;
}

/**
 * Form fields for pages with several kinds of inputs (experiences, complaints): each labelled, with its hint and
 * error tied to it (aria-describedby), what was typed kept. `id` defaults to the name; the error
 * summary links to it.
 */
interface FieldBase {
  name: string;
  label: string;
  id?: string;
  hint?: string;
  optional?: boolean;
  errors: readonly FieldError[];
}

function described(id: string, hint: string | undefined, error: string): SafeHtml | '' {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return ids ? html`aria-describedby="${ids}"` : '';
}

function head(f: FieldBase, id: string, error: string): SafeHtml {
  return html`<label for="${id}">${f.label}${f.optional ? html` <span class="optional">(facultatif)</span>` : ''}</label>
    ${f.hint ? html`<span class="hint" id="${id}-hint">${f.hint}</span>` : ''}
    ${error ? html`<span class="error-message" id="${id}-error">${error}</span>` : ''}`;
}

export function textField(
  f: FieldBase & { value: string; type?: 'text' | 'email' | 'tel' | 'date'; autocomplete?: string; maxlength?: number },
): SafeHtml {
  const id = f.id ?? f.name;
  const error = errorOf(f.errors, f.name);
  return html`<div class="field${error ? ' field-error' : ''}">
    ${head(f, id, error)}
    <input
      type="${f.type ?? 'text'}"
      id="${id}"
      name="${f.name}"
      value="${f.value}"
      autocomplete="${f.autocomplete ?? 'off'}"
      ${f.maxlength ? html`maxlength="${f.maxlength}"` : ''}
      ${f.type === 'email' ? html`spellcheck="false" autocapitalize="off"` : ''}
      ${described(id, f.hint, error)}
      ${error ? html`aria-invalid="true"` : ''}
      ${f.optional ? '' : html`required`}
    />
  </div>`;
}

export function textareaField(f: FieldBase & { value: string; rows?: number }): SafeHtml {
  const id = f.id ?? f.name;
  const error = errorOf(f.errors, f.name);
  return html`<div class="field${error ? ' field-error' : ''}">
    ${head(f, id, error)}
    <textarea
      id="${id}"
      name="${f.name}"
      rows="${f.rows ?? 6}"
      ${described(id, f.hint, error)}
      ${error ? html`aria-invalid="true"` : ''}
      ${f.optional ? '' : html`required`}
    >
${f.value}</textarea
    >
  </div>`;
}

export function selectField(
  f: FieldBase & { value: string; options: readonly { value: string; label: string }[]; empty?: string },
): SafeHtml {
  const id = f.id ?? f.name;
  const error = errorOf(f.errors, f.name);
  return html`<div class="field${error ? ' field-error' : ''}">
    ${head(f, id, error)}
    <select id="${id}" name="${f.name}" ${described(id, f.hint, error)} ${error ? html`aria-invalid="true"` : ''}>
      ${f.empty !== undefined ? html`<option value="">${f.empty}</option>` : ''}
      ${f.options.map(
        (o) => html`<option value="${o.value}" ${o.value === f.value ? html`selected` : ''}>${o.label}</option>`,
      )}
    </select>
  </div>`;
}

/** Radio buttons in a fieldset whose legend is the question; the summary links to the first one. */
export function radioGroup(
  f: Omit<FieldBase, 'optional'> & { value: string; options: readonly { value: string; label: string }[] },
): SafeHtml {
  const id = f.id ?? f.name;
  const error = errorOf(f.errors, f.name);
  return html`<fieldset class="field${error ? ' field-error' : ''}" ${described(id, f.hint, error)}>
    <legend>${f.label}</legend>
    ${f.hint ? html`<span class="hint" id="${id}-hint">${f.hint}</span>` : ''}
    ${error ? html`<span class="error-message" id="${id}-error">${error}</span>` : ''}
    ${f.options.map(
      (o, i) =>
        html`<div class="choice">
          <input
            type="radio"
            id="${i === 0 ? id : `${id}-${o.value}`}"
            name="${f.name}"
            value="${o.value}"
            ${o.value === f.value ? html`checked` : ''}
          />
          <label for="${i === 0 ? id : `${id}-${o.value}`}">${o.label}</label>
        </div>`,
    )}
  </fieldset>`;
}
