import { html } from '../../common/web/html.js';
import { csrfField, errorSummary, field, layout, type FieldError, type PageContext } from './layout.js';

/** Where activation ends: one step to take, so a new member does not wait for a list that never comes. */
export function welcomePage(ctx: PageContext): string {
  const { t } = ctx;
  return layout(
    ctx,
    t.welcomeTitle,
    html`<p class="lead">${t.welcomeGuide}</p>
<p>${t.welcomeMore}</p>
<p><a class="button" href="/portal/samtykke">${t.welcomeButton}</a></p>`,
    { flash: t.activated },
  );
}

/** The member's own contact details as the correction form shows them (e-mail is read-only: it is the login). */
export interface ContactValues {
  email: string;
  name: string;
  phone: string;
  address: string;
  postal_code: string;
  city: string;
  about_me: string;
}

export function contactPage(ctx: PageContext, values: ContactValues, o: { errors?: FieldError[]; flash?: string } = {}): string {
  const { t } = ctx;
  const errors = o.errors ?? [];
  const aboutError = errors.find((e) => e.field === 'about_me');
  return layout(
    ctx,
    t.contactTitle,
    html`${errorSummary(ctx, errors)}
<p>${t.contactIntro}</p>
<dl class="facts"><dt>${t.contactEmail}</dt><dd class="wrap">${values.email}</dd></dl>
<p class="hint">${t.contactEmailNote}</p>
<form method="post" action="/portal/kontaktoplysninger" novalidate>
${csrfField(ctx)}
${field({ name: 'name', label: t.fields.name, value: values.name, autocomplete: 'name', errors, required: true })}
${field({ name: 'phone', label: t.fields.phone, type: 'text', value: values.phone, hint: t.phoneHint, autocomplete: 'tel', errors })}
${field({ name: 'address', label: t.fields.address, value: values.address, autocomplete: 'street-address', errors })}
${field({ name: 'postal_code', label: t.fields.postal_code, value: values.postal_code, autocomplete: 'postal-code', errors })}
${field({ name: 'city', label: t.fields.city, value: values.city, autocomplete: 'address-level2', errors })}
<div class="field${aboutError ? ' has-error' : ''}">
<label for="about_me">${t.fields.about_me}</label>
${aboutError ? html`<p class="error" id="about_me-error">${aboutError.message}</p>` : ''}
<textarea id="about_me" name="about_me" rows="5"${
  aboutError ? html` aria-describedby="about_me-error" aria-invalid="true"` : ''
}>${values.about_me}</textarea>
</div>
<button type="submit">${t.contactSave}</button>
</form>
<p><a href="/portal/samtykke">${t.goToConsent}</a></p>`,
    { flash: o.flash },
  );
}

/** The second step of an erasure request: what will happen, then one confirming form (no script). */
export function erasureConfirmPage(ctx: PageContext): string {
  const { t } = ctx;
  return layout(
    ctx,
    t.erasureConfirmTitle,
    html`<p>${t.erasureConfirmIntro}</p>
<ul>${t.erasureConsequences.map((c) => html`<li>${c}</li>`)}</ul>
<p>${t.erasureExportFirst}</p>
<form method="post" action="/portal/mine-data/sletning">${csrfField(ctx)}<button type="submit">${t.erasureConfirmButton}</button></form>
<p><a href="/portal/mine-data">${t.erasureCancel}</a></p>`,
  );
}
