import type { Request, Response } from 'express';
import { readCookie } from './cookies.js';

export type Locale = 'da' | 'en';

const LANG_COOKIE = 'lb_lang';
const isLocale = (v: unknown): v is Locale => v === 'da' || v === 'en';

/**
 * The page language: `?lang=` switches and is remembered in a cookie; then the cookie; then the
 * fallback (a member's own choice); Danish by default. Shared by the portal and the console.
 */
export function resolveLocale(req: Request, res: Response, fallback: Locale = 'da'): Locale {
  const asked = req.query.lang;
  if (isLocale(asked)) {
    res.cookie(LANG_COOKIE, asked, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 365 * 24 * 3600_000 });
    return asked;
  }
  const remembered = readCookie(req, LANG_COOKIE);
  return isLocale(remembered) ? remembered : fallback;
}

/**
 * The request's path, safe to put in a link on the page: one leading slash (`//host/x` in a link
 * leaves the site), no backslashes (browsers read them as slashes), no query. Links such as the
 * language switch are built from it, never from the raw request.
 */
export function localPath(req: Request): string {
  const raw = (req.originalUrl || req.url || '/').split(/[?#]/)[0];
  const path = raw.replace(/\\/g, '/').replace(/\/{2,}/g, '/');
  return /^\/[A-Za-z0-9\-._~%/]*$/.test(path) ? path : '/';
}

/** A form field's text, or '' when it is missing or not text (a repeated field arrives as an array). */
export const formText = (value: unknown): string => (typeof value === 'string' ? value : '');
