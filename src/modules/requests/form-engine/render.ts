import type { FormDefinition, FormField } from '../../catalogue/form-definition.ts';
import { attr, html, type SafeHtml } from '../../../platform/html.ts';
import { formatDateFr, formatNumberFr } from '../../../platform/format.ts';
import { csrfField, errorSummary, type PageContext } from '../../../platform/web/layout.ts';
import { communeChoiceControl, stateDataControl, type StateDataFormState } from '../../state-data/views.ts';
import { allFields, allSections, anchorOf, first, type FieldError, type RawAnswers } from './validate.ts';

const FILE_LABELS: Record<string, string> = { 'application/pdf': 'PDF', 'image/jpeg': 'JPEG', 'image/png': 'PNG' };

export interface FormState {
  values: RawAnswers;
  errors: FieldError[];
  /** File fields whose files must be given again after an error. */
  filesToReattach: string[];
  /**
   * Answers that come from a verified identity (FranceConnect), by field name: shown, not
   * editable, and never read back from the form (submitRequest takes them from the session).
   */
  locked?: { values: Record<string, string>; source: string };
  /** The State's data (API Particulier) offered under their consent boxes; absent: no button. */
  stateData?: StateDataFormState;
}

/** The online form of a démarche: sections as fieldsets, the error summary on top. */
export function renderForm(
  ctx: PageContext,
  options: {
    action: string;
    definition: FormDefinition;
    state: FormState;
    maxUploadMb: number;
    /** Fields of the page's own, before the démarche's (an agent filing for a citizen). */
    before?: SafeHtml;
    submitLabel?: string;
  },
): SafeHtml {
  const { definition, state } = options;
  const hasFile = allFields(definition).some((f) => f.type === 'file');
  const errorsByField = new Map<string, FieldError[]>();
  for (const e of state.errors) errorsByField.set(e.field, [...(errorsByField.get(e.field) ?? []), e]);
  const fieldsByName = new Map(allFields(definition).map((f) => [f.name, f]));

  return html`${errorSummary(state.errors.map((e) => ({ field: e.anchor, message: e.message })))}
    ${
      state.filesToReattach.length > 0
        ? html`<div class="notice" role="status">
            <p>
              Par sécurité, les fichiers ne sont pas gardés quand le formulaire revient avec une erreur. Ajoutez-les à
              nouveau :
              ${state.filesToReattach.map((n, i) => html`${i > 0 ? ', ' : ''}« ${fieldsByName.get(n)?.label ?? n} »`)}.
            </p>
          </div>`
        : ''
    }
    <form
      method="post"
      action="${options.action}"
      ${hasFile ? html`enctype="multipart/form-data"` : ''}
      novalidate
      class="demarche-form"
    >
      ${csrfField(ctx)}
      <p>Les champs sont obligatoires, sauf ceux marqués « facultatif ».</p>
      ${options.before ?? ''}
      ${allSections(definition).map(
        (section) =>
          html`<fieldset class="form-section">
            <legend><h2>${section.title}</h2></legend>
            ${section.description ? html`<p class="hint">${section.description}</p>` : ''}
            ${section.fields.map((f) => renderField(f, state, errorsByField.get(f.name) ?? [], fieldsByName, options.maxUploadMb))}
          </fieldset>`,
      )}
      <button type="submit" class="button">${options.submitLabel ?? 'Envoyer ma demande'}</button>
    </form>
    <script src="/static/form.js" defer></script>`;
}

function optionalMark(field: FormField): SafeHtml {
  return field.required ? html`` : html` <span class="optional">(facultatif)</span>`;
}

function describedBy(field: FormField, errors: FieldError[]): string {
  const ids = [
    field.help || field.showIf ? `${field.name}-hint` : '',
    errors.length ? `${field.name}-error` : '',
  ].filter(Boolean);
  return ids.join(' ');
}

function hint(field: FormField, fieldsByName: Map<string, FormField>, maxUploadMb: number): SafeHtml {
  const parts: string[] = [];
  if (field.showIf) {
    const source = fieldsByName.get(field.showIf.field);
    const values = Array.isArray(field.showIf.equals) ? field.showIf.equals : [field.showIf.equals];
    const labels = values.map((v) => source?.options?.find((o) => o.value === v)?.label ?? (v === 'oui' ? 'coché' : v));
    parts.push(
      `À remplir seulement si vous avez répondu « ${labels.join(' » ou « ')} » à « ${source?.label ?? field.showIf.field} ».`,
    );
  }
  if (field.help) parts.push(field.help);
  if (field.type === 'file') {
    const types = (field.accept ?? ['application/pdf', 'image/jpeg', 'image/png']).map((t) => FILE_LABELS[t] ?? t);
    parts.push(
      `Formats acceptés : ${types.join(', ')}. Taille maximale : ${formatNumberFr(maxUploadMb)} Mo par fichier.`,
    );
  }
  if (field.type === 'date') parts.push('Par exemple : 15/03/2026.');
  if (parts.length === 0) return html``;
  return html`<span class="hint" id="${field.name}-hint">${parts.join(' ')}</span>`;
}

function errorText(field: FormField, errors: FieldError[]): SafeHtml {
  if (errors.length === 0) return html``;
  return html`<span class="error-message" id="${field.name}-error"
    ><span class="visually-hidden">Erreur : </span>${errors.map((e) => e.message).join(' ')}</span
  >`;
}

function renderField(
  field: FormField,
  state: FormState,
  errors: FieldError[],
  fieldsByName: Map<string, FormField>,
  maxUploadMb: number,
): SafeHtml {
  const v = state.values;
  const invalid = errors.length > 0;
  const cls = `field${invalid ? ' field-error' : ''}`;
  const cond = field.showIf
    ? html` data-show-if="${field.showIf.field}"
      data-show-values="${(Array.isArray(field.showIf.equals) ? field.showIf.equals : [field.showIf.equals]).join('|')}"`
    : html``;
  const aria = html`${describedBy(field, errors) ? html` aria-describedby="${describedBy(field, errors)}"` : ''}${invalid ? html` aria-invalid="true"` : ''}`;
  const autocomplete = field.autocomplete ? html` autocomplete="${field.autocomplete}"` : html``;
  const required = field.required ? html` required` : html``;
  const h = hint(field, fieldsByName, maxUploadMb);
  const lockedValue = state.locked?.values[field.name];
  if (lockedValue !== undefined) {
    const shown =
      field.type === 'date'
        ? formatDateFr(lockedValue)
        : (field.options?.find((o) => o.value === lockedValue)?.label ?? lockedValue);
    return html`<div class="field field-locked">
  <p class="label" id="${field.name}">${field.label}</p>
  <p class="locked-value">${shown} <span class="badge-verified">Vérifié par ${state.locked!.source}</span></p>
</div>`;
  }

  switch (field.type) {
    case 'text':
    case 'email':
    case 'phone':
    case 'date':
    case 'number': {
      const type = { text: 'text', email: 'email', phone: 'tel', date: 'date', number: 'text' }[field.type];
      const extra =
        field.type === 'number'
          ? html` inputmode="decimal"`
          : field.type === 'email'
            ? html` spellcheck="false"`
            : field.validation?.maxLength
              ? html` maxlength="${field.validation.maxLength}"`
              : html``;
      return html`<div class="${cls}" ${cond}>
        <label for="${field.name}">${field.label}${optionalMark(field)}</label>
        ${h}${errorText(field, errors)}
        <input
          type="${type}"
          id="${field.name}"
          name="${field.name}"
          value="${first(v, field.name)}"
          ${aria}${autocomplete}${required}${extra}
        />
      </div>${state.stateData ? communeChoiceControl(field, state.stateData) : ''}`;
    }
    case 'textarea':
      return html`<div class="${cls}" ${cond}>
        <label for="${field.name}">${field.label}${optionalMark(field)}</label>
        ${h}${errorText(field, errors)}
        <textarea id="${field.name}" name="${field.name}" rows="6" ${aria}${required}>${first(v, field.name)}</textarea>
      </div>`;
    case 'choice': {
      const current = first(v, field.name);
      if (field.display === 'select') {
        return html`<div class="${cls}" ${cond}>
          <label for="${field.name}">${field.label}${optionalMark(field)}</label>
          ${h}${errorText(field, errors)}
          <select id="${field.name}" name="${field.name}" ${aria}${required}>
            <option value="">Choisissez</option>
            ${(field.options ?? []).map((o) => html`<option value="${o.value}" ${attr('selected', current === o.value)}>${o.label}</option>`)}
          </select>
        </div>`;
      }
      return choiceGroup(field, cls, cond, h, errors, 'radio', (value) => current === value);
    }
    case 'multichoice': {
      const raw = v[field.name];
      const selected = new Set(Array.isArray(raw) ? raw : raw ? [raw] : []);
      return choiceGroup(field, cls, cond, h, errors, 'checkbox', (value) => selected.has(value));
    }
    case 'checkbox':
      return html`<div class="${cls}" ${cond}>
        ${h}${errorText(field, errors)}
        <div class="choice">
          <input
            type="checkbox"
            id="${field.name}"
            name="${field.name}"
            value="oui"
            ${attr('checked', first(v, field.name) !== '')}${aria}${required}
          />
          <label for="${field.name}">${field.label}${optionalMark(field)}</label>
        </div>
      </div>${field.stateData && state.stateData ? stateDataControl(field, state.stateData, cond) : ''}`;
    case 'address':
      return html`<fieldset
        class="${cls}"
        ${cond}${field.help || field.showIf ? html` aria-describedby="${field.name}-hint"` : ''}
      >
        <legend>${field.label}${optionalMark(field)}</legend>
        ${h}${errorText(field, errors)}
        <label for="${field.name}__street">Numéro et rue</label>
        <input
          type="text"
          id="${field.name}__street"
          name="${field.name}__street"
          value="${first(v, `${field.name}__street`)}"
          autocomplete="street-address"
          ${invalid ? html` aria-invalid="true"` : ''}
        />
        <label for="${field.name}__postal_code">Code postal</label>
        <input
          type="text"
          id="${field.name}__postal_code"
          name="${field.name}__postal_code"
          value="${first(v, `${field.name}__postal_code`)}"
          inputmode="numeric"
          autocomplete="postal-code"
          class="input-short"
        />
        <label for="${field.name}__city">Commune</label>
        <input
          type="text"
          id="${field.name}__city"
          name="${field.name}__city"
          value="${first(v, `${field.name}__city`)}"
          autocomplete="address-level2"
        />
      </fieldset>`;
    case 'file': {
      const accept = (field.accept ?? ['application/pdf', 'image/jpeg', 'image/png']).join(',');
      return html`<div class="${cls}" ${cond}>
        <label for="${field.name}">${field.label}${optionalMark(field)}</label>
        ${h}${errorText(field, errors)}
        <input
          type="file"
          id="${field.name}"
          name="${field.name}"
          accept="${accept}"
          ${attr('multiple', field.multiple === true)}${aria}${required}
        />
      </div>`;
    }
  }
}

function choiceGroup(
  field: FormField,
  cls: string,
  cond: SafeHtml,
  h: SafeHtml,
  errors: FieldError[],
  type: 'radio' | 'checkbox',
  isChecked: (value: string) => boolean,
): SafeHtml {
  return html`<fieldset
    class="${cls}"
    ${cond}${describedBy(field, errors) ? html` aria-describedby="${describedBy(field, errors)}"` : ''}
  >
    <legend>${field.label}${optionalMark(field)}</legend>
    ${h}${errorText(field, errors)}
    ${(field.options ?? []).map(
      (o, i) =>
        html`<div class="choice">
          <input
            type="${type}"
            id="${field.name}-${i}"
            name="${field.name}"
            value="${o.value}"
            ${attr('checked', isChecked(o.value))}
          />
          <label for="${field.name}-${i}">${o.label}</label>
        </div>`,
    )}
  </fieldset>`;
}

/** The id the error summary links to for a field (exported for tests). */
export { anchorOf };
