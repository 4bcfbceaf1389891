import { html, type SafeHtml } from './html.js';

export interface FieldError {
  field: string;
  message: string;
}

/** Errors listed at the top, each linking to its field (GOV.UK pattern, read out at once). */
export function errorSummary(title: string, errors: FieldError[]): SafeHtml | '' {
  if (errors.length === 0) return '';
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
<h2 id="error-summary-title">${title}</h2>
<ul>${errors.map((e) => html`<li><a href="#${e.field}">${e.message}</a></li>`)}</ul></div>`;
}

export interface FieldOptions {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password' | 'search' | 'file';
  value?: string;
  hint?: string;
  autocomplete?: string;
  errors?: FieldError[];
  required?: boolean;
  accept?: string;
}

/** A labelled input with its hint and error tied to it for screen readers. */
export function field(o: FieldOptions): SafeHtml {
  const error = o.errors?.find((e) => e.field === o.name);
  const described = [o.hint ? `${o.name}-hint` : '', error ? `${o.name}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field${error ? ' has-error' : ''}">
<label for="${o.name}">${o.label}</label>
${o.hint ? html`<p class="hint" id="${o.name}-hint">${o.hint}</p>` : ''}
${error ? html`<p class="error" id="${o.name}-error">${error.message}</p>` : ''}
<input id="${o.name}" name="${o.name}" type="${o.type ?? 'text'}"${o.value ? html` value="${o.value}"` : ''}${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${o.accept ? html` accept="${o.accept}"` : ''}${o.required ? html` required` : ''}${described ? html` aria-describedby="${described}"` : ''}${error ? html` aria-invalid="true"` : ''}>
</div>`;
}

export const csrfInput = (token: string) => html`<input type="hidden" name="_csrf" value="${token}">`;
