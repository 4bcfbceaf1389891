import { csrfInput, errorSummary as summary, type FieldError } from '../../common/web/forms.js';
import { html, type SafeHtml } from '../../common/web/html.js';
import type { StaffRole } from '../../common/actor.js';
import type { ConsoleTexts, Locale } from './console-texts.js';

export interface ConsoleContext {
  locale: Locale;
  t: ConsoleTexts;
  orgName: string;
  csrfToken: string;
  path: string;
  role: StaffRole | null;
}

export const csrf = (ctx: ConsoleContext) => csrfInput(ctx.csrfToken);
export const errors = (ctx: ConsoleContext, list: FieldError[]) => summary(ctx.t.errorSummary, list);

function nav(ctx: ConsoleContext): SafeHtml | '' {
  if (!ctx.role) return '';
  const { t } = ctx;
  const items = [
    { href: '/console', label: t.navNetworks, show: ctx.role !== 'auditor' },
    { href: '/console/anmodninger', label: t.navRequests, show: ctx.role !== 'auditor' },
    { href: '/console/medarbejdere', label: t.navStaff, show: ctx.role === 'admin' },
    { href: '/console/revision', label: t.navAudit, show: ctx.role !== 'coordinator' },
  ].filter((i) => i.show);
  return html`<nav aria-label="${t.nav}"><ul>${items.map(
    (i) => html`<li><a href="${i.href}"${ctx.path === i.href ? html` aria-current="page"` : ''}>${i.label}</a></li>`,
  )}</ul></nav>`;
}

/** The staff console's page frame: the portal's look, a staff menu, the language switch. */
export function consoleLayout(ctx: ConsoleContext, title: string, body: SafeHtml, options: { flash?: string; refreshSeconds?: number } = {}): string {
  const { t } = ctx;
  return html`<!doctype html>
<html lang="${ctx.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${options.refreshSeconds ? html`<meta http-equiv="refresh" content="${options.refreshSeconds}">` : ''}
<title>${title} · ${t.consoleName} · ${ctx.orgName}</title>
<link rel="stylesheet" href="/assets/site.css">
</head>
<body>
<a class="skip" href="#main">${t.skip}</a>
<header class="site">
<div class="bar"><p class="org">${ctx.orgName} · ${t.consoleName}</p>
<a class="lang" href="${ctx.path}?lang=${t.otherLanguageCode}" lang="${t.otherLanguageCode}" hreflang="${t.otherLanguageCode}">${t.otherLanguage}</a>
${ctx.role ? html`<form method="post" action="/console/logout" class="logout">${csrf(ctx)}<button type="submit" class="link-button">${t.logout}</button></form>` : ''}</div>
${nav(ctx)}
</header>
<main id="main" tabindex="-1">
<h1>${title}</h1>
${options.flash ? html`<p class="flash" role="status">${options.flash}</p>` : ''}
${body}
</main>
<footer class="site"><p>${ctx.orgName}</p></footer>
</body>
</html>`.value;
}

export function consoleMessage(ctx: ConsoleContext, title: string, text: string): string {
  return consoleLayout(ctx, title, html`<p>${text}</p>`);
}

/** A table with a caption-less header row; rows are already-escaped cells. */
export function table(headers: string[], rows: (string | number | SafeHtml)[][]): SafeHtml {
  return html`<div class="table-wrap"><table>
<thead><tr>${headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${rows.map((r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`)}</tbody>
</table></div>`;
}

export function formatDateTime(iso: string | Date | null, locale: Locale, timeZone: string): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(locale === 'da' ? 'da-DK' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
}
