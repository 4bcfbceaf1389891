import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { readCookie } from './cookies.js';

export const CSRF_COOKIE = 'lb_csrf';
/** The header a script (or an API client using the staff cookie) sends the token in. */
export const CSRF_HEADER = 'x-csrf-token';
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Upload forms: their multipart body is parsed by the handler (the file must not be buffered before
 * the session is known), and the handler checks the form's token with `csrfValid` right after. Every
 * other multipart request to the pages needs the token in the header.
 */
const UPLOAD_ROUTES = [/^\/console\/netvaerk\/[0-9a-f-]{36}\/import$/];

const sign = (secret: string, value: string) => createHmac('sha256', secret).update(`csrf:${value}`).digest('base64url');

const isMultipart = (req: Request) => /^multipart\/form-data/i.test(req.headers['content-type'] ?? '');

export const isSafeMethod = (req: Request) => SAFE_METHODS.has(req.method);

function matches(secret: string, req: Request, given: unknown): boolean {
  const value = readCookie(req, CSRF_COOKIE);
  if (value === undefined || !COOKIE_VALUE.test(value)) return false;
  const expected = Buffer.from(sign(secret, value));
  return typeof given === 'string' && given.length === expected.length && timingSafeEqual(Buffer.from(given), expected);
}

/** Whether the form's `_csrf` (or the header) matches the cookie; upload handlers call it after parsing. */
export function csrfValid(secret: string, req: Request): boolean {
  return matches(secret, req, (req.body as Record<string, unknown> | undefined)?._csrf) || matches(secret, req, req.headers[CSRF_HEADER]);
}

/**
 * For the JSON API with the staff cookie: the token header, or a request the browser marks as coming
 * from this site (`Sec-Fetch-Site: same-origin`, or an `Origin` that is ours). A cross-site page can
 * set neither. Bearer tokens never reach this: a browser does not add them by itself.
 */
export function apiWriteAllowed(secret: string, req: Request, ownOrigins: string[]): boolean {
  if (matches(secret, req, req.headers[CSRF_HEADER])) return true;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin';
  const origin = req.headers.origin;
  return typeof origin === 'string' && (ownOrigins.includes(origin) || origin === `${req.protocol}://${req.headers.host ?? ''}`);
}

/** A new cookie value (at login: a token seen before the login is worthless after it); answers the new token. */
export function rotateCsrf(res: Response, secure: boolean, secret: string): string {
  const value = randomBytes(32).toString('base64url');
  res.cookie(CSRF_COOKIE, value, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
  const token = sign(secret, value);
  (res.locals as { csrfToken?: string }).csrfToken = token;
  return token;
}

/** The token for the request's cookie, or undefined without one. */
export function csrfTokenOf(secret: string, req: Request): string | undefined {
  const value = readCookie(req, CSRF_COOKIE);
  return value !== undefined && COOKIE_VALUE.test(value) ? sign(secret, value) : undefined;
}

/**
 * Signed double-submit: a random value in an HttpOnly, SameSite=Strict cookie, and its HMAC
 * (keyed with the session secret) in every form. Every request that is not GET/HEAD/OPTIONS must
 * carry it, whatever its content type (a form field, or the header); one that does not is refused
 * before any handler runs. Works the same logged in or out, so login and activation are covered.
 */
export function csrfProtection(secret: string, secure: boolean, refuse: (req: Request, res: Response) => void) {
  return (req: Request, res: Response, next: NextFunction): void => {
    let value = readCookie(req, CSRF_COOKIE);
    const known = value !== undefined && COOKIE_VALUE.test(value);
    const upload = isMultipart(req) && UPLOAD_ROUTES.some((r) => r.test(req.originalUrl.split('?')[0]));
    if (!isSafeMethod(req) && !upload && !csrfValid(secret, req)) {
      refuse(req, res);
      return;
    }
    if (!known) {
      value = randomBytes(32).toString('base64url');
      res.cookie(CSRF_COOKIE, value, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
    }
    (res.locals as { csrfToken?: string }).csrfToken = sign(secret, value!);
    next();
  };
}
