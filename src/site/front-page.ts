import { html } from '../common/web/html.js';
import type { Locale } from '../common/web/locale.js';
import { pageShell } from '../common/web/page-shell.js';

const TEXTS = {
  da: {
    skip: 'Spring til indholdet',
    intro: 'Her henter du kontaktlister og skriver fortroligt med os. Vælg din vej ind:',
    ways: 'Veje ind',
    portal: 'Portalen',
    portalFor: 'For medlemmer og andre, der skriver til os',
    console: 'Konsollen',
    consoleFor: 'For medarbejdere',
    otherLanguage: 'English',
    otherLanguageCode: 'en',
    footer: 'Fortroligt. Kontaktlisterne må kun bruges af netværkets medlemmer.',
  },
  en: {
    skip: 'Skip to content',
    intro: 'Here you fetch contact lists and write to us in confidence. Choose your way in:',
    ways: 'Ways in',
    portal: 'The portal',
    portalFor: 'For members and others who write to us',
    console: 'The console',
    consoleFor: 'For staff',
    otherLanguage: 'Dansk',
    otherLanguageCode: 'da',
    footer: 'Confidential. The contact lists may only be used by the members of the network.',
  },
} as const;

/** The server's front page (/): the organisation's name and the two ways in. No script, no form. */
export function frontPage(locale: Locale, orgName: string, logoUrl: string | undefined): string {
  const t = TEXTS[locale];
  const way = (href: string, name: string, who: string) => html`<li><h2><a href="${href}">${name}</a></h2><p>${who}</p></li>`;
  return pageShell({
    locale,
    documentTitle: orgName,
    skipLabel: t.skip,
    siteLine: orgName,
    logoUrl,
    otherLanguage: { href: `/?lang=${t.otherLanguageCode}`, code: t.otherLanguageCode, label: t.otherLanguage },
    heading: orgName,
    body: html`<p>${t.intro}</p>
<nav aria-label="${t.ways}"><ul class="ways">
${way('/portal', t.portal, t.portalFor)}
${way('/console', t.console, t.consoleFor)}
</ul></nav>`,
    footer: t.footer,
  });
}
