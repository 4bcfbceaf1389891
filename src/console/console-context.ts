import type { Request, Response } from 'express';
import type { StaffActor } from '../common/actor.js';
import { readCookie } from '../common/web/cookies.js';
import { CONSOLE_TEXTS, type Locale } from './views/console-texts.js';
import type { ConsoleContext } from './views/console-layout.js';

export type ConsoleRequest = Request & { staff?: StaffActor };

const LANG_COOKIE = 'lb_lang';
const isLocale = (v: unknown): v is Locale => v === 'da' || v === 'en';

export function consoleContext(req: ConsoleRequest, res: Response, orgName: string): ConsoleContext {
  let locale: Locale = 'da';
  if (isLocale(req.query.lang)) {
    locale = req.query.lang;
    res.cookie(LANG_COOKIE, locale, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 365 * 24 * 3600_000 });
  } else {
    const remembered = readCookie(req, LANG_COOKIE);
    if (isLocale(remembered)) locale = remembered;
  }
  return {
    locale,
    t: CONSOLE_TEXTS[locale],
    orgName,
    csrfToken: (res.locals as { csrfToken?: string }).csrfToken ?? '',
    path: req.path,
    role: req.staff?.role ?? null,
  };
}

export function sendPage(res: Response, page: string, status = 200): void {
  res.status(status).type('html').send(page);
}
