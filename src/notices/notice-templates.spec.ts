import { describe, expect, it } from '@jest/globals';
import { ACTIVATION_LINK_VALID_HOURS, LOGO_CID, NOTICE_KINDS, NOTICE_LOCALES, renderNotice, type NoticeKind } from './notice-templates.js';

const ORG = 'Foreningen for Sjældne Diagnoser';
const PORTAL = 'https://liste.example.dk/portal';
const LINK = 'https://liste.example.dk/portal/activate?token=act_SECRETtoken123';

const withLink = (kind: NoticeKind) => kind === 'activation' || kind === 'password_reset';
const context = (kind: NoticeKind) => ({ orgName: ORG, portalUrl: PORTAL, ...(withLink(kind) ? { link: LINK } : {}) });

describe('renderNotice', () => {
  describe.each(NOTICE_KINDS.flatMap((kind) => NOTICE_LOCALES.map((locale) => [kind, locale] as const)))('%s in %s', (kind, locale) => {
    const notice = renderNotice(kind, locale, context(kind));

    it('has a subject, a plain text and an HTML body naming the organisation and the portal address', () => {
      expect(notice.subject.length).toBeGreaterThan(5);
      expect(notice.subject).not.toMatch(/[\r\n]/);
      expect(notice.text).toContain(ORG);
      expect(notice.text).toContain(PORTAL);
      expect(notice.html).toContain(ORG);
      expect(notice.html).toContain(`href="${PORTAL}"`);
    });

    it('is a complete HTML document in the notice language that loads nothing from elsewhere', () => {
      expect(notice.html).toMatch(/^<!DOCTYPE html>\n<html lang="(da|en)">/);
      expect(notice.html).toContain(`<html lang="${locale}">`);
      expect(notice.html).toContain('<meta charset="utf-8">');
      expect(notice.html).not.toMatch(/<(img|script|link|iframe|style)\b/i);
      expect(notice.html).not.toMatch(/\bsrc=/i);
      expect(notice.html).not.toMatch(/url\(/i);
    });

    it(withLink(kind) ? 'carries the one-time link' : 'carries no link token', () => {
      if (withLink(kind)) {
        expect(notice.text).toContain(LINK);
        expect(notice.html).toContain(`href="${LINK}"`);
      } else {
        expect(notice.text).not.toContain('token');
        // The only address in it is the portal's.
        expect(notice.html.match(/href="([^"]*)"/g)?.every((h) => h === `href="${PORTAL}"`)).toBe(true);
        expect(notice.text.match(/https?:\/\/\S+/g)?.every((u) => u.startsWith(PORTAL))).toBe(true);
      }
    });
  });

  it('says the generic sentence and where to log in for a bundle notice, in Danish and English', () => {
    const da = renderNotice('bundle_notice', 'da', context('bundle_notice'));
    expect(da.subject).toBe('Du har modtaget en sikker besked');
    expect(da.text).toContain(`Log ind på ${PORTAL} for at læse den.`);
    const en = renderNotice('bundle_notice', 'en', context('bundle_notice'));
    expect(en.subject).toBe('You have received a secure message');
    expect(en.text).toContain(`Log in at ${PORTAL} to read it.`);
  });

  it('tells how long the activation link works and that it works once', () => {
    expect(renderNotice('activation', 'da', context('activation')).text).toContain(`${ACTIVATION_LINK_VALID_HOURS} timer og kan kun bruges én gang`);
    expect(renderNotice('activation', 'en', context('activation')).text).toContain(`${ACTIVATION_LINK_VALID_HOURS} hours and can only be used once`);
    expect(renderNotice('activation', 'da', context('activation')).subject).toBe('Aktivér din sikre adgang');
  });

  it('tells a reset reader to ignore the mail if they did not ask, and that the link is short-lived', () => {
    expect(renderNotice('password_reset', 'da', context('password_reset')).text).toMatch(/kort tid[\s\S]*Har du ikke bedt om en ny adgangskode\? Så kan du se bort fra denne mail/);
    expect(renderNotice('password_reset', 'en', context('password_reset')).text).toMatch(/limited time[\s\S]*Did you not ask for a new password\? Then you can ignore this e-mail/);
  });

  it('tells a locked-out reader to contact the organisation if it was not them', () => {
    expect(renderNotice('login_lockout', 'da', context('login_lockout')).text).toContain(`Var det ikke dig, der prøvede at logge ind? Så kontakt ${ORG}.`);
    expect(renderNotice('login_lockout', 'en', context('login_lockout')).text).toContain(`Then please contact ${ORG}.`);
  });

  it('writes Danish when the locale is not one it knows', () => {
    const notice = renderNotice('bundle_notice', 'xx' as 'da', context('bundle_notice'));
    expect(notice.subject).toBe('Du har modtaget en sikker besked');
    expect(notice.html).toContain('<html lang="da">');
  });

  it('refuses a link on a kind that must not carry one', () => {
    for (const kind of ['bundle_notice', 'login_lockout'] as const) {
      expect(() => renderNotice(kind, 'da', { orgName: ORG, portalUrl: PORTAL, link: LINK })).toThrow(/must not carry a link/);
    }
  });

  it('refuses an activation or reset notice without its link', () => {
    for (const kind of ['activation', 'password_reset'] as const) {
      expect(() => renderNotice(kind, 'en', { orgName: ORG, portalUrl: PORTAL })).toThrow(/needs a link/);
      expect(() => renderNotice(kind, 'en', { orgName: ORG, portalUrl: PORTAL, link: '' })).toThrow(/needs a link/);
    }
  });

  it('refuses a link that is not a web address', () => {
    expect(() => renderNotice('activation', 'da', { orgName: ORG, portalUrl: PORTAL, link: 'javascript:alert(1)' })).toThrow(/http\(s\) URL/);
  });

  it('keeps markup in the organisation name as text in the HTML, and as it is in the plain text', () => {
    const orgName = '<script>alert("x")</script> & Søn';
    for (const kind of NOTICE_KINDS) {
      const notice = renderNotice(kind, 'da', { ...context(kind), orgName });
      expect(notice.html).not.toContain('<script>');
      expect(notice.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Søn');
      expect(notice.text).toContain(orgName);
    }
  });

  it('escapes an address that holds quotes or angle brackets in the href', () => {
    const link = 'https://liste.example.dk/portal/reset?token=a"><b>x';
    const notice = renderNotice('password_reset', 'en', { orgName: ORG, portalUrl: PORTAL, link });
    expect(notice.html).toContain('href="https://liste.example.dk/portal/reset?token=a&quot;&gt;&lt;b&gt;x"');
    expect(notice.html).not.toContain('<b>');
  });

  it('shows the organisation logo (an inline image) only in the activation mail’s HTML, never in the text', () => {
    const activation = renderNotice('activation', 'en', { ...context('activation'), withLogo: true });
    expect(activation.html).toContain(`<img src="cid:${LOGO_CID}" alt="${ORG}"`);
    expect(activation.text).not.toMatch(/cid:|<img/);
    expect(renderNotice('activation', 'en', context('activation')).html).not.toContain('<img');
    for (const kind of ['password_reset', 'bundle_notice', 'login_lockout'] as const) {
      expect(renderNotice(kind, 'da', { ...context(kind), withLogo: true }).html).not.toContain('<img');
    }
  });
});
