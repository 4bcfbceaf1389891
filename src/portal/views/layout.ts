import { csrfInput, errorSummary as summary, type FieldError } from '../../common/web/forms.js';
import { html, type SafeHtml } from '../../common/web/html.js';
import { pageShell } from '../../common/web/page-shell.js';

export { field, type FieldError } from '../../common/web/forms.js';
import type { Locale, PortalTexts } from './portal-texts.js';

export interface PageContext {
  locale: Locale;
  t: PortalTexts;
  orgName: string;
  /** The organisation's logo, when ORG_LOGO_PATH is set. */
  logoUrl?: string;
  csrfToken: string;
  /** The path of this page, for the language switch. */
  path: string;
  loggedIn: boolean;
}

const NAV: { href: string; key: 'navMessages' | 'navConsent' | 'navRecipients' | 'navData' | 'navPassword' | 'navTotp' }[] = [
  { href: '/portal', key: 'navMessages' },
  { href: '/portal/samtykke', key: 'navConsent' },
  { href: '/portal/modtagere', key: 'navRecipients' },
  { href: '/portal/mine-data', key: 'navData' },
  { href: '/portal/adgangskode', key: 'navPassword' },
  { href: '/portal/to-trin', key: 'navTotp' },
];

export const csrfField = (ctx: PageContext) => csrfInput(ctx.csrfToken);

/** The whole page: landmarks, skip link, language switch, and the member menu when logged in. */
export function layout(ctx: PageContext, title: string, body: SafeHtml, options: { flash?: string } = {}): string {
  const { t } = ctx;
  const nav = ctx.loggedIn
    ? html`<nav aria-label="${t.nav}"><ul>${NAV.map(
        (item) => html`<li><a href="${item.href}"${ctx.path === item.href ? html` aria-current="page"` : ''}>${t[item.key]}</a></li>`,
      )}</ul></nav>`
    : '';
  const logout = ctx.loggedIn ? html`<form method="post" action="/portal/logout" class="logout">${csrfField(ctx)}<button type="submit" class="link-button">${t.logout}</button></form>` : '';
  return pageShell({
    locale: ctx.locale,
    documentTitle: `${title} · ${ctx.orgName}`,
    skipLabel: t.skip,
    siteLine: `${ctx.orgName} · ${t.portalName}`,
    logoUrl: ctx.logoUrl,
    otherLanguage: { href: `${ctx.path}?lang=${t.otherLanguageCode}`, code: t.otherLanguageCode, label: t.otherLanguage },
    headerEnd: logout,
    nav,
    heading: title,
    flash: options.flash,
    body,
    footer: t.footer,
  });
}

/** The page's error summary, titled in the page's language. */
export const errorSummary = (ctx: PageContext, errors: FieldError[]) => summary(ctx.t.errorSummary, errors);
