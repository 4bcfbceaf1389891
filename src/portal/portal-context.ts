import type { Request, Response } from 'express';
import { readCookie } from '../common/web/cookies.js';
import type { MemberSession } from '../member-accounts/member-auth.service.js';
import type { PageContext } from './views/layout.js';
import { TEXTS, type Locale } from './views/portal-texts.js';

export const LANG_COOKIE = 'lb_lang';
export const MEMBER_COOKIE = 'lb_member';

export type PortalRequest = Request & { memberSession?: MemberSession };

const isLocale = (v: unknown): v is Locale => v === 'da' || v === 'en';

/** `?lang=` switches and is remembered in a cookie; then the member's own choice; Danish by default. */
export function resolveLocale(req: Request, res: Response, session?: MemberSession): Locale {
  const asked = req.query.lang;
  if (isLocale(asked)) {
    res.cookie(LANG_COOKIE, asked, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 365 * 24 * 3600_000 });
    return asked;
  }
  const remembered = readCookie(req, LANG_COOKIE);
  if (isLocale(remembered)) return remembered;
  return session?.locale ?? 'da';
}

export function pageContext(req: PortalRequest, res: Response, orgName: string): PageContext {
  const session = req.memberSession;
  const locale = resolveLocale(req, res, session);
  return {
    locale,
    t: TEXTS[locale],
    orgName,
    csrfToken: (res.locals as { csrfToken?: string }).csrfToken ?? '',
    path: req.path,
    loggedIn: !!session && !session.secondFactorPending,
  };
}

export function sendPage(res: Response, page: string, status = 200): void {
  res.status(status).type('html').send(page);
}
