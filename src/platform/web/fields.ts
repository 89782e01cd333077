import { html, type SafeHtml } from '../html.ts';
import type { FieldError } from './form.ts';

/** The errors of a form (the one FieldError type of platform/web/form.ts). */
export type FieldErrors = readonly FieldError[];

function errorOf(errors: FieldErrors, field: string): string {
  return errors
    .filter((e) => e.field === field)
    .map((e) => e.message)
    .join(' ');
}

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
