import { csrfInput, errorSummary as summary, type FieldError } from '../../common/web/forms.js';
import { html, type SafeHtml } from '../../common/web/html.js';
import { pageShell } from '../../common/web/page-shell.js';
import type { StaffRole } from '../../common/actor.js';
import type { ConsoleTexts, Locale } from './console-texts.js';

export interface ConsoleContext {
  locale: Locale;
  t: ConsoleTexts;
  orgName: string;
  /** The organisation's logo, when ORG_LOGO_PATH is set. */
  logoUrl?: string;
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
    { href: '/console/sletning', label: t.navErasure, show: ctx.role !== 'auditor' },
    { href: '/console/medarbejdere', label: t.navStaff, show: ctx.role === 'admin' },
    { href: '/console/revision', label: t.navAudit, show: ctx.role !== 'coordinator' },
    { href: '/console/noegler', label: t.navTokens, show: ctx.role !== null },
  ].filter((i) => i.show);
  return html`<nav aria-label="${t.nav}"><ul>${items.map(
    (i) => html`<li><a href="${i.href}"${ctx.path === i.href ? html` aria-current="page"` : ''}>${i.label}</a></li>`,
  )}</ul></nav>`;
}

/** The staff console's page frame: the portal's look, a staff menu, the language switch. */
export function consoleLayout(ctx: ConsoleContext, title: string, body: SafeHtml, options: { flash?: string; refreshSeconds?: number } = {}): string {
  const { t } = ctx;
  return pageShell({
    locale: ctx.locale,
    documentTitle: `${title} · ${t.consoleName} · ${ctx.orgName}`,
    skipLabel: t.skip,
    siteLine: `${ctx.orgName} · ${t.consoleName}`,
    logoUrl: ctx.logoUrl,
    otherLanguage: { href: `${ctx.path}?lang=${t.otherLanguageCode}`, code: t.otherLanguageCode, label: t.otherLanguage },
    headerEnd: ctx.role ? html`<form method="post" action="/console/logout" class="logout">${csrf(ctx)}<button type="submit" class="link-button">${t.logout}</button></form>` : '',
    nav: nav(ctx),
    heading: title,
    flash: options.flash,
    body,
    footer: ctx.orgName,
    refreshSeconds: options.refreshSeconds,
  });
}

export function consoleMessage(ctx: ConsoleContext, title: string, text: string): string {
  return consoleLayout(ctx, title, html`<p>${text}</p>`);
}

/**
 * A table with a header row; rows are already-escaped cells. The wrapper scrolls sideways on narrow
 * screens, so it is a named, focusable region that a keyboard can scroll.
 */
export function table(headers: string[], rows: (string | number | SafeHtml)[][]): SafeHtml {
  return html`<div class="table-wrap" role="region" tabindex="0" aria-label="${headers.filter(Boolean).join(', ')}"><table>
<thead><tr>${headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${rows.map((r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`)}</tbody>
</table></div>`;
}

export function formatDateTime(iso: string | Date | null, locale: Locale, timeZone: string): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(locale === 'da' ? 'da-DK' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
}
