import { html, type SafeHtml } from './html.js';

export interface PageShell {
  locale: string;
  /** The document title (the tab's text). */
  documentTitle: string;
  skipLabel: string;
  /** Organisation and part, top left. */
  siteLine: string;
  /** The organisation's logo (ORG_LOGO_PATH), before the site line and as the tab's icon. */
  logoUrl?: string;
  /** The link to the page in the other language. */
  otherLanguage: { href: string; code: string; label: string };
  /** After the language link: e.g. the log-out form. */
  headerEnd?: SafeHtml | '';
  nav?: SafeHtml | '';
  heading: string;
  flash?: string;
  body: SafeHtml;
  footer: string;
  /** Reload every n seconds (a progress page that needs no script). */
  refreshSeconds?: number;
}

/**
 * The frame every page of the portal and the console shares: landmarks, a skip link, the language
 * switch, one h1, a status line for what just happened. Styles come from /assets/site.css only.
 */
export function pageShell(p: PageShell): string {
  return html`<!doctype html>
<html lang="${p.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${p.refreshSeconds ? html`<meta http-equiv="refresh" content="${p.refreshSeconds}">` : ''}
<title>${p.documentTitle}</title>
<link rel="stylesheet" href="/assets/site.css">
<link rel="icon" href="${p.logoUrl ?? '/favicon.ico'}">
</head>
<body>
<a class="skip" href="#main">${p.skipLabel}</a>
<header class="site">
<div class="bar"><p class="org">${p.logoUrl ? html`<img class="logo" src="${p.logoUrl}" alt="">` : ''}${p.siteLine}</p>
<a class="lang" href="${p.otherLanguage.href}" lang="${p.otherLanguage.code}" hreflang="${p.otherLanguage.code}">${p.otherLanguage.label}</a>${p.headerEnd ?? ''}</div>
${p.nav ?? ''}
</header>
<main id="main" tabindex="-1">
<h1>${p.heading}</h1>
${p.flash ? html`<p class="flash" role="status">${p.flash}</p>` : ''}
${p.body}
</main>
<footer class="site"><p>${p.footer}</p></footer>
</body>
</html>`.value;
}
