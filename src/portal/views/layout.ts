import { html, type SafeHtml } from '../../common/web/html.js';
import type { Locale, PortalTexts } from './portal-texts.js';

export interface PageContext {
  locale: Locale;
  t: PortalTexts;
  orgName: string;
  csrfToken: string;
  /** The path of this page, for the language switch. */
  path: string;
  loggedIn: boolean;
}

export interface FieldError {
  field: string;
  message: string;
}

const NAV: { href: string; key: 'navMessages' | 'navConsent' | 'navRecipients' | 'navData' | 'navPassword' | 'navTotp' }[] = [
  { href: '/portal', key: 'navMessages' },
  { href: '/portal/samtykke', key: 'navConsent' },
  { href: '/portal/modtagere', key: 'navRecipients' },
  { href: '/portal/mine-data', key: 'navData' },
  { href: '/portal/adgangskode', key: 'navPassword' },
  { href: '/portal/to-trin', key: 'navTotp' },
];

export const csrfField = (ctx: PageContext) => html`<input type="hidden" name="_csrf" value="${ctx.csrfToken}">`;

/** The whole page: landmarks, skip link, language switch, and the member menu when logged in. */
export function layout(ctx: PageContext, title: string, body: SafeHtml, options: { flash?: string } = {}): string {
  const { t } = ctx;
  const nav = ctx.loggedIn
    ? html`<nav aria-label="${t.nav}"><ul>${NAV.map(
        (item) => html`<li><a href="${item.href}"${ctx.path === item.href ? html` aria-current="page"` : ''}>${t[item.key]}</a></li>`,
      )}</ul></nav>`
    : '';
  const logout = ctx.loggedIn ? html`<form method="post" action="/portal/logout" class="logout">${csrfField(ctx)}<button type="submit" class="link-button">${t.logout}</button></form>` : '';
  return html`<!doctype html>
<html lang="${ctx.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${ctx.orgName}</title>
<link rel="stylesheet" href="/assets/site.css">
</head>
<body>
<a class="skip" href="#main">${t.skip}</a>
<header class="site">
<div class="bar"><p class="org">${ctx.orgName} · ${t.portalName}</p>
<a class="lang" href="${ctx.path}?lang=${t.otherLanguageCode}" lang="${t.otherLanguageCode}" hreflang="${t.otherLanguageCode}">${t.otherLanguage}</a>${logout}</div>
${nav}
</header>
<main id="main" tabindex="-1">
<h1>${title}</h1>
${options.flash ? html`<p class="flash" role="status">${options.flash}</p>` : ''}
${body}
</main>
<footer class="site"><p>${t.footer}</p></footer>
</body>
</html>`.value;
}

/** Errors listed at the top, each linking to its field (GOV.UK pattern, read out at once). */
export function errorSummary(ctx: PageContext, errors: FieldError[]): SafeHtml | '' {
  if (errors.length === 0) return '';
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
<h2 id="error-summary-title">${ctx.t.errorSummary}</h2>
<ul>${errors.map((e) => html`<li><a href="#${e.field}">${e.message}</a></li>`)}</ul></div>`;
}

export interface FieldOptions {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password';
  value?: string;
  hint?: string;
  autocomplete?: string;
  errors?: FieldError[];
  required?: boolean;
}

/** A labelled input with its hint and error tied to it for screen readers. */
export function field(o: FieldOptions): SafeHtml {
  const error = o.errors?.find((e) => e.field === o.name);
  const described = [o.hint ? `${o.name}-hint` : '', error ? `${o.name}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field${error ? ' has-error' : ''}">
<label for="${o.name}">${o.label}</label>
${o.hint ? html`<p class="hint" id="${o.name}-hint">${o.hint}</p>` : ''}
${error ? html`<p class="error" id="${o.name}-error">${error.message}</p>` : ''}
<input id="${o.name}" name="${o.name}" type="${o.type ?? 'text'}"${o.value ? html` value="${o.value}"` : ''}${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${o.required ? html` required` : ''}${described ? html` aria-describedby="${described}"` : ''}${error ? html` aria-invalid="true"` : ''}>
</div>`;
}
